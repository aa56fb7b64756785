"""Numbers read the way a Vietnamese newsreader reads them.

Whole numbers below 10^12 are read by g2p-hamster's `vi_cardinal` (2023 → hai nghìn không trăm hai mươi ba);
larger ones are cut at tỷ (1.000 tỷ, một tỷ tỷ). The rules below decide what the digits are: a score or a
formation, a range, a product, a decimal (written 3,5 the Vietnamese way or 3.5 the English way), a grouped
number (1.234.567, 1,234,567, 1 000 000), an ordinal, a Roman numeral, a label with a leading zero.
Dates, times, money, measures and addresses have their own modules; they run before these steps.
"""

from __future__ import annotations

import re

from g2p_hamster.t0.numbers import vi_cardinal  # pinned: g2p-hamster==0.2.8 (module path is internal)

from broadcast.speech import fallbacks

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
ORDINALS = {1: "nhất", 4: "tư"}  # thứ nhất, hạng tư; the others read as cardinals
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
MAGNITUDES = {"nghìn": 10**3, "ngàn": 10**3, "vạn": 10**4, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
SHORTHAND = {"k": "nghìn", "tr": "triệu"}  # 50k, 2tr5 ('t' is left alone: tỷ or tấn?)

# Heads after which a Roman numeral is a number (lower case, tone placement unified). "thứ" heads read ordinals.
ROMAN_HEADS = (
    "lần thứ", "kỳ họp thứ", "thứ", "khóa", "thế kỷ", "thế kỉ", "thế chiến", "chiến tranh thế giới", "đại hội",
    "hội nghị", "phần", "chương", "mục", "khoản", "đoạn", "phụ lục", "hồi", "tập", "quyển", "bài", "số", "quân khu",
    "quân đoàn", "đợt", "quý", "vùng", "cấp", "loại", "hạng", "giai đoạn", "kỳ", "hiệp", "năm",
)
# After these, a lower-case numeral (chương iv, khoản vi) is read too.
ROMAN_LOWER_HEADS = ("thứ", "khóa", "thế kỷ", "thế kỉ", "phần", "chương", "mục", "khoản", "đoạn", "phụ lục", "năm")
ORDINAL_HEADS = ("thứ", "hạng")  # thứ 1 → thứ nhất, hạng 4 → hạng tư
# Before a dash pair, these make it a score (thắng 3-1 → ba một), up to four words back.
SCORE_WORDS = ("tỷ số", "tỉ số", "thắng", "hòa", "thua", "đánh bại", "vượt qua", "hạ gục", "cầm hòa", "thất thủ",
               "chiến thắng", "thất bại", "dẫn", "gỡ", "san bằng", "cách biệt", "kết quả")


# ---------------------------------------------------------------- readings


def cardinal_int(n: int) -> str:
    if n < 10**12:
        return vi_cardinal(n)
    high, rest = divmod(n, 10**9)
    spoken = f"{cardinal_int(high)} tỷ"
    if rest:
        spoken += " " + vi_cardinal(10**9 + rest).split(" ", 2)[2]  # "một tỷ không trăm …" keeps the zero groups
    return spoken


def cardinal(digits: str) -> str:
    """A whole number, grouped with dots, commas or spaces or not: '1.200' → một nghìn hai trăm."""
    return cardinal_int(int(re.sub(r"[.,\s]", "", digits)))


def digit_by_digit(digits: str) -> str:
    return " ".join(DIGITS[int(d)] for d in digits if "0" <= d <= "9")


def decimal(whole: str, fraction: str, mark: str = "phẩy") -> str:
    """3,5 → ba phẩy năm; 0,25 → không phẩy hai mươi lăm; 0,05 → không phẩy không năm; 3,125 digit by digit."""
    if len(fraction) <= 2 and not fraction.startswith("0"):
        tail = vi_cardinal(int(fraction))
    else:
        tail = digit_by_digit(fraction)
    return f"{cardinal(whole)} {mark} {tail}"


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


# A number as written in a quantity: Vietnamese (1.234,5), English (1,234.5 or 1,234,567) or plain (3.5, 3,5, 12).
NUMBER = (r"[1-9]\d{0,2}(?:,\d{3})+\.\d+(?![.,]?\d)|[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?(?![.,]?\d)"
          r"|[1-9]\d{0,2}(?:,\d{3}){2,}(?![.,]?\d)"
          r"|\d+[.,]\d+(?![.,]?\d)|\d+(?![.,]?\d)")
_EN_DECIMAL = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+")
_VN_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_EN_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3}){2,}")


def read_number(written: str) -> str:
    """A number in a quantity (before a unit, a currency or a magnitude): any grouping, either decimal mark."""
    sign = ""
    if written[:1] in "-−":
        sign, written = "âm ", written[1:]
    if _EN_DECIMAL.fullmatch(written):
        whole, fraction = written.replace(",", "").split(".")
    elif _VN_GROUPED.fullmatch(written):
        whole, _, fraction = written.partition(",")
    elif _EN_GROUPED.fullmatch(written):
        whole, fraction = written, ""
    else:
        whole, _, fraction = written.replace(".", ",").partition(",")
    return sign + (decimal(whole, fraction) if fraction else cardinal(whole))


def read_amount(number: str, shorthand: str = "", magnitude: str = "") -> str:
    """50k → năm mươi nghìn; 2tr5 → hai triệu năm trăm nghìn; 1,5 triệu → một phẩy năm triệu."""
    spoken = read_number(number)
    if shorthand:
        letters = shorthand.rstrip("0123456789")
        tail = shorthand[len(letters):]
        spoken += " " + SHORTHAND[letters]
        if tail:  # 2tr5: the digits after the letters are the next group's leading digits
            below = {"triệu": 10**6, "nghìn": 10**3}[SHORTHAND[letters]] // 1000
            value = int(tail.ljust(3, "0")) * below
            spoken += " " + cardinal_int(value)
    if magnitude:
        spoken += " " + magnitude
    return spoken


# ---------------------------------------------------------------- context


def words_before(text: str, position: int, count: int = 4) -> str:
    """The last `count` words before `position`, lower case (punctuation kept out)."""
    words = re.findall(r"[^\W\d_]+", text[max(0, position - 60):position].lower())
    return " ".join(words[-count:])


def after_head(text: str, position: int, heads: tuple[str, ...]) -> bool:
    before = " " + words_before(text, position, 4)
    return any(before.endswith(" " + h) for h in heads)


# ---------------------------------------------------------------- steps (str → str)

_B = r"(?<![\w.,/])"  # a number starts here: not inside a word, a decimal or a date
_E = r"(?![\w]|[.,/]\d)"  # and ends here

_DASH_PAIR = re.compile(_B + r"(\d{1,2})\s*[–—:-]\s*(\d{1,2})(?![\w]|[.,/:-]\d)")
_FORMATION = re.compile(_B + r"[1-9](?:-[1-9]){2,4}(?![\w/-]|[.,]\d)")


def scores(text: str) -> str:
    """thắng 3-1, tỷ số 2 – 0 → ba một, hai không: a dash pair after a word of sport reads as a score.
    Formations (3-4-3, 4-2-3-1) read number by number."""
    text = _FORMATION.sub(lambda m: " ".join(DIGITS[int(d)] for d in m.group(0).split("-")), text)

    def read(m: re.Match[str]) -> str:
        if not any(w in words_before(m.string, m.start(), 6) for w in SCORE_WORDS):
            return m.group(0)
        return f"{vi_cardinal(int(m.group(1)))} {vi_cardinal(int(m.group(2)))}"

    return _DASH_PAIR.sub(read, text)


_RANGE = re.compile(r"(?<![\w.,])([$€£¥]?\d[\w.,:%°²³/$€£¥]*)\s*[–—-]\s*(?=[$€£¥]?\d)")


def number_ranges(text: str) -> str:
    """15 – 18 triệu, 2020 – 2025, 3kg-6kg, 9h - 10h, 50.000đ-100.000đ: a dash between two numbers is 'đến'."""
    return _RANGE.sub(r"\1 đến ", text)


_SIGN = re.compile(r"(?:^|(?<=[\s(]))([-−+])(?=\d)")


def signs(text: str) -> str:
    """-25 → âm 25; +5 → dương 5 (a sign that starts a number; a dash between numbers was read before)."""
    return _SIGN.sub(lambda m: "dương " if m.group(1) == "+" else "âm ", text)


_TIMES = re.compile(r"(?<=[\d\w.,%])\s*[x×]\s*(?=\d)")


def products(text: str) -> str:
    """3 x 4 → 3 nhân 4; 5x20 m; 100cm x 50cm (dimensions)."""
    return _TIMES.sub(" nhân ", text)


_SHORTHAND = re.compile(_B + r"(\d+(?:[.,]\d+)?)(k|tr\d{0,3})(?!\w)")


def shorthand(text: str) -> str:
    """50k → năm mươi nghìn; 2tr5 → hai triệu năm trăm nghìn (the k/tr of price lists)."""
    return _SHORTHAND.sub(lambda m: read_amount(m.group(1), m.group(2)), text)


_EN_GROUPING = re.compile(_B + r"([1-9]\d{0,2}(?:,\d{3})+\.\d+|[1-9]\d{0,2}(?:,\d{3}){2,})" + _E)
_SPACE_GROUPING = re.compile(_B + r"[1-9]\d{0,2}(?: \d{3})+" + _E)


def groupings(text: str) -> str:
    """1,234,567 and 1,234.56 (English marks), 1 000 000 (spaces): read as the numbers they are."""
    text = _EN_GROUPING.sub(lambda m: read_number(m.group(1)), text)
    return _SPACE_GROUPING.sub(lambda m: cardinal(m.group(0)), text)


_MIXED_FRACTION = re.compile(_B + r"(\d+) (\d+)/(\d+)" + _E)


def fraction(numerator: int, denominator: int, word: str = "phần") -> str:
    below = "tư" if denominator == 4 and word == "phần" else vi_cardinal(denominator)
    return f"{vi_cardinal(numerator)} {word} {below}"


def mixed_fractions(text: str) -> str:
    """5 1/2 → năm và một phần hai (a whole number and a proper fraction)."""
    def read(m: re.Match[str]) -> str:
        a, b = int(m.group(2)), int(m.group(3))
        if not 0 < a < b:
            return m.group(0)
        return f"{vi_cardinal(int(m.group(1)))} và {fraction(a, b)}"

    return _MIXED_FRACTION.sub(read, text)


_DECIMAL = re.compile(_B + r"([1-9]\d{0,2}(?:\.\d{3})+|\d+),(\d+)" + _E)


def decimals(text: str) -> str:
    return _DECIMAL.sub(lambda m: decimal(m.group(1), m.group(2)), text)


_LEADING_ZERO = re.compile(_B + r"0\d+" + _E)


def leading_zeros(text: str) -> str:
    """Đề án 06, Quyết định số 0123: a number written with a leading zero is a label, read digit by digit."""
    def read(m: re.Match[str]) -> str:
        spoken = digit_by_digit(m.group(0))
        if not after_head(m.string, m.start(), ("số", "án", "thị", "mã", "định", "hiệu", "phòng", "tư")):
            fallbacks.note(fallbacks.DIGITS, m.group(0), spoken)
        return spoken

    return _LEADING_ZERO.sub(read, text)


_ORDINAL = re.compile(r"(?i)(?<!\w)(" + "|".join(ORDINAL_HEADS) + r")\s+(\d+)" + _E)


def ordinals(text: str) -> str:
    """lần thứ 4 → lần thứ tư; thứ 1 → thứ nhất; hạng 1 → hạng nhất; thứ 2 (a weekday too) → thứ hai."""
    return _ORDINAL.sub(lambda m: f"{m.group(1)} {ordinal(int(m.group(2)))}", text)


def _heads(heads: tuple[str, ...]) -> str:
    return "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))


_ROMAN = re.compile(r"(?i)(?<!\w)(" + _heads(ROMAN_HEADS) + r")\s+(?-i:([IVXLCDM]+))(?:/(\d{4}))?(?!\w)")
_ROMAN_LOWER = re.compile(r"(?i)(?<!\w)(" + _heads(ROMAN_LOWER_HEADS) + r")\s+(?-i:([ivxlcdm]+))(?!\w| măng)")


def roman_numerals(text: str) -> str:
    """lần thứ XIII → mười ba; khóa XV; thế kỉ XV; Thế chiến II; chương iv; lần thứ I → thứ nhất; quý I/2024."""
    def read(m: re.Match[str]) -> str:
        word, numeral = m.group(1), m.group(2).upper()
        value = roman_value(numeral)
        if value is None:
            return m.group(0)
        if len(numeral) == 1 and numeral in "LCDM":
            return m.group(0)  # Phụ lục C, mục D: a single letter is a label
        if word.lower() == "năm" and len(numeral) < 3:
            return m.group(0)  # năm MC: five MCs, not a year
        spoken = f"{word} {ordinal(value) if word.lower().endswith('thứ') else vi_cardinal(value)}"
        year = m.group(3) if m.lastindex and m.lastindex >= 3 else None
        return spoken + (f" năm {cardinal(year)}" if year else "")

    text = _ROMAN.sub(read, text)
    return _ROMAN_LOWER.sub(read, text)


_CARDINAL = re.compile(_B + r"([1-9]\d{0,2}(?:\.\d{3})+|\d+)" + _E)


def cardinals(text: str) -> str:
    return _CARDINAL.sub(lambda m: cardinal(m.group(1)), text)


_DIGITS_LETTERS = re.compile(r"(?<![\w.,])(\d+)([A-ZĐ])(\d*)(?![\w])")


def digits_then_letters(text: str) -> str:
    """Quốc lộ 1A → 1 A, lớp 6A1 → 6 A 1: the letter is spelled, the numbers read."""
    return _DIGITS_LETTERS.sub(lambda m: " ".join(g for g in m.groups() if g), text)


_DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w])")


def leftover_digits(text: str) -> str:
    """Digits no rule above read, never left for the voice to guess: dotted (4.0 → bốn chấm không, 2.4.1) or glued
    to letters (U23 → U hai mươi ba, F0 → F không, H5N1 → H năm N một; the letters are spelled later).
    Each run is read on its own, digit by digit when it starts with 0."""
    def dotted(m: re.Match[str]) -> str:
        parts = m.group(0).split(".")
        if len(parts) == 2:
            spoken = decimal(parts[0], parts[1], "chấm")
        else:
            spoken = " chấm ".join(cardinal(p) if p[0] != "0" or len(p) == 1 else digit_by_digit(p) for p in parts)
        fallbacks.note(fallbacks.AMBIGUOUS, m.group(0), spoken)
        return spoken

    text = _DOTTED.sub(dotted, text)
    text = re.sub(r"(?<=\d)\.(?=\d)", " chấm ", text)
    text = re.sub(r"(?<=\d),(?=\d)", " phẩy ", text)

    def read(m: re.Match[str]) -> str:
        digits = m.group()
        return f" {digit_by_digit(digits) if digits[0] == '0' and len(digits) > 1 else cardinal(digits)} "

    return re.sub(r"\d+", read, text)
