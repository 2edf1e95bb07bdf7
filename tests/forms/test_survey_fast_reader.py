"""The calamine reader of Form 1 must say exactly what the openpyxl reader says."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import DamagedWorkbook, NotAFormError
from credit_workbook.forms.survey_fast_reader import read_survey_fast
from credit_workbook.forms.survey_reader import read_survey_file
from formfill import COMPLETE_A, fill

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_workbooks" / "surveys").glob("*.xlsx"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_same_survey_and_problems_as_the_openpyxl_reader(path):
    fast = read_survey_fast(path)
    assert fast is not None
    assert check_survey(fast) == check_survey(read_survey_file(path))


def test_same_places_for_typed_mistakes_and_table_rows(tmp_path):
    bank = {"bank": "农行", "account_no": "6228480012345678901", "account_name": "王五", "account_kind": "一般户"}
    src = fill(tmp_path / "m.xlsx", {**COMPLETE_A, "established_on": "2019年13月1日", "registered_capital": "五百万"},
               banks=(bank,), officers=({"name": "王五", "title": "董事长", "share_pct": 0.6},))
    fast, full = read_survey_fast(src), read_survey_file(src)
    assert {k: v.place for k, v in fast.fields.items()} == {k: v.place for k, v in full.fields.items()}
    assert check_survey(fast).problems == check_survey(full).problems
    assert len(check_survey(fast).problems) == 3


def test_a_workbook_without_our_names_is_not_a_form_and_a_broken_file_is_refused(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "往来明细"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(NotAFormError):
        read_survey_fast(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DamagedWorkbook, match="broken.xlsx: 文件不完整或已损坏"):  # the guard, before either reader
        read_survey_fast(tmp_path / "broken.xlsx")
