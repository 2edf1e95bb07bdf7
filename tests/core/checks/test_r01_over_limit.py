"""R01: peak end-of-day exposure above the approved limit, unless a prior 超额审批 covers the biggest excess."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from credit_workbook.core.checks import r01_over_limit
from credit_workbook.core.positions import exposure_on

from .conftest import D, approved, ctx, day, history, mv, overlimit, place, summary


def test_exactly_the_limit_passes():
    assert r01_over_limit.check(ctx(history(mv("2026-06-10", debit="100000.00", ref="记-1")))) == []


def test_one_fen_over_is_a_breach_with_the_days_and_the_row():
    [flag] = r01_over_limit.check(ctx(history(mv("2026-06-10", debit="100000.01", ref="记-1"))))
    assert (flag.rule, flag.severity, flag.article) == ("R01", "红", "第三十二条")
    assert flag.amount == D("0.01")
    # over the limit from 06-10 to the month end: 21 days
    assert flag.extra["days"] == tuple(date(2026, 6, 10) + timedelta(days=i) for i in range(21))
    assert flag.extra["first_breach"] == date(2026, 6, 10)
    assert flag.extra["places"] == (place("记-1"),)
    for text in ("100,000.01 元", "100,000.00 元", "超出 0.01 元", "21 天", "2026-06-10至2026-06-30",
                 "首次超额 2026-06-10", "无超额审批", "第三十三条"):
        assert text in flag.message


def test_days_are_counted_on_quiet_days_too_and_only_breach_days_rows_are_named():
    # 06-10 +120,000 → 120,000 (over) … 06-20 −30,000 → 90,000 … 06-25 +5,000 → 95,000 (under)
    h = history(mv("2026-06-10", debit="120000.00", ref="记-1"), mv("2026-06-20", credit="30000.00", ref="收-1"),
                mv("2026-06-25", debit="5000.00", ref="记-2"))
    [flag] = r01_over_limit.check(ctx(h))
    assert flag.amount == D("20000.00") and flag.extra["peak"] == D("120000.00")
    assert len(flag.extra["days"]) == 10 and "10 天：2026-06-10至2026-06-19" in flag.message
    assert flag.extra["places"] == (place("记-1"),)
    assert "2026-06-10日终" in flag.message


def _breach():
    return history(mv("2026-06-10", debit="120000.00", ref="记-1"), mv("2026-06-20", credit="30000.00"))


def test_covered_by_an_approval_dated_on_the_first_breach_day_for_the_whole_excess():
    assert r01_over_limit.check(ctx(_breach(), approvals=[overlimit("20000.00", "2026-06-10")])) == []
    assert r01_over_limit.check(ctx(_breach(), approvals=[overlimit("50000.00", "2026-03-01")])) == []


def test_an_approval_signed_after_the_breach_does_not_cover_it():
    [flag] = r01_over_limit.check(ctx(_breach(), approvals=[overlimit("20000.00", "2026-06-11", "超审〔2026〕7号")]))
    assert "超审〔2026〕7号" in flag.message and "批准日期晚于首次超额日" in flag.message


def test_an_approval_one_fen_short_does_not_cover_it():
    [flag] = r01_over_limit.check(ctx(_breach(), approvals=[overlimit("19999.99", "2026-06-01")]))
    assert flag.amount == D("20000.00") and "批准金额少于超出额 20,000.00 元" in flag.message


def test_a_breach_carried_in_from_last_month_started_when_it_really_started():
    # 05-20 +130,000: over the limit since 05-20; June opens at 130,000, 06-05 −40,000 → 90,000.
    h = history(mv("2026-05-20", debit="130000.00", ref="记-0"), mv("2026-06-05", credit="40000.00"))
    [flag] = r01_over_limit.check(ctx(h, approvals=[overlimit("30000.00", "2026-06-01")]))
    assert flag.extra["first_breach"] == date(2026, 5, 20)
    assert flag.extra["days"] == tuple(date(2026, 6, d) for d in range(1, 5))
    assert flag.amount == D("30000.00") and "月初余额" in flag.message and "上月结转" in flag.message
    assert flag.extra["places"] == ()  # no debit on a breach day of June
    # An approval dated when the breach began covers it.
    assert r01_over_limit.check(ctx(h, approvals=[overlimit("30000.00", "2026-05-20")])) == []


def test_a_carried_breach_starts_no_earlier_than_the_contract():
    h = history(mv("2026-05-20", debit="130000.00"), mv("2026-06-05", credit="40000.00"))
    credit = approved(start=date(2026, 6, 1), end=date(2027, 5, 31))
    [flag] = r01_over_limit.check(ctx(h, credit))
    assert flag.extra["first_breach"] == date(2026, 6, 1)
    assert r01_over_limit.check(ctx(h, credit, approvals=[overlimit("30000.00", "2026-06-01")])) == []


def test_no_approved_credit_is_r02s_business_not_r01s():
    h = history(mv("2026-06-10", debit="500000.00"))
    assert r01_over_limit.check(ctx(h, None)) == []
    assert r01_over_limit.check(ctx(h, approved(end=date(2026, 5, 31)))) == []


def test_a_month_known_only_from_a_balance_table_has_no_day_count_and_breaches_from_the_first():
    h = history(summaries=[summary("2026-06", "0", "150000.00", "0")])
    [flag] = r01_over_limit.check(ctx(h))
    assert flag.extra["days"] is None and "无逐日明细" in flag.message
    assert flag.extra["first_breach"] == date(2026, 6, 1) and flag.amount == D("50000.00")
    assert r01_over_limit.check(ctx(h, approvals=[overlimit("50000.00", "2026-06-01")])) == []


june = st.dates(min_value=date(2026, 6, 1), max_value=date(2026, 6, 30))
cents = st.integers(min_value=0, max_value=6_000_000).map(lambda n: D(n) / 100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(june, cents, cents), max_size=8), st.integers(min_value=0, max_value=8_000_000))
def test_days_over_the_limit_match_the_balance_day_by_day(rows, opening_cents):
    moves = [mv(d.isoformat(), debit=str(dr), credit=str(cr), ref=f"记-{i}") for i, (d, dr, cr) in enumerate(rows)]
    h = history(*moves, opening=str(D(opening_cents) / 100))
    limit = D("100000.00")
    expected = tuple(date(2026, 6, 1) + timedelta(days=i) for i in range(30)
                     if max(exposure_on(h, date(2026, 6, 1) + timedelta(days=i)), D(0)) > limit)
    peak_over = expected or max(exposure_on(h, day("2026-05-31")), D(0)) > limit
    flags = r01_over_limit.check(ctx(h))
    assert bool(flags) == bool(peak_over)
    if flags:
        assert flags[0].extra["days"] == expected


def test_a_supplier_is_over_its_limit_on_the_prepayment_account():
    h = history(mv("2026-06-03", debit="100000.01", ref="付-1", account="预付账款"),
                mv("2026-06-03", debit="5000.00", ref="收-9", account="应收账款"),  # another role's account
                kind="供应商")
    [flag] = r01_over_limit.check(ctx(h, counterparty_type="供应商"))
    assert flag.amount == D("0.01") and flag.extra["places"] == (place("付-1"),)
