"""Form 1 read → validate → grade → write back, on real files."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from credit_workbook.actions.surveys import result_cells
from credit_workbook.core.rating import rate
from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import WorkbookOpenError
from credit_workbook.forms.names import defined_cells
from credit_workbook.forms.survey_reader import read_survey_file
from credit_workbook.forms.survey_writeback import COMMENT_SEP, MARK_TOKEN, write_marks
from credit_workbook.policy import Policy
from formfill import COMPLETE_A, fill

AS_OF = date(2026, 10, 31)


def _rate_file(path):
    check = check_survey(read_survey_file(path))
    rating = rate(check.survey, check.problems, None, Policy(), AS_OF) if check.survey else None
    return check, rating


def _cell(wb, name):
    ref = defined_cells(wb)[name]
    return wb[ref.sheet][ref.coord]


def _our_rules(ws):
    return [(str(cf.sqref), rule.formula) for cf in ws.conditional_formatting for rule in cf.rules
            if any(MARK_TOKEN in f for f in rule.formula or ())]


def test_complete_form_is_graded_a_and_results_are_written(tmp_path):
    src = fill(tmp_path / "a.xlsx", COMPLETE_A)
    check, rating = _rate_file(src)
    assert check.problems == ()
    assert rating.result.grade.value == "A"
    out = tmp_path / "out" / "a.xlsx"
    write_marks(src, out, check.problems, result_cells(rating, check.problems))
    wb = openpyxl.load_workbook(out)
    assert _cell(wb, "result_grade").value == "A"
    assert "第十五条" in _cell(wb, "result_reasons").value
    assert _cell(wb, "result_rated_at").value == datetime(2026, 10, 31)
    # No ledger history: averages count as 0, so every cap is 0 (第二十六条).
    assert _cell(wb, "result_cap").value == 0
    assert _our_rules(wb.worksheets[0]) == []


def test_invalid_date_is_marked_at_its_cell_and_costs_the_a_grade(tmp_path):
    src = fill(tmp_path / "bad.xlsx", {**COMPLETE_A, "established_on": "2019年13月1日"})
    check, rating = _rate_file(src)
    [problem] = check.problems
    place = problem.place.split("!")
    wb = openpyxl.load_workbook(src)
    ref = defined_cells(wb)["established_on"]
    assert place == ["bad.xlsx", ref.sheet, ref.coord]
    assert "2019年13月1日" in problem.message and problem.level.value == "错误"
    assert rating.result.grade.value == "B"
    assert "established_on" in rating.result.missing_key_data
    out = tmp_path / "marked.xlsx"
    write_marks(src, out, check.problems, result_cells(rating, check.problems))
    marked = openpyxl.load_workbook(out)
    ws = marked[ref.sheet]
    assert _our_rules(ws) == [(ref.coord, [f'"{MARK_TOKEN}:ERROR"<>""'])]
    assert "2019年13月1日" in ws[ref.coord].comment.text
    assert ws[ref.coord].value == "2019年13月1日"  # the clerk's input is never changed


def test_writing_twice_gives_the_same_bytes_and_fixing_clears_the_marks(tmp_path):
    src = fill(tmp_path / "f.xlsx", {**COMPLETE_A, "uscc": "91110000600037341X"})
    check, rating = _rate_file(src)
    assert [p.level.value for p in check.problems] == ["警告"]
    write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    first = src.read_bytes()
    check2, rating2 = _rate_file(src)
    assert check2.problems == check.problems
    assert write_marks(src, src, check2.problems, result_cells(rating2, check2.problems),
                       backup_dir=tmp_path / "bk") is None  # nothing changed: no write, no backup
    assert src.read_bytes() == first
    # The clerk fixes the code: the tool's highlight and comment disappear.
    wb = openpyxl.load_workbook(src)
    _cell(wb, "uscc").value = "91110000600037341L"
    wb.save(src)
    check3, rating3 = _rate_file(src)
    assert check3.problems == ()
    write_marks(src, src, check3.problems, result_cells(rating3, check3.problems), backup_dir=tmp_path / "bk")
    wb = openpyxl.load_workbook(src)
    assert _our_rules(wb.worksheets[0]) == []
    assert _cell(wb, "uscc").comment is None


def test_users_own_comment_and_fill_survive_marking_and_clearing(tmp_path):
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    src = fill(tmp_path / "u.xlsx", {**COMPLETE_A, "coop_start": "2009-01-01"})  # before 成立日期
    wb = openpyxl.load_workbook(src)
    cell = _cell(wb, "coop_start")
    cell.comment = Comment("客户说是2009年开始合作", "王会计")
    cell.fill = PatternFill("solid", start_color="FF00B050", end_color="FF00B050")
    wb.save(src)
    check, rating = _rate_file(src)
    assert any("早于成立日期" in p.message for p in check.problems)
    write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    wb = openpyxl.load_workbook(src)
    text = _cell(wb, "coop_start").comment.text
    assert text.startswith("客户说是2009年开始合作" + COMMENT_SEP) and "早于成立日期" in text
    # Fixed: our part goes, the user's comment and green fill stay exactly.
    _cell(wb, "coop_start").value = "2012-03-01"
    wb.save(src)
    check, rating = _rate_file(src)
    write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    wb = openpyxl.load_workbook(src)
    cell = _cell(wb, "coop_start")
    assert cell.comment.text == "客户说是2009年开始合作" and cell.comment.author == "王会计"
    assert cell.fill.start_color.rgb == "FF00B050"


def test_in_place_write_keeps_a_byte_for_byte_backup(tmp_path):
    src = fill(tmp_path / "b.xlsx", COMPLETE_A)
    original = src.read_bytes()
    check, rating = _rate_file(src)
    saved = write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    assert saved is not None and saved.parent == tmp_path / "bk"
    assert saved.read_bytes() == original
    assert src.read_bytes() != original


@pytest.mark.parametrize("lock", ["~$b.xlsx", ".~lock.b.xlsx#"])
def test_open_workbook_is_refused(tmp_path, lock):
    src = fill(tmp_path / "b.xlsx", COMPLETE_A)
    (tmp_path / lock).write_bytes(b"owner")
    before = src.read_bytes()
    check, rating = _rate_file(src)
    with pytest.raises(WorkbookOpenError, match="正在.*打开"):
        write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    assert src.read_bytes() == before
    assert not (tmp_path / "bk").exists()


def test_form_without_code_is_not_rated_and_says_why(tmp_path):
    values = dict(COMPLETE_A)
    del values["customer_code"]
    src = fill(tmp_path / "n.xlsx", values)
    check, rating = _rate_file(src)
    assert check.survey is None and rating is None
    cells = result_cells(None, check.problems)
    assert cells.grade is None and "客户编码" in cells.reasons


def test_bank_account_in_another_name_is_a_warning(tmp_path):
    bank = {"bank": "中国农业银行", "account_no": "6228480012345678901", "account_name": "王五",
            "account_kind": "一般户"}
    src = fill(tmp_path / "p.xlsx", COMPLETE_A, banks=(bank,))
    check, _ = _rate_file(src)
    [p] = check.problems
    assert p.level.value == "警告" and "王五" in p.message and p.field == "tbl_banks.account_name"
