"""The pure register checks on raw rows, for cases a workbook makes awkward
to build (no block heading, three duplicates, reader problems passed on)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.register_checks import (
    ApprovedCredit,
    OverlimitApproval,
    RawRegister,
    RawRegisterRow,
    RawValue,
    check_register,
)

ERROR, WARNING = ProblemLevel.ERROR, ProblemLevel.WARNING
COLS = {"code": "B", "name": "C", "counterparty_type": "D", "approved_type": "P", "approved_limit": "Q",
        "approved_term_days": "R", "collateral_type": "S", "collateral_value": "T", "contract_start": "U",
        "contract_end": "V", "status": "W", "approved_on": "X"}


def row(r: int, block: str | None = "客户", **values) -> RawRegisterRow:
    cells = {attr: RawValue(values.get(attr), f"f.xlsx!s!{col}{r}") for attr, col in COLS.items()}
    return RawRegisterRow(cells, f"f.xlsx!s!B{r}", block)


def good(r: int, code: str, block: str | None = "客户", **over) -> RawRegisterRow:
    values = {"code": code, "name": f"{code}公司", "counterparty_type": "客户", "approved_type": "长期",
              "approved_limit": 100000.0, "approved_term_days": 30.0, "contract_end": datetime(2026, 12, 31),
              "status": "已批准", "approved_on": datetime(2025, 12, 1)}
    values.update(over)
    return row(r, block, **values)


def ol(r: int, code, on, amount, doc) -> dict[str, RawValue]:
    return {attr: RawValue(v, f"f.xlsx!o!{col}{r}")
            for attr, col, v in (("code", "A", code), ("approved_on", "B", on), ("amount", "C", amount),
                                 ("doc_no", "D", doc))}


def test_float_cells_become_exact_decimals_and_ints():
    register = check_register(RawRegister("f.xlsx", (good(5, "C001", approved_limit=1234.56,
                                                           collateral_type="抵押", collateral_value=0.1 + 0.2),)))
    credit = register.approved["C001"]
    assert credit == ApprovedCredit("C001", "C001公司", "客户", "长期", D("1234.56"), 30, "抵押", D("0.30"), None,
                                    date(2026, 12, 31), date(2025, 12, 1), "f.xlsx!s!B5")
    assert type(credit.term_days) is int and credit.has_credit
    assert register.problems == ()


def test_no_credit_row_needs_no_term_date_or_contract():
    register = check_register(RawRegister("f.xlsx", (row(5, code="C001", counterparty_type="客户",
                                                         approved_type="无", status="已批准"),)))
    assert register.approved["C001"] == ApprovedCredit("C001", "", "客户", "无", D("0.00"), 0, "无", None, None,
                                                       None, None, "f.xlsx!s!B5")
    assert not register.approved["C001"].has_credit
    assert register.problems == ()


def test_type_blank_outside_any_block_is_an_error():
    register = check_register(RawRegister("f.xlsx", (good(5, "C001", block=None, counterparty_type=None),)))
    assert register.approved == {}
    assert register.problems == (Problem(
        ERROR, "counterparty_type", "f.xlsx!s!D5",
        "客户编码 C001：未填写“往来类型”（客户/供应商），无法确定按应收还是预付计算占用，该行不予采用"),)


def test_three_approved_rows_of_one_code_each_name_the_first():
    register = check_register(RawRegister("f.xlsx", (good(5, "C001"), good(6, "C002"), good(7, "C001"),
                                                     good(9, "C001", approved_limit=-1.0))))
    assert set(register.approved) == {"C002"}
    dup = [p for p in register.problems if p.field == "code"]
    assert [(p.place, p.message) for p in dup] == [
        ("f.xlsx!s!B7", "客户编码 C001：有两行“已批准”（B5 与 B7），无法确定以哪一行为准，两行均不予采用"),
        ("f.xlsx!s!B9", "客户编码 C001：有两行“已批准”（B5 与 B9），无法确定以哪一行为准，两行均不予采用"),
    ]
    # the invalid fourth row reports its own error too
    assert [p.field for p in register.errors] == ["approved_limit", "code", "code"]


def test_reader_problems_come_first_and_blank_rows_are_ignored():
    reader_problem = Problem(WARNING, "register", "f.xlsx!s!B4", "表头中没有“往来类型”列，按未填写处理")
    register = check_register(RawRegister(
        "f.xlsx", (row(5, code=None), row(6, code="  ", name="备注行"), good(7, "C001")),
        overlimit=(ol(6, None, None, "", " "), ol(7, "c001", "2026-2-3", "1.2万", 20260203)),
        problems=(reader_problem,)))
    assert register.problems == (reader_problem,)
    assert register.overlimit == (OverlimitApproval("C001", date(2026, 2, 3), D("12000.00"), "20260203",
                                                    "f.xlsx!o!A7"),)
    assert register.warnings == (reader_problem,) and register.errors == ()


def test_status_decides_the_lists_and_only_approved_rows_are_validated():
    register = check_register(RawRegister("f.xlsx", (
        row(5, code="C001", status="待批", approved_limit="not a number", approved_term_days=999),
        row(6, code="C002", status="驳回", approved_type="短期"),
        row(7, code="C003"),  # a proposal nobody touched
        row(8, code="C004", approved_on="2026-01-05"),
    )))
    assert register.approved == {}
    assert register.pending == ("C001", "C003", "C004")
    assert register.rejected_codes == ("C002",)
    assert register.problems == (Problem(WARNING, "status", "f.xlsx!s!W8",
                                         "客户编码 C004：未填写审批状态，按未批准处理"),)


def test_overlimit_without_any_register_row_warns_but_is_kept():
    register = check_register(RawRegister("f.xlsx", (), overlimit=(ol(6, "S9", date(2026, 1, 2), 5.0, "文"),)))
    assert register.overlimit == (OverlimitApproval("S9", date(2026, 1, 2), D("5.00"), "文", "f.xlsx!o!A6"),)
    assert register.problems == (Problem(WARNING, "overlimit.code", "f.xlsx!o!A6",
                                         "客户编码 S9：不在《预付、赊销客户汇总表》中，请核对客户编码"),)
