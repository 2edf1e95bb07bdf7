"""R12 (survey renewed every quarter, or missing while trading) and R13 (survey contradicts the ledger)."""

from __future__ import annotations

from datetime import date

from credit_workbook.core.checks import r12_survey_stale, r13_survey_contradicts_ledger

from .conftest import D, ctx, history, mv

OWING = history(mv("2026-06-10", debit="30000.00"))

# ---------------------------------------------------------------- R12


def test_r12_due_on_the_same_day_three_months_on_is_still_current_the_next_day_is_stale():
    # filled 2026-03-30 → due 2026-06-30: on 06-30 it is due, not late
    assert r12_survey_stale.check(ctx(OWING, surveyed_on=date(2026, 3, 30))) == []
    # filled 2026-03-29 → due 2026-06-29: one day late on 06-30
    [flag] = r12_survey_stale.check(ctx(OWING, surveyed_on=date(2026, 3, 29)))
    assert (flag.rule, flag.severity, flag.article) == ("R12", "黄", "第十二条")
    assert "2026-03-29" in flag.message and "应于 2026-06-29 前更新" in flag.message and "1 天" in flag.message


def test_r12_month_end_clamps_the_due_day():
    # filled 2025-11-30 → due 2026-02-28 (no 02-30)
    h = history(mv("2026-02-10", debit="30000.00"))
    assert r12_survey_stale.check(ctx(h, period="2026-02", surveyed_on=date(2025, 11, 30))) == []
    [flag] = r12_survey_stale.check(ctx(h, period="2026-03", as_of=date(2026, 3, 1), surveyed_on=date(2025, 11, 30)))
    assert "应于 2026-02-28 前更新" in flag.message


def test_r12_the_interval_is_the_policy_parameter():
    from credit_workbook.policy import GradingPolicy, Policy

    pol = Policy(grading=GradingPolicy(survey_stale_months=6))
    assert r12_survey_stale.check(ctx(OWING, pol=pol, surveyed_on=date(2026, 1, 1))) == []


def test_r12_a_form_without_its_date_cannot_show_it_was_renewed():
    [flag] = r12_survey_stale.check(ctx(OWING, surveyed_on=None))
    assert "未填写填表日期" in flag.message


def test_r12_no_survey_while_trading_or_owing():
    [flag] = r12_survey_stale.check(ctx(OWING, survey=None))
    assert flag.extra["missing"] and flag.amount == D("30000.00") and "无《客户信用调查评定表》" in flag.message
    settled_in_june = history(mv("2026-05-10", debit="30000.00"), mv("2026-06-10", credit="30000.00"))
    assert len(r12_survey_stale.check(ctx(settled_in_june, survey=None))) == 1


def test_r12_no_survey_and_no_activity_is_quiet():
    quiet = history(mv("2026-03-10", debit="30000.00"), mv("2026-03-20", credit="30000.00"))
    assert r12_survey_stale.check(ctx(quiet, survey=None)) == []
    assert r12_survey_stale.check(ctx(None, survey=None)) == []


# ---------------------------------------------------------------- R13


def test_r13_one_flag_per_contradiction_naming_both_sides():
    # The form says cooperation began 2026-03-01 and no bad debts; the ledger has entries from 2026-01,
    # and the 01-10 shipment (30-day term, due 02-09) is 141 days overdue at 06-30.
    h = history(mv("2026-01-10", debit="30000.00"), mv("2026-06-10", debit="30000.00"))
    flags = r13_survey_contradicts_ledger.check(ctx(h, coop_start=date(2026, 3, 1)))
    assert [f.extra["field"] for f in flags] == ["no_bad_debt_2y", "coop_start"]
    assert {(f.rule, f.severity, f.article) for f in flags} == {("R13", "黄", "第十一条")}
    bad_debt, coop = flags
    assert "近两年无不良欠款" in bad_debt.message and "填“是”" in bad_debt.message
    assert "合作开始日期" in coop.message and "2026-03-01" in coop.message and "2026-01" in coop.message
    # Paid in time: only the cooperation date contradicts.
    paid = history(mv("2026-01-10", debit="30000.00"), mv("2026-02-01", credit="30000.00"))
    [flag] = r13_survey_contradicts_ledger.check(ctx(paid, coop_start=date(2026, 3, 1)))
    assert flag.extra["field"] == "coop_start"


def test_r13_form_and_ledger_agreeing_raise_nothing():
    assert r13_survey_contradicts_ledger.check(ctx(OWING)) == []
