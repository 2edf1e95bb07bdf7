"""Forms 2–4 as generated: the numbers real spreadsheet programs compute
from our formulas equal the ones Python computed, headers are the contract,
user text stays text."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from credit_workbook.forms import fields
from credit_workbook.forms.execution_review import (
    EXECUTION_COLUMNS,
    FLAG_SHEET,
    SALESPERSON_SHEET,
    SHEET as EXECUTION_SHEET,
    write_execution_review,
)
from credit_workbook.forms.grade_summary import COLUMNS, SHEET, grade_change, write_grade_summary
from credit_workbook.forms.register import (
    OVERLIMIT_HEADERS,
    OVERLIMIT_SHEET,
    REGISTER_HEADERS,
    SHEET as REGISTER_SHEET,
    control_line,
    write_register,
)
from credit_workbook.forms.rows import FormMeta, GradeSummaryRow, OverlimitRow, RegisterRow
from oracles import find_row, gnumeric_sheets, requires_gnumeric, requires_soffice, soffice_values

META = FormMeta("示例有限公司", "2026-10", date(2026, 10, 31), datetime(2026, 11, 1, 8, 0))
EVIL = '=HYPERLINK("http://x","点我")'


def g(code, grade, prev, requested, cap, name=None, ctype="客户"):
    return GradeSummaryRow(code, name or f"{code}测试商贸有限公司", ctype, "张三", "华东业务部", grade, prev,
                           f"{grade}级：第十五条(1)", "长期" if requested else None, requested, cap,
                           30 if grade != "C" else 0, date(2026, 9, 30))


GRADE_ROWS = [
    g("C003", "A", "B", D("500000.00"), D("480000.00")),
    g("C001", "A", "A", None, D("1200000.00")),
    g("C002", "A", None, D("12345.67"), D("99000.00")),
    g("S002", "B", None, D("200000.50"), D("150000.00"), ctype="供应商"),
    g("C010", "B", "A", D("300000.00"), D("0.00")),
    g("C020", "C", "B", None, D("0.00"), name=EVIL),
]
EXPECTED = {  # grade -> (count, sum requested, sum cap)
    "A": (3, D("512345.67"), D("1779000.00")),
    "B": (2, D("500000.50"), D("150000.00")),
    "C": (1, D("0"), D("0")),
}
COL = {c.header: i for i, c in enumerate(COLUMNS)}


@pytest.fixture(scope="module")
def form2(tmp_path_factory):
    return write_grade_summary(tmp_path_factory.mktemp("f2") / "form2.xlsx", GRADE_ROWS, META)


@pytest.fixture(scope="module")
def form2_empty(tmp_path_factory):
    return write_grade_summary(tmp_path_factory.mktemp("f2e") / "form2_empty.xlsx", [], META)


def _num(text) -> D:
    return D(str(text or 0)).quantize(D("0.01"))


def _check_subtotals(rows, expected):
    total = [0, D(0), D(0)]
    for grade, (count, requested, cap) in expected.items():
        row = find_row(rows, f"{grade}级小计")
        assert int(float(row[COL["客户名称"]])) == count, grade
        assert _num(row[COL["申请额度"]]) == requested, grade
        assert _num(row[COL["可授信额度上限"]]) == cap, grade
        total = [total[0] + count, total[1] + requested, total[2] + cap]
    row = find_row(rows, "合计")
    assert int(float(row[COL["客户名称"]])) == total[0]
    assert (_num(row[COL["申请额度"]]), _num(row[COL["可授信额度上限"]])) == (total[1], total[2])


def _cached(path, sheet):
    """What XlsxWriter stored: the values a reader sees without recalculating."""
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
             for v in row] for row in data]


def test_grade_change():
    assert [grade_change("A", "B"), grade_change("C", "B"), grade_change("B", "B"), grade_change("A", None)] \
        == ["升级", "降级", "不变", "新评"]


def test_form2_cached_subtotals_are_right(form2):
    _check_subtotals(_cached(form2, SHEET), EXPECTED)


@pytest.mark.oracle
@requires_gnumeric
def test_form2_subtotals_recalculated_by_gnumeric(form2):
    rows = gnumeric_sheets(form2)[SHEET]
    _check_subtotals(rows, EXPECTED)
    # 等级分布 and 等级变动 are formulas too
    assert find_row(rows, "A级")[:4] == ["", "A级", "3", "0.5"]
    counts = {r[5]: r[6] for r in rows if r[5] in ("升级", "降级", "不变", "新评")}
    assert counts == {"升级": "1", "降级": "2", "不变": "1", "新评": "2"}


@pytest.mark.oracle
@requires_soffice
def test_form2_subtotals_recalculated_by_libreoffice(form2):
    _check_subtotals(soffice_values(form2)[SHEET], EXPECTED)


@pytest.mark.oracle
@requires_gnumeric
def test_empty_form2_shows_every_block_with_zero(form2_empty):
    rows = gnumeric_sheets(form2_empty)[SHEET]
    _check_subtotals(rows, {k: (0, D(0), D(0)) for k in "ABC"})
    texts = {v for r in rows for v in r}
    assert {"一、A级客户（信用程度高，第十五条）", "营销部经理（初评）", "总经理（审批）"} <= texts


def test_form2_layout(form2):
    wb = openpyxl.load_workbook(form2)
    ws = wb[SHEET]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    assert list(header) == [c.header for c in COLUMNS]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.freeze_panes and ws.print_title_rows
    codes = [r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert codes == ["C001", "C002", "C003", "C010", "S002", "C020"]  # A, B, C blocks, sorted by code


# -- Form 3: the register -------------------------------------------------------------
REG_ROWS = [
    RegisterRow("S002", "江苏恒力化纤原料供应有限公司", "供应商", "B", "王强", D("180000"), D("175000"),
                D("150000"), D("150000"), "临时", D("150000"), 15, D("90000"), D("0.6"), "临时", D("150000"),
                15, "抵押", D("400000"), date(2026, 1, 1), date(2026, 12, 31), "已批准", date(2026, 1, 5)),
    RegisterRow("C001", "北京中关村科技发展股份有限公司", "客户", "A", "李娜", D("1300000"), D("1250000"),
                D("1250000"), D("1250000"), "长期", D("1200000"), 30, D("800000.25"), D("0.6667"), "长期",
                D("1200000"), 30, "无", None, date(2026, 1, 1), date(2026, 12, 31), "已批准", date(2026, 1, 5)),
    RegisterRow("C020", EVIL, "客户", "C", "钱七", exposure=D("3000"), status="待批"),
]
R = {h: i for i, h in enumerate(REGISTER_HEADERS)}


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    return write_register(tmp_path_factory.mktemp("f3") / "register.xlsx", REG_ROWS, META, D("1000000"),
                          [OverlimitRow("C001", date(2026, 3, 2), D("50000"), "总经办〔2026〕12号")])


def test_register_headers_are_the_contract(register):
    assert REGISTER_HEADERS == (
        "序号", "客户编码", "客户名称", "往来类型", "信用等级", "经办业务员", "平均月发货额", "平均月回款额",
        "长期额度上限", "临时额度上限", "建议授信类型", "建议额度", "建议期限(天)", "当前占用", "额度使用率",
        "核定类型", "核定额度", "核定期限(天)", "担保方式", "抵押资产价值", "合同开始日期", "合同结束日期",
        "审批状态", "批准日期", "备注")
    ws = openpyxl.load_workbook(register)[REGISTER_SHEET]
    header_rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "序号"]
    assert len(header_rows) == 1 and tuple(header_rows[0]) == REGISTER_HEADERS


def test_register_approval_columns_are_the_only_input_of_proposed_rows(register):
    ws = openpyxl.load_workbook(register)[REGISTER_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    row = next(r for r in ws.iter_rows() if r[R["客户编码"]].value == "C001")
    approval = set(range(R["核定类型"], R["批准日期"] + 1)) | {R["备注"]}
    for i, cell in enumerate(row[:len(REGISTER_HEADERS)]):
        assert cell.protection.locked is (i not in approval), REGISTER_HEADERS[i]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation
             if any(row[R["核定类型"]].coordinate in rng for rng in dv.sqref.ranges)}
    assert '"无,临时,长期"' in lists
    by_header = {}
    for dv in ws.data_validations.dataValidation:
        for h in ("担保方式", "审批状态"):
            if row[R[h]].coordinate in dv.sqref:
                by_header[h] = dv.formula1
    assert by_header == {"担保方式": '"' + ",".join(fields.COLLATERAL_TYPES) + '"', "审批状态": '"已批准,待批,驳回"'}


@pytest.mark.oracle
@requires_gnumeric
def test_register_totals_recalculated_by_gnumeric(register):
    sheets = gnumeric_sheets(register)
    rows = sheets[REGISTER_SHEET]
    subtotals = [r for r in rows if r[0] == "小计"]
    assert [int(float(r[R["客户名称"]])) for r in subtotals] == [1, 2]
    assert [_num(r[R["当前占用"]]) for r in subtotals] == [D("90000.00"), D("803000.25")]
    total = find_row(rows, "合计")
    assert _num(total[R["核定额度"]]) == D("1350000.00")
    line = next(v for r in rows for v in r if v.startswith("授信总额控制"))
    assert line == control_line(D("1350000"), D("1000000"))
    assert "超出 350,000.00 元" in line
    assert [h for h in sheets[OVERLIMIT_SHEET] if h[:4] == list(OVERLIMIT_HEADERS)]


def test_register_control_line_when_jan1_unknown(tmp_path):
    path = write_register(tmp_path / "r.xlsx", REG_ROWS, META, None)
    values = {v for r in _cached(path, REGISTER_SHEET) for v in r}
    assert control_line(D("1350000"), None) in values
    assert control_line(D("1350000"), None).endswith("1月1日占用余额 未知（台账历史未覆盖1月1日）")


def test_overlimit_sheet_is_a_table_with_spare_input_rows(register):
    ws = openpyxl.load_workbook(register)[OVERLIMIT_SHEET]
    table = ws.tables["tbl_overlimit"]
    assert tuple(c.name for c in table.tableColumns) == OVERLIMIT_HEADERS
    first_data = int(table.ref.split(":")[0][1:]) + 1
    assert ws.cell(first_data, 1).value == "C001" and ws.cell(first_data, 4).value == "总经办〔2026〕12号"
    spare = ws.cell(first_data + 1, 1)
    assert spare.value is None and spare.protection.locked is False and spare.number_format == "@"


def test_blank_register_has_unlocked_rows_in_each_block(tmp_path):
    path = write_register(tmp_path / "blank.xlsx", [], FormMeta("（编制单位）", "", None), None)
    ws = openpyxl.load_workbook(path)[REGISTER_SHEET]
    rows = list(ws.iter_rows())
    bands = [i for i, r in enumerate(rows) if r[0].value in ("一、预付客户（供应商）", "二、赊销客户")]
    assert len(bands) == 2
    for i in bands:
        assert all(c.protection.locked is False for c in rows[i + 1][:len(REGISTER_HEADERS)])


# -- user text stays text ---------------------------------------------------------------
def test_formula_like_names_stay_text(form2, register):
    for path, sheet in ((form2, SHEET), (register, REGISTER_SHEET)):
        ws = openpyxl.load_workbook(path)[sheet]
        cells = [c for r in ws.iter_rows() for c in r if c.value == EVIL]
        assert cells and all(c.data_type == "s" for c in cells)
        with zipfile.ZipFile(path) as zf:
            xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
        assert "HYPERLINK" not in xml  # never a formula: it lives in the shared strings


@pytest.mark.oracle
@requires_gnumeric
def test_formula_like_name_is_shown_literally_by_gnumeric(form2):
    assert EVIL in {v for r in gnumeric_sheets(form2)[SHEET] for v in r}


# -- Form 4 -----------------------------------------------------------------------------
def test_execution_review_sheets_and_headers(tmp_path):
    path = write_execution_review(tmp_path / "f4.xlsx", meta=META)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [EXECUTION_SHEET, FLAG_SHEET, SALESPERSON_SHEET]
    header = next(r for r in wb[EXECUTION_SHEET].iter_rows(values_only=True) if r[0] == "序号")
    assert list(header) == [c.header for c in EXECUTION_COLUMNS]
    texts = {c.value for r in wb[EXECUTION_SHEET].iter_rows() for c in r}
    assert {"财务部信用控制主管（填表）", "营销部经理（核对）", "营销主管副总（审阅）"} <= texts
    flag_header = next(r for r in wb[FLAG_SHEET].iter_rows(values_only=True) if r[0] == "规则")
    assert list(flag_header) == ["规则", "严重程度", "条款", "客户编码", "客户名称", "经办业务员", "金额", "说明"]
    sp = next(r for r in wb[SALESPERSON_SHEET].iter_rows(values_only=True) if r[0] == "经办业务员")
    assert list(sp) == ["经办业务员", "客户数", "核定额度合计", "期末占用合计", "逾期金额合计", "红色事项", "黄色事项"]
