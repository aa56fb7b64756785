"""Money: 50.000đ, 1000đ, 100$, $50, 500 VND, 370 tỷ USD, 10€, 2tr5, 10k VND, 48.400 đồng/cổ phần.

Currencies are data: the written sign or code after (or before) an amount and what a newsreader says. A code
alone is read too (tỷ giá USD → tỷ giá đô la Mỹ). Amounts keep their decimal: 5,99 USD → năm phẩy chín mươi chín
đô la Mỹ.
"""

from __future__ import annotations

import re

from broadcast.speech.measures import MAGNITUDE, PER, per
from broadcast.speech.numbers import NUMBER, read_amount

CURRENCIES = {
    "đ": "đồng", "₫": "đồng", "đồng": "đồng", "VND": "đồng", "VNĐ": "đồng", "vnđ": "đồng", "vnd": "đồng",
    "Vnđ": "đồng", "USD": "đô la Mỹ", "usd": "đô la Mỹ", "US$": "đô la Mỹ", "$": "đô la", "đô la": "đô la",
    "€": "ơ rô", "EUR": "ơ rô", "euro": "ơ rô", "Euro": "ơ rô", "¥": "yên Nhật", "JPY": "yên Nhật",
    "£": "bảng Anh", "GBP": "bảng Anh", "₹": "rupee", "INR": "rupee", "₩": "won", "KRW": "won",
    "RM": "ringgit", "CNY": "nhân dân tệ", "NDT": "nhân dân tệ", "THB": "bạt", "SGD": "đô la Singapore",
    "AUD": "đô la Úc", "CAD": "đô la Canada",
}
BEFORE = ("US$", "$", "€", "£", "¥")  # signs written before the amount: $50
CODES = ("USD", "VND", "VNĐ", "EUR", "JPY", "GBP", "KRW", "CNY", "NDT", "SGD", "AUD", "CAD")  # read alone too


def _alternatives(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_AMOUNT = r"(-?(?:" + NUMBER + r"))(k|tr\d{0,3})?(?:\s?(" + MAGNITUDE + r"))?"
_AFTER = re.compile(r"(?<![\w.,/])" + _AMOUNT + r"\s?(" + _alternatives(CURRENCIES) + r")(?![\w$€£¥₫])(" + PER + r"*)")
_BEFORE = re.compile(r"(?<![\w.,/])(" + _alternatives(BEFORE) + r")\s?" + _AMOUNT + r"(?!\w)(" + PER + r"*)")
_CODE = re.compile(r"(?<![\w.])(" + _alternatives(CODES) + r")(?!\w)")


def money(text: str) -> str:
    def after(m: re.Match[str]) -> str:
        amount = read_amount(m.group(1), m.group(2) or "", m.group(3) or "")
        return f"{amount} {CURRENCIES[m.group(4)]}{per(m.group(5))}"

    def before(m: re.Match[str]) -> str:
        amount = read_amount(m.group(2), m.group(3) or "", m.group(4) or "")
        return f"{amount} {CURRENCIES[m.group(1)]}{per(m.group(5))}"

    text = _AFTER.sub(after, text)
    return _BEFORE.sub(before, text)


def currency_codes(text: str) -> str:
    """A code with no amount: tỷ giá USD → tỷ giá đô la Mỹ."""
    return _CODE.sub(lambda m: CURRENCIES[m.group(1)], text)
