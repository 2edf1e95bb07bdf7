"""register.xlsx as approvers return it: exactly the approved rows come back,
with exact values, whatever the approvers did to the layout; every problem
names its cell and says what is wrong in words a clerk understands."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell
from oracles import requires_soffice, soffice_convert

from credit_workbook.core import register_checks as rc
from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.register_checks import (
    ApprovedCredit,
    OverlimitApproval,
    Register,
)
from credit_workbook.forms import fields
from credit_workbook.forms import register as form3
from credit_workbook.forms.register import OVERLIMIT_SHEET, SHEET, write_register
from credit_workbook.forms.register_reader import NO_HEADER_MESSAGE, read_register

from .conftest import FILE, META, PROPOSAL, Approver

ERROR, WARNING = ProblemLevel.ERROR, ProblemLevel.WARNING
P = f"{FILE}!{SHEET}!"
OL = f"{FILE}!{OVERLIMIT_SHEET}!"

EXPECTED_APPROVED = {
    "S001": ApprovedCredit("S001", "嘉兴化纤原料有限公司", "供应商", "临时", D("50000.00"), 15, "保证金",
                           D("60000.00"), date(2026, 1, 1), date(2026, 6, 30), date(2025, 12, 28), P + "B6"),
    "C001": ApprovedCredit("C001", "杭州甲商贸有限公司", "客户", "长期", D("300000.00"), 30, "无", None,
                           date(2026, 1, 1), date(2026, 12, 31), date(2025, 12, 20), P + "B13"),
    "C002": ApprovedCredit("C002", "宁波乙贸易有限公司", "客户", "无", D("0.00"), 0, "无", None, None, None,
                           date(2025, 12, 20), P + "B14"),
}
EXPECTED_OVERLIMIT = (
    OverlimitApproval("C001", date(2026, 3, 2), D("50000.00"), "总经办〔2026〕7号", OL + "A6"),
    OverlimitApproval("S001", date(2026, 2, 3), D("12000.00"), "财审〔2026〕3号", OL + "A7"),
)
EXPECTED = Register(EXPECTED_APPROVED, pending=("S002", "C003"), rejected_codes=("C004",),
                    overlimit=EXPECTED_OVERLIMIT, problems=())


def read(a: Approver) -> Register:
    return read_register(a.save())


def test_approved_rows_come_back_exactly(approver):
    register = read(approver)
    assert register == EXPECTED
    assert all(type(c.limit) is D for c in register.approved.values())
    assert list(register.approved) == ["S001", "C001", "C002"]  # register order: 预付 block first


def test_proposal_without_approvals_has_nothing_in_force(proposal):
    register = read_register(proposal)
    assert register.approved == {}
    assert register.pending == ("S001", "S002", "C001", "C002", "C003", "C004")
    assert register.overlimit == EXPECTED_OVERLIMIT[:1]
    # its only over-limit row is for a code that has no approved limit yet
    assert register.problems == (Problem(
        WARNING, "overlimit.code", OL + "A6",
        "客户编码 C001：在《预付、赊销客户汇总表》中没有可用的已批准额度，超额审批无从对应"),)


def test_missing_file_is_an_empty_register_without_problems(tmp_path):
    assert read_register(tmp_path / FILE) == Register({}, (), (), (), ())


def test_blank_template_reads_as_empty(tmp_path):
    path = form3.write_register(tmp_path / FILE, (), META, None)
    register = read_register(path)
    assert register == Register({}, (), (), (), ())


# ---------------------------------------------------------------- layouts approvers make

def test_inserted_column_reordered_columns_and_broken_headers(approver):
    a = approver
    a.insert_cols(a.col("核定额度"))  # an "审批意见" column typed in the middle
    a.ws.cell(a.header_row(), a.col("核定类型") + 1).value = "审批意见"
    a.set("C001", "审批意见", "同意，按上年额度")
    # swap 核定期限(天) and 担保方式 (moving columns by cut and paste)
    ct, cs = a.col("核定期限(天)"), a.col("担保方式")
    for r in range(a.header_row(), a.ws.max_row + 1):
        x, y = a.ws.cell(r, ct), a.ws.cell(r, cs)
        if not isinstance(x, MergedCell) and not isinstance(y, MergedCell):
            x.value, y.value = y.value, x.value
    hr = a.header_row()
    a.ws.cell(hr, a.col("核定期限(天)")).value = "核定期限\n（天）"
    a.ws.cell(hr, a.col("审批状态")).value = " 审批\n状态 "
    a.ws.cell(hr, a.col("核定额度")).value = "核定额度（元）"
    a.insert_rows(1, 2)  # two title rows above
    a.ws.cell(1, 1).value = "经总经理、董事长批准"
    register = read(a)
    shifted = {code: replace(c, place=a.place(code)) for code, c in EXPECTED_APPROVED.items()}
    assert register.approved == shifted
    assert register.approved["S001"].place == P + "B8"  # two rows down, code column unmoved
    assert (register.pending, register.rejected_codes, register.problems) == (("S002", "C003"), ("C004",), ())


def test_row_moved_to_the_other_block_reads_with_a_warning(approver):
    a = approver
    a.move_row("C001", a.spare_row_after("S002"))
    register = read(a)
    assert register.approved["C001"] == replace(EXPECTED_APPROVED["C001"], place=P + "B8")
    assert register.problems == (Problem(
        WARNING, "counterparty_type", P + "D8",
        "客户编码 C001：往来类型为“客户”，却放在“一、预付客户（供应商）”分组下，按往来类型“客户”处理"),)


def test_hand_added_row_takes_its_type_from_the_block(approver):
    a = approver
    r = a.spare_row_after("S002")
    for header, value in {"客户编码": "S009", "客户名称": "新增供应商", "核定类型": "临时", "核定额度": 10000,
                          "核定期限(天)": 10, "合同结束日期": "2026-03-31", "审批状态": "已批准",
                          "批准日期": "20260105"}.items():
        a.ws.cell(r, a.col(header)).value = value
    register = read(a)
    assert register.approved["S009"] == ApprovedCredit(
        "S009", "新增供应商", "供应商", "临时", D("10000.00"), 10, "无", None, None, date(2026, 3, 31),
        date(2026, 1, 5), P + f"B{r}")
    assert register.problems == ()


def test_rows_after_the_total_row_are_not_read(approver):
    a = approver
    total = next(r for r in range(1, a.ws.max_row + 1) if a.ws.cell(r, 1).value == "合计")
    for header, value in {"客户编码": "X999", "核定类型": "长期", "核定额度": 1, "审批状态": "已批准"}.items():
        a.ws.cell(total + 2, a.col(header)).value = value
    assert read(a) == EXPECTED


def test_without_the_total_row_the_note_and_signatures_end_the_table(approver):
    a = approver
    total = next(r for r in range(1, a.ws.max_row + 1) if a.ws.cell(r, 1).value == "合计")
    for r in (total, total + 1):  # the 合计 row and the control line, cleared
        for cell in a.ws[r]:
            if not isinstance(cell, MergedCell):
                cell.value = None
    assert a.ws.cell(a.ws.max_row - 1, a.col("核定期限(天)")).value == "签字："  # a box in a 核定 column
    assert read(a) == EXPECTED


def test_limit_in_wan_is_accepted(approver):
    approver.set("C001", "核定额度", "1.5万")
    assert read(approver).approved["C001"].limit == D("15000.00")


def test_spaces_and_full_width_in_choices_are_accepted(approver):
    approver.fill("C001", 核定类型=" 长 期", 审批状态="已 批准\u3000", 担保方式="无")
    assert read(approver) == EXPECTED


def test_renamed_sheet_still_reads_and_says_which(approver):
    approver.ws.title = "汇总表（已批）"
    register = read(approver)
    assert set(register.approved) == {"S001", "C001", "C002"}
    assert register.problems == (Problem(WARNING, "register", f"{FILE}!汇总表（已批）",
                                         f"没有名为“{SHEET}”的工作表，按工作表“汇总表（已批）”读取"),)


# ---------------------------------------------------------------- the structure itself

def test_no_header_is_one_clear_error(approver):
    a = approver
    a.ws.cell(a.header_row(), a.col("核定额度")).value = "额度"
    register = read(a)
    assert register == Register({}, problems=(Problem(ERROR, "register", FILE, NO_HEADER_MESSAGE),))
    assert register.problems[0].render() == "register.xlsx: 找不到《预付、赊销客户汇总表》的表头（客户编码、核定额度…）"


def test_no_register_sheet_is_one_clear_error(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "客户编码"
    wb.save(tmp_path / FILE)
    assert read_register(tmp_path / FILE).problems == (Problem(ERROR, "register", FILE, NO_HEADER_MESSAGE),)


def test_header_without_status_column_is_an_error_at_the_header(approver):
    a = approver
    a.ws.cell(a.header_row(), a.col("审批状态")).value = "意见"
    register = read(a)
    assert register.approved == {}
    assert register.problems == (Problem(
        ERROR, "register", P + "B4",
        "《预付、赊销客户汇总表》的表头缺少“审批状态”列，无法读取审批结果，请使用标准表样"),)


def test_header_without_optional_columns_is_a_warning(approver):
    a = approver
    hr = a.header_row()
    a.ws.cell(hr, a.col("合同开始日期")).value = "开始"
    a.ws.cell(hr, a.col("往来类型")).value = None
    register = read(a)
    assert register.problems == (Problem(WARNING, "register", P + "B4",
                                         "表头中没有“往来类型”“合同开始日期”列，按未填写处理"),)
    # 往来类型 now comes from the block heading; 合同开始日期 is unknown
    assert register.approved == {c: replace(x, contract_start=None) for c, x in EXPECTED_APPROVED.items()}


def test_unreadable_file_is_one_error(tmp_path):
    (tmp_path / FILE).write_bytes(b"PK\x03\x04 not really a workbook")
    register = read_register(tmp_path / FILE)
    assert register.approved == {}
    assert [(p.level, p.place) for p in register.problems] == [(ERROR, FILE)]
    assert register.problems[0].message == "文件不完整或已损坏（不是有效的 Excel 文件）"


# ---------------------------------------------------------------- every validation case

def _row_error(a, code, header, text, field):
    return Problem(ERROR, field, a.place(code, header), f"客户编码 {code}：{text}，该行不予采用")


CASES = {
    # id: (edits as (code, header, value), expected(a) -> [Problem], code that drops out of `approved`)
    "blank status with a limit": (
        [("C003", "核定额度", 80000), ("C003", "审批状态", None)],
        lambda a: [Problem(WARNING, "status", a.place("C003", "审批状态"),
                           "客户编码 C003：未填写审批状态，按未批准处理")], None),
    "unknown status": (
        [("C001", "审批状态", "同意")],
        lambda a: [Problem(ERROR, "status", a.place("C001", "审批状态"),
                           "客户编码 C001：“审批状态”应为已批准/待批/驳回之一，填的是“同意”，按未批准处理")], "C001"),
    "type missing": (
        [("C001", "核定类型", None)],
        lambda a: [_row_error(a, "C001", "核定类型", "已批准，但未填写“核定类型”（临时/长期；不授信填“无”）",
                              "approved_type")], "C001"),
    "type unknown": (
        [("C001", "核定类型", "短期")],
        lambda a: [_row_error(a, "C001", "核定类型", "“核定类型”应为无/临时/长期之一，填的是“短期”",
                              "approved_type")], "C001"),
    "limit negative": (
        [("C001", "核定额度", "-5,000")],
        lambda a: [_row_error(a, "C001", "核定额度", "“核定额度”不能为负数，填的是 -5,000.00",
                              "approved_limit")], "C001"),
    "limit not a number": (
        [("C001", "核定额度", "五万")],
        lambda a: [_row_error(a, "C001", "核定额度", "“核定额度”：“五万”不是金额", "approved_limit")], "C001"),
    "limit missing": (
        [("C001", "核定额度", None)],
        lambda a: [_row_error(a, "C001", "核定额度", "核定类型为“长期”，但未填写“核定额度”",
                              "approved_limit")], "C001"),
    "type 无 with a limit": (
        [("C002", "核定额度", "10,000")],
        lambda a: [_row_error(a, "C002", "核定额度",
                              "核定类型为“无”（不授信），“核定额度”却填了 10,000.00 元，请改为0或改核定类型",
                              "approved_limit")], "C002"),
    "term too long": (
        [("C001", "核定期限(天)", 400)],
        lambda a: [_row_error(a, "C001", "核定期限(天)", "“核定期限(天)”应在0–366天之间，填的是 400",
                              "approved_term_days")], "C001"),
    "term negative": (
        [("C001", "核定期限(天)", -1)],
        lambda a: [_row_error(a, "C001", "核定期限(天)", "“核定期限(天)”应在0–366天之间，填的是 -1",
                              "approved_term_days")], "C001"),
    "term not whole": (
        [("C001", "核定期限(天)", "30.5")],
        lambda a: [_row_error(a, "C001", "核定期限(天)", "“核定期限(天)”：“30.5”不是整数",
                              "approved_term_days")], "C001"),
    "term missing": (
        [("C001", "核定期限(天)", None)],
        lambda a: [_row_error(a, "C001", "核定期限(天)", "核定类型为“长期”，但未填写“核定期限(天)”",
                              "approved_term_days")], "C001"),
    "approval date missing": (
        [("S001", "批准日期", None)],
        lambda a: [_row_error(a, "S001", "批准日期", "已批准，但未填写“批准日期”", "approved_on")], "S001"),
    "approval date impossible": (
        [("S001", "批准日期", "2026年13月1日")],
        lambda a: [_row_error(a, "S001", "批准日期", "“批准日期”：无法识别的日期“2026年13月1日”（月份应为1–12）",
                              "approved_on")], "S001"),
    "contract ends before it starts": (
        [("C001", "合同结束日期", "2025-12-31")],
        lambda a: [_row_error(a, "C001", "合同结束日期",
                              "“合同结束日期” 2025-12-31 早于“合同开始日期” 2026-01-01", "contract_end")], "C001"),
    "collateral unknown": (
        [("S001", "担保方式", "房产")],
        lambda a: [_row_error(a, "S001", "担保方式", "“担保方式”应为无/抵押/质押/保证/保证金之一，填的是“房产”",
                              "collateral_type")], "S001"),
    "counterparty type unknown": (
        [("C001", "往来类型", "经销商")],
        lambda a: [_row_error(a, "C001", "往来类型", "“往来类型”应为客户/供应商之一，填的是“经销商”",
                              "counterparty_type")], "C001"),
    "code stored as a lossy number": (
        [("C001", "客户编码", 1.23456789012345e17)],
        lambda a: [Problem(ERROR, "code", P + "B13",
                           "“客户编码”：编码/账号被Excel存成了数字，超过15位的数字会丢失，请把单元格设为文本格式后重新输入，"
                           "该行不予采用"),
                   # its over-limit approval now points at a code the register does not show
                   Problem(WARNING, "overlimit.code", OL + "A6",
                           "客户编码 C001：不在《预付、赊销客户汇总表》中，请核对客户编码")], "C001"),
    "approval typed on a row without a code": (
        [("C003", "客户编码", None)],
        lambda a: [Problem(ERROR, "code", P + "B15",
                           "该行填写了审批内容，但“客户编码”为空，无法对应到客户，该行不予采用")], None),
    "collateral type without value": (
        [("S001", "抵押资产价值", None)],
        lambda a: [Problem(WARNING, "collateral_value", a.place("S001", "抵押资产价值"),
                           "客户编码 S001：担保方式为“保证金”，但未填写“抵押资产价值”")], None),
    "collateral value without type": (
        [("C001", "抵押资产价值", 20000)],
        lambda a: [Problem(WARNING, "collateral_type", a.place("C001", "担保方式"),
                           "客户编码 C001：填了抵押资产价值 20,000.00 元，但“担保方式”为“无”或未填写")], None),
    "contract end missing": (
        [("C001", "合同结束日期", None)],
        lambda a: [Problem(WARNING, "contract_end", a.place("C001", "合同结束日期"),
                           "客户编码 C001：未填写“合同结束日期”，无法检查合同期内清零及到期提醒（第三十六条）")], None),
}


# What a warning leaves changed in the row it keeps.
KEPT_CHANGES = {
    "collateral type without value": ("S001", {"collateral_value": None}),
    "collateral value without type": ("C001", {"collateral_value": D("20000.00")}),
    "contract end missing": ("C001", {"contract_end": None}),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_validation_case(approver, case):
    edits, expected, dropped = CASES[case]
    a = approver
    rows = {code: a.row(code) for code, _h, _v in edits}  # before a code itself is edited
    for code, header, value in edits:
        a.ws.cell(rows[code], a.col(header)).value = value
    register = read(a)
    assert list(register.problems) == expected(a)
    want = {c: x for c, x in EXPECTED_APPROVED.items() if c != dropped}
    if case in KEPT_CHANGES:
        code, changes = KEPT_CHANGES[case]
        want[code] = replace(want[code], **changes)
    assert register.approved == want


def test_rows_without_a_valid_status_count_as_pending(approver):
    a = approver
    a.fill("C001", 审批状态="同意")
    a.fill("C003", 审批状态=None, 核定额度=80000)
    a.fill("S002", 审批状态="待批")
    register = read(a)
    assert register.pending == ("S002", "C001", "C003")
    assert register.rejected_codes == ("C004",)
    assert [p.level for p in register.problems] == [ERROR, WARNING]


def test_duplicate_approved_codes_name_both_cells_and_drop_both(approver):
    a = approver
    a.fill("C003", 核定类型="临时", 核定额度=1000, 核定期限=5, 合同结束日期="2026-06-30",
           审批状态="已批准", 批准日期="2026-01-02")
    a.set("C003", "客户编码", " c001")  # typed by hand: case and spaces do not make it another code
    register = read(a)
    assert register.problems == (Problem(
        ERROR, "code", P + "B15",
        "客户编码 C001：有两行“已批准”（B13 与 B15），无法确定以哪一行为准，两行均不予采用"),)
    assert set(register.approved) == {"S001", "C002"}


def test_an_approved_code_may_also_have_a_pending_proposal(approver):
    a = approver
    a.fill("C003", 客户编码="C001")  # C003's row (待批) becomes a new proposal for C001
    register = read(a)
    assert register.approved["C001"] == EXPECTED_APPROVED["C001"]
    assert register.pending == ("S002", "C001")
    assert register.problems == ()


def test_every_error_of_a_row_is_reported_not_just_the_first(approver):
    a = approver
    a.fill("C001", 核定额度="abc", 核定期限=999, 批准日期=None)
    register = read(a)
    assert [(p.field, p.place) for p in register.problems] == [
        ("approved_limit", a.place("C001", "核定额度")),
        ("approved_term_days", a.place("C001", "核定期限(天)")),
        ("approved_on", a.place("C001", "批准日期")),
    ]
    assert "C001" not in register.approved and "S001" in register.approved


# ---------------------------------------------------------------- 超额审批

def _overlimit_case(approver, values, row=8):
    ol = approver.wb[OVERLIMIT_SHEET]
    for c, value in enumerate(values, start=1):
        ol.cell(row, c).value = value
    return read(approver)


@pytest.mark.parametrize("values, expected", [
    (("C001", None, 1000, "文1"),
     [(ERROR, "overlimit.approved_on", "B8", "客户编码 C001：超额审批未填写“批准日期”，该条超额审批不予采用")]),
    (("C001", "2026-02-30", 1000, "文1"),
     [(ERROR, "overlimit.approved_on", "B8",
       "客户编码 C001：“批准日期”：无法识别的日期“2026-02-30”（2026年2月只有28天），该条超额审批不予采用")]),
    (("C001", "2026-02-03", 0, "文1"),
     [(ERROR, "overlimit.amount", "C8", "客户编码 C001：“批准金额”应大于0，填的是 0.00，该条超额审批不予采用")]),
    (("C001", "2026-02-03", None, "文1"),
     [(ERROR, "overlimit.amount", "C8", "客户编码 C001：超额审批未填写“批准金额”，该条超额审批不予采用")]),
    (("C001", "2026-02-03", "一万", "文1"),
     [(ERROR, "overlimit.amount", "C8", "客户编码 C001：“批准金额”：“一万”不是金额，该条超额审批不予采用")]),
    (("C001", "2026-02-03", 1000, "  "),
     [(ERROR, "overlimit.doc_no", "D8",
       "客户编码 C001：超额审批未填写“批准文号”（第三十二条：须有正式批准文书），该条超额审批不予采用")]),
    ((None, "2026-02-03", 1000, "文1"),
     [(ERROR, "overlimit.code", "A8", "超额审批：该行填了内容但“客户编码”为空，该条超额审批不予采用")]),
], ids=["date missing", "date impossible", "amount zero", "amount missing", "amount text", "doc missing",
        "code missing"])
def test_overlimit_errors_drop_the_row(approver, values, expected):
    register = _overlimit_case(approver, values)
    assert [(p.level, p.field, p.place, p.message) for p in register.problems] == [
        (level, field, OL + cell, message) for level, field, cell, message in expected]
    assert register.overlimit == EXPECTED_OVERLIMIT


def test_overlimit_for_unknown_or_unapproved_codes_is_kept_with_a_warning(approver):
    ol = approver.wb[OVERLIMIT_SHEET]
    for r, code in ((8, "X001"), (9, "C004")):
        for c, value in enumerate((code, "2026-02-03", "1,000", "文1"), start=1):
            ol.cell(r, c).value = value
    register = read(approver)
    assert register.problems == (
        Problem(WARNING, "overlimit.code", OL + "A8", "客户编码 X001：不在《预付、赊销客户汇总表》中，请核对客户编码"),
        Problem(WARNING, "overlimit.code", OL + "A9",
                "客户编码 C004：在《预付、赊销客户汇总表》中没有可用的已批准额度，超额审批无从对应"),
    )
    assert register.overlimit == EXPECTED_OVERLIMIT + (
        OverlimitApproval("X001", date(2026, 2, 3), D("1000.00"), "文1", OL + "A8"),
        OverlimitApproval("C004", date(2026, 2, 3), D("1000.00"), "文1", OL + "A9"),
    )
    assert register.overlimit_for("C004") == register.overlimit[-1:]


def test_overlimit_row_typed_below_the_table_is_read(approver):
    register = _overlimit_case(approver, ("C001", "2026-04-01", 3000, "文2"), row=40)
    assert register.overlimit[-1] == OverlimitApproval("C001", date(2026, 4, 1), D("3000.00"), "文2", OL + "A40")


def test_overlimit_sheet_without_the_table_is_found_by_its_header(approver):
    a = approver
    ol = a.wb[OVERLIMIT_SHEET]
    del ol.tables["tbl_overlimit"]
    ol.title = "超额审批记录"
    ol.insert_cols(1)  # and its columns no longer start at A
    assert read(a).overlimit == tuple(replace(o, place=o.place.replace(OVERLIMIT_SHEET, "超额审批记录")
                                              .replace("!A", "!B")) for o in EXPECTED_OVERLIMIT)


def test_missing_overlimit_sheet_is_a_warning(approver):
    a = approver
    del a.wb[OVERLIMIT_SHEET]
    register = read(a)
    assert register.overlimit == ()
    assert register.problems == (Problem(
        WARNING, "overlimit", FILE,
        "找不到“超额审批”工作表的表头（客户编码、批准日期、批准金额、批准文号），视为没有超额审批记录（第三十二条）"),)
    assert register.approved == EXPECTED_APPROVED


def test_overlimit_header_missing_a_column_is_an_error(approver):
    a = approver
    ol = a.wb[OVERLIMIT_SHEET]
    ol["D5"] = "备注"
    register = read(a)
    assert register.overlimit == ()
    assert register.problems == (Problem(ERROR, "overlimit", OL + "A5",
                                         "“超额审批”表头缺少“批准文号”列，超额审批记录未读取"),)


# ---------------------------------------------------------------- contract with the form writer

def test_core_constants_match_the_form():
    by_attr = {c.attr: c.header for c in form3.REGISTER_COLUMNS}
    assert {a: by_attr[a] for a in rc.LABELS} == rc.LABELS
    assert rc.STATUSES == form3.APPROVAL_STATUSES
    assert rc.CREDIT_TYPES == fields.CREDIT_TYPES
    assert rc.COLLATERAL_TYPES == fields.COLLATERAL_TYPES
    assert rc.COUNTERPARTY_TYPES == fields.COUNTERPARTY_TYPES
    assert rc.BLOCK_HEADINGS == dict(form3.BLOCKS)
    assert tuple(rc.OVERLIMIT_LABELS.values()) == form3.OVERLIMIT_HEADERS


def test_register_written_with_approvals_reads_back(tmp_path):
    """The tool may also write an already approved register (month.py's copy)."""
    rows = [replace(PROPOSAL[0], approved_type="长期", approved_limit=D("123456.78"), approved_term_days=30,
                    contract_start=date(2026, 1, 1), contract_end=date(2026, 12, 31), status="已批准",
                    approved_on=date(2025, 12, 1))] + list(PROPOSAL[1:])
    register = read_register(write_register(tmp_path / FILE, rows, META, None))
    assert register.approved == {"C001": ApprovedCredit(
        "C001", "杭州甲商贸有限公司", "客户", "长期", D("123456.78"), 30, "无", None, date(2026, 1, 1),
        date(2026, 12, 31), date(2025, 12, 1), P + "B13")}
    assert register.problems == ()


@pytest.mark.oracle
@requires_soffice
def test_register_saved_by_libreoffice_reads_the_same(approver, tmp_path):
    """Approvers may open and save the register in LibreOffice or WPS: cell
    types, merged cells and the table are rewritten, the content is not."""
    approved = approver.save()
    src = tmp_path / "lo_in" / FILE
    src.parent.mkdir()
    shutil.copyfile(approved, src)
    converted = soffice_convert(src, "xlsx", tmp_path / "lo_out")
    assert converted.name == FILE and converted.read_bytes() != approved.read_bytes()
    assert read_register(converted) == read_register(approved) == EXPECTED
