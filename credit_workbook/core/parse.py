"""Turn what people type into Excel (and what ERP exports contain) into values.

Shared by the form reader and the ledger parsers so a date or an amount is
understood the same way everywhere. Real input is messy: full-width digits
from Chinese input methods, ``(1,234.00)`` negatives, ``1.5万元``, Excel
serial numbers, codes that Excel turned into numbers. Each parser accepts the
forms a finance clerk would consider obviously right and rejects everything
else with a Chinese message that says what was wrong, never guessing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ValueParseError",
    "parse_date",
    "parse_amount",
    "parse_number",
    "parse_int",
    "parse_yesno",
    "clean_text",
    "clean_code",
]

CENT = Decimal("0.01")
WAN = Decimal("10000")

# Excel's 1900 date system: serial 1 is 1900-01-01, and Excel believes
# 1900-02-29 exists (serial 60, a Lotus 1-2-3 bug), so later serials are one
# day ahead of the real calendar count.
_EXCEL_EPOCH = date(1899, 12, 31)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

# Characters people use for "nothing here" besides an empty cell; Python's
# str.strip() misses the zero-width ones.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# A lone dash is how many Chinese exports print zero.
_ZERO_DASHES = {"-", "—", "–", "――", "——", "―", "－"}
_SIGNS = "+-−"


class ValueParseError(ValueError):
    """A cell value that cannot be used; ``str()`` is the message for the clerk."""


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return _strip(value) == ""
    return False


def _strip(text: str) -> str:
    """Strip Unicode whitespace (incl. U+3000, NBSP) and zero-width characters."""
    return text.strip().strip(_INVISIBLE).strip()


def _nfkc(text: str) -> str:
    """Fold full-width digits, letters and punctuation to their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def _shown(value: object) -> str:
    """The value as the clerk sees it in the cell, for quoting in a message."""
    if isinstance(value, str):
        return _strip(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- dates

_DATE_FORMATS_HINT = "应为2026-01-05、2026/1/5、2026年1月5日或20260105"
_TIME_TAIL = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME_TAIL),
    re.compile(r"(?P<y>\d{4}) *年 *(?P<m>\d{1,2}) *月 *(?P<d>\d{1,2}) *[日号]?" + _TIME_TAIL),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)


def parse_date(value: object) -> date | None:
    """A date from a cell, an ERP export or a typed string; None when blank."""
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year < 1900:  # openpyxl turns a negative serial (Excel shows ####) into 1899
            raise ValueParseError(f"无法识别的日期“{value.isoformat()}”（年份应在1900–9999之间）")
        return value
    if isinstance(value, bool):
        raise ValueParseError(f"无法识别的日期“{_shown(value)}”（{_DATE_FORMATS_HINT}）")
    if isinstance(value, (int, float, Decimal)):
        return _from_excel_serial(value)
    if isinstance(value, str):
        return _date_from_text(value)
    raise ValueParseError(f"无法识别的日期“{_shown(value)}”（{_DATE_FORMATS_HINT}）")


def _from_excel_serial(value: int | float | Decimal) -> date:
    shown = _shown(value)
    try:
        finite = math.isfinite(value)
    except (TypeError, ValueError):
        finite = False
    if not finite:
        raise ValueParseError(f"无法识别的日期“{shown}”（不是有效的日期序列号）")
    if value < 1 or value > _EXCEL_MAX_SERIAL:
        raise ValueParseError(
            f"无法识别的日期“{shown}”（Excel日期序列号应在1–{_EXCEL_MAX_SERIAL}之间）"
        )
    serial = int(value)  # a fraction is the time of day
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise ValueParseError(f"无法识别的日期“{shown}”（Excel序列号60是不存在的1900年2月29日）")
    if serial > _EXCEL_FAKE_LEAP_DAY:
        serial -= 1
    return _EXCEL_EPOCH + timedelta(days=serial)


def _date_from_text(raw: str) -> date:
    shown = _strip(raw)
    text = _strip(_nfkc(raw))
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return _calendar_date(int(m["y"]), int(m["m"]), int(m["d"]), shown)
    raise ValueParseError(f"无法识别的日期“{shown}”（{_DATE_FORMATS_HINT}）")


def _calendar_date(year: int, month: int, day: int, shown: str) -> date:
    if not 1900 <= year <= 9999:
        raise ValueParseError(f"无法识别的日期“{shown}”（年份应在1900–9999之间）")
    if not 1 <= month <= 12:
        raise ValueParseError(f"无法识别的日期“{shown}”（月份应为1–12）")
    try:
        return date(year, month, day)
    except ValueError:
        last = _days_in_month(year, month)
        raise ValueParseError(
            f"无法识别的日期“{shown}”（{year}年{month}月只有{last}天）"
        ) from None


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


# ---------------------------------------------------------------- numbers

_NUMBER_BODY = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+")


def _decimal_from_float(value: float, shown_kind: str) -> Decimal:
    if not math.isfinite(value):
        raise ValueParseError(f"“{_shown(value)}”不是{shown_kind}")
    # repr() is the shortest text that round-trips, so 1234.56 stays 1234.56
    # instead of 1234.5599999999999454...
    return Decimal(repr(value))


def _decimal_from_number(value: object, kind: str) -> Decimal | None:
    """Decimal for a non-text cell value; None when the value is text."""
    if isinstance(value, bool):
        raise ValueParseError(f"“{_shown(value)}”不是{kind}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _decimal_from_float(value, kind)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueParseError(f"“{value}”不是{kind}")
        return value
    if isinstance(value, str):
        return None
    raise ValueParseError(f"“{_shown(value)}”不是{kind}")


def _decimal_from_text(raw: str, kind: str, *, percent: bool, wan_unit: bool) -> Decimal:
    """Read an amount-like string.

    ``percent``: a trailing % divides by 100. ``wan_unit``: the figure is
    already in 万元, so a 万/万元 suffix is just the unit and a bare 元 suffix
    means divide by 10,000.
    """
    shown = _strip(raw)
    error = ValueParseError(f"“{shown}”不是{kind}")
    text = re.sub(r"\s+", "", _nfkc(raw)).strip(_INVISIBLE)
    if text in _ZERO_DASHES:
        return Decimal(0)

    negative = False
    if len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        negative, text = True, text[1:-1]
    text = text.removeprefix("¥")  # "¥-1,234.00" as well as "-¥1,234.00"
    if not negative and text and text[0] in _SIGNS:  # "(-5)" is not a way to write anything
        negative, text = text[0] != "+", text[1:]
        text = text.removeprefix("¥")
    if text[:3].upper() == "RMB":
        text = text[3:]

    scale = Decimal(1)
    if percent and text.endswith("%"):
        text, scale = text[:-1], Decimal("0.01")
    elif text.endswith("万元") or text.endswith("万"):
        text = text[: -2 if text.endswith("万元") else -1]
        scale = Decimal(1) if wan_unit else WAN
    elif text.endswith("元"):
        text = text[:-1]
        scale = 1 / WAN if wan_unit else Decimal(1)

    if not _NUMBER_BODY.fullmatch(text):
        raise error
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise error from None
    number *= scale
    return -number if negative else number


def parse_amount(value: object) -> Decimal | None:
    """An amount of money in 元, always with 2 decimals; None when blank."""
    if _is_blank(value):
        return None
    number = _decimal_from_number(value, "金额")
    if number is None:
        number = _decimal_from_text(value, "金额", percent=False, wan_unit=False)
    return _money(_in_range(number, value))


# Excel keeps 15 significant digits: a larger figure cannot be a real amount,
# and Decimal's default context would fail on it further down.
_LARGEST = Decimal("1e15")


def _in_range(number: Decimal, value: object) -> Decimal:
    if abs(number) >= _LARGEST:
        shown = _shown(value)
        shown = shown if len(shown) <= 32 else shown[:12] + "…"
        raise ValueParseError(f"“{shown}”数值过大（超过15位数字），请核对")
    return number


def _money(number: Decimal) -> Decimal:
    result = number.quantize(CENT, rounding=ROUND_HALF_UP)
    return result + 0  # turn -0.00 into 0.00


def parse_number(value: object, *, wan_unit: bool = False) -> Decimal | None:
    """A figure kept at full precision (万元 figures, ratios); None when blank.

    A trailing % divides by 100. Pass ``wan_unit=True`` for a field whose unit
    is already 万元, so that ``500万`` there means 500, not 5,000,000.
    """
    if _is_blank(value):
        return None
    number = _decimal_from_number(value, "数字")
    if number is None:
        number = _decimal_from_text(value, "数字", percent=True, wan_unit=wan_unit)
    number = _in_range(number, value)
    return number + 0 if number.is_zero() else number


_INT_TEXT = re.compile(r"(?P<sign>[-+−]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?(?:天|日)?")


def parse_int(value: object) -> int | None:
    """A whole number such as a term in days (``30``, ``30.0``, ``30天``); None when blank."""
    if _is_blank(value):
        return None
    error = ValueParseError(f"“{_shown(value)}”不是整数")
    number = _decimal_from_number(value, "整数")
    if number is None:
        m = _INT_TEXT.fullmatch(re.sub(r"\s+", "", _nfkc(value)).strip(_INVISIBLE))
        if not m:
            raise error
        magnitude = int(m["digits"].replace(",", ""))
        return -magnitude if m["sign"] in ("-", "−") else magnitude
    if number != number.to_integral_value():
        raise error
    return int(number)


# ---------------------------------------------------------------- yes / no

_YES = {"是", "y", "yes", "true", "√", "✓", "✔"}
_NO = {"否", "n", "no", "false", "×", "✗", "✘"}
YESNO_MESSAGE = "应填“是”或“否”"


def parse_yesno(value: object) -> bool | None:
    """是 → True, 否 → False (plus Y/N, yes/no, true/false, √/×); None when blank."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = _strip(_nfkc(value)).casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise ValueParseError(YESNO_MESSAGE)


# ---------------------------------------------------------------- text

def clean_text(value: object) -> str | None:
    """Free text trimmed of the spaces Chinese input leaves behind; None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.date().isoformat()
    else:
        text = str(value)
    text = _strip(text)
    return text or None


EXCEL_LOST_DIGITS = (
    "编码/账号被Excel存成了数字，超过15位的数字会丢失，请把单元格设为文本格式后重新输入"
)
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?E[+-]?\d+")
_EXCEL_EXACT_LIMIT = 1e15  # Excel keeps 15 significant digits of a number


# What a cell shows when its formula fails (typed in, Excel stores these as errors too): never a code.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!"})


def as_stored(value: object) -> object:
    """A whole number as the cell holds it: Excel keeps every number as a double, and openpyxl's ``int``
    for ``<v>9007199254740993</v>`` must read as calamine's float reads it, 9007199254740992."""
    if type(value) is int and abs(value) > 2 ** 53:
        return float(value)
    return value


def clean_code(value: object) -> str | None:
    """A code or account number as text, comparable however it was typed.

    Excel stores a long digit string typed into a General cell as a number
    and silently keeps only 15 digits; such a value cannot be repaired, so
    it is rejected rather than stored wrong.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueParseError(f"“{value}”不是编码")
    if isinstance(value, date):  # and datetime: "1-2" typed into a General cell is 2 January to Excel
        day = value.date() if isinstance(value, datetime) else value
        raise ValueParseError(f"编码被Excel存成了日期（{day.isoformat()}），请把单元格设为文本格式后重新输入")
    if isinstance(value, int):  # openpyxl's reading of a whole-number cell: still one of Excel's doubles
        if abs(value) >= _EXCEL_EXACT_LIMIT:
            raise ValueParseError(EXCEL_LOST_DIGITS)
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueParseError(f"“{value}”不是编码")
        if abs(value) >= _EXCEL_EXACT_LIMIT:
            raise ValueParseError(EXCEL_LOST_DIGITS)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueParseError(f"“{value}”不是编码")
        return str(int(value)) if value == value.to_integral_value() else str(value)
    text = re.sub(r"\s+", "", _nfkc(str(value)))
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    text = text.removeprefix("'").upper()  # Excel's "store as text" prefix in CSVs
    if _SCIENTIFIC.fullmatch(text):
        raise ValueParseError(EXCEL_LOST_DIGITS)
    if text in EXCEL_ERRORS:
        raise ValueParseError(f"“{text}”是公式错误值，不是编码")
    return text or None
