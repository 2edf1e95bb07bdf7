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
from credit_workbook.forms.comment_marks import update_comments
from credit_workbook.forms.survey_writeback import COMMENT_SEP, MARK_AUTHOR, MARK_TOKEN, mark_file, write_marks
from credit_workbook.policy import Policy
from formfill import COMPLETE_A, fill
from oracles import requires_gnumeric, requires_soffice

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


def test_marks_left_by_the_openpyxl_writer_are_cleared(tmp_path):
    """Forms marked in place by earlier versions carry openpyxl's parts (xl/comments/comment1.xml, ns0: VML)."""
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    src = fill(tmp_path / "旧版.xlsx", {**COMPLETE_A, "uscc": "91110000600037341X"})
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    uscc, legal = _cell(wb, "uscc"), _cell(wb, "legal_rep")
    uscc.comment = Comment("【警告】旧的说明", MARK_AUTHOR)
    legal.comment = Comment("法人已变更" + COMMENT_SEP + "【错误】旧的说明", "王会计")
    ws.conditional_formatting.add(uscc.coordinate, FormulaRule(
        formula=[f'"{MARK_TOKEN}:WARNING"<>""'], fill=PatternFill("solid", start_color="FFEB9C")))
    wb.save(src)
    check, rating = _rate_file(src)
    write_marks(src, src, check.problems, result_cells(rating, check.problems), backup_dir=tmp_path / "bk")
    wb = openpyxl.load_workbook(src)
    assert _cell(wb, "uscc").comment.text.count("【警告】") == 1 and "旧的说明" not in _cell(wb, "uscc").comment.text
    assert _cell(wb, "legal_rep").comment.text == "法人已变更" and _cell(wb, "legal_rep").comment.author == "王会计"
    assert len(_our_rules(wb.worksheets[0])) == 1
    mark_file(src, src, (), None)
    wb = openpyxl.load_workbook(src)
    assert _cell(wb, "uscc").comment is None and _our_rules(wb.worksheets[0]) == []
    assert _cell(wb, "legal_rep").comment.text == "法人已变更"


def test_our_part_is_cut_where_excel_merged_it_into_the_users_run():
    """Excel may save a note edited by hand as one run, with CR LF line breaks: the cut still finds our part."""
    sep = COMMENT_SEP.replace("\n", "\r\n")
    part = ('<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>王会计'
            f'</author><author>{MARK_AUTHOR}</author></authors><commentList><comment ref="B7" authorId="0"><text>'
            '<r><rPr><b/><sz val="9"/></rPr><t>王会计:</t></r><r><rPr><sz val="9"/></rPr>'
            f'<t xml:space="preserve">&#10;法人已变更{sep}【错误】旧的说明</t></r></text></comment>'
            '</commentList></comments>').encode()
    cleared = update_comments(part, "x", {}, MARK_AUTHOR, COMMENT_SEP)
    assert cleared.cells == {(7, 2)}
    assert (b'<r><rPr><b/><sz val="9"/></rPr><t>\xe7\x8e\x8b\xe4\xbc\x9a\xe8\xae\xa1:</t></r>'
            b'<r><rPr><sz val="9"/></rPr><t xml:space="preserve">\n\xe6\xb3\x95') in cleared.data
    assert "旧的说明".encode() not in cleared.data and MARK_AUTHOR.encode() not in cleared.data
    again = update_comments(cleared.data, "x", {(7, 2): "【警告】新的说明"}, MARK_AUTHOR, COMMENT_SEP)
    assert again.data.count(MARK_AUTHOR.encode()) == 1  # in the separator: the note stays 王会计's
    assert update_comments(again.data, "x", {(7, 2): "【警告】新的说明"}, MARK_AUTHOR, COMMENT_SEP).data == again.data


def test_zip_level_write_back_is_several_times_cheaper_than_openpyxl(tmp_path):
    """Issue 4: ~70 ms of CPU per form with openpyxl's load/save; the zip-level writer must stay far below."""
    import time

    from credit_workbook.fileio import workbook_bytes

    forms = [fill(tmp_path / f"f{i}.xlsx", {**COMPLETE_A, "customer_code": f"KH9{i:02d}",
                                            "uscc": "91110000600037341X"}) for i in range(8)]
    checked = [(f, *_rate_file(f)) for f in forms]
    start = time.process_time()
    for f, check, rating in checked:
        write_marks(f, tmp_path / "out" / f.name, check.problems, result_cells(rating, check.problems))
    ours = time.process_time() - start
    start = time.process_time()
    for f, _check, _rating in checked:
        workbook_bytes(openpyxl.load_workbook(f))
    theirs = time.process_time() - start
    assert ours * 4 < theirs, (ours, theirs)


@pytest.mark.oracle
@requires_soffice
@requires_gnumeric
@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl on Gnumeric's styles
def test_forms_saved_by_libreoffice_and_gnumeric_are_marked_and_cleared(tmp_path):
    """Other programs write the same form differently (shared strings, their own VML, "shape_0" ids)."""
    import shutil
    import subprocess

    from openpyxl.comments import Comment

    from oracles import SSCONVERT, gnumeric_sheets, soffice_convert

    src = fill(tmp_path / "src" / "f.xlsx", {**COMPLETE_A, "uscc": "91110000600037341X"})
    wb = openpyxl.load_workbook(src)
    _cell(wb, "uscc").comment = Comment("客户提供的是旧证", "王会计")
    wb.save(src)
    by_lo = soffice_convert(src, "xlsx", tmp_path / "lo")
    by_gnumeric = tmp_path / "gn" / "f.xlsx"
    by_gnumeric.parent.mkdir()
    subprocess.run([SSCONVERT, str(src), str(by_gnumeric)], check=True, capture_output=True, timeout=120)
    for saved in (by_lo, by_gnumeric):
        form = tmp_path / "marked" / saved.parent.name / "f.xlsx"
        form.parent.mkdir(parents=True)
        shutil.copyfile(saved, form)
        check, rating = _rate_file(form)
        cells = result_cells(rating, check.problems)
        write_marks(form, form, check.problems, cells)
        first = form.read_bytes()
        assert write_marks(form, form, check.problems, cells) is None and form.read_bytes() == first
        wb = openpyxl.load_workbook(form)
        text = _cell(wb, "uscc").comment.text
        assert text.startswith("客户提供的是旧证" + COMMENT_SEP) and "校验" in text, saved
        assert _cell(wb, "result_grade").value == rating.result.grade.value
        rows = gnumeric_sheets(form)[wb.worksheets[0].title]
        ref = defined_cells(wb)["result_grade"]
        assert rows[int(ref.coord[1:]) - 1][ord(ref.coord[0]) - 65] == rating.result.grade.value
        mark_file(form, form, (), None)
        wb = openpyxl.load_workbook(form)
        assert _cell(wb, "uscc").comment.text == "客户提供的是旧证" and _our_rules(wb.worksheets[0]) == []
