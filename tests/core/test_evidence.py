"""LedgerEvidence from a history, hand-computed, and how grading reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from credit_workbook.core.evidence import (
    build_evidence,
    first_ledger_month,
    worst_overdue,
)
from credit_workbook.core.grading import grade
from credit_workbook.core.history import CounterpartyHistory, MonthSummary, Movement
from credit_workbook.core.model import Grade, LedgerEvidence
from credit_workbook.policy import GradingPolicy
from tests.core.conftest import make_survey

D = Decimal
AR, AP, ADV = "应收账款", "预付账款", "预收账款"
POLICY = GradingPolicy()
AS_OF = date(2026, 6, 30)


def mv(day: str, debit: str = "0", credit: str = "0", account: str = AR, ref: str = "") -> Movement:
    return Movement(date.fromisoformat(day), D(debit), D(credit), account, ref)


def customer(*movements: Movement, openings=None, start=date(2025, 1, 1), summaries=()) -> CounterpartyHistory:
    return CounterpartyHistory("C001", "客户", dict(openings or {}), tuple(movements), tuple(summaries), start)


def test_every_field_from_a_hand_computed_history():
    # company ledgers from 2025-01; evaluation 2026-06-30; term 30
    h = customer(
        mv("2025-03-10", debit="100000"),  # first dealing → first_ledger_month 2025-03-01; due 4/9
        mv("2025-04-09", credit="100000"),  # paid on its due day: 0 days overdue
        mv("2025-06-20", debit="200000"),  # due 7/20
        mv("2025-07-15", credit="150000"),  # 50,000 of it left
        mv("2026-01-10", credit="50000"),  # settles the rest: 7/20 → 1/10 = 174 days overdue
        mv("2026-05-05", debit="30000"),  # due 6/4; open on 6/30: 26 days
        mv("2026-07-02", credit="30000"),  # after as_of: ignored
    )
    ev = build_evidence(h, AS_OF, POLICY, 30)
    assert ev.first_ledger_month == date(2025, 3, 1)
    # 2025-01..2026-06 = 12 + 6 = 18 months
    assert ev.months_of_history == 18
    # credits 2025-07..2026-06: 150,000 + 50,000 = 200,000 (the 2025-04 100,000 is older)
    assert ev.trailing_12m_credit == D("200000.00")
    # 174 days > 90; crossed 90 on 7/20 + 91 days = 2025-10-19 → "2025-10"
    assert ev.worst_overdue_days_24m == 174
    assert ev.worst_overdue_month == "2025-10"
    assert ev.had_exposure is True  # e.g. 2025-03 closed at 100,000
    # window 2025-07..2026-06: debits 30,000 / 12 = 2,500.00; credits 200,000 / 12 = 16,666.666… → 16,666.67
    assert (ev.avg_debit, ev.avg_credit) == (D("2500.00"), D("16666.67"))


def test_short_history_has_no_trailing_credit_and_short_averages():
    # company ledgers from 2026-02: Feb..Jun = 5 months < 12 → trailing_12m_credit None
    h = customer(
        mv("2026-02-10", debit="50000"),
        mv("2026-03-12", credit="40000"),
        start=date(2026, 2, 1),
    )
    ev = build_evidence(h, AS_OF, POLICY, 0)
    assert ev.months_of_history == 5
    assert ev.trailing_12m_credit is None
    # 50,000 / 5 = 10,000.00; 40,000 / 5 = 8,000.00
    assert (ev.avg_debit, ev.avg_credit) == (D("10000.00"), D("8000.00"))


def test_trailing_credit_needs_exactly_12_months():
    # ledgers from 2025-07: 2025-07..2026-06 = 12 months → trailing = 1,200,000
    h = customer(mv("2025-07-01", debit="1200000"), mv("2025-08-01", credit="1200000"), start=date(2025, 7, 1))
    assert build_evidence(h, AS_OF, POLICY, 0).trailing_12m_credit == D("1200000.00")
    # one month less of history (from 2025-08): 11 months → None
    h = customer(mv("2025-08-01", credit="5"), start=date(2025, 8, 1))
    assert build_evidence(h, AS_OF, POLICY, 0).trailing_12m_credit is None


def test_averages_follow_the_policy_window():
    # window 3: 2026-04..2026-06; debit 9,000 in May → 3,000.00
    h = customer(mv("2026-01-05", debit="90000"), mv("2026-05-05", debit="9000"))
    ev = build_evidence(h, AS_OF, replace(POLICY, window_months=3), 0)
    assert ev.avg_debit == D("3000.00")


def test_cash_on_delivery_customer_never_had_exposure():
    # 现款现货: each shipment paid the same day → every month end is 0
    h = customer(mv("2025-05-06", debit="8000"), mv("2025-05-06", credit="8000"))
    ev = build_evidence(h, AS_OF, POLICY, 0)
    assert ev.had_exposure is False
    assert ev.worst_overdue_days_24m == 0 and ev.worst_overdue_month is None
    assert ev.first_ledger_month == date(2025, 5, 1)


def test_an_opening_balance_is_prior_exposure_and_dates_the_first_month():
    h = customer(openings={AR: D("5000")}, start=date(2025, 1, 1))
    ev = build_evidence(h, date(2025, 1, 31), POLICY, 30)
    assert ev.had_exposure is True
    assert ev.first_ledger_month == date(2025, 1, 1)


def test_first_ledger_month_sources():
    assert first_ledger_month(customer()) is None
    # a movement on another account still shows a dealing
    assert first_ledger_month(customer(mv("2025-09-17", debit="1", account=AP))) == date(2025, 9, 1)
    # a 余额表 line with all zeros is not a dealing; one with turnover is
    zero = MonthSummary("2025-03", AR, D("0"), D("0"), D("0"), D("0"))
    real = MonthSummary("2025-04", AR, D("0"), D("10"), D("0"), D("10"))
    assert first_ledger_month(customer(summaries=(zero,))) is None
    assert first_ledger_month(customer(summaries=(zero, real))) == date(2025, 4, 1)


def test_intermediate_months_use_balance_table_months():
    # 2025-01..2025-12 from 余额表 (credit 100,000 each), 2026 from detail → trailing 12 for 2025-12
    sums = tuple(MonthSummary(f"2025-{m:02d}", AR, D("0"), D("100000"), D("100000"), D("0")) for m in range(1, 13))
    ev = build_evidence(customer(summaries=sums), date(2025, 12, 31), POLICY, 0)
    # 12 × 100,000 = 1,200,000; each month's debit dated the 1st is paid on the last day: 30 days max
    assert ev.trailing_12m_credit == D("1200000.00")
    assert ev.worst_overdue_days_24m == 30  # December: 12/1 → 12/31
    assert ev.had_exposure is False  # every month end closes at 0


# ---------------------------------------------------------------- C(1): 逾期超过90天


def _paid_after(days_late: int) -> CounterpartyHistory:
    # term 30: shipped 2026-01-01, due 1/31; 1/31 + 90 = 5/1, + 91 = 5/2
    paid = {90: "2026-05-01", 91: "2026-05-02"}[days_late]
    return customer(mv("2026-01-01", debit="1000"), mv(paid, credit="1000"), start=date(2025, 7, 1))


def test_c1_boundary_90_days_is_not_bad_debt():
    ev = build_evidence(_paid_after(90), AS_OF, POLICY, 30)
    assert ev.worst_overdue_days_24m == 90
    assert ev.worst_overdue_month == "2026-05"  # never crossed 90: the month it peaked (paid 5/1)
    result = grade(make_survey(), ev, POLICY, AS_OF)
    assert next(c for c in result.conditions if c.code == "C1").met is False


def test_c1_boundary_91_days_is_bad_debt():
    ev = build_evidence(_paid_after(91), AS_OF, POLICY, 30)
    assert ev.worst_overdue_days_24m == 91
    assert ev.worst_overdue_month == "2026-05"  # crossed on 1/31 + 91 = 5/2
    result = grade(make_survey(), ev, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert any("2026-05 逾期91天" in r for r in result.reasons)
    assert result.contradictions  # the form said 无不良欠款 (第十一条)


def test_still_open_item_counts_up_to_as_of():
    # term 0: shipped 2026-03-01, never paid; 6/30 − 3/1 = 30 + 30 + 31 + 30 = 121 days
    h = customer(mv("2026-03-01", debit="1000"))
    ev = build_evidence(h, AS_OF, POLICY, 0)
    assert ev.worst_overdue_days_24m == 121
    assert ev.worst_overdue_month == "2026-05"  # crossed on 3/1 + 91 = 5/31


def test_lookback_edge_24_months():
    # as_of 2026-06-30 − 24 months = 2024-06-30: overdue days must fall after it.
    # term 0: shipped 2024-01-01 (a leap year).
    start = date(2024, 1, 1)
    # paid 2024-06-30: 31 + 29 + 31 + 30 + 31 + 29 = 181 days, its last overdue day is the edge → outside
    out = customer(mv("2024-01-01", debit="1000"), mv("2024-06-30", credit="1000"), start=start)
    ev = build_evidence(out, AS_OF, POLICY, 0)
    assert (ev.worst_overdue_days_24m, ev.worst_overdue_month) == (0, None)
    # paid 2024-07-01: 182 days, overdue on the first day of the lookback → inside, with all its days
    inside = customer(mv("2024-01-01", debit="1000"), mv("2024-07-01", credit="1000"), start=start)
    ev = build_evidence(inside, AS_OF, POLICY, 0)
    assert ev.worst_overdue_days_24m == 182
    assert ev.worst_overdue_month == "2024-04"  # crossed 90 on 1/1 + 91 days = 4/1
    # a 12-month lookback (edge 2025-06-30) leaves it out
    assert build_evidence(inside, AS_OF, replace(POLICY, bad_arrears_lookback_months=12), 0) \
        .worst_overdue_days_24m == 0


def test_worst_episode_prefers_more_days_then_the_most_recent():
    # term 0. A: 1/1 → paid 1/21 (20 days); B: 3/1 → paid 3/21 (20 days); C: 5/1 → paid 5/11 (10 days)
    h = customer(
        mv("2026-01-01", debit="100", ref="A"), mv("2026-01-21", credit="100"),
        mv("2026-03-01", debit="100", ref="B"), mv("2026-03-21", credit="100"),
        mv("2026-05-01", debit="100", ref="C"), mv("2026-05-11", credit="100"),
    )
    ep = worst_overdue(h, AS_OF, 0, 24)
    assert (ep.ref, ep.days_overdue_max) == ("B", 20)
    assert build_evidence(h, AS_OF, POLICY, 0).worst_overdue_month == "2026-03"


def test_nothing_after_as_of_is_seen():
    h = customer(mv("2026-06-01", debit="1000"), mv("2026-07-15", credit="1000"))
    a = build_evidence(h, AS_OF, POLICY, 0)
    b = build_evidence(customer(mv("2026-06-01", debit="1000")), AS_OF, POLICY, 0)
    assert a == b
    assert a.worst_overdue_days_24m == 29  # still open on 6/30


def test_evaluation_before_history_is_empty_evidence():
    assert build_evidence(customer(start=date(2026, 7, 1)), AS_OF, POLICY, 0) == LedgerEvidence()
