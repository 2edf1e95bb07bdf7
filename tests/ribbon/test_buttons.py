"""The buttons as Excel runs them (over the xlwings stand-in), the CLI's ``button``, and finding the workspace."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest

import credit_workbook
from credit_workbook import ribbon
from credit_workbook.errors import WorkspaceError
from credit_workbook.port.excel import HEAD, SEP, ExcelBook, blocks
from credit_workbook.ribbon.home import HOME_ENV, find_workspace

from . import fake_xlwings
from .conftest import cli


def test_the_note_separator_is_the_file_writers():
    from credit_workbook.forms.survey_writeback import COMMENT_SEP

    assert SEP == COMMENT_SEP and HEAD in COMMENT_SEP


def test_the_colours_are_the_file_writers():
    from credit_workbook.forms.ledger_highlight import FILLS as LEDGER_FILLS
    from credit_workbook.port.base import FILLS

    assert FILLS == LEDGER_FILLS


def test_main_button_rates_the_calling_book_and_says_so_in_excel(ws):
    book = fake_xlwings.Book.load(ws / "surveys/KH022_鑫达纺织.xlsx")
    outcome = ribbon.main_button(book)
    assert outcome.kind == "调查评定表"
    [(text, title)] = book.app.alerts
    assert title == "信用管理" and text.startswith("KH022") and "C级" in text and "第十六条(1)" in text
    assert book.app.status_bar == outcome.summary
    sheet = book.sheets[0]
    assert sheet.api.ProtectContents  # protected again after the write
    assert sheet.api.protect_calls[-1]["AllowFormattingColumns"] is True
    grade = ExcelBook(book).defined_names()["result_grade"]
    assert sheet.cells[(grade.row, grade.col)] == "C"


def test_reads_and_writes_cross_into_excel_a_whole_range_at_a_time(ws):
    """Form 3 rewrites ~200 cells; calls into Excel stay a small multiple of the sheets and row blocks."""
    book = fake_xlwings.Book.load(ws / "out/2026-10/预付赊销客户汇总表_2026-10.xlsx")
    port = ExcelBook(book)
    before = dict(book.sheets[0].cells)
    outcome = ribbon.main_button(book)
    written = sum(1 for k, v in book.sheets[0].cells.items() if before.get(k) is not None or v is not None)
    assert outcome.kind == "预付赊销客户汇总表"
    assert written > 200 and book.app.calls < 40, book.app.calls
    assert port.values("预付赊销客户汇总表")  # still readable


def test_blocks_group_consecutive_cells():
    cells = {(5, 7): 1, (5, 8): 2, (6, 7): 3, (6, 8): 4, (9, 7): 5, (9, 8): 6, (9, 12): 7}
    got = sorted(blocks(cells))
    assert got == [((5, 7, 6, 8), [[1, 2], [3, 4]]), ((9, 7, 9, 8), [[5, 6]]), ((9, 12, 9, 12), [[7]])]


def test_an_unknown_book_gets_help_not_a_traceback(ws):
    path = ws / "surveys/备忘.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["随手记"])
    wb.save(path)
    book = fake_xlwings.Book.load(path)
    ribbon.main_button(book)
    [(text, _)] = book.app.alerts
    assert "未识别" in text and "发货申请" in text and "Traceback" not in text


def test_a_book_outside_any_workspace_says_how_to_set_one(tmp_path, monkeypatch):
    monkeypatch.delenv(HOME_ENV, raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "appdata"))
    path = tmp_path / "桌面/KH001.xlsx"
    path.parent.mkdir()
    openpyxl.Workbook().save(path)
    book = fake_xlwings.Book.load(path)
    assert ribbon.main_button(book) is None
    [(text, _)] = book.app.alerts
    assert HOME_ENV in text and "credit.toml" in text
    assert "KH001.xlsx" in (tmp_path / "appdata/credit_workbook/ribbon.log").read_text(encoding="utf-8")


def test_a_fault_of_ours_is_a_short_message_and_a_logged_traceback(ws, monkeypatch):
    from credit_workbook.ribbon import recognise

    def broken(port, aliases=None):
        raise KeyError("boom")

    monkeypatch.setattr(recognise, "recognise", broken)
    book = fake_xlwings.Book.load(ws / "surveys/KH001_锦绣服饰.xlsx")
    assert ribbon.main_button(book) is None
    [(text, _)] = book.app.alerts
    assert text.startswith("内部错误：KeyError") and "ribbon.log" in text and "Traceback" not in text
    log = (ws / ".credit/ribbon.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError: 'boom'" in log


def test_clear_marks_takes_off_what_the_main_button_put_on(ws):
    """Over the port, so Excel (stand-in) and ``button --clear`` share it; the form's own fills come back."""
    from credit_workbook.port.excel import ExcelBook
    from credit_workbook.ribbon.buttons import clear_marks
    from credit_workbook.workspace import Workspace

    book = fake_xlwings.Book.load(ws / "surveys/KH035_金泰服装.xlsx")
    before = {k: dict(getattr(book.sheets[0], k)) for k in ("cells", "colours", "note_texts")}
    ribbon.main_button(book)
    assert book.sheets[0].note_texts and any(n.name.startswith("_credit_fills_") for n in book.names)
    outcome = clear_marks(ExcelBook(book), Workspace.open(ws))
    assert outcome.summary.endswith("已清除 1 处标注")
    sheet = book.sheets[0]
    assert sheet.colours == before["colours"] and sheet.note_texts == before["note_texts"]
    assert not any(n.name.startswith("_credit_fills_") for n in book.names)
    assert sheet.api.ProtectContents


def test_button_clear_on_a_file_removes_the_marks_after_a_backup(ws):
    from credit_workbook.cli import main

    form = ws / "surveys/KH035_金泰服装.xlsx"
    original = form.read_bytes()
    assert main(["button", str(form)], io.StringIO(), io.StringIO()) == 0
    marked = form.read_bytes()
    assert marked != original
    out = io.StringIO()
    assert main(["button", str(form), "--clear"], out, io.StringIO()) == 0
    assert "已清除" in out.getvalue()
    assert form.read_bytes() != marked
    assert any(p.read_bytes() == marked for p in (ws / ".credit/backups").rglob("*.xlsx"))


def test_the_package_main_is_the_main_button(ws, monkeypatch):
    """The add-in's VBA runs ``credit_workbook.main()``; it must reach the calling book through xlwings."""
    import xlwings

    book = fake_xlwings.Book.load(ws / "surveys/KH001_锦绣服饰.xlsx")
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    assert credit_workbook.main() is None
    assert book.app.alerts and book.app.alerts[0][0].startswith("KH001")


# ---------------------------------------------------------------- the workspace of a workbook


def test_the_workspace_is_the_nearest_folder_with_credit_toml(ws, monkeypatch):
    monkeypatch.delenv(HOME_ENV, raising=False)
    assert find_workspace(ws / "archive/2026-10/预收账款明细账_202610.xlsx").root == ws
    assert find_workspace(ws / "surveys/KH001_锦绣服饰.xlsx", explicit=ws).root == ws


def test_else_the_environment_names_it(ws, tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(ws))
    assert find_workspace(tmp_path / "elsewhere.xlsx").root == ws
    assert find_workspace(None).root == ws
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    with pytest.raises(WorkspaceError, match=HOME_ENV):
        find_workspace(tmp_path / "elsewhere.xlsx")


# ---------------------------------------------------------------- the CLI


def test_cli_button_runs_the_main_buttons_action_on_a_file(ws, tmp_path, monkeypatch):
    monkeypatch.delenv(HOME_ENV, raising=False)
    code, out, err = cli("button", ws / "surveys/KH037_宏远毛衫.xlsx")
    assert code == 0, err
    assert out.startswith("KH037") and "已备份原表" in out and "[错误]" in out
    elsewhere = tmp_path / "KH037.xlsx"
    elsewhere.write_bytes((ws / "surveys/KH037_宏远毛衫.xlsx").read_bytes())
    code, out, err = cli("button", elsewhere)
    assert code == 2 and err.startswith("错误：") and HOME_ENV in err
    code, out, _ = cli("button", elsewhere, "--workspace", ws)
    assert code == 0 and out.startswith("KH037")
    code, out, err = cli("button", tmp_path / "missing.xlsx", "--workspace", ws)
    assert code == 2 and "不存在" in err


def test_cli_button_on_a_ledger_that_would_be_quarantined_exits_2(ws):
    code, out, _ = cli("button", ws / "quarantine/应收账款明细账_202610_手工修改.xlsx")
    assert code == 2 and "明细账!I313" in out


def test_scratch_folders_of_a_ledger_check_are_removed(ws, monkeypatch, tmp_path):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert cli("button", ws / "archive/2026-10/预收账款明细账_202610.xlsx")[0] == 0
    assert os.listdir(scratch) == []


def test_a_form_saved_nowhere_yet_is_refused_politely(ws, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(ws))
    book = fake_xlwings.Book.load(ws / "archive/2026-10/预收账款明细账_202610.xlsx")
    book.fullname = "Book1"  # Excel's name for a new, never saved book
    ribbon.main_button(book)
    [(text, _)] = book.app.alerts
    assert "尚未保存" in text
