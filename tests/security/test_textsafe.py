"""The one rule every writer uses to keep user text inert (credit_workbook.textsafe)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from credit_workbook.textsafe import csv_field, set_text

from .hostile import PAYLOADS
from .scan import formulas


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1", "\n=1", "\0=1",
                                  " =1+1", "\u3000=1+1", '=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0"])
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert csv_field(text) == "'" + text


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "杭州甲商贸有限公司", "A级", "2026-10", "'=1+1", ""])
def test_other_text_is_left_as_typed(text):
    assert csv_field(text) == text


def test_our_own_numbers_stay_numbers():
    assert csv_field(Decimal("-1234.50")) == "-1234.50" and csv_field(-3) == "-3" and csv_field(None) == ""
    assert csv_field(True) == "是"


def test_set_text_keeps_a_formula_shaped_string_a_string_through_save_and_load():
    wb = openpyxl.Workbook()
    for row, text in enumerate(PAYLOADS + ("bell\x07 and nul\x00",), start=1):
        set_text(wb.active.cell(row, 1), text)
    set_text(wb.active.cell(1, 2), Decimal("12.50"))
    buf = io.BytesIO()
    wb.save(buf)
    assert formulas(buf.getvalue()) == []
    again = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    # XML parsers read a raw CR as LF: the one change a string cell makes to what was typed
    assert [again.cell(r, 1).value for r in range(1, len(PAYLOADS) + 1)] == [p.replace("\r", "\n") for p in PAYLOADS]
    assert again.cell(len(PAYLOADS) + 1, 1).value == "bell\ufffd and nul\ufffd"
    assert again.cell(1, 2).value == 12.5
