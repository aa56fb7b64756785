"""Measures: a number and its unit (25°C, 2GB, 220V, 50Hz, 1,5 ha, 5 triệu km, 3kg), heights (1m75) and rates
(92 km/h → … ki lô mét một giờ, 0,52 mg/l → … mi li gam trên lít, 62.000 đồng/kg → … đồng một ki lô gam)."""

from __future__ import annotations

import re

from broadcast.speech.numbers import MAGNITUDES, NUMBER, cardinal, read_amount

# Written after a number, case as written. Units whose case carries no meaning are also in CASELESS.
UNITS = {
    "km": "ki lô mét", "m": "mét", "dm": "đề xi mét", "cm": "xen ti mét", "mm": "mi li mét", "µm": "mi crô mét",
    "μm": "mi crô mét", "nm": "na nô mét", "kg": "ki lô gam", "g": "gam", "mg": "mi li gam", "l": "lít",
    "ml": "mi li lít", "ha": "héc ta", "m2": "mét vuông", "m²": "mét vuông", "km2": "ki lô mét vuông",
    "km²": "ki lô mét vuông", "cm2": "xen ti mét vuông", "cm²": "xen ti mét vuông", "mm2": "mi li mét vuông",
    "mm²": "mi li mét vuông", "m3": "mét khối", "m³": "mét khối", "cm3": "xen ti mét khối", "cm³": "xen ti mét khối",
    "km3": "ki lô mét khối", "km³": "ki lô mét khối", "%": "phần trăm", "‰": "phần nghìn", "°C": "độ xê",
    "°F": "độ ép", "°K": "độ ca", "°": "độ", "V": "vôn", "v": "vôn", "kV": "ki lô vôn", "mV": "mi li vôn", "mA": "mi li am pe",
    "W": "oát", "kW": "ki lô oát", "MW": "mê ga oát", "GW": "gi ga oát", "TW": "tê ra oát", "Wh": "oát giờ",
    "kWh": "ki lô oát giờ", "MWh": "mê ga oát giờ", "GWh": "gi ga oát giờ", "Hz": "héc", "kHz": "ki lô héc",
    "MHz": "mê ga héc", "GHz": "gi ga héc", "KB": "ki lô bai", "kB": "ki lô bai", "MB": "mê ga bai",
    "GB": "gi ga bai", "TB": "tê ra bai", "Mb": "mê ga bít", "Gb": "gi ga bít", "kbps": "ki lô bít trên giây",
    "Mbps": "mê ga bít trên giây", "Gbps": "gi ga bít trên giây", "hp": "mã lực", "HP": "mã lực",
    "CV": "mã lực", "inch": "inch", "dB": "đề xi ben", "cc": "xê xê", "kcal": "ki lô ca lo", "ms": "mi li giây",
}
# Any case of these is the same unit (2gb, 2GB; 50hz, 50Hz; 100 KM/H).
CASELESS = ("km", "kg", "cm", "mm", "ml", "mg", "m2", "km2", "m3", "°C", "°F", "°K", "kV", "mV", "kW", "MW", "GW",
            "TW", "kWh", "Hz", "kHz", "MHz", "GHz", "KB", "GB", "TB", "kbps", "Mbps", "Gbps", "hp", "inch", "cc")
# After a slash only: the unit of a rate.
PER_ONLY = {"h": "giờ", "giờ": "giờ", "s": "giây", "giây": "giây", "min": "phút", "phút": "phút", "ph": "phút",
            "ngày": "ngày", "tháng": "tháng", "năm": "năm", "lít": "lít"}
# A rate over a volume is read 'trên' (mg/l: a concentration); other rates 'một' (km/h, đồng/kg, tạ/ha).
OVER_VOLUME = ("l", "ml", "lít", "m3", "m³", "cm3", "cm³", "dl")
# Vietnamese unit words that take a rate after a slash (65,2 tạ/ha, 5 triệu đồng/người/tháng).
WORD_UNITS = ("đồng", "tạ", "tấn", "lít", "người", "con", "lượt", "suất", "đô la", "đô", "cây", "quả", "bao")

_CASELESS = {u.lower(): UNITS[u] for u in CASELESS}


def unit_name(written: str) -> str | None:
    return UNITS.get(written) or _CASELESS.get(written.lower()) or PER_ONLY.get(written.lower())


def _alternatives(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))


UNIT = "(?:" + _alternatives(UNITS) + "|(?i:" + _alternatives(CASELESS) + "))"
PER = r"(?:\s?/\s?(?:" + UNIT + "|(?i:" + _alternatives(PER_ONLY) + r")|[a-zà-ỹđ]+)(?![\w]))"
MAGNITUDE = _alternatives(MAGNITUDES)


def per(rates: str) -> str:
    """'/kg/tháng' → ' một ki lô gam một tháng'; '/l' → ' trên lít'."""
    spoken = ""
    for written in re.findall(r"/\s?([^\s/]+)", rates):
        name = unit_name(written) or written
        spoken += f" {'trên' if written in OVER_VOLUME else 'một'} {name}"
    return spoken


_HEIGHT = re.compile(r"(?<![\w.,])(\d)m(\d{2})(?!\w)")
_MEASURE = re.compile(r"(?<![\w.,/])(-?(?:" + NUMBER + r"))(?:\s?(" + MAGNITUDE + r"))?\s?(" + UNIT + r")(?![\w°])(" + PER + r"*)")
_WORD_RATE = re.compile(r"(?<!\w)(" + _alternatives(WORD_UNITS) + r")(" + PER + r"+)")


_QUANTITY_WORDS = ("nghìn", "ngàn", "vạn", "triệu", "tỷ", "tỉ", "trăm", "chục", "vài", "mấy", "nhiều")
_UNIT_AFTER_WORD = re.compile(r"(?<!\w)(" + _alternatives(_QUANTITY_WORDS) + r") (" + _alternatives(
    [u for u in UNITS if len(u) > 1 and u[0].isalpha()]) + r"|(?i:" + _alternatives(CASELESS) + r"))(?![\w°])")


def units_after_words(text: str) -> str:
    """hàng chục triệu km, vài trăm ha: a unit after a quantity said in words (digits were read before)."""
    return _UNIT_AFTER_WORD.sub(lambda m: f"{m.group(1)} {unit_name(m.group(2))}", text)


def heights(text: str) -> str:
    """1m75 → một mét bảy mươi lăm."""
    return _HEIGHT.sub(lambda m: f"{cardinal(m.group(1))} mét {cardinal(m.group(2))}", text)


def measures(text: str) -> str:
    def read(m: re.Match[str]) -> str:
        unit = unit_name(m.group(3))
        return f"{read_amount(m.group(1), magnitude=m.group(2) or '')} {unit}{per(m.group(4))}"

    text = _MEASURE.sub(read, text)
    return _WORD_RATE.sub(lambda m: m.group(1) + per(m.group(2)), text)
