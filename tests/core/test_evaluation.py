"""The month's evaluation: ledger evidence into the grade, the register into the caps, the company total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from credit_workbook.core.checks.r11_total_limit import check_total_limit
from credit_workbook.core.evaluation import company_total, evaluate_counterparty
from credit_workbook.core.history import CounterpartyHistory, Movement
from credit_workbook.core.register_checks import ApprovedCredit
from credit_workbook.policy import Policy

from .conftest import make_survey

AS_OF = date(2026, 10, 31)


def _history(code="C001", opening=D("0"), moves=(), start=date(2025, 11, 1)) -> CounterpartyHistory:
    return CounterpartyHistory(code, "客户", {"应收账款": opening}, tuple(moves), (), start)


def _approved(limit, term=30, kind="长期") -> ApprovedCredit:
    return ApprovedCredit(code="C001", name="北京示例商贸有限公司", counterparty_type="客户", credit_type=kind,
                          limit=D(limit), term_days=term, collateral_type="无", collateral_value=None,
                          contract_start=date(2026, 1, 1), contract_end=date(2026, 12, 31),
                          approved_on=date(2025, 12, 20), place="register.xlsx!预付赊销客户汇总表!B8")


def _monthly(amount_debit, amount_credit, months=12):
    """Debit on the 5th and credit on the 20th of each month from 2025-11 to 2026-10."""
    moves = []
    for i in range(months):
        year, month = (2025, 11 + i) if i < 2 else (2026, i - 1)
        moves.append(Movement(date(year, month, 5), D(amount_debit), D("0"), "应收账款", f"记-{i}a"))
        moves.append(Movement(date(year, month, 20), D("0"), D(amount_credit), "应收账款", f"记-{i}b"))
    return moves


def test_caps_come_from_ledger_averages_and_the_register_is_followed_from_low():
    # 12 months of 150,000 shipped and 150,000 collected: averages 150,000; cap min(...) = 150,000,
    # rounded down to 1,000; the register approved 120,000, lower, so 从低 makes it the cap.
    history = _history(moves=_monthly("150000.00", "150000.00"))
    cp = evaluate_counterparty("C001", make_survey(requested_limit=D("200000.00")), (), history,
                               _approved("120000.00"), Policy(), "2026-10", AS_OF)
    assert cp.evidence.avg_debit == D("150000.00") and cp.evidence.avg_credit == D("150000.00")
    assert cp.rating.result.grade.value == "A"
    assert cp.rating.caps.cap_long == D("120000.00")
    assert cp.rating.caps.proposed_limit == D("120000.00")
    assert cp.position.debit == D("150000.00") and cp.position.closing == D("0.00")


def test_a_counterparty_seen_only_in_the_ledger_is_kept_without_a_grade():
    cp = evaluate_counterparty("C009", None, (), _history("C009", D("5000.00")), None, Policy(), "2026-10", AS_OF,
                               name="张记布行")
    assert cp.rating is None and cp.name == "张记布行" and cp.exposure == D("5000.00")
    # No approved credit: the opening balance was due at once and is overdue.
    assert cp.aging.overdue == D("5000.00")


def test_company_total_against_1_january_including_unknown():
    known = _history(opening=D("300000.00"), start=date(2025, 11, 1))
    approved = [_approved("250000.00"), _approved("100000.00")]
    total = company_total([known], approved, AS_OF)
    assert total.approved == D("350000.00") and total.jan1_exposure == D("300000.00") and total.exceeded
    [flag] = check_total_limit(total.approved, total.jan1_exposure)
    assert flag.rule == "R11" and flag.article == "第二十四条" and flag.amount == D("50000.00")
    assert "350,000.00" in flag.message and "300,000.00" in flag.message
    # History starting in February cannot tell the 1 January exposure: unknown, no flag.
    late = _history(opening=D("300000.00"), start=date(2026, 2, 1))
    total = company_total([late], approved, AS_OF)
    assert total.jan1_exposure is None and total.exceeded is None
    assert check_total_limit(total.approved, None) == []
    # Equal is allowed (最高不超过).
    assert check_total_limit(D("300000.00"), D("300000.00")) == []
