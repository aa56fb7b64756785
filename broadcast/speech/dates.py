"""Dates, times and durations: 15/1/2025, 25-03-1975, 31.12.2023, 02/2025, tháng 4, 10h30, 8:05, 3p20s.

A slash or dash between two small numbers is a date, a fraction, a ratio, a range or a score: the words around
it decide (ngày 12/3, uống 1/4 viên, 24/24h, thắng 3-1); a bare form that is a valid date is read as one and
reported as a fallback.
"""

from __future__ import annotations

import re

from g2p_hamster.t0.numbers import vi_cardinal

from broadcast.speech import fallbacks
from broadcast.speech.measures import UNIT, unit_name
from broadcast.speech.numbers import cardinal, fraction, words_before

MONTHS = {4: "tư"}  # tháng tư, not tháng bốn; the others read as cardinals
# Words up to three words before a day/month that make it a date (ngày 12/3, đêm 29/12) …
DAY_WORDS = ("ngày", "mùng", "mồng", "hôm", "sáng", "trưa", "chiều", "tối", "đêm", "khuya", "rạng")
# … and the word just before it that makes it a date unless a fraction word says otherwise (từ 1/7, hết 31/12).
DATE_WORDS = ("từ", "đến", "tới", "và", "hết", "trước", "sau", "dịp", "lễ", "tết", "đầu", "cuối", "giữa", "qua",
              "nay", "hạn", "lúc", "vào")
# Words that make a slash form a fraction: just before it (chiếm 1/3) or just after it (1/4 viên, 1/3 dân số).
FRACTION_BEFORE = ("chiếm", "uống", "chia", "giảm", "tăng", "khoảng", "gần", "hơn", "còn", "bằng", "mất", "được",
                   "non", "quá", "tối đa", "tối thiểu", "chỉ", "mỗi", "thêm", "âm")
FRACTION_AFTER = ("dân số", "số", "viên", "diện tích", "giá", "lượng", "tổng", "thời gian", "quãng", "chiều",
                  "trong", "phần", "cốc", "chén", "thìa", "quả", "ly", "bát", "suất", "khẩu phần", "lít", "ki lô",
                  "mét", "gam", "cân", "tạ", "tấn", "sào", "mẫu", "héc", "cái", "chiếc", "đoạn", "nửa", "quỹ", "vốn",
                  "lợi nhuận", "doanh thu", "ngân sách", "học sinh", "người", "hộ", "công suất", "khối lượng")
TIME_ZONES = ("gmt", "utc", "est", "pst", "cst", "jst", "ict", "cet")

_B = r"(?<![\w.,/])"
_E = r"(?![\w]|[.,/:]\d)"


def month(m: int) -> str:
    return MONTHS.get(m, vi_cardinal(m))


def is_date(day: int, mon: int) -> bool:
    return 1 <= day <= 31 and 1 <= mon <= 12


def day_month(day: int, mon: int, year: str | None = None) -> str:
    spoken = f"{vi_cardinal(day)} tháng {month(mon)}"
    return spoken + (f" năm {cardinal(year)}" if year else "")


def _after_month_word(text: str, position: int) -> bool:
    return words_before(text, position, 1) == "tháng"


# ---------------------------------------------------------------- steps

_DOCUMENT = re.compile(_B + r"(\d+)/(\d{4})/(?=[^\W\d])")


def document_numbers(text: str) -> str:
    """Nghị định 100/2019/NĐ-CP → 100 năm 2019 NĐ-CP: the year inside a document number is read 'năm'."""
    return _DOCUMENT.sub(r"\1 năm \2 ", text)


_FULL_DATE = re.compile(_B + r"(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4})" + _E)
_MONTH_RANGE_YEAR = re.compile(_B + r"(\d{1,2})\s?[–—-]\s?(\d{1,2})/(\d{4})" + _E)
_DAY_RANGE = re.compile(_B + r"(\d{1,2})\s?[–—-]\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?" + _E)
_MONTH_YEAR = re.compile(_B + r"(\d{1,2})/(\d{4})" + _E)
_MONTH_SPACE_YEAR = re.compile(r"(?i)(?<!\w)(tháng)\s+(\d{1,2})\s+(\d{4})" + _E)
_MONTH = re.compile(r"(?i)(?<!\w)(tháng)\s+(\d{1,2})" + _E)
_DOTTED_DAY = re.compile(r"(?i)(?<!\w)(ngày|mùng|mồng)\s+(\d{1,2})\.(\d{1,2})" + _E)
_DASH_DAY = re.compile(_B + r"(\d{1,2})-(\d{1,2})" + _E)


def dates(text: str) -> str:
    """15/1/2025, 25-03-1975, 31.12.2023 → … tháng … năm …; từ 01-12/2025; từ 3-9/12; hết 31-10 (a falling pair
    is a day and month). Runs before ranges, which would read these dashes 'đến'."""
    def full(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(3))
        return day_month(d, mo, m.group(4)) if is_date(d, mo) else m.group(0)

    def month_range(m: re.Match[str]) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        if not (1 <= a < b <= 12):
            return m.group(0)
        head = "" if _after_month_word(m.string, m.start()) else "tháng "
        return f"{head}{month(a)} đến tháng {month(b)} năm {cardinal(m.group(3))}"

    def day_range(m: re.Match[str]) -> str:
        a, b, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (is_date(a, mo) and is_date(b, mo) and a < b):
            return m.group(0)
        return f"{vi_cardinal(a)} đến {day_month(b, mo, m.group(4))}"

    def dash_day(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        if not is_date(d, mo):
            return m.group(0)
        context = words_before(m.string, m.start(), 2).split()
        if d > mo or (context and context[-1] in ("ngày", "đêm", "hôm", "mùng", "mồng", "hết")):
            return day_month(d, mo)
        return m.group(0)  # a rising pair: a range (read later)

    text = _FULL_DATE.sub(full, text)
    text = _MONTH_RANGE_YEAR.sub(month_range, text)
    text = _DAY_RANGE.sub(day_range, text)
    return _DASH_DAY.sub(dash_day, text)


def months(text: str) -> str:
    """02/2025 → tháng hai năm …; tháng 6/2024; tháng 1 2024 → tháng một năm …; tháng 4 → tháng tư; ngày 3.7.
    Runs after ranges, so that 'từ 02/2023 - 11/2024' has its 'đến'."""
    def month_year(m: re.Match[str]) -> str:
        mo = int(m.group(1))
        if not 1 <= mo <= 12:
            return m.group(0)
        head = "" if _after_month_word(m.string, m.start()) else "tháng "
        return f"{head}{month(mo)} năm {cardinal(m.group(2))}"

    def month_space_year(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        return f"{m.group(1)} {month(mo)} năm {cardinal(m.group(3))}" if 1 <= mo <= 12 else m.group(0)

    def month_alone(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        return f"{m.group(1)} {month(mo)}" if 1 <= mo <= 12 else m.group(0)

    def dotted_day(m: re.Match[str]) -> str:
        d, mo = int(m.group(2)), int(m.group(3))
        return f"{m.group(1)} {day_month(d, mo)}" if is_date(d, mo) else m.group(0)

    text = _MONTH_YEAR.sub(month_year, text)
    text = _MONTH_SPACE_YEAR.sub(month_space_year, text)
    text = _MONTH.sub(month_alone, text)
    return _DOTTED_DAY.sub(dotted_day, text)


_SLASH = re.compile(_B + r"(\d{1,3})/(\d{1,3})(?:\s?(" + UNIT + r")(?![\w°]))?(?![\d/]|[.,]\d)")


def slash_forms(text: str) -> str:
    """12/3 after 'ngày' is a date; 1/3 dân số, uống 1/4 viên, 1/2kg are fractions (một phần ba); 24/24h and
    450/480 (counts) are ratios (trên); a bare valid day/month is read as a date and reported."""
    def read(m: re.Match[str]) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        rest = m.string[m.end():]
        if m.group(3):
            return f"{fraction(a, b)} {unit_name(m.group(3))}"  # 1/2kg
        if rest[:1].isalpha():
            return f"{vi_cardinal(a)} trên {m.group(2)}"  # 24/24h: the hours are read by `times`
        before = words_before(m.string, m.start(), 3)
        last = before.split()[-1:] or [""]
        after = " ".join(re.findall(r"[^\W\d_]+", rest[:40].lower())[:2]) + " "
        if is_date(a, b) and any(w in before.split() for w in DAY_WORDS):
            return day_month(a, b)
        if any((" " + before).endswith(" " + w) for w in FRACTION_BEFORE) or any(
                after.startswith(w + " ") for w in FRACTION_AFTER):
            return fraction(a, b)
        if is_date(a, b) and last[0] in DATE_WORDS:
            return day_month(a, b)
        if not is_date(a, b):
            return fraction(a, b) if 0 < a < b <= 10 else f"{vi_cardinal(a)} trên {vi_cardinal(b)}"
        spoken = day_month(a, b)
        fallbacks.note(fallbacks.AMBIGUOUS, m.group(0), spoken)
        return spoken

    return _SLASH.sub(read, text)


_CLOCK = re.compile(_B + r"(\d{1,2}):(\d{2})(?::(\d{2}))?" + _E)
_HOURS = re.compile(r"(?<![\w.,])(\d{1,2})(?:h|g(?=\d))(?:(\d{1,2})(?:p|ph|m|')?(?:(\d{1,2})s)?)?(?!\w)")
_MINUTES = re.compile(r"(?<![\w.,])(\d{1,3})p(?:(\d{1,2})s)?(?!\w)")
_SECONDS = re.compile(r"(?<![\w.,])(\d{1,3})s(?!\w)")
_ZONE = re.compile(r"(?i)(?<=giờ)((?: [^\W\d_]+){0,4}?) (" + "|".join(TIME_ZONES) + r")(?!\w)")


def _clock(h: int, mins: int | None, secs: int | None, minute_word: bool) -> str:
    spoken = f"{vi_cardinal(h)} giờ"
    if mins:
        spoken += f" {vi_cardinal(mins)}" + (" phút" if minute_word or secs else "")
    if secs:
        spoken += f" {vi_cardinal(secs)} giây"
    return spoken


def times(text: str) -> str:
    """10h30 → mười giờ ba mươi; 8:05 → tám giờ năm; 5:20:35 → … phút … giây; 14g30; 9h20p; 48h → bốn mươi tám
    giờ; 3p20s → ba phút hai mươi giây; 30s → ba mươi giây; 8:23 GMT."""
    def clock(m: re.Match[str]) -> str:
        h, mins = int(m.group(1)), int(m.group(2))
        secs = int(m.group(3)) if m.group(3) else None
        if h > 24 or mins > 59 or (secs or 0) > 59:
            return m.group(0)
        return _clock(h, mins, secs, False)

    def hours(m: re.Match[str]) -> str:
        h = int(m.group(1))
        mins = int(m.group(2)) if m.group(2) else None
        secs = int(m.group(3)) if m.group(3) else None
        if mins is not None and (h > 24 or mins > 59 or (secs or 0) > 59):
            return m.group(0)
        return _clock(h, mins, secs, bool(re.search(r"\d(?:p|ph|m|')", m.group(0))))

    def minutes(m: re.Match[str]) -> str:
        spoken = f"{vi_cardinal(int(m.group(1)))} phút"
        return spoken + (f" {vi_cardinal(int(m.group(2)))} giây" if m.group(2) and int(m.group(2)) else "")

    text = _CLOCK.sub(clock, text)
    text = _HOURS.sub(hours, text)
    text = _MINUTES.sub(minutes, text)
    text = _SECONDS.sub(lambda m: f"{vi_cardinal(int(m.group(1)))} giây", text)
    return _ZONE.sub(lambda m: f"{m.group(1)} {m.group(2).upper()}", text)
