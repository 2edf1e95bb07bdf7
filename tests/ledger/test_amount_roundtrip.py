"""Any amount, rendered the ways exports print it, reads back to the same Decimal through a ledger file."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_workbook.ledger.parse import parse_ledger

FULL_WIDTH = str.maketrans("0123456789,.-()", "０１２３４５６７８９，．－（）")

amounts = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)


def render(x: Decimal, style: str) -> str:
    text = f"{x:,.2f}"
    if style == "plain":
        return f"{x:.2f}"
    if style == "parens" and x < 0:
        text = f"({-x:,.2f})"
    if style == "fullwidth":
        text = text.translate(FULL_WIDTH)
    return text


@settings(max_examples=150, deadline=None)
@given(x=amounts, style=st.sampled_from(["plain", "thousands", "parens", "fullwidth"]),
       encoding=st.sampled_from(["gbk", "utf-8-sig"]))
def test_amount_text_roundtrips_through_a_csv_ledger(x, style, encoding):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["日期", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额"])
    w.writerow(["2026-10-05", "C001", "华东机械", "期初余额", "", "", "平", "0.00"])
    direction = "借" if x > 0 else "贷" if x < 0 else "平"
    w.writerow(["2026-10-05", "C001", "华东机械", "发货", render(x, style), "", direction, render(abs(x), style)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rt.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        led = parse_ledger(path)
    assert led.problems == ()
    (entry,) = led.entries
    assert (entry.debit, entry.balance) == (x, x)
    assert entry.debit.as_tuple().exponent == -2


@settings(max_examples=300)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(""), st.none(),
                 st.integers(min_value=-10**30, max_value=10**30), st.just("1" * 30)))
def test_fast_amount_agrees_with_the_shared_parser(value):
    """Equal wherever parse_amount answers; a ValueParseError wherever it refuses or overflows."""
    from decimal import InvalidOperation

    from credit_workbook.core.parse import ValueParseError, parse_amount
    from credit_workbook.ledger.common import amount

    try:
        expected = parse_amount(value)
    except (ValueParseError, InvalidOperation):
        with pytest.raises(ValueParseError):
            amount(value)
        return
    got = amount(value)
    assert got == expected and str(got) == str(expected)


@given(st.text(max_size=12))
def test_fast_text_agrees_with_the_shared_cleaner(value):
    from credit_workbook.core.parse import clean_text
    from credit_workbook.ledger.common import cell_text

    assert cell_text(value) == clean_text(value)
