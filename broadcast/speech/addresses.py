"""Addresses: e-mail and web addresses, IP addresses, telephone numbers, codes, and the short forms of postal
addresses (q. Cầu Giấy, p. Dịch Vọng, kp. 4).

An e-mail or web address is read out as a newsreader spells it: abc@gmail.com → a bê xê a còng gmail chấm com,
ttv.vn → tê tê vê chấm vê nờ. Digits in addresses, telephones and codes are read one by one.
"""

from __future__ import annotations

import re

from broadcast.speech import fallbacks
from broadcast.speech.abbreviations import spell_lower
from broadcast.speech.numbers import digit_by_digit
from broadcast.speech.syllable import is_syllable

TOP_LEVEL_DOMAINS = ("com", "net", "org", "vn", "gov", "edu", "info", "io", "ai", "biz", "app", "dev", "me", "tv",
                     "uk", "us", "jp", "cn", "fr", "de", "co", "asia", "int", "mil")
# Parts of addresses with a settled reading; other parts are kept when they are a Vietnamese syllable or a longer
# word (a name: google, vnexpress) and spelled when short (abc, cskh).
ADDRESS_WORDS = {
    "www": "vê kép vê kép vê kép", "http": "hát tê tê pê", "https": "hát tê tê pê ét", "ftp": "ép tê pê",
    "vn": "vê nờ", "org": "o rờ gờ", "gov": "gờ o vê", "edu": "e đê u", "io": "i o", "ai": "a i", "tv": "tê vê",
    "co": "xê o", "com": "com", "net": "net", "info": "in phô", "gmail": "gmail",
}
SEPARATORS = {".": "chấm", "@": "a còng", "-": "gạch", "_": "gạch dưới", "/": "gạch chéo", ":": "hai chấm",
              "?": "chấm hỏi", "=": "bằng", "&": "và", "#": "thăng", "~": "ngã", "+": "cộng", "%": "phần trăm"}
# Short forms of address parts, lower case, before a name or a number (tp. Hà Nội, q.Cầu Giấy, kp. 4).
ADDRESS_SHORT_FORMS = {"tp": "thành phố", "q": "quận", "p": "phường", "h": "huyện", "x": "xã", "tx": "thị xã",
                       "tt": "thị trấn", "kp": "khu phố", "ấp": "ấp"}
# After these a short number is dialled, not counted: tổng đài 1022, đường dây nóng 113.
PHONE_WORDS = ("tổng đài", "đường dây nóng", "hotline", "số điện thoại", "điện thoại", "số máy", "gọi số")
CODE_WORDS = ("mã", "mã số", "mã bưu chính", "mã đơn", "mã hàng", "mã số thuế", "số hiệu", "số tài khoản",
              "tài khoản", "số hợp đồng", "mã vạch", "số seri", "số sê ri")

# Country calling codes: 1 and 7 alone, these two-digit ones, and three digits otherwise (+855, +886).
TWO_DIGIT_COUNTRY_CODES = ("20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
                           "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
                           "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98")
COUNTRY_CODE = "[17]|" + "|".join(TWO_DIGIT_COUNTRY_CODES) + r"|\d{3}"
_TLD = "|".join(TOP_LEVEL_DOMAINS)
_EMAIL = re.compile(r"(?<![\w.@])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL = re.compile(r"(?<![\w@])(?:(?:https?|ftp)://|www\.)[^\s,;()<>\"“”]+|(?<![\w@./])(?:[A-Za-z0-9-]+\.)+(?:" + _TLD
                  + r")(?![\w-])(?:/[^\s,;()<>\"“”]*)?", re.IGNORECASE)


def read_address(written: str) -> str:
    """Any e-mail or web address, part by part."""
    written = written.rstrip(".,;:!?)/") if not written.endswith("//") else written
    spoken: list[str] = []
    for part in re.findall(r"[^\W\d_]+|\d+|.", written.lower()):
        if part.isdigit():
            spoken.append(digit_by_digit(part))
        elif part in ADDRESS_WORDS:
            spoken.append(ADDRESS_WORDS[part])
        elif part.isalpha():
            if is_syllable(part) and len(part) > 1:
                spoken.append(part)
            elif len(part) <= 3 or not re.search(r"[aeiouy]", part) or (len(part) == 4 and re.search(r"[^aeiouy]{3}", part)):
                spoken.append(spell_lower(part))
                fallbacks.note(fallbacks.SPELLED, part, spoken[-1])
            else:
                spoken.append(part)
                fallbacks.note(fallbacks.AS_WRITTEN, part, part)
        elif part in SEPARATORS:
            spoken.append(SEPARATORS[part])
    return " ".join(spoken)


def _trailing(written: str) -> str:
    """Sentence punctuation glued to an address ('… tại ttv.vn.') is not part of it."""
    stripped = written.rstrip(".,;:!?)")
    return written[len(stripped):]


_MAYBE_ADDRESS = re.compile(r"@|://|www\.|\.(?:" + _TLD + r")(?![\w-])", re.IGNORECASE)


def electronic(text: str) -> str:
    if not _MAYBE_ADDRESS.search(text):
        return text

    def read(m: re.Match[str]) -> str:
        return read_address(m.group(0)) + _trailing(m.group(0))

    text = _EMAIL.sub(read, text)
    return _URL.sub(read, text)


_IP = re.compile(r"(?<![\w.,])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|[.,]\d)")
_GROUP = r"[\s.-]?\d{2,4}"
_INTERNATIONAL = re.compile(r"(?<![\w+])\+(" + COUNTRY_CODE + r")((?:[\s.-]?\d{1,4}){2,6})(?![\w]|[.,]\d)")
_DOMESTIC = re.compile(r"(?<![\w.,+/-])0\d{0,3}(?:[\s.-]\d{1,4}){2,5}(?![\w]|[.,-]?\d)|(?<![\w.,+/-])0\d{8,10}(?![\w]|[.,]\d)")
_HOTLINE = re.compile(r"(?<![\w.,])1[89]00[\s.]?\d{3,4}(?![\w]|[.,]\d)")
_CARD = re.compile(r"(?<![\w.,])\d{4,6}(?: \d{4,6}){2,3}(?![\w]|[.,]\d)")
_CODE = re.compile(r"(?i)(?<!\w)(" + "|".join(sorted(CODE_WORDS, key=len, reverse=True)) + r")((?: [^\W\d_]+){0,2}"
                   r":?\s+)(\d{4,})(?![\w.,]?\d|\s?[đ₫$%])")


_SERVICE = re.compile(r"(?i)(?<!\w)(" + "|".join(sorted(PHONE_WORDS, key=len, reverse=True)) + r")(:?\s+(?:số\s+)?)"
                      r"(\d{3,5})(?![\w.,]?\d)")


def _groups(written: str) -> str:
    return ", ".join(digit_by_digit(g) for g in re.split(r"[\s.-]+", written.strip()) if g)


def telephones(text: str) -> str:
    """0237.3852.444, 093-655-5449, 0912345678, +84 912 345 678, 1900 1234, tổng đài 1022: digit by digit, a
    pause between groups; codes after 'mã' (mã bưu chính 700000) and IP addresses (192.168.0.1) too."""
    def ip(m: re.Match[str]) -> str:
        groups = m.groups()
        if any(int(g) > 255 for g in groups) or all(len(g) == 3 for g in groups[1:]):
            return m.group(0)  # 255.255.255.255 is also a grouped number: left to the numbers
        return " chấm ".join(digit_by_digit(g) for g in groups)

    def domestic(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return _groups(m.group(0)) if 9 <= len(digits) <= 11 else m.group(0)

    def international(m: re.Match[str]) -> str:
        return f"cộng {digit_by_digit(m.group(1))}, {_groups(m.group(2))}"

    text = _IP.sub(ip, text)
    text = _INTERNATIONAL.sub(international, text)
    text = _HOTLINE.sub(lambda m: _groups(m.group(0)), text)
    text = _DOMESTIC.sub(domestic, text)
    text = _SERVICE.sub(lambda m: m.group(1) + m.group(2) + digit_by_digit(m.group(3)), text)
    text = _CARD.sub(lambda m: _groups(m.group(0)) if len(re.sub(r"\D", "", m.group(0))) >= 12 else m.group(0), text)
    return _CODE.sub(lambda m: m.group(1) + m.group(2) + digit_by_digit(m.group(3)), text)


_SHORT_FORM = re.compile(r"(?<![\w.])(" + "|".join(sorted(ADDRESS_SHORT_FORMS, key=len, reverse=True))
                         + r")\.\s?(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ]|\d)|(?<![\w.])([QP])\.\s?(?=\d)")


def short_forms(text: str) -> str:
    """tp. Hà Nội → thành phố Hà Nội; q.Cầu Giấy → quận Cầu Giấy; kp. 4 → khu phố 4; Q.1 → quận 1."""
    def read(m: re.Match[str]) -> str:
        return ADDRESS_SHORT_FORMS[(m.group(1) or m.group(2)).lower()] + " "

    return _SHORT_FORM.sub(read, text)
