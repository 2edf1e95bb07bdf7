"""The highlighted copy of a dropped ledger keeps the user's workbook whole and marks exactly the flagged rows.

The strongest check is part by part: every zip member we had no reason to
touch must come out byte-identical, and the marked sheet's XML may differ
only in the ``s=`` attributes of the flagged rows' cells (and the one
``<legacyDrawing>`` reference a sheet without comments needs). What was
added is read back with openpyxl, calamine, Gnumeric and LibreOffice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from oracles import (
    gnumeric_sheets,
    requires_gnumeric,
    requires_soffice,
    soffice_convert_many,
)
from python_calamine import CalamineWorkbook

from credit_workbook.core.model import Flag
from credit_workbook.forms import ledger_highlight as lh
from credit_workbook.forms.ledger_highlight import (
    FILLS,
    LEGEND_SHEET,
    RULES,
    highlight_ledger,
)
from credit_workbook.forms.survey_writeback import COMMENT_SEP
from credit_workbook.forms.xlsx_stream import StreamUnsupported, rewrite_sheet
from credit_workbook.errors import SuspiciousCompression, XmlDeclarationsRefused

NAME = "应收账款明细账_2026-10.xlsx"
ARGB = {s: "FF" + rgb for s, rgb in FILLS.items()}

# 用友 明细账 rows from sheet row 5: date, voucher, code, name, summary, debit, credit, 方向, balance
LEDGER = [
    (None, None, "C001", "华东机械有限公司", "上月结转", None, None, "借", 10000),
    (date(2026, 10, 5), "记-0012", None, None, "销售发货", 5000, None, "借", 15000),
    (date(2026, 10, 12), "记-0025", None, None, "收到货款", None, 8000, "借", 7000),
    (date(2026, 10, 20), "记-0038", None, None, "销售发货", 3456.78, None, "借", 10456.78),
    (None, None, None, None, "本月合计", 8456.78, 8000, "借", 10456.78),
    (None, None, None, None, "本年累计", 98765.43, 88308.65, "借", 10456.78),
    None,  # row 11: 用友 leaves a blank line between counterparties
    (None, None, "C002", "南方贸易公司", "上月结转", None, None, "贷", 2000),
    (date(2026, 10, 8), "记-0018", None, None, "销售发货", 1500, None, "贷", 500),
    (None, None, None, None, "本月合计", 1500, 0, "贷", 500),
]
FLAGGED = {6: "黄", 8: "红", 9: "黄", 12: "蓝"}  # sheet row -> expected fill (row 8: 红 beats 黄)


def write_ledger(path: Path, *, formula: bool = True, user_comment: bool = True, vba: bytes | None = None) -> Path:
    """A formatted 用友 export: merged title, widths, borders, number formats, a validation,
    a defined name, print titles, a user comment, and a second sheet with a formula."""
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False})
    wb.set_properties({"title": "应收账款明细账", "author": "财务部", "created": datetime(2026, 11, 3, 9, 0)})
    if vba is not None:
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1}
    title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
    info = wb.add_format(base)
    header = wb.add_format({**cell, "bold": True, "align": "center", "bg_color": "#DCE6F1"})
    text = wb.add_format(cell)
    center = wb.add_format({**cell, "align": "center"})
    day = wb.add_format({**cell, "num_format": "yyyy-mm-dd", "align": "center"})
    money = wb.add_format({**cell, "num_format": "#,##0.00;[Red]-#,##0.00"})
    ws = wb.add_worksheet("明细账")
    for c, w in enumerate((11, 9, 10, 30, 36, 14, 14, 5, 15)):
        ws.set_column(c, c, w)
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, 8, "应收账款明细账", title)
    ws.merge_range(1, 0, 1, 3, "科目：1122 应收账款", info)
    ws.merge_range(1, 4, 1, 6, "期间：2026年10月", info)
    ws.write_string(1, 8, "单位：元", info)
    for c, h in enumerate(("日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额")):
        ws.write_string(3, c, h, header)
    for r, row in enumerate(LEDGER, start=4):
        for c, v in enumerate(row or ()):
            if v is None:
                ws.write_blank(r, c, None, text)
            elif isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, money)
            else:
                ws.write_string(r, c, v, center if c in (1, 7) else text)
    if user_comment:
        ws.write_comment("A6", "请核对凭证号", {"author": "张会计"})
    ws.data_validation("H5:H30", {"validate": "list", "source": ["借", "贷", "平"]})
    ws.freeze_panes(4, 0)
    ws.repeat_rows(3)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    wb.define_name("期末余额", "=明细账!$I$9")
    other = wb.add_worksheet("说明")
    other.write_string(0, 0, "本月借方合计")
    if formula:
        other.write_formula(0, 1, "=SUM(明细账!F5:F9)", money, 16913.56)
    else:
        other.write_number(0, 1, 16913.56, money)
    wb.close()
    return path


def month_flags(name: str = NAME) -> list[Flag]:
    return [
        Flag("R03", "红", "第三十五条", "2026-10-20 前欠未清（逾期12天 7,000.00 元）仍发货 3,456.78 元", D("3456.78"),
             {"places": [f"{name}!明细账!A8"]}),
        Flag("R04", "黄", "第三十五条", "月末逾期 10,456.78 元，最长逾期12天", D("10456.78"),
             {"places": [f"{name}!明细账!I8", f"{name}!明细账!I9"]}),
        Flag("R06", "蓝", "第三十六条", "合同2026-11-15到期：确定下一年度合作方式并清收欠款", None,
             {"places": [f"{name}!明细账!C12"]}),
        Flag("R02", "黄", "第三十四条", "无核定额度仍有占用 500.00 元", D("500.00"),
             {"places": [f"{name}!明细账!A6", "应收账款明细账_2026-09.xlsx!明细账!A6"]}),
        Flag("R11", "红", "第二十四条", "授信总额超过1月1日余额", D("100.00")),  # no row: only in the legend table
        Flag("R01", "红", "第三十二、三十三条", "超额度 1,000.00 元", D("1000.00"),
             {"places": [f"{name}!不存在!A5", f"{name}!明细账!A40"]}),
    ]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def without_marks(sheet_xml: bytes) -> bytes:
    """Sheet XML with what highlighting may change taken out: cell styles and the legacy drawing reference."""
    xml = re.sub(rb'(<c [^>]*?) s="\d+"', rb"\1", sheet_xml)
    return re.sub(rb"<legacyDrawing [^>]*/>", b"", xml)


def fills(ws, row: int) -> set[str | None]:
    return {ws.cell(row, c).fill.fgColor.rgb if ws.cell(row, c).fill.fill_type == "solid" else None
            for c in range(1, 10)}


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    return write_ledger(tmp_path / "in" / NAME)


# ---------------------------------------------------------------- the streaming copy, part by part


@pytest.mark.parametrize("user_comment", [True, False])
def test_stream_copy_changes_only_the_marked_cells(tmp_path, user_comment):
    src = write_ledger(tmp_path / NAME, user_comment=user_comment)
    report = highlight_ledger(src, tmp_path / "out", month_flags(), NAME, method="stream")
    assert report.method == "stream"
    assert report.target == tmp_path / "out" / "应收账款明细账_2026-10_标注.xlsx"
    before, after = parts(src), parts(report.target)
    changed = {n for n in before if before[n] != after.get(n)}
    may_change = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                  "xl/worksheets/sheet1.xml", "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml",
                  "xl/worksheets/_rels/sheet1.xml.rels"}
    assert changed <= may_change, changed - may_change
    # untouched: the other sheet (formula + cached value), strings, theme, properties
    for name in ("xl/worksheets/sheet2.xml", "xl/sharedStrings.xml", "xl/theme/theme1.xml", "docProps/core.xml"):
        assert after[name] == before[name]
    assert b"<f>SUM(" in after["xl/worksheets/sheet2.xml"] and b"<v>16913.56</v>" in after["xl/worksheets/sheet2.xml"]
    new_parts = set(after) - set(before)
    assert new_parts == ({"xl/worksheets/sheet3.xml"} if user_comment else {
        "xl/worksheets/sheet3.xml", "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml",
        "xl/worksheets/_rels/sheet1.xml.rels"})
    old_sheet, new_sheet = before["xl/worksheets/sheet1.xml"], after["xl/worksheets/sheet1.xml"]
    assert without_marks(new_sheet) == without_marks(old_sheet)
    assert (b"<legacyDrawing " in new_sheet) and new_sheet.count(b"<legacyDrawing ") == 1
    # rows not flagged keep their bytes exactly, styles included
    old_rows = dict(re.findall(rb'<row r="(\d+)"(.*?)</row>', old_sheet, re.DOTALL))
    new_rows = dict(re.findall(rb'<row r="(\d+)"(.*?)</row>', new_sheet, re.DOTALL))
    assert {int(r) for r in old_rows if old_rows[r] != new_rows[r]} == set(FLAGGED)
    # zip order: the original members in their order, the new ones last
    with zipfile.ZipFile(report.target) as zf:
        names = zf.namelist()
    assert names[:len(before)] == list(before)


def test_marked_rows_read_back(tmp_path, ledger):
    report = highlight_ledger(ledger, tmp_path / "out", month_flags(), NAME, method="stream")
    wb = openpyxl.load_workbook(report.target)
    ws = wb["明细账"]
    for row, severity in FLAGGED.items():
        assert fills(ws, row) == {ARGB[severity]}, row
    for row in (5, 7, 10, 13):
        assert fills(ws, row) == {None}, row
    # only the fill changed: number formats, fonts and borders are the cell's own
    assert ws["I8"].number_format == "#,##0.00;[Red]-#,##0.00" and ws["A8"].number_format == "yyyy-mm-dd"
    assert ws["I8"].font.name == "宋体" and ws["I8"].border.left.style == "thin"
    assert ws["A4"].fill.fgColor.rgb == "FFDCE6F1"  # the header keeps its own fill
    # comments: one line per flag, worst first; the user's comment kept above our separator
    assert ws["A8"].comment.text.splitlines() == [
        "R03 第三十五条：2026-10-20 前欠未清（逾期12天 7,000.00 元）仍发货 3,456.78 元",
        "R04 第三十五条：月末逾期 10,456.78 元，最长逾期12天"]
    assert ws["A6"].comment.text == "请核对凭证号" + COMMENT_SEP + "R02 第三十四条：无核定额度仍有占用 500.00 元"
    assert ws["A6"].comment.author == "张会计"
    assert ws["A12"].comment.text == "R06 第三十六条：合同2026-11-15到期：确定下一年度合作方式并清收欠款"
    assert ws["A12"].comment.author == "信用管理工具"
    # the rest of the workbook as the user had it
    assert wb.sheetnames == ["明细账", "说明", LEGEND_SHEET]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:I1", "A2:D2", "E2:G2"}
    assert ws.column_dimensions["D"].width == pytest.approx(30.7109375)
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["H5:H30"]
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert wb.defined_names["期末余额"].attr_text == "明细账!$I$9"
    assert wb["说明"]["B1"].value == "=SUM(明细账!F5:F9)"
    cached = CalamineWorkbook.from_path(str(report.target)).get_sheet_by_name("说明").to_python()
    assert cached[0][1] == pytest.approx(16913.56)


def test_report_and_legend(tmp_path, ledger):
    report = highlight_ledger(ledger, tmp_path / "out", month_flags(), NAME)
    marked = {(r.sheet, r.row): (r.severity, r.rules, r.comment_cell) for r in report.rows}
    assert marked == {("明细账", 6): ("黄", ("R02",), "A6"), ("明细账", 8): ("红", ("R03", "R04"), "A8"),
                      ("明细账", 9): ("黄", ("R04",), "A9"), ("明细账", 12): ("蓝", ("R06",), "A12"),
                      ("明细账", 40): ("红", ("R01",), None)}
    assert report.unplaced == (f"R01 {NAME}!不存在!A5：工作表“不存在”不存在，无法标注",
                               "R01 明细账!第40行：该行在工作表中不存在或为空行，未标注")
    assert report.summary() == "应收账款明细账_2026-10_标注.xlsx：红1行，黄2行，蓝1行；2处未能标注"
    rows = [list(r) for r in openpyxl.load_workbook(report.target)[LEGEND_SHEET].iter_rows(values_only=True)]
    assert rows[0][0] == f"台账标注说明：{NAME}"
    colours = {r[0]: r[3] for r in rows[4:7]}
    assert colours == {"红": 1, "黄": 2, "蓝": 1}
    table = {r[0]: (r[1], r[2], r[3]) for r in rows if r[0] in {info.rule for info in RULES} and r[4] is None}
    assert list(table) == [f"R{i:02d}" for i in range(1, 14)]
    assert table["R03"] == ("第三十五条", "前欠未清：当天已有逾期未结清的款项，又发生新的发货或预付", "红")
    assert table["R04"][2] == "红/黄" and table["R06"][2] == "蓝" and table["R13"][0] == "第十一条"
    listed = [r for r in rows if r[4] in FILLS]
    assert [(r[0], r[4], r[5]) for r in listed] == [
        ("R01", "红", "（未能标注，见下方说明）"), ("R03", "红", "明细账 第8行"), ("R02", "黄", "明细账 第6行"),
        ("R04", "黄", "明细账 第8、9行"), ("R06", "蓝", "明细账 第12行")]
    assert listed[1][3] == pytest.approx(3456.78)
    assert not any(r[0] == "R11" for r in listed)  # R11 names no ledger row


def test_legend_articles_agree_with_the_rule_modules():
    from credit_workbook.core.checks import r11_total_limit
    from credit_workbook.core.checks.run import RULES as MODULES

    table = {info.rule: info.article for info in RULES}
    modules = {m.RULE: m.ARTICLE for m in (*MODULES, r11_total_limit) if hasattr(m, "ARTICLE")}
    assert len(modules) >= 12 and all(table[rule] == art for rule, art in modules.items()), modules
    assert table["R09"] == "第二十六至二十八条"  # R09 cites the article of the counterparty's grade


def test_both_paths_give_the_same_workbook(tmp_path):
    src = write_ledger(tmp_path / NAME, formula=False)  # openpyxl would drop a formula's cached value

    def cells(path: Path):
        wb = openpyxl.load_workbook(path)
        out = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    look = (c.value, c.number_format, c.fill.fill_type, c.fill.fgColor.rgb, c.font.b, c.font.name,
                            c.border.left.style, c.comment.text if c.comment else None,
                            c.comment.author if c.comment else None)
                    if c.value is not None or c.comment or c.fill.fill_type or c.border.left.style:
                        out[(ws.title, c.coordinate)] = look
        return wb.sheetnames, out, {ws.title: sorted(map(str, ws.merged_cells.ranges)) for ws in wb.worksheets}

    streamed = highlight_ledger(src, tmp_path / "a", month_flags(), NAME, method="stream")
    loaded = highlight_ledger(src, tmp_path / "b", month_flags(), NAME, method="openpyxl")
    auto = highlight_ledger(src, tmp_path / "c", month_flags(), NAME)
    assert (streamed.method, loaded.method, auto.method) == ("stream", "openpyxl", "openpyxl")
    assert cells(streamed.target) == cells(loaded.target)
    assert streamed.rows == loaded.rows and streamed.unplaced == loaded.unplaced


def test_auto_chooses_stream_for_big_or_formula_books(tmp_path, ledger, monkeypatch):
    report = highlight_ledger(ledger, tmp_path / "a", month_flags(), NAME)
    assert report.method == "stream" and "公式" in report.method_reason
    forced = highlight_ledger(ledger, tmp_path / "b", month_flags(), NAME, method="openpyxl")
    assert forced.method == "stream" and forced.notes == ("未使用 openpyxl：含公式（openpyxl 会丢失公式的缓存值）：流式复制",)
    (tmp_path / "plain").mkdir()
    plain = write_ledger(tmp_path / "plain" / NAME, formula=False)
    monkeypatch.setattr(lh, "STREAM_ROWS", 10)
    big = highlight_ledger(plain, tmp_path / "c", month_flags(), NAME)
    assert big.method == "stream" and big.method_reason.startswith("文件较大")


def test_openpyxl_warning_falls_back_to_stream(tmp_path):
    """A sheet extension openpyxl does not support would be dropped: its warning sends the file down the stream."""
    src = write_ledger(tmp_path / NAME, formula=False)
    data = parts(src)
    ext = (b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           b"<x14:conditionalFormattings/></ext></extLst></worksheet>")
    data["xl/worksheets/sheet1.xml"] = data["xl/worksheets/sheet1.xml"].replace(b"</worksheet>", ext)
    odd = tmp_path / "odd" / NAME
    odd.parent.mkdir()
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in data.items():
            zf.writestr(name, payload)
    report = highlight_ledger(odd, tmp_path / "out", month_flags(), NAME, method="openpyxl")
    assert report.method == "stream" and "openpyxl 提示会丢失内容" in report.method_reason
    assert parts(report.target)["xl/worksheets/sheet1.xml"].endswith(ext)


def test_same_inputs_same_bytes(tmp_path, ledger):
    plain = write_ledger(tmp_path / "p.xlsx", formula=False)
    csv = _gbk_csv(tmp_path / "明细账_gbk.csv")
    runs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        runs.append([highlight_ledger(ledger, out, month_flags(), NAME, method="stream").target.read_bytes(),
                     highlight_ledger(plain, out / "p_标注.xlsx", month_flags("p.xlsx"), "p.xlsx",
                                      method="openpyxl").target.read_bytes(),
                     highlight_ledger(csv, out, _csv_flags(), csv.name).target.read_bytes()])
    assert [hashlib.sha256(b).hexdigest() for b in runs[0]] == [hashlib.sha256(b).hexdigest() for b in runs[1]]


# ---------------------------------------------------------------- macros


def _vba_project() -> bytes:
    """A real vbaProject.bin (xlwings ships one in its templates); else a minimal OLE2 container."""
    spec = importlib.util.find_spec("xlwings")
    if spec is not None and spec.origin:
        template = Path(spec.origin).parent / "quickstart.xlsm"
        if template.exists():
            with zipfile.ZipFile(template) as zf:
                return zf.read("xl/vbaProject.bin")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header.ljust(512, b"\x00") + bytes(range(256)) * 8


@pytest.mark.parametrize("method", ["stream", "openpyxl"])
def test_xlsm_keeps_its_macros(tmp_path, method):
    vba = _vba_project()
    name = "应收账款明细账_2026-10.xlsm"
    src = write_ledger(tmp_path / name, formula=False, vba=vba)
    report = highlight_ledger(src, tmp_path / "out", month_flags(name), name, method=method)
    assert report.method == method
    assert report.target.name == "应收账款明细账_2026-10_标注.xlsm"
    after = parts(report.target)
    assert after["xl/vbaProject.bin"] == vba
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b"vbaProject" in after["xl/_rels/workbook.xml.rels"]
    wb = openpyxl.load_workbook(report.target, keep_vba=True)
    assert fills(wb["明细账"], 8) == {ARGB["红"]}


# ---------------------------------------------------------------- CSV / .xls: a new workbook

GBK_CSV = """应收账款明细账,,,,,,,,
业务日期,凭证号,客户编码,客户名称,摘要,借方金额,贷方金额,方向,余额
,,0001,华东机械有限公司,期初余额,,,借,"10,000.00"
20261005,记-12,0001,华东机械有限公司,销售发货,５，０００．００,,借,"15,000.00"
20261012,记-25,0001,华东机械有限公司,收到货款,,8000,借,7000.00
,,0002,南方贸易公司,期初余额,,,贷,2000.00
20261008,记-18,0002,南方贸易公司,销售发货,"(1,500.00)",,贷,５００．００
,,,,合计,"3,500.00","8,000.00",,
"""


def _gbk_csv(path: Path) -> Path:
    path.write_bytes(GBK_CSV.replace("\n", "\r\n").encode("gbk"))
    return path


def _csv_flags(name: str = "明细账_gbk.csv") -> list[Flag]:
    sheet = Path(name).stem
    return [Flag("R03", "红", "第三十五条", "前欠未清又发货", D("5000.00"), {"places": [f"{name}!{sheet}!F4"]}),
            Flag("R02", "黄", "第三十四条", "无核定额度仍有占用", None, {"places": [f"{name}!{sheet}!A7"]})]


def test_csv_becomes_a_new_highlighted_workbook(tmp_path):
    src = _gbk_csv(tmp_path / "明细账_gbk.csv")
    report = highlight_ledger(src, tmp_path / "out", _csv_flags(), src.name)
    assert report.method == "new_workbook" and report.converted and report.source_format == "csv"
    assert report.target == tmp_path / "out" / "明细账_gbk_标注.xlsx"
    assert "CSV" in report.notes[0] and "新的 Excel 工作簿" in report.notes[0] and "原文件未改动" in report.notes[0]
    wb = openpyxl.load_workbook(report.target)
    assert wb.sheetnames == ["明细账_gbk", LEGEND_SHEET]
    ws = wb["明细账_gbk"]
    assert [c.value for c in ws[4]] == ["20261005", "记-12", "0001", "华东机械有限公司", "销售发货", 5000, None, "借", 15000]
    assert ws["C4"].data_type == "s" and ws["F4"].number_format == "#,##0.00"  # codes text, amounts numbers
    assert ws["F7"].value == -1500 and ws["I7"].value == 500  # (1,500.00) and full-width digits
    assert ws["A2"].value == "业务日期" and ws["E8"].value == "合计"
    assert fills(ws, 4) == {ARGB["红"]} and fills(ws, 7) == {ARGB["黄"]} and fills(ws, 5) == {None}
    assert ws["A4"].comment.text == "R03 第三十五条：前欠未清又发货（金额 5,000.00 元）"
    assert src.read_bytes() == GBK_CSV.replace("\n", "\r\n").encode("gbk")


def test_big_csv_is_written_row_by_row_with_the_same_result(tmp_path, monkeypatch):
    src = _gbk_csv(tmp_path / "明细账_gbk.csv")

    def content(path: Path):
        ws = openpyxl.load_workbook(path)["明细账_gbk"]
        return [[(c.value, c.number_format, c.fill.fgColor.rgb, c.comment.text if c.comment else None) for c in row]
                for row in ws.iter_rows()]

    small = highlight_ledger(src, tmp_path / "a", _csv_flags(), src.name)
    monkeypatch.setattr(lh, "STREAM_ROWS", 3)  # 8 rows count as big: XlsxWriter's constant_memory mode
    big = [highlight_ledger(src, tmp_path / f"b{i}", _csv_flags(), src.name).target for i in range(2)]
    assert content(big[0]) == content(small.target)
    assert big[0].read_bytes() == big[1].read_bytes() != small.target.read_bytes()


def test_csv_named_xlsx_and_xlsx_named_csv_go_by_content(tmp_path, ledger):
    fake = _gbk_csv(tmp_path / "导出.xlsx")
    report = highlight_ledger(fake, tmp_path / "a", _csv_flags("导出.xlsx"), "导出.xlsx")
    assert report.method == "new_workbook" and report.target.name == "导出_标注.xlsx"
    assert report.rows[0].comment_cell == "A4"
    renamed = tmp_path / "其实是xlsx.csv"
    renamed.write_bytes(ledger.read_bytes())
    report = highlight_ledger(renamed, tmp_path / "b", month_flags(renamed.name), renamed.name)
    assert report.method == "stream" and report.target.name == "其实是xlsx_标注.xlsx"


# ---------------------------------------------------------------- the streaming scanner itself

SHEET = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- <row r="2"><c r="A2" s="1"/></row> -->'
         b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         b'xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         b'<x:sheetData><x:row r="1"><x:c r="A1" s="3" t="inlineStr"><x:is><x:t>a&lt;row&gt;</x:t></x:is></x:c></x:row>'
         b'<x:row spans="1:3" x:note="a>b"><x:c t="s"><x:v>0</x:v></x:c><x:c s = \'2\' t="str"><x:f>"<![CDATA[x]]>"</x:f>'
         b"<x:v>1</x:v></x:c><x:c/></x:row>"
         b'<x:row r="5"/><x:row r="7" ht="20"><x:c r="C7"><![CDATA[<c r="Z7" s="9"/>]]></x:c><x:c r="E7" s="4"/></x:row>'
         b"</x:sheetData><x:pageMargins left=\"0.7\"/><x:legacyDrawingHF rel:id=\"rId9\"/><x:tableParts count=\"0\"/>"
         b"</x:worksheet>")


def _rewrite(sheet: bytes, marks: dict[int, str], chunk: int, rid: str | None = "rId5"):
    out = io.BytesIO()
    scan = rewrite_sheet(io.BytesIO(sheet), out, marks, lambda old, key: 100 + old, lambda scan: rid, chunk=chunk)
    return out.getvalue(), scan


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 20])
def test_scanner_handles_prefixes_implicit_rows_and_chunk_edges(chunk):
    out, scan = _rewrite(SHEET, {2: "红", 5: "黄", 7: "蓝"}, chunk)
    expected = (SHEET
                .replace(b'<x:c t="s">', b'<x:c t="s" s="100">')
                .replace(b"<x:c s = '2' t=\"str\">", b"<x:c s = '102' t=\"str\">")
                .replace(b"<x:c/></x:row>", b'<x:c s="100"/></x:row>')
                .replace(b'<x:c r="C7">', b'<x:c r="C7" s="100">')
                .replace(b'<x:c r="E7" s="4"/>', b'<x:c r="E7" s="104"/>')
                .replace(b"<x:legacyDrawingHF", b'<x:legacyDrawing rel:id="rId5"/><x:legacyDrawingHF'))
    assert out == expected
    assert scan.first_cells == {2: "A2", 7: "C7"}  # row 5 is empty: nothing to comment
    assert scan.legacy_rid == "rId5"


def test_minimal_erp_workbook_without_styles(tmp_path):
    """Some ERPs write the bare minimum: no styles part, prefixed elements, rows without numbers."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/s1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="R1" Type="{rel}/officeDocument" Target="/xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": (f'<x:workbook xmlns:x="{main}" xmlns:rr="{rel}"><x:sheets>'
                            '<x:sheet name="往来明细" sheetId="7" rr:id="S1"/></x:sheets></x:workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="S1" Type="{rel}/worksheet" Target="worksheets/s1.xml"/></Relationships>'),
        "xl/worksheets/s1.xml": (
            f'<x:worksheet xmlns:x="{main}"><x:sheetData>'
            '<x:row><x:c t="inlineStr"><x:is><x:t>客户编码</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>余额'
            "</x:t></x:is></x:c></x:row>"
            '<x:row><x:c t="inlineStr"><x:is><x:t>0001</x:t></x:is></x:c><x:c><x:v>100</x:v></x:c></x:row>'
            '<x:row><x:c t="inlineStr"><x:is><x:t>0002</x:t></x:is></x:c><x:c><x:v>200</x:v></x:c></x:row>'
            "</x:sheetData></x:worksheet>"),
    }
    src = tmp_path / "erp.xlsx"
    with zipfile.ZipFile(src, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text.encode())
    flags = [Flag("R02", "红", "第三十四条", "余额增加", None, {"places": ["erp.xlsx!往来明细!B3"]})]
    report = highlight_ledger(src, tmp_path / "out", flags, "erp.xlsx", method="stream")
    after = parts(report.target)
    assert "xl/styles.xml" in after and b'<x:legacyDrawing xmlns:r="' in after["xl/worksheets/s1.xml"]
    assert after["xl/worksheets/s1.xml"].count(b' s="') == 2  # only row 3's two cells
    wb = openpyxl.load_workbook(report.target)
    ws = wb["往来明细"]
    assert fills(ws, 3) == {ARGB["红"], None} and fills(ws, 2) == {None}
    assert ws["A3"].value == "0002" and ws["A3"].comment.text == "R02 第三十四条：余额增加"
    assert wb.sheetnames == ["往来明细", LEGEND_SHEET]
    assert CalamineWorkbook.from_path(str(report.target)).get_sheet_by_name("往来明细").to_python()[2] == ["0002", 200]


def test_scanner_keeps_an_existing_drawing_and_refuses_dtds():
    sheet = SHEET.replace(b"<x:legacyDrawingHF", b'<x:legacyDrawing rel:id="rId2"/><x:legacyDrawingHF')
    out, scan = _rewrite(sheet, {1: "红"}, 5)
    assert scan.legacy_rid == "rId2" and out.count(b"legacyDrawing rel:id") == 1
    out, scan = _rewrite(SHEET, {}, 1 << 20, rid=None)
    assert out == SHEET and scan.legacy_rid is None
    evil = SHEET.replace(b"<!-- ", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><!-- ')
    with pytest.raises(StreamUnsupported, match="DTD"):
        _rewrite(evil, {1: "红"}, 1 << 20)


def test_entities_in_small_parts_are_refused(tmp_path, ledger):
    data = parts(ledger)
    data["xl/workbook.xml"] = data["xl/workbook.xml"].replace(
        b"?>", b'?><!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(evil, "w") as zf:
        for name, payload in data.items():
            zf.writestr(name, payload)
    with pytest.raises(XmlDeclarationsRefused, match="xl/workbook.xml 含有 DTD"):  # the guard, before any parser
        highlight_ledger(evil, tmp_path / "out", month_flags("evil.xlsx"), "evil.xlsx", method="stream")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", bytes(60 << 20))
    with pytest.raises(SuspiciousCompression, match="压缩炸弹"):
        highlight_ledger(bomb, tmp_path / "out", [], "bomb.xlsx")


def test_bad_arguments(tmp_path, ledger):
    with pytest.raises(ValueError, match="未知的严重程度"):
        highlight_ledger(ledger, tmp_path, [Flag("R01", "紫", "第三十二条", "x", None, {"places": []})], NAME)
    with pytest.raises(ValueError, match=r"\.xlsx"):
        highlight_ledger(ledger, tmp_path / "x.xlsm", month_flags(), NAME)
    with pytest.raises(ValueError, match="覆盖原文件"):
        highlight_ledger(ledger, ledger, month_flags(), NAME)


def test_many_flagged_rows_need_two_drawing_blocks(tmp_path):
    """Past 1,024 comments a VML drawing needs a second shape-id block, as Excel numbers them."""
    path = tmp_path / "many.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    ws = wb.add_worksheet("明细账")
    for r in range(1100):
        ws.write_string(r, 0, f"C{r:04d}")
        ws.write_number(r, 1, r)
    wb.close()
    flags = [Flag("R04", "黄", "第三十五条", f"逾期 {r}", None, {"places": [f"many.xlsx!明细账!B{r + 1}"]})
             for r in range(1100)]
    report = highlight_ledger(path, tmp_path / "out", flags, "many.xlsx", method="stream")
    vml = parts(report.target)["xl/drawings/vmlDrawing1.vml"]
    assert b'data="1,2"' in vml and vml.count(b"<v:shape ") == 1100 and b"_x0000_s2124" in vml
    ws = openpyxl.load_workbook(report.target)["明细账"]
    assert ws["A1100"].comment.text == "R04 第三十五条：逾期 1099" and fills(ws, 1100) == {ARGB["黄"], None}


# ---------------------------------------------------------------- real spreadsheet programs


@pytest.fixture
def outputs(tmp_path) -> list[Path]:
    src = write_ledger(tmp_path / NAME)
    plain = write_ledger(tmp_path / "plain.xlsx", user_comment=False, formula=False)
    csv = _gbk_csv(tmp_path / "明细账_gbk.csv")
    return [highlight_ledger(src, tmp_path / "s", month_flags(), NAME, method="stream").target,
            highlight_ledger(plain, tmp_path / "o", month_flags("plain.xlsx"), "plain.xlsx",
                             method="openpyxl").target,
            highlight_ledger(csv, tmp_path / "c", _csv_flags(), csv.name).target]


@pytest.mark.oracle
@requires_gnumeric
def test_gnumeric_opens_every_output(outputs):
    for path in outputs:
        sheets = gnumeric_sheets(path)
        assert LEGEND_SHEET in sheets
        assert any("R03" in row[0] for row in sheets[LEGEND_SHEET] if row)
    sheets = gnumeric_sheets(outputs[0])
    assert float(sheets["说明"][0][1]) == pytest.approx(16913.56)  # the formula recalculated
    assert sheets["明细账"][7][:9] == ["46315", "记-0038", "", "", "销售发货", "3456.78", "", "借", "10456.78"]


@pytest.mark.oracle
@requires_soffice
def test_libreoffice_renders_every_output(outputs, tmp_path):
    pdfs = soffice_convert_many(outputs, "pdf", tmp_path / "pdf")
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
