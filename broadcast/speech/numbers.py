"""Numbers read the way a Vietnamese newsreader reads them.

Whole numbers are read by g2p-hamster's `vi_cardinal` (2023 → hai nghìn không trăm hai mươi ba, 1.200 → một
nghìn hai trăm); everything around them (what the digits are: a date, a time, a phone number, a document number,
a decimal, a range, a Roman numeral) is decided by the rules below.
"""

from __future__ import annotations

import re

from g2p_hamster.t0.numbers import vi_cardinal  # pinned: g2p-hamster==0.2.8 (module path is internal)

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = {4: "tư"}  # tháng tư, not tháng bốn; the others read as cardinals
ORDINALS = {1: "nhất", 4: "tư"}  # thứ nhất, thứ tư; the others read as cardinals
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

# Words after which a Roman numeral is a number (lower case, tone placement unified).
ROMAN_AFTER = ("lần thứ", "khóa", "thế kỷ", "kỳ họp thứ", "thứ", "phần", "chương", "quân khu", "đợt", "quý", "vùng",
               "cấp", "loại", "hạng", "tập", "giai đoạn")


def cardinal(digits: str) -> str:
    """A whole number written with or without Vietnamese grouping dots: '1.200' → một nghìn hai trăm."""
    return vi_cardinal(int(digits.replace(".", "")))


def digit_by_digit(digits: str) -> str:
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def decimal(whole: str, fraction: str) -> str:
    """3,5 → ba phẩy năm; 0,25 → không phẩy hai mươi lăm; 0,05 → không phẩy không năm; 3,125 digit by digit."""
    if len(fraction) <= 2 and not fraction.startswith("0"):
        tail = vi_cardinal(int(fraction))
    else:
        tail = digit_by_digit(fraction)
    return f"{cardinal(whole)} phẩy {tail}"


def month(m: int) -> str:
    return MONTHS.get(m, vi_cardinal(m))


def ordinal(n: int) -> str:
    return ORDINALS.get(n, vi_cardinal(n))


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral (I … MMMCMXCIX), else None."""
    if not numeral or any(ch not in ROMAN for ch in numeral):
        return None
    total = 0
    for a, b in zip(numeral, numeral[1:] + " "):
        value = ROMAN[a]
        total += -value if b != " " and ROMAN[b] > value else value
    return total if to_roman(total) == numeral else None


def to_roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


# ---------------------------------------------------------------- steps (str → str), applied in this order

_NUM = r"\d{1,3}(?:\.\d{3})+|\d+"  # 1.200 / 152.000 / 2023
_B = r"(?<![\w.,/])"  # a number starts here: not inside a word, a decimal or a date
_E = r"(?![\w]|[.,/]\d)"  # and ends here


def phone_numbers(text: str) -> str:
    """0237.3852.444, 0237 3856 789, 0912.345.678 → digit by digit, a short pause between groups."""
    def read(m: re.Match[str]) -> str:
        return ", ".join(digit_by_digit(g) for g in re.split(r"[. ]", m.group(0)))

    text = re.sub(_B + r"1[89]00[. ]?\d{3,4}" + _E, read, text)  # hotlines 1800 …, 1900 …
    return re.sub(_B + r"0\d{2,3}(?:[. ]\d{3,4}){2}" + _E, read, text)


def number_ranges(text: str) -> str:
    """15 – 18 triệu, 2020 – 2025, 5-7/6: a dash between two numbers is read 'đến'."""
    return re.sub(r"(?<=\d)\s*[–—-]\s*(?=\d)", " đến ", text)


def document_numbers(text: str) -> str:
    """Nghị định 100/2019/NĐ-CP → 100 năm 2019 NĐ-CP: the year inside a document number is read 'năm'."""
    return re.sub(_B + r"(\d+)/(\d{4})/(?=[^\W\d])", r"\1 năm \2 ", text)


def dates(text: str) -> str:
    """12/3 → mười hai tháng ba; 15/1/2025 → … tháng một năm …; tháng 6/2024 → tháng sáu năm …"""
    def day_month(m: re.Match[str]) -> str:
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return m.group(0)
        spoken = f"{vi_cardinal(d)} tháng {month(mo)}"
        return spoken + (f" năm {cardinal(y)}" if y else "")

    def month_year(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return m.group(0)
        return f"{m.group(1)} {month(mo)} năm {cardinal(m.group(3))}"

    text = re.sub(r"(?i)(tháng)\s+(\d{1,2})/(\d{4})" + _E, month_year, text)
    return re.sub(_B + r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?" + _E, day_month, text)


def times(text: str) -> str:
    """10h30 → mười giờ ba mươi; 21h → hai mươi mốt giờ; 24/24h → hai mươi bốn trên hai mươi bốn giờ."""
    def read(m: re.Match[str]) -> str:
        h, mins = int(m.group(1)), m.group(2)
        if h > 24 or (mins and int(mins) > 59):
            return m.group(0)
        return f"{vi_cardinal(h)} giờ" + (f" {vi_cardinal(int(mins))}" if mins and int(mins) else "")

    return re.sub(r"(?<![\w.,])(\d{1,2})h(\d{2})?(?!\w)", read, text)


def fractions(text: str) -> str:
    """24/24 → hai mươi bốn trên hai mươi bốn (a slash between numbers that is not a date)."""
    return re.sub(r"(?<=\d)/(?=\d)", " trên ", text)


def decimals(text: str) -> str:
    return re.sub(_B + r"(" + _NUM + r"),(\d+)" + _E, lambda m: decimal(m.group(1), m.group(2)), text)


def leading_zeros(text: str) -> str:
    """Đề án 06, Quyết định số 0123: a number written with a leading zero is a label, read digit by digit."""
    return re.sub(_B + r"0\d+" + _E, lambda m: digit_by_digit(m.group(0)), text)


def ordinals(text: str) -> str:
    """lần thứ 4 → lần thứ tư; thứ 1 → thứ nhất."""
    return re.sub(r"(?i)(?<!\w)(thứ)\s+(\d+)" + _E, lambda m: f"{m.group(1)} {ordinal(int(m.group(2)))}", text)


def roman_numerals(text: str) -> str:
    """Đại hội … lần thứ XIII → mười ba; khóa XV; thế kỷ XIV; lần thứ I → thứ nhất."""
    after = "|".join(re.escape(w) for w in sorted(ROMAN_AFTER, key=len, reverse=True))

    def read(m: re.Match[str]) -> str:
        value = roman_value(m.group(2))
        if value is None:
            return m.group(0)
        word, year = m.group(1), m.group(3)
        spoken = f"{word} {ordinal(value) if word.lower().endswith('thứ') else vi_cardinal(value)}"
        return spoken + (f" năm {cardinal(year)}" if year else "")

    return re.sub(r"(?i)(?<!\w)(" + after + r")\s+(?-i:([IVXLCDM]+))(?:/(\d{4}))?(?!\w)", read, text)


def cardinals(text: str) -> str:
    return re.sub(_B + r"(" + _NUM + r")" + _E, lambda m: cardinal(m.group(1)), text)


def digits_then_letters(text: str) -> str:
    """Quốc lộ 1A → 1 A: the letter is then spelled, the number read."""
    return re.sub(r"(?<![\w.,])(\d+)([A-ZĐ])(?![\w])", r"\1 \2", text)


def leftover_digits(text: str) -> str:
    """Digits no rule above read, never left for the voice to guess: glued to letters (U23 → U hai mươi ba,
    F0 → F không, H5N1 → H năm N một; the letters are spelled later) or dotted (4.0 → bốn chấm không).
    Each run is read on its own, digit by digit when it starts with 0."""
    text = re.sub(r"(?<=\d)\.(?=\d)", " chấm ", text)
    text = re.sub(r"(?<=\d),(?=\d)", " phẩy ", text)

    def read(m: re.Match[str]) -> str:
        digits = m.group()
        return f" {digit_by_digit(digits) if digits[0] == '0' and len(digits) > 1 else cardinal(digits)} "

    return re.sub(r"\d+", read, text)
