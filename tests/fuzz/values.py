"""What a cell can hold once people and other systems have been at it: the fuzzers' values.

Two kinds. ``hostile`` values are what breaks parsers — text in amount
columns, 1e300, NaN, −0, full-width digits, dates in 1900 and 9999, Excel
serials 0/60/2958466, formulas, error values, injection payloads, empty
strings. ``same_value`` rewrites a cell the way another export or a clerk
would print the *same* figure or date (``1,234.50``, ``１２３４．５``,
``2026年1月5日``, ``20260105``): a correct reader must read it back unchanged,
so these mutations have an exact expected result.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from .xlsxmut import CellError, Formula, RawNumber

FULL_WIDTH = str.maketrans("0123456789,.-()/", "０１２３４５６７８９，．－（）／")

HOSTILE_TEXT = (
    "", " ", "\u3000", "\u200b", "abc", "N/A", "-", "—", "借", "贷", "平", "借贷",
    "合计", "本月合计", "期初余额", "上月结转", "本年累计", "小计", "承前页",
    '=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "=1+1",
    "<script>alert(1)</script>", "'", "\"", "\\", "%s%n", "{0}", "${jndi:ldap://x}",
    "(1,234.00)", "1.5万", "1.5万元", "１２３４．５６", "1,234.56", "¥1,234.56", "RMB 100", "1e5", "1E400",
    "NaN", "nan", "inf", "-inf", "Infinity", "-0", "-0.00", "0.005", "1.005", "99999999999999999999",
    "12,34", "1.2.3", "--5", "(-5)", "5-", "+", "12%", "一千元",
    "1900-01-01", "1900-02-29", "1899-12-31", "9999-12-31", "10000-01-01", "0000-00-00",
    "2026-02-30", "2026-13-01", "20261301", "2026年1月5日", "2026年13月1日", "2026/1/5", "2026.1.5",
    "05/01/2026", "2026-01-05T10:00:00", "２０２６－０１－０５", "1月5日", "2026",
    "KH001", "KH 001", "ＫＨ００１", "kh001", "0001", "1.0", "9133010977698027X0",
    "应收账款", "预付账款", "预收账款", "其他应收款", "1122 应收账款",
    "\t=2+2", "\r\n", "a\nb", "😀", "𠀀", "\ufeff", "x" * 300, "长" * 40000,
)

HOSTILE_NUMBERS = (
    0, 0.0, -0.0, 1, -1, 0.005, 0.015, 1.005, 0.1 + 0.2, 123456.785, 1e-300, 5e-324,
    1e15, -1e15, 999999999999999.9, 1e300, -1e300, 1.7976931348623157e308, 2**53 + 1, 2**63, 10**20,
    float("nan"), float("inf"), float("-inf"),
    # Excel serials: 0 and 60 do not exist as dates, 2958465 is 9999-12-31, 2958466 is past it
    59, 60, 61, 2958465, 2958466, 45000.5, -1.5,
)

RAW_NUMBERS = ("NaN", "INF", "-INF", "1e999", "-1e999", "0x10", "1,5", "", " ", "1.", ".5", "+5", "1e-400")

ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")

_XML_TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def hostile() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.builds(RawNumber, st.sampled_from(RAW_NUMBERS)),
        st.builds(CellError, st.sampled_from(ERRORS)),
        st.booleans(),
        st.none(),
        st.builds(Formula, st.sampled_from(("SUM(F5:F9)", "1/0", "NOW()", "HYPERLINK(\"http://x\")")),
                  st.one_of(st.none(), st.sampled_from((0.0, 1e300, "x", 123.45)))),
        st.text(_XML_TEXT, max_size=20),
        st.floats(),
        st.integers(min_value=-10**20, max_value=10**20),
        st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: d.isoformat()),
    )


# ---------------------------------------------------------------- the same value, printed otherwise

def amount_texts(value: Decimal) -> list[str]:
    """Ways exports print one amount; all must read back as ``value`` (2 decimals)."""
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    out = [plain, grouped, f" {grouped} ", grouped.translate(FULL_WIDTH), f"¥{grouped}", f"{grouped}元"]
    if value < 0:
        out.append(f"({-value:,.2f})")
    if value == value.to_integral_value():
        out.append(f"{int(value)}")
    return out


def date_texts(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [day.isoformat(), f"{y}/{m}/{d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}",
            day.isoformat().translate(FULL_WIDTH), f"{y}-{m:02d}-{d:02d} 00:00:00", f"{y}年{m}月{d}号"]


def excel_serial(day: date) -> int:
    """Excel's 1900 system (serial 60 is its 1900-02-29); valid for days after 1900-02-28."""
    return (day - date(1899, 12, 30)).days


def parse_oracle_date(value: object) -> date:
    """The date a cell means, read without the product's parser; ValueError when unsure."""
    import re
    import unicodedata

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 61 <= value <= 2958465:
            raise ValueError(value)
        return date(1899, 12, 30) + timedelta(days=int(value))
    if not isinstance(value, str):
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", value).strip()
    for pattern in (r"(\d{4})-(\d{1,2})-(\d{1,2})(?: 00:00:00)?", r"(\d{4})/(\d{1,2})/(\d{1,2})",
                    r"(\d{4})\.(\d{1,2})\.(\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", r"(\d{4})(\d{2})(\d{2})"):
        m = re.fullmatch(pattern, text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(value)


def parse_oracle_amount(value: object) -> Decimal:
    """The amount a cell means (blank = 0), read without the product's parser; ValueError when unsure."""
    import math
    import re
    import unicodedata
    from decimal import ROUND_HALF_UP, InvalidOperation

    cent = Decimal("0.01")
    if value is None:
        return Decimal("0.00")
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value).quantize(cent)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        return Decimal(repr(value)).quantize(cent, ROUND_HALF_UP) + 0
    if not isinstance(value, str):
        raise ValueError(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).strip("\u200b\ufeff")
    if text == "":
        return Decimal("0.00")
    if text in ("-", "—", "–"):
        return Decimal("0.00")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = text.removeprefix("¥").removesuffix("元")
    if not re.fullmatch(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?", text):
        raise ValueError(value)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(value) from None
    return (-number if negative else number).quantize(cent, ROUND_HALF_UP) + 0
