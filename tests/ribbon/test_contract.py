"""The port's contract: the SAME tests against the file adapter and the xlwings adapter (over the stand-in).

Every action runs on the demo company's real workbooks; expected values come
from what ``run``/``rate`` wrote for the same workspace, never from numbers
typed here.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from credit_workbook.core.survey_checks import check_survey
from credit_workbook.forms.survey_fast_reader import read_survey_fast
from credit_workbook.port.file import FileBook
from credit_workbook.port.excel import SEP
from credit_workbook.ribbon.buttons import press
from credit_workbook.ribbon.home import find_workspace
from credit_workbook.ribbon.survey import raw_survey

RESULT_NAMES = ("result_grade", "result_reasons", "result_cap", "result_max_term_days", "result_rated_at")
PERIOD = "2026-10"


def results(root: Path) -> dict:
    return json.loads((root / f"out/{PERIOD}/results.json").read_text(encoding="utf-8"))


def named(port, name: str):
    cell = port.defined_names()[name]
    grid = port.values(cell.sheet)
    value = grid[cell.row - 1][cell.col - 1] if cell.row - 1 < len(grid) and cell.col - 1 < len(grid[cell.row - 1]) \
        else None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def surveys(root: Path) -> list[Path]:
    return sorted((root / "surveys").glob("*.xlsx"))


def run_button(adapter, path: Path):
    ws = find_workspace(path)
    port = adapter.open(path, ws.backups)
    return port, press(port, ws)


# ---------------------------------------------------------------- reading


def test_a_form_reads_through_the_port_as_the_file_reader_reads_it(adapter, demo_ws):
    for path in surveys(demo_ws):
        port = adapter.open(path)
        assert check_survey(raw_survey(port)) == check_survey(read_survey_fast(path)), path.name


# ---------------------------------------------------------------- Form 1


def test_every_sample_survey_gets_the_result_cells_and_marks_of_rate(adapter, ws):
    """rate wrote its marked copy of every form into out/2026-10/调查评定表/; the button must agree."""
    by_file = {Path(c["survey_file"]).name: c for c in results(ws)["counterparties"] if c["survey_file"]}
    paths = surveys(ws)
    if adapter.kind == "excel":  # the stand-in loads through openpyxl: every form with problems, and a few clean
        paths = [p for p in paths if by_file[p.name]["problems"]] + paths[:4]
    assert len(paths) >= 13
    for path in paths:
        expected = FileBook(ws / f"out/{PERIOD}/调查评定表" / path.name)
        port, outcome = run_button(adapter, path)
        after = adapter.again(port)
        entry = by_file[path.name]
        for name in RESULT_NAMES:
            assert named(after, name) == named(expected, name), (path.name, name)
        assert named(after, "result_grade") == entry["grade"]
        marks = after.marks()
        assert {coord for (_, coord) in marks} == {p["place"].rsplit("!", 1)[1] for p in entry["problems"]}
        for p in entry["problems"]:
            mark = marks[(p["place"].split("!")[1], p["place"].rsplit("!", 1)[1])]
            assert p["message"] in mark.text and mark.severity == {"错误": "红", "警告": "黄"}[p["level"]]
        assert entry["grade"] in outcome.summary and outcome.kind == "调查评定表"
        if adapter.kind == "file":  # the same writer as rate: the same bytes
            assert path.read_bytes() == expected.path.read_bytes(), path.name


def test_the_users_own_note_survives_marking_and_clearing(adapter, ws):
    path = ws / "surveys/KH032_恒信纺织.xlsx"  # 成立日期 B8 is wrong
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["B8"].comment = openpyxl.comments.Comment("业务员：营业执照待补", "张三")
    wb.save(path)
    port, _ = run_button(adapter, path)
    mark = adapter.again(port).marks()[("调查评定表", "B8")]
    assert mark.severity == "红" and "成立日期" in mark.text
    port = adapter.again(port) if adapter.kind == "file" else port
    if adapter.kind == "file":
        port = FileBook(path, backup_dir=ws / ".credit/backups")
    assert port.clear_marks() == 1
    port.finish()
    after = adapter.again(port, path)
    assert after.marks() == {}
    assert named(after, "result_grade") == "B"  # results stay: clearing removes marks only
    if adapter.kind == "file":
        assert openpyxl.load_workbook(path).worksheets[0]["B8"].comment.text == "业务员：营业执照待补"
    else:
        sheet = port.book.sheets[0]
        assert sheet.note_texts[(8, 2)] == "业务员：营业执照待补"
        assert sheet.colours[(8, 2)] == (255, 242, 204)  # the form's yellow input fill, put back


def test_write_back_keeps_a_backup_and_refuses_an_open_file(adapter, ws):
    path = ws / "surveys/KH033_澄江服饰.xlsx"
    original = path.read_bytes()
    if adapter.kind == "file":
        lock = path.with_name("~$" + path.name)
        lock.write_text("")
        with pytest.raises(Exception, match="正在 Excel"):
            run_button(adapter, path)
        assert path.read_bytes() == original
        lock.unlink()
    _, outcome = run_button(adapter, path)
    if adapter.kind == "file":
        [backup] = outcome.backups
        assert backup.read_bytes() == original and path.read_bytes() != original
    else:  # Excel holds the book: nothing on disk changes until the user saves
        assert outcome.backups == [] and path.read_bytes() == original


# ---------------------------------------------------------------- Form 3


def _proposal(ws: Path) -> Path:
    return ws / f"out/{PERIOD}/预付赊销客户汇总表_{PERIOD}.xlsx"


def _cells(path: Path) -> dict:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None}


def test_register_recompute_restores_the_proposal_and_leaves_the_approvals(adapter, ws):
    path = _proposal(ws)
    before = _cells(path)
    header = next(r for (r, c), v in before.items() if v == "建议额度")
    cols = {v: c for (r, c), v in before.items() if r == header}
    first = min(r for (r, c), v in before.items() if c == cols["客户编码"] and r > header)
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    sheet.cell(first, cols["建议额度"]).value = 1  # a stale proposal
    sheet.cell(first, cols["额度使用率"]).value = None
    sheet.cell(first, cols["核定额度"]).value = 12345  # the approvers' figure
    wb.save(path)
    port, outcome = run_button(adapter, path)
    assert outcome.kind == "预付赊销客户汇总表" and "重算了 22 户" in outcome.summary
    grid = adapter.again(port).values(sheet.title)
    assert grid[first - 1][cols["建议额度"] - 1] == pytest.approx(before[(first, cols["建议额度"])])
    assert grid[first - 1][cols["核定额度"] - 1] == 12345
    computed = ("信用等级", "平均月发货额", "平均月回款额", "长期额度上限", "临时额度上限", "建议授信类型", "建议额度",
                "当前占用", "额度使用率")
    data_rows = {r for (r, c), v in before.items() if r > header and c == cols["客户编码"]}
    for (r, c), v in before.items():
        if r in data_rows and c in {cols[h] for h in computed}:
            got = grid[r - 1][c - 1]
            assert got == pytest.approx(v) if isinstance(v, (int, float)) else got == v, (r, c)


# ---------------------------------------------------------------- ledgers


def _marked_rows(path: Path) -> dict[tuple[str, int], str]:
    """Rows run's highlighted copy coloured, with their severity."""
    colours = {"FFC7CE": "红", "FFEB9C": "黄", "BDD7EE": "蓝"}
    wb = openpyxl.load_workbook(path)
    out = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                rgb = (c.fill.fgColor.rgb or "")[-6:] if c.fill.fill_type == "solid" else ""
                if rgb in colours and c.comment is not None:
                    out[(sheet.title, c.row)] = colours[rgb], c.comment.text
    return out


def test_a_dropped_ledger_gets_the_rows_run_flags_and_nothing_enters_the_history(adapter, ws):
    name = "预付账款明细账2026年10月.xlsx"
    drop = ws / "inbox" / name  # as finance drops it again
    shutil.copyfile(ws / f"archive/{PERIOD}" / name, drop)
    copy = ws / f"out/{PERIOD}/预付账款明细账2026年10月_标注.xlsx"
    expected, expected_bytes = _marked_rows(copy), copy.read_bytes()
    copy.unlink()
    store = sqlite3.connect(ws / ".credit/credit.sqlite")
    history = store.execute("SELECT count(*) FROM ledger_files").fetchone()
    audits = store.execute("SELECT count(*) FROM audit").fetchone()
    port, outcome = run_button(adapter, drop)
    assert outcome.kind == "台账" and "红" in outcome.summary and outcome.exit_code == 0
    assert store.execute("SELECT count(*) FROM ledger_files").fetchone() == history
    assert store.execute("SELECT count(*) FROM audit").fetchone() == audits
    assert drop.read_bytes() == (ws / f"archive/{PERIOD}" / name).read_bytes()  # finance's file untouched
    if adapter.kind == "file":
        assert outcome.written == [copy] and copy.read_bytes() == expected_bytes
    else:
        sheet = port.book.sheets["明细账"]
        colours = {(255, 199, 206): "红", (255, 235, 156): "黄", (189, 215, 238): "蓝"}
        ours = SEP.lstrip("\n")  # the note Excel shows starts with the marker that lets clear find it
        got = {("明细账", r): (colours[sheet.colours[(r, 1)]], text.removeprefix(ours))
               for (r, c), text in sheet.note_texts.items()}
        assert got == expected  # the colour and the note the highlighted copy gives each row
        width = max(c for _, c in sheet.cells)
        assert all(sheet.colours[(r, c)] for (_, r) in got for c in range(1, width + 1))  # the whole row
        assert any("R01" in t and "第三十二条" in t for t in sheet.note_texts.values())
        assert not copy.exists()


def test_a_ledger_run_would_quarantine_gets_its_errors_at_their_cells(adapter, ws):
    path = ws / "quarantine/应收账款明细账_202610_手工修改.xlsx"
    original = path.read_bytes()
    out_before = sorted((ws / "out").rglob("*"))
    port, outcome = run_button(adapter, path)
    assert outcome.exit_code == 2 and "quarantine" in outcome.summary
    assert any(line.startswith(f"{path.name}!明细账!I313: ") and "550,000.00" in line for line in outcome.details)
    assert path.read_bytes() == original and sorted((ws / "out").rglob("*")) == out_before
    if adapter.kind == "excel":
        mark = port.marks()[("明细账", "I313")]
        assert mark.severity == "红" and "550,000.00" in mark.text


# ---------------------------------------------------------------- Form 4


def test_form_4_is_regenerated_with_the_departments_notes_kept(adapter, ws):
    path = ws / f"out/{PERIOD}/客户授信额度执行评价表_{PERIOD}.xlsx"
    run_bytes = path.read_bytes()
    run_cells = _cells(path)
    header = next(r for (r, c), v in run_cells.items() if v == "业务部门说明")
    cols = {v: c for (r, c), v in run_cells.items() if r == header}
    row = next(r for (r, c), v in run_cells.items() if c == cols["客户编码"] and v == "KH022")
    port = adapter.open(path, ws / ".credit/backups")
    note = "已约谈客户，11月15日前回款"
    if adapter.kind == "file":
        assert press(port, find_workspace(path)).written == [path]
        assert path.read_bytes() == run_bytes  # nothing typed: exactly the form run wrote
        wb = openpyxl.load_workbook(path)  # a clerk's note (openpyxl drops the charts: the refresh restores them)
        wb.worksheets[0].cell(row, cols["业务部门说明"]).value = note
        wb.save(path)
        port = adapter.open(path, ws / ".credit/backups")
    else:
        port.book.sheets["执行评价表"].cells[(row, cols["业务部门说明"])] = note
    outcome = press(port, find_workspace(path))
    [written] = outcome.written
    if adapter.kind == "excel":  # Excel holds the open form: the new one goes beside it and is opened
        assert written.name == f"客户授信额度执行评价表_{PERIOD}_刷新.xlsx"
        assert [b.name for b in port.book.app.books.opened] == [written.name]
        assert path.read_bytes() == run_bytes
    cells = _cells(written)
    assert cells[(row, cols["业务部门说明"])] == note
    assert {k: v for k, v in cells.items() if k != (row, cols["业务部门说明"])} == run_cells
    with __import__("zipfile").ZipFile(written) as zf:
        assert any(n.startswith("xl/charts/") for n in zf.namelist())


# ---------------------------------------------------------------- shipment requests


def test_a_shipment_request_sheet_gets_the_answers_of_check(adapter, ws):
    from credit_workbook.cli import main

    path = ws / "发货申请_1031.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "发货申请"
    sheet.append(["销售部发货申请（2026年10月31日）"])
    sheet.append(["客户编码", "客户名称", "金额", "日期"])
    rows = [("KH001", "锦绣", 370000, date(2026, 10, 31)), ("KH001", "锦绣", 370000.01, date(2026, 10, 31)),
            ("KH005", "甬达", 100000, date(2026, 10, 31)), ("KH999", "不存在", 5, date(2026, 10, 31)),
            ("KH022", "鑫达", "壹仟元", date(2026, 10, 31))]
    for r in rows:
        sheet.append(list(r))
    wb.save(path)
    port, outcome = run_button(adapter, path)
    assert outcome.kind == "发货申请" and outcome.exit_code == 2  # two rows cannot be judged
    grid = adapter.again(port).values("发货申请")
    assert grid[1][4:6] == ["审核结论", "审核说明"]
    verdicts = [grid[r][4] for r in range(2, 7)]
    for (code, _, amount, day), verdict in zip(rows[:3], verdicts[:3]):
        import io

        out = io.StringIO()
        decision = main(["check", str(ws), "--customer", code, "--amount", str(amount), "--date", str(day),
                         "--json"], stdout=out)
        assert verdict == json.loads(out.getvalue())["verdict"], (code, amount, decision)
    assert verdicts[3:] == ["无法判断", "无法判断"] and "KH999" in grid[5][5]
    marks = adapter.again(port).marks()
    assert {k: m.severity for k, m in marks.items()} == {
        ("发货申请", "E4"): "红", ("发货申请", "E5"): "黄", ("发货申请", "E6"): "红", ("发货申请", "E7"): "红"}


# ---------------------------------------------------------------- anything else


def test_an_unknown_workbook_gets_help_and_is_not_touched(adapter, ws):
    path = ws / "surveys/备忘.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["下周拜访客户", "王五"])
    wb.save(path)
    original = path.read_bytes()
    _, outcome = run_button(adapter, path)
    assert outcome.kind is None and outcome.exit_code == 2
    assert "调查评定表" in outcome.message() and "发货申请" in outcome.message()
    assert path.read_bytes() == original
