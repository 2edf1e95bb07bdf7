"""Form 4 《客户授信额度执行评价表》 from the month's evaluation and checks.

The rows' numbers and the 执行评价 precedence are checked on small hand-made
months; the workbook is then opened in Gnumeric and LibreOffice, whose
recalculated 合计 and chart tables must equal the Python sums, and rendered
to PDF, where no number may print as ###.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from oracles import (
    find_row,
    gnumeric_sheets,
    requires_gnumeric,
    requires_soffice,
    soffice_convert_many,
    soffice_values,
)

from credit_workbook.core.aging import BUCKET_KEYS, Aging
from credit_workbook.core.checks.context import CheckContext
from credit_workbook.core.checks.run import run_checks
from credit_workbook.core.evaluation import CounterpartyMonth, evaluate_counterparty
from credit_workbook.core.history import CounterpartyHistory, Movement
from credit_workbook.core.model import Caps, Flag, Grade, GradeResult, Survey
from credit_workbook.core.positions import MonthPosition
from credit_workbook.core.rating import Rating
from credit_workbook.core.register_checks import ApprovedCredit
from credit_workbook.forms.execution_review import (
    CHART_SHEET,
    EXECUTION_COLUMNS,
    FLAG_SHEET,
    SALESPERSON_SHEET,
    SHEET,
    write_execution_review,
)
from credit_workbook.forms.execution_rows import (
    COMPANY_CODE,
    MEASURES,
    NORMAL_COVERED,
    UNASSIGNED,
    UNGRADED,
    assess,
    days_over_limit,
    execution_rows,
)
from credit_workbook.forms.rows import FormMeta
from credit_workbook.policy import Policy

PERIOD = "2026-10"
AS_OF = date(2026, 10, 31)
META = FormMeta("示例有限公司", PERIOD, AS_OF, datetime(2026, 11, 1, 8, 0))
EVIL = '=HYPERLINK("http://x","点我")'
COL = {c.header: i for i, c in enumerate(EXECUTION_COLUMNS)}


# -- hand-made months -------------------------------------------------------------------
def _survey(code, name, salesperson, kind="客户"):
    return Survey(customer_code=code, customer_name=name, counterparty_type=kind, salesperson=salesperson)


def _rating(survey, grade):
    caps = Caps(D("0"), D("0"), 30, 30, "无", D("0"))
    return Rating(survey, GradeResult(Grade(grade), ()), caps, (), AS_OF)


def _approved(code, limit, term=30, start=date(2026, 1, 1), end=date(2026, 12, 31), kind="长期"):
    return ApprovedCredit(code=code, name="", counterparty_type="客户", credit_type=kind, limit=D(limit),
                          term_days=term, collateral_type="无", collateral_value=None, contract_start=start,
                          contract_end=end, approved_on=date(2025, 12, 20), place=f"register.xlsx!B{code}")


def _aging(**buckets):
    keys = {"current": "未到期", "d1_30": "1-30", "d31_60": "31-60", "d91_180": "91-180"}
    full = {k: D("0.00") for k in BUCKET_KEYS}
    days = buckets.pop("days", 0)
    for key, value in buckets.items():
        full[keys[key]] = D(value)
    overdue = sum((v for k, v in full.items() if k != "未到期"), D("0.00"))
    return Aging(full, overdue, days, ())


def cpm(code, name, *, grade="A", salesperson="张三", limit=None, term=30, approved=None, opening="0", debit="0",
        credit="0", peak=None, daily=(), aging=None, kind="客户", survey=True):
    closing = D(opening) + D(debit) - D(credit)
    s = _survey(code, name, salesperson, kind) if survey else None
    pos = MonthPosition(PERIOD, D(opening), D(debit), D(credit), closing,
                        D(peak) if peak is not None else max(D(opening), closing), True,
                        tuple((date(2026, 10, d), D(b)) for d, b in daily))
    if approved is None and limit is not None:
        approved = _approved(code, limit, term)
    return CounterpartyMonth(code, name, kind, s, (), _rating(s, grade) if s else None, None, approved, pos,
                             aging or _aging(current=str(max(closing, D(0)))))


def fl(rule, severity, amount=None, **extra):
    return Flag(rule, severity, "第三十二条" if rule == "R01" else "第三十五条", f"{rule} 测试说明",
                D(amount) if amount is not None else None, extra)


CPS = [
    # over its limit: R01 gives the excess and the days
    cpm("C001", "北京示例商贸有限公司", limit="100000", opening="80000", debit="60000", credit="20000",
        peak="130000"),
    # no credit, balance growing, and overdue 45 days: 逾期 outranks 超限
    cpm("C002", EVIL, grade="B", salesperson="李四", opening="30000", debit="20000",
        aging=_aging(d31_60="50000", days=45)),
    # well inside its limit
    cpm("C003", "上海平安纺织有限公司", limit="200000", opening="100000", debit="50000", credit="60000",
        peak="150000"),
    # over the limit on five days, but covered by an over-limit approval: no R01
    cpm("C004", "杭州覆盖贸易有限公司", limit="100000", opening="90000", debit="30000", credit="30000", peak="120000",
        daily=((10, "120000"), (15, "90000"))),
    # no survey: 未评, 未指定, a small overdue
    cpm("C005", "张记布行", survey=False, opening="5000", aging=_aging(d1_30="5000", days=10)),
    # grade C still holding our money, plus a reminder
    cpm("C006", "广州风险实业有限公司", grade="C", salesperson="李四", opening="40000", credit="10000",
        aging=_aging(d91_180="30000", days=100)),
    # a supplier with nothing this month: not on the form, but its flag counts for 王五
    cpm("S001", "苏州静默材料有限公司", salesperson="王五", kind="供应商"),
    # credit whose contract ended before the month, nothing left: not on the form
    cpm("C007", "过期合同有限公司", approved=_approved("C007", "50000", end=date(2026, 6, 30))),
]
FLAGS = {
    "C001": [fl("R01", "红", "30000", days=tuple(date(2026, 10, d) for d in range(20, 32)))],  # R01's own shape
    "C002": [fl("R04", "红", "50000"), fl("R02", "红", "50000")],
    "C005": [fl("R04", "黄", "5000")],
    "C006": [fl("R07", "红", "30000"), fl("R06", "蓝"), fl("R04", "红", "30000")],
    "S001": [fl("R12", "黄")],
    "": [Flag("R11", "红", "第二十四条", "授信总额超过1月1日余额", D("1000.00"))],
}


@pytest.fixture(scope="module")
def built():
    return execution_rows(CPS, FLAGS, period=PERIOD)


def by_code(rows):
    return {r.code: r for r in rows}


# -- the rows ---------------------------------------------------------------------------
def test_the_form_lists_who_has_credit_exposure_or_movement(built):
    rows, _, _ = built
    assert [r.code for r in rows] == ["C001", "C002", "C003", "C004", "C005", "C006"]


def test_an_over_limit_counterparty_carries_r01s_numbers(built):
    r = by_code(built[0])["C001"]
    assert (r.approved_limit, r.approved_term_days) == (D("100000"), 30)
    assert (r.opening, r.debit, r.credit, r.closing, r.peak) == (D("80000"), D("60000"), D("20000"), D("120000"),
                                                                 D("130000"))
    assert r.utilization == D("1.2000")  # closing 120,000 / limit 100,000
    assert (r.over_limit_amount, r.over_limit_days) == (D("30000"), 12)
    assert r.collection_rate == D("0.1429")  # 20,000 / (80,000 + 60,000)
    assert r.assessment == "超限" and r.measures == MEASURES["R01"] and "第三十三条" in r.measures
    assert (r.grade, r.salesperson, r.department_note) == ("A", "张三", None)


def test_without_r01_the_excess_and_its_days_come_from_the_daily_balances(built):
    r = by_code(built[0])["C004"]
    # 120,000 at the end of 10-10 .. 10-14, back to 90,000 on 10-15: five days over 100,000
    assert (r.peak, r.over_limit_amount, r.over_limit_days) == (D("120000"), D("20000"), 5)
    assert r.assessment == "正常" and r.measures == NORMAL_COVERED
    inside = by_code(built[0])["C003"]
    assert (inside.over_limit_amount, inside.over_limit_days, inside.utilization) == (D("0"), 0, D("0.4500"))


def test_no_credit_no_limit_columns_and_the_worst_verdict_wins(built):
    rows = by_code(built[0])
    c002 = rows["C002"]
    assert c002.approved_limit is None and c002.utilization is None and c002.over_limit_amount is None
    assert c002.assessment == "逾期"  # R04 红 outranks R02 红
    assert c002.measures.split("\n") == [MEASURES["R02"], MEASURES["R04"]]
    assert (c002.aging_31_60, c002.overdue, c002.max_overdue_days) == (D("50000"), D("50000"), 45)
    assert rows["C006"].assessment == "逾期" and rows["C006"].grade == "C"
    c005 = rows["C005"]
    assert (c005.grade, c005.salesperson, c005.assessment) == (UNGRADED, UNASSIGNED, "关注")
    assert c005.collection_rate == D("0.0000")


@pytest.mark.parametrize(("flags", "verdict"), [
    ((), "正常"),
    ((("R06", "蓝"),), "正常"),
    ((("R09", "黄"),), "关注"),
    ((("R08", "红"),), "关注"),  # 红 but neither over the limit nor overdue
    ((("R02", "黄"),), "关注"),  # no credit, balance decreasing: a warning
    ((("R04", "黄"),), "关注"),  # overdue up to 30 days: a warning
    ((("R02", "红"),), "超限"),
    ((("R07", "红"),), "超限"),
    ((("R01", "红"), ("R12", "黄")), "超限"),
    ((("R04", "红"),), "逾期"),
    ((("R03", "红"),), "逾期"),
    ((("R01", "红"), ("R03", "红")), "逾期"),
])
def test_verdict_precedence(flags, verdict):
    assert assess(fl(rule, sev) for rule, sev in flags) == verdict


def test_days_over_limit_counts_end_of_day_balances():
    pos = MonthPosition(PERIOD, D("110"), D("0"), D("0"), D("90"), D("110"), True,
                        ((date(2026, 10, 3), D("90")), (date(2026, 10, 30), D("101"))))
    assert days_over_limit(pos, D("100")) == 2 + 2  # 10-01, 10-02 from the opening; 10-30, 10-31
    summary_only = MonthPosition(PERIOD, D("50"), D("80"), D("0"), D("130"), D("130"), False, ())
    assert days_over_limit(summary_only, D("100")) is None  # a 余额表 month has no days
    assert days_over_limit(summary_only, D("200")) == 0


def test_breach_list_every_flag_red_first_then_rule_then_code(built):
    _, flags, _ = built
    assert [(f.severity, f.rule, f.code) for f in flags] == [
        ("红", "R01", "C001"), ("红", "R02", "C002"), ("红", "R04", "C002"), ("红", "R04", "C006"),
        ("红", "R07", "C006"), ("红", "R11", COMPANY_CODE),
        ("黄", "R04", "C005"), ("黄", "R12", "S001"), ("蓝", "R06", "C006"),
    ]
    c002 = next(f for f in flags if f.code == "C002")
    assert (c002.name, c002.salesperson, c002.amount) == (EVIL, "李四", D("50000"))
    company = next(f for f in flags if f.rule == "R11")
    assert company.name is None and company.salesperson is None


def test_salesperson_sums_follow_the_rows_and_the_flags(built):
    rows, _, people = built
    got = {p.salesperson: p for p in people}
    assert [p.salesperson for p in people] == ["李四", "张三", "王五", UNASSIGNED]  # most 红 first, 未指定 last
    zs = got["张三"]  # C001, C003, C004
    assert (zs.customers, zs.approved_total, zs.closing_total, zs.overdue_total, zs.red, zs.yellow) == (
        3, D("400000"), D("120000") + D("90000") + D("90000"), D("0"), 1, 0)
    ls = got["李四"]  # C002, C006 (R06 is blue: not counted)
    assert (ls.customers, ls.closing_total, ls.overdue_total, ls.red, ls.yellow) == (
        2, D("50000") + D("30000"), D("80000"), 4, 0)
    assert (got["王五"].customers, got["王五"].yellow) == (0, 1)  # not on the form, still accountable
    assert sum(p.customers for p in people) == len(rows)
    assert sum(p.red for p in people) == 5  # R11 is nobody's
    assert sum((p.overdue_total for p in people), D(0)) == sum((r.overdue for r in rows), D(0))


def test_rows_from_a_real_evaluation_and_the_real_checks():
    """The core's own objects: positions and aging replayed from a ledger history, flags from run_checks."""
    moves = (Movement(date(2026, 10, 5), D("150000"), D("0"), "应收账款", "记-1"),
             Movement(date(2026, 10, 20), D("0"), D("100000"), "应收账款", "记-2"))
    history = CounterpartyHistory("C001", "客户", {"应收账款": D("0")}, moves, (), date(2025, 11, 1))
    survey = Survey(customer_code="C001", customer_name="北京示例商贸有限公司", counterparty_type="客户",
                    salesperson="张三", surveyed_on=date(2026, 9, 30))
    cp = evaluate_counterparty("C001", survey, (), history, _approved("C001", "120000", term=30), Policy(),
                               PERIOD, AS_OF)
    (row,), _, (person,) = execution_rows([cp], {})  # without checks: from the daily balances
    assert (row.opening, row.debit, row.credit, row.closing, row.peak) == (
        D("0.00"), D("150000.00"), D("100000.00"), D("50000.00"), D("150000.00"))
    assert (row.over_limit_amount, row.over_limit_days) == (D("30000.00"), 15)  # 10-05 .. 10-19
    assert row.aging_current == D("50000.00") and row.overdue == D("0.00")
    assert row.collection_rate == D("0.6667") and row.grade == cp.rating.result.grade.value
    assert (person.salesperson, person.customers, person.approved_total) == ("张三", 1, D("120000"))

    ctx = CheckContext(PERIOD, date(2026, 10, 1), AS_OF, AS_OF, cp, history, (), None, Policy())
    flags = run_checks(ctx)
    assert "R01" in {f.rule for f in flags}
    (checked,), breaches, _ = execution_rows([cp], {"C001": flags})
    assert (checked.over_limit_amount, checked.over_limit_days) == (D("30000.00"), 15)  # R01's own count
    assert checked.assessment == "超限" and {b.rule for b in breaches} == {f.rule for f in flags}


def test_a_month_known_only_from_a_balance_table_has_no_day_count():
    summary = cpm("C001", "北京示例商贸有限公司", limit="100000", opening="120000")
    summary = replace(summary, position=replace(summary.position, detail=False))
    (row,), _, _ = execution_rows([summary], {"C001": [fl("R01", "红", "20000", days=None)]})
    assert (row.over_limit_amount, row.over_limit_days) == (D("20000"), None)
    (row,), _, _ = execution_rows([summary], {})
    assert (row.over_limit_amount, row.over_limit_days) == (D("20000"), None)


# -- the workbook -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def form4(built, tmp_path_factory):
    rows, flags, people = built
    path = tmp_path_factory.mktemp("form4") / "客户授信额度执行评价表_2026-10.xlsx"
    return write_execution_review(path, rows, meta=META, flags=flags, salespeople=people)


def _sum(rows, attr):
    return sum((getattr(r, attr) or D(0) for r in rows), D(0))


def test_workbook_sheets_and_no_repair_triggers(form4):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(form4)
    assert not [w for w in caught if "dropped" in str(w.message) or "will be" in str(w.message)]
    assert wb.sheetnames == [SHEET, FLAG_SHEET, SALESPERSON_SHEET, CHART_SHEET]
    ws = wb[SHEET]
    assert ws.freeze_panes == "D5" and ws.page_setup.paperSize == 8 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$4" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb[FLAG_SHEET].auto_filter.ref == "A4:H13"
    texts = {c.value for r in ws.iter_rows() for c in r}
    assert {"财务部信用控制主管（填表）", "营销部经理（核对）", "营销主管副总（审阅）"} <= texts
    assert any(isinstance(t, str) and t.startswith("说明：1. 额度使用率 = 期末占用 ÷ 核定额度") for t in texts)
    assert EVIL in texts  # shown as text, never run


def test_user_text_stays_inert_and_totals_are_formulas(form4):
    with zipfile.ZipFile(form4) as zf:
        sheets = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "HYPERLINK" not in sheets
    wb = openpyxl.load_workbook(form4)
    total = find_row([[c.value if c.value is not None else "" for c in r] for r in wb[SHEET].iter_rows()], "合计")
    assert total[COL["期末余额"]] == "=SUM(L5:L10)"
    assert total[COL["额度使用率"]].startswith("=IF(G11>0,SUMPRODUCT(")
    assert all(not re.search(r"_xlfn|XLOOKUP|FILTER\(|SORT\(", str(v)) for v in total)


def test_severity_cells_are_filled_and_verdicts_conditionally_formatted(form4):
    wb = openpyxl.load_workbook(form4)
    ws = wb[FLAG_SHEET]
    fills = {r[1].value: r[1].fill.fgColor.rgb for r in ws.iter_rows(min_row=5, max_row=13)}
    assert fills == {"红": "FFF8CBAD", "黄": "FFFFE699", "蓝": "FFBDD7EE"}
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in wb[SHEET].conditional_formatting}
    assert sorted(rules["AA5:AA10"]) == sorted(['"逾期"', '"超限"', '"关注"', '"正常"'])
    assert rules["N5:N10"] == ["1"]  # use over 100 % in red


def test_the_charts_are_native_and_point_at_the_workbook(form4, built):
    rows = built[0]
    with zipfile.ZipFile(form4) as zf:
        names = zf.namelist()
        charts = {n: zf.read(n).decode() for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)}
    assert sorted(charts) == [f"xl/charts/chart{i}.xml" for i in (1, 2, 3, 4)]
    kinds = [re.findall(r'<c:(pieChart)>|<c:barDir val="(\w+)"/>', charts[f"xl/charts/chart{i}.xml"])
             for i in (1, 2, 3, 4)]
    assert kinds == [[("", "col")], [("", "bar")], [("pieChart", "")], [("", "col")]]
    refs = {n: re.findall(r"<c:f>(.*?)</c:f>", x) for n, x in charts.items()}
    assert refs["xl/charts/chart1.xml"] == ["图表!$B$5", "图表!$A$6:$A$12", "图表!$B$6:$B$12"]
    assert refs["xl/charts/chart2.xml"] == ["图表!$C$16", "图表!$B$17:$B$19", "图表!$C$17:$C$19"]  # 3 with a limit
    assert refs["xl/charts/chart3.xml"] == ["图表!$B$22", "图表!$A$23:$A$26", "图表!$B$23:$B$26"]
    assert refs["xl/charts/chart4.xml"] == ["图表!$B$30", "图表!$A$31:$A$34", "图表!$B$31:$B$34"]
    assert all("<c:numLit>" not in x and "<c:strLit>" not in x for x in charts.values())  # no literal data
    titles = "".join(charts.values())
    for title in ("账龄分布", "额度使用率前十名", "客户信用等级分布", "执行评价分布"):
        assert title in titles
    # the plotted cells reference the form itself
    ws = openpyxl.load_workbook(form4)[CHART_SHEET]
    total_row = 5 + len(rows)  # data rows 5..10, 合计 row 11
    assert ws["B6"].value == f"=执行评价表!Q{total_row}" and ws["B12"].value == f"=执行评价表!W{total_row}"
    assert ws["C17"].value == "=执行评价表!N5"  # C001 uses 120 %: first
    assert ws["B23"].value == '=COUNTIF(执行评价表!$E$5:$E$10,"A")'


def test_blank_form_keeps_three_sheets_and_two_builds_are_identical(form4, built, tmp_path):
    blank = write_execution_review(tmp_path / "blank.xlsx", meta=META)
    assert openpyxl.load_workbook(blank).sheetnames == [SHEET, FLAG_SHEET, SALESPERSON_SHEET]
    rows, flags, people = built
    again = write_execution_review(tmp_path / "again.xlsx", rows, meta=META, flags=flags, salespeople=people)
    assert again.read_bytes() == form4.read_bytes()


def _check_recalculated(sheets, built, number):
    rows, _, people = built
    total = find_row(sheets[SHEET], "合计")
    assert number(total[COL["客户名称"]]) == len(rows)
    for column in EXECUTION_COLUMNS:
        if column.total:
            assert number(total[COL[column.header]]) == _sum(rows, column.attr), column.header
    limit = _sum(rows, "approved_limit")
    used = sum((max(r.closing, D(0)) for r in rows if r.approved_limit), D(0))
    assert abs(number(total[COL["额度使用率"]]) - used / limit) < D("1e-9")
    rate = _sum(rows, "credit") / (_sum(rows, "opening") + _sum(rows, "debit"))
    assert abs(number(total[COL["回款率"]]) - rate) < D("1e-9")
    assert number(total[COL["最长逾期天数"]]) == 100

    sp = find_row(sheets[SALESPERSON_SHEET], "合计")
    assert [number(v) for v in sp[1:7]] == [len(rows), _sum(people, "approved_total"), _sum(people, "closing_total"),
                                             _sum(people, "overdue_total"), 5, 2]
    stats = sheets[FLAG_SHEET]
    assert [number(find_row(stats, label)[3]) for label in ("红色（违规）", "黄色（警告）", "蓝色（提醒）", "合计")] == [
        6, 2, 1, 9]

    chart = sheets[CHART_SHEET]
    assert number(find_row(chart, "逾期91-180天")[1]) == D("30000")
    assert [number(find_row(chart, g)[1]) for g in ("A级", "B级", "C级", "未评定")] == [3, 1, 1, 1]
    assert [number(find_row(chart, v)[1]) for v in ("正常", "关注", "超限", "逾期")] == [2, 1, 1, 2]
    top = find_row(chart, "C001")
    assert top[1] == "北京示例商贸有限公司" and number(top[2]) == D("1.2")


@pytest.mark.oracle
@requires_gnumeric
def test_gnumeric_recalculates_the_totals_to_the_python_sums(form4, built):
    sheets = gnumeric_sheets(form4)
    assert list(sheets) == [SHEET, FLAG_SHEET, SALESPERSON_SHEET, CHART_SHEET]
    _check_recalculated(sheets, built, lambda v: D(v))
    assert EVIL in {v for r in sheets[SHEET] for v in r}


@pytest.mark.oracle
@requires_soffice
def test_libreoffice_recalculates_the_totals_and_prints_without_hashes(form4, built, tmp_path):
    sheets = soffice_values(form4)
    _check_recalculated(sheets, built, lambda v: D(str(v)))
    (pdf,) = soffice_convert_many([form4], "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "###" not in text
        assert "客户授信额度执行评价表" in text and "营销主管副总（审阅）" in text and "客户授信执行分析图表" in text
