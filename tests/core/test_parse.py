"""The value parsers: every accepted spelling, every rejection and its message."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_workbook.core.parse import (
    ValueParseError,
    clean_code,
    clean_text,
    parse_amount,
    parse_date,
    parse_int,
    parse_number,
    parse_yesno,
)

BLANKS = [None, "", "   ", "\u3000", "\xa0", "\t\n"]


def test_value_parse_error_is_a_value_error():
    assert issubclass(ValueParseError, ValueError)


# ---------------------------------------------------------------- parse_date

@pytest.mark.parametrize("blank", BLANKS)
def test_date_blank_is_none(blank):
    assert parse_date(blank) is None


@pytest.mark.parametrize("text", [
    "2026/1/5", "2026-01-05", "2026-1-5", "2026.1.5", "2026年1月5日", "2026年01月05日",
    "20260105", "２０２６年１月５日", "２０２６／１／５", "２０２６－０１－０５", "２０２６．１．５",
    "  2026-01-05  ", "\u30002026/1/5\u3000", "2026-01-05 00:00:00", "2026/1/5 13:45",
    "2026-01-05T00:00:00", "2026-01-05 08:30:15.250", "2026 年 1 月 5 日", "2026年1月5号",
])
def test_date_from_text(text):
    assert parse_date(text) == date(2026, 1, 5)


def test_date_from_date_and_datetime():
    assert parse_date(date(2026, 1, 5)) == date(2026, 1, 5)
    result = parse_date(datetime(2026, 1, 5, 17, 30))
    assert result == date(2026, 1, 5) and type(result) is date


@pytest.mark.parametrize("serial, expected", [
    (1, date(1900, 1, 1)),
    (59, date(1900, 2, 28)),
    (61, date(1900, 3, 1)),  # after Excel's phantom 1900-02-29
    (45000, date(2023, 3, 15)),
    (46027, date(2026, 1, 5)),
    (46027.75, date(2026, 1, 5)),  # the fraction is a time of day
    (Decimal("46027"), date(2026, 1, 5)),
    (2958465, date(9999, 12, 31)),
])
def test_date_from_excel_serial(serial, expected):
    assert parse_date(serial) == expected


@pytest.mark.parametrize("value, message", [
    ("2019年13月1日", "无法识别的日期“2019年13月1日”（月份应为1–12）"),
    ("2019-0-1", "无法识别的日期“2019-0-1”（月份应为1–12）"),
    ("2019-2-29", "无法识别的日期“2019-2-29”（2019年2月只有28天）"),
    ("2026/4/31", "无法识别的日期“2026/4/31”（2026年4月只有30天）"),
    ("2026-01-00", "无法识别的日期“2026-01-00”（2026年1月只有31天）"),
    ("20261301", "无法识别的日期“20261301”（月份应为1–12）"),
    ("1899-12-31", "无法识别的日期“1899-12-31”（年份应在1900–9999之间）"),
    (" abc ", "无法识别的日期“abc”（应为2026-01-05、2026/1/5、2026年1月5日或20260105）"),
    ("26/1/5", "无法识别的日期“26/1/5”（应为2026-01-05、2026/1/5、2026年1月5日或20260105）"),
    ("2026/1-5", "无法识别的日期“2026/1-5”（应为2026-01-05、2026/1/5、2026年1月5日或20260105）"),
    ("2026-01-05 下午", "无法识别的日期“2026-01-05 下午”（应为2026-01-05、2026/1/5、2026年1月5日或20260105）"),
    (0, "无法识别的日期“0”（Excel日期序列号应在1–2958465之间）"),
    (-3, "无法识别的日期“-3”（Excel日期序列号应在1–2958465之间）"),
    (2958466, "无法识别的日期“2958466”（Excel日期序列号应在1–2958465之间）"),
    (0.5, "无法识别的日期“0.5”（Excel日期序列号应在1–2958465之间）"),
    (60, "无法识别的日期“60”（Excel序列号60是不存在的1900年2月29日）"),
    (float("nan"), "无法识别的日期“nan”（不是有效的日期序列号）"),
    (float("inf"), "无法识别的日期“inf”（不是有效的日期序列号）"),
    (True, "无法识别的日期“True”（应为2026-01-05、2026/1/5、2026年1月5日或20260105）"),
])
def test_date_rejections(value, message):
    with pytest.raises(ValueParseError) as exc:
        parse_date(value)
    assert str(exc.value) == message


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_date_serial_round_trip(d):
    # Excel's serial of a date from March 1900 on: days since 1899-12-30.
    assert parse_date((d - date(1899, 12, 30)).days) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_date_every_written_form_round_trips(d):
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日",
                 d.strftime("%Y%m%d")):
        assert parse_date(text) == d


# ---------------------------------------------------------------- parse_amount

@pytest.mark.parametrize("blank", BLANKS)
def test_amount_blank_is_none(blank):
    assert parse_amount(blank) is None


@pytest.mark.parametrize("value, expected", [
    (1234, "1234.00"),
    (-7, "-7.00"),
    (1234.56, "1234.56"),
    (0.1 + 0.2, "0.30"),
    (2.675, "2.68"),  # repr is 2.675, so half-up gives .68 (binary float would give .67)
    (Decimal("1.005"), "1.01"),
    (Decimal("12"), "12.00"),
    ("1234.5", "1234.50"),
    ("1,234.50", "1234.50"),
    ("1,234,567.89", "1234567.89"),
    ("１，２３４．５０", "1234.50"),
    ("(1,234.00)", "-1234.00"),
    ("（1,234.00）", "-1234.00"),
    ("(¥1,234.00)", "-1234.00"),
    ("-1,234.00", "-1234.00"),
    ("－1,234.00", "-1234.00"),
    ("−5", "-5.00"),
    ("+5", "5.00"),
    ("¥1,234.00", "1234.00"),
    ("￥1,234.00", "1234.00"),
    ("¥-3", "-3.00"),
    ("-¥3", "-3.00"),
    ("1234元", "1234.00"),
    ("￥1,234.00元", "1234.00"),
    ("1.5万", "15000.00"),
    ("1.5万元", "15000.00"),
    ("１．５万元", "15000.00"),
    ("-2万", "-20000.00"),
    ("1 234.5", "1234.50"),
    (" 1,234 . 5 ", "1234.50"),
    ("\u30001,234\u3000", "1234.00"),
    (".5", "0.50"),
    ("5.", "5.00"),
    ("0.005", "0.01"),
    ("-0.001", "0.00"),
    ("-", "0.00"),
    ("—", "0.00"),
    ("——", "0.00"),
    ("－", "0.00"),
    (" - ", "0.00"),
])
def test_amount_accepted(value, expected):
    result = parse_amount(value)
    assert result == Decimal(expected)
    assert str(result) == expected  # always exactly two places, no "-0.00"


@pytest.mark.parametrize("value", [
    "abc", "1,23", "12,34.5", "1.2.3", "--3", "(-5)", "(5", "5)", "1e5", "1.5E+06",
    "nan", "NaN", "Infinity", "12%", "1.5亿", "¥", "万", "元", "1,234.5-", "5 5 x",
])
def test_amount_rejected_text(value):
    with pytest.raises(ValueParseError) as exc:
        parse_amount(value)
    assert str(exc.value) == f"“{value.strip()}”不是金额"


@pytest.mark.parametrize("value, shown", [
    (float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf"),
    (Decimal("NaN"), "NaN"), (Decimal("Infinity"), "Infinity"), (True, "True"),
    (date(2026, 1, 5), "2026-01-05"),
])
def test_amount_rejected_values(value, shown):
    with pytest.raises(ValueParseError) as exc:
        parse_amount(value)
    assert str(exc.value) == f"“{shown}”不是金额"


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2))
def test_amount_thousands_text_round_trips(d):
    assert parse_amount(f"{d:,.2f}") == d
    assert parse_amount(f"({abs(d):,.2f})") == -abs(d)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_amount_from_float_matches_its_shortest_repr(x):
    assert parse_amount(x) == Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- parse_number

@pytest.mark.parametrize("blank", BLANKS)
def test_number_blank_is_none(blank):
    assert parse_number(blank) is None


@pytest.mark.parametrize("value, expected", [
    (500, Decimal("500")),
    (0.1, Decimal("0.1")),
    (1234.5678, Decimal("1234.5678")),
    (Decimal("3.14159"), Decimal("3.14159")),
    ("1,234.5678", Decimal("1234.5678")),
    ("12.5%", Decimal("0.125")),
    ("１２．５％", Decimal("0.125")),
    ("100%", Decimal("1")),
    ("1.5万", Decimal("15000")),
    ("(3.5)", Decimal("-3.5")),
    ("-", Decimal("0")),
])
def test_number_accepted(value, expected):
    assert parse_number(value) == expected


def test_number_keeps_precision():
    assert str(parse_number("0.123456789")) == "0.123456789"


@pytest.mark.parametrize("value, expected", [
    ("500", Decimal("500")), ("500万", Decimal("500")), ("500万元", Decimal("500")),
    ("5,000,000元", Decimal("500")), (500, Decimal("500")),
])
def test_number_in_wan_unit_field(value, expected):
    assert parse_number(value, wan_unit=True) == expected


@pytest.mark.parametrize("value", ["abc", "1,23", "%", "12%%", "1e3"])
def test_number_rejected(value):
    with pytest.raises(ValueParseError) as exc:
        parse_number(value)
    assert str(exc.value) == f"“{value}”不是数字"


def test_number_rejects_nan():
    with pytest.raises(ValueParseError, match="不是数字"):
        parse_number(float("nan"))


# ---------------------------------------------------------------- parse_int

@pytest.mark.parametrize("blank", BLANKS)
def test_int_blank_is_none(blank):
    assert parse_int(blank) is None


@pytest.mark.parametrize("value, expected", [
    (30, 30), (30.0, 30), (Decimal("30.00"), 30), ("30", 30), ("30.0", 30), ("30天", 30),
    ("30 天", 30), ("３０天", 30), (" 15日 ", 15), ("1,000", 1000), ("-5", -5), (0, 0),
])
def test_int_accepted(value, expected):
    result = parse_int(value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value, shown", [
    ("30.5", "30.5"), (30.5, "30.5"), ("abc", "abc"), ("-", "-"), ("三十天", "三十天"),
    (True, "True"), (float("nan"), "nan"), ("30个月", "30个月"), ("1,00", "1,00"),
])
def test_int_rejected(value, shown):
    with pytest.raises(ValueParseError) as exc:
        parse_int(value)
    assert str(exc.value) == f"“{shown}”不是整数"


# ---------------------------------------------------------------- parse_yesno

@pytest.mark.parametrize("blank", BLANKS)
def test_yesno_blank_is_none(blank):
    assert parse_yesno(blank) is None


@pytest.mark.parametrize("value", ["是", " 是 ", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "√", "Ｙ", True])
def test_yes(value):
    assert parse_yesno(value) is True


@pytest.mark.parametrize("value", ["否", "否\u3000", "N", "n", "no", "NO", "false", "False", "×", False])
def test_no(value):
    assert parse_yesno(value) is False


@pytest.mark.parametrize("value", ["好", "是的", "有", "x", "1", 1, 0, 2.5, "yes!"])
def test_yesno_rejected(value):
    with pytest.raises(ValueParseError) as exc:
        parse_yesno(value)
    assert str(exc.value) == "应填“是”或“否”"


# ---------------------------------------------------------------- clean_text

@pytest.mark.parametrize("blank", BLANKS)
def test_text_blank_is_none(blank):
    assert clean_text(blank) is None


@pytest.mark.parametrize("value, expected", [
    ("  张三  ", "张三"),
    ("\u3000张三\u3000", "张三"),
    ("\xa0张三\xa0", "张三"),
    ("\ufeff张三", "张三"),
    ("北京 朝阳区", "北京 朝阳区"),  # inner spaces are the user's
    (30.0, "30"),
    (1.5, "1.5"),
    (12, "12"),
    (Decimal("12.50"), "12.50"),
    (datetime(2026, 1, 5), "2026-01-05"),
])
def test_text_cleaned(value, expected):
    assert clean_text(value) == expected


# ---------------------------------------------------------------- clean_code

@pytest.mark.parametrize("blank", BLANKS)
def test_code_blank_is_none(blank):
    assert clean_code(blank) is None


@pytest.mark.parametrize("value, expected", [
    ("c001", "C001"),
    (" C 001 ", "C001"),
    ("９１１１００００６０００３７３４１ｌ", "91110000600037341L"),
    ("6222 0212 0000 1234 567", "6222021200001234567"),
    ("\u30000012\u3000", "0012"),  # leading zeros of a text code survive
    ("'0012", "0012"),
    (12345, "12345"),
    (999_999_999_999_999, "999999999999999"),  # 15 digits: what Excel keeps exactly
    (123.0, "123"),
    (999999999999999.0, "999999999999999"),
    (Decimal("42"), "42"),
])
def test_code_cleaned(value, expected):
    assert clean_code(value) == expected


# openpyxl reads a whole number as int, calamine as float: the same cell must fail in both (fuzz find)
@pytest.mark.parametrize("value", [1e15, 10**15, 6.22848e18, 6228480000000000000, -1e16, "6.22848E+18", "6.22848e+18", "１．２３Ｅ＋１５"])
def test_code_that_excel_turned_into_a_number_is_rejected(value):
    with pytest.raises(ValueParseError) as exc:
        clean_code(value)
    assert str(exc.value) == (
        "编码/账号被Excel存成了数字，超过15位的数字会丢失，请把单元格设为文本格式后重新输入"
    )


@pytest.mark.parametrize("value, stored", [
    (2 ** 53, 2 ** 53),  # exact in a double: left an int
    (2 ** 53 + 1, 9007199254740992.0),  # openpyxl's exact int is no value Excel can hold
    (-(2 ** 53) - 1, -9007199254740992.0),
    (12.5, 12.5), ("9007199254740993", "9007199254740993"), (True, True),
])
def test_a_whole_number_reads_as_the_double_the_cell_holds(value, stored):
    from credit_workbook.core.parse import as_stored

    got = as_stored(value)
    assert got == stored and type(got) is type(stored)


@pytest.mark.parametrize("value", [date(2009, 6, 18), datetime(2009, 6, 18)])
def test_a_code_excel_turned_into_a_date_is_rejected_alike_by_both_readers(value):
    """calamine gives a date, openpyxl a datetime: both were a code once ("1-2" becomes 2 January)."""
    with pytest.raises(ValueParseError, match=r"^编码被Excel存成了日期（2009-06-18），请把单元格设为文本格式后重新输入$"):
        clean_code(value)
