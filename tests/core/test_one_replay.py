"""The evaluation's shortcuts (one replay for aging and evidence, one position series, uncut histories)
answer exactly what the long way answers, on random histories."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_workbook.core.aging import age, age_and_episodes, overdue_episodes
from credit_workbook.core.evaluation import approved_term, evaluate_counterparty
from credit_workbook.core.evidence import build_evidence
from credit_workbook.core.history import (
    ZERO,
    CounterpartyHistory,
    MonthSummary,
    Movement,
    last_day,
    money,
)
from credit_workbook.core.positions import (
    exposure_on,
    month_positions,
    positions_series,
)
from credit_workbook.core.rating import rate
from credit_workbook.core.register_checks import ApprovedCredit
from credit_workbook.policy import Policy

from .conftest import make_survey

AR, ADV = "应收账款", "预收账款"
START = date(2025, 11, 1)
amounts = st.integers(min_value=-300_000, max_value=5_000_000).map(lambda c: D(c) / 100)
movement = st.builds(
    lambda offset, amount, is_debit, account, ref: Movement(
        START + timedelta(days=offset), amount if is_debit else D("0"), D("0") if is_debit else amount, account, ref),
    st.integers(min_value=0, max_value=400), amounts, st.booleans(), st.sampled_from([AR, ADV, ""]),
    st.sampled_from(["", "记-1", "记-2"]),
)
summary = st.builds(
    lambda month, opening, debit, credit: MonthSummary(month, AR, opening, debit, credit, opening + debit - credit),
    st.sampled_from(["2025-11", "2026-02", "2026-06", "2026-10"]), amounts, amounts, amounts,
)
histories = st.builds(
    lambda moves, sums, opening: CounterpartyHistory("C001", "客户", {AR: opening}, tuple(moves), tuple(sums), START),
    st.lists(movement, max_size=30), st.lists(summary, max_size=2, unique_by=lambda s: s.month), amounts,
)
as_of_days = st.integers(min_value=0, max_value=420).map(lambda n: START + timedelta(days=n))


def approved(term: int) -> ApprovedCredit:
    return ApprovedCredit(code="C001", name="示例", counterparty_type="客户", credit_type="长期",
                          limit=D("500000.00"), term_days=term, collateral_type="无", collateral_value=None,
                          contract_start=date(2025, 1, 1), contract_end=date(2027, 12, 31),
                          approved_on=date(2024, 12, 20), place="register.xlsx!表!B8")


@settings(max_examples=200, deadline=None)
@given(h=histories, as_of=as_of_days, term=st.integers(min_value=0, max_value=90))
def test_one_replay_gives_the_aging_and_the_episodes_of_two(h, as_of, term):
    aging, episodes = age_and_episodes(h, as_of, term)
    assert aging == age(h, as_of, term)
    assert episodes == overdue_episodes(h, term, as_of) == overdue_episodes(h, term, as_of)  # nothing mutated


@settings(max_examples=200, deadline=None)
@given(h=histories, first=st.sampled_from(["2025-11", "2026-01", "2026-06"]),
       last=st.sampled_from(["2025-12", "2026-06", "2026-10", "2026-12"]))
def test_positions_of_any_window_carry_the_balance_replayed_day_by_day(h, first, last):
    series = positions_series(h, first, last)
    assert [p.month for p in series] == [m for m in ("2025-11", "2025-12") + tuple(
        f"2026-{i:02d}" for i in range(1, 13)) if first <= m <= last]
    for p in series:
        start = date(int(p.month[:4]), int(p.month[5:]), 1)
        assert p.opening == exposure_on(h, start - timedelta(days=1))
        assert p.closing == exposure_on(h, last_day(p.month))
    if series:
        assert positions_series(h, series[-1].month, last) == series[-1:]


@settings(max_examples=200, deadline=None)
@given(h=histories, day=as_of_days)
def test_a_cut_with_nothing_to_cut_is_the_history_itself(h, day):
    cut = h.until(day)
    expected = replace(h, movements=tuple(m for m in h.movements if m.day <= day),
                       summaries=tuple(s for s in h.summaries if s.month <= f"{day:%Y-%m}"))
    assert cut == expected
    assert (cut is h) == (expected.movements == h.movements and expected.summaries == h.summaries)


@settings(max_examples=150, deadline=None)
@given(h=histories, as_of=as_of_days, term=st.sampled_from([0, 30, 60]))
def test_the_evaluation_equals_the_long_way(h, as_of, term):
    """What evaluate_counterparty returned before it shared replays: evidence on the cut history,
    position on the cut, aging on the whole history, each computed on its own."""
    policy, ap, period = Policy(), approved(term), f"{as_of:%Y-%m}"
    survey = make_survey()
    cp = evaluate_counterparty("C001", survey, (), h, ap, policy, period, as_of)
    t = approved_term(ap)
    evidence = build_evidence(h, as_of, policy.grading, t)
    assert cp.evidence == evidence
    assert cp.position == (month_positions(h.until(as_of), period) if period >= h.start_month else None)
    assert cp.aging == (age(h, as_of, t) if period >= h.start_month else None)
    assert cp.rating == rate(survey, (), evidence, policy, as_of, ap.limit)


def test_a_mid_month_cut_that_changes_the_flows_keeps_aging_and_evidence_apart():
    """October has a 余额表 line and detail lines only after the 10th: cut at the 10th, the summary
    speaks for October (its debit on the 1st); the whole history ignores it for the detail."""
    h = CounterpartyHistory("C001", "客户", {AR: D("0")},
                            (Movement(date(2026, 10, 20), D("800.00"), D("0"), AR, "记-9"),),
                            (MonthSummary("2026-10", AR, D("0"), D("5000.00"), D("0"), D("5000.00")),), START)
    as_of = date(2026, 10, 10)
    assert h.until(as_of) is not h
    test_the_evaluation_equals_the_long_way.hypothesis.inner_test(h, as_of, 0)
    cp = evaluate_counterparty("C001", make_survey(), (), h, approved(0), Policy(), "2026-10", as_of)
    assert cp.aging.overdue == ZERO and cp.evidence.worst_overdue_days_24m == 9  # the 1st's 5,000, due at once


def test_money_keeps_amounts_in_cents_and_rounds_the_rest():
    cents = D("27796.00")
    assert money(cents) is cents
    assert money(D("1.005")) == D("1.01") and str(money(D("1.5"))) == "1.50"
    assert money(D("0")) is ZERO and money(0) is ZERO and str(money(D("-0"))) == "-0.00"
    with pytest.raises(TypeError, match="浮点数"):
        money(1.5)
