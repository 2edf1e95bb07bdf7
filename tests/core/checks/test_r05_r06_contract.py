"""R05 (合同期内清零一次) and R06 (contract ends within 30 days after month end)."""

from __future__ import annotations

from datetime import date

from credit_workbook.core.checks import r05_contract_not_cleared, r06_contract_ending

from .conftest import D, approved, ctx, history, mv

START = date(2025, 7, 1)


def _never_cleared(*extra):
    # opening 10,000 on 2025-07-01; shipments and partial receipts, the balance never touches 0
    return history(mv("2025-09-10", debit="20000.00"), mv("2025-10-10", credit="25000.00"),
                   mv("2026-03-10", debit="30000.00"), mv("2026-04-10", credit="20000.00"), *extra,
                   opening="10000.00", start=START)


def _contract(end: date, start: date = START):
    return approved(start=start, end=end)


def test_r05_contract_ending_this_month_never_cleared_is_red():
    [flag] = r05_contract_not_cleared.check(ctx(_never_cleared(), _contract(date(2026, 6, 30))))
    assert (flag.rule, flag.severity, flag.article) == ("R05", "红", "第三十六条")
    assert flag.amount == D("15000.00")
    assert flag.extra["lowest"] == D("5000.00") and flag.extra["lowest_on"] == date(2025, 10, 10)
    for text in ("合同期 2025-07-01 至 2026-06-30", "从未清零", "最低日终余额 5,000.00 元（2025-10-10）",
                 "仍占用 15,000.00 元"):
        assert text in flag.message


def test_r05_contract_that_ended_last_month_is_still_red():
    [flag] = r05_contract_not_cleared.check(ctx(_never_cleared(), _contract(date(2026, 5, 31))))
    assert flag.severity == "红"


def test_r05_one_zero_balance_day_in_the_contract_is_enough():
    # 2025-11-15: the last 5,000 paid → end of day 0
    cleared = _never_cleared(mv("2025-11-15", credit="5000.00"), mv("2025-11-20", debit="5000.00"))
    assert r05_contract_not_cleared.check(ctx(cleared, _contract(date(2026, 6, 30)))) == []


def test_r05_a_zero_before_the_contract_started_does_not_count():
    # 0 at the end of 08-15 only; 08-20 +20,000 and it stays there
    h = history(mv("2025-08-15", credit="10000.00"), mv("2025-08-20", debit="20000.00"), opening="10000.00",
                start=START)
    assert r05_contract_not_cleared.check(ctx(h, _contract(date(2026, 6, 30), START))) == []
    [flag] = r05_contract_not_cleared.check(ctx(h, _contract(date(2026, 6, 30), date(2025, 9, 1))))
    assert flag.severity == "红"
    # A contract starting on a day that ends at 0 was clear at its start.
    assert r05_contract_not_cleared.check(ctx(h, _contract(date(2026, 6, 30), date(2025, 8, 15)))) == []


def test_r05_ends_in_30_days_not_yet_cleared_is_yellow_31_days_is_nothing():
    [flag] = r05_contract_not_cleared.check(ctx(_never_cleared(), _contract(date(2026, 7, 30))))
    assert flag.severity == "黄" and "将于 2026-07-30 到期（月末后 30 天）" in flag.message
    assert r05_contract_not_cleared.check(ctx(_never_cleared(), _contract(date(2026, 7, 31)))) == []


def test_r05_ends_soon_but_already_cleared():
    cleared = _never_cleared(mv("2026-06-20", credit="15000.00"))
    assert r05_contract_not_cleared.check(ctx(cleared, _contract(date(2026, 7, 30)))) == []


def test_r05_no_credit_row_or_no_end_date_is_not_judged():
    assert r05_contract_not_cleared.check(ctx(_never_cleared(), None)) == []
    assert r05_contract_not_cleared.check(ctx(_never_cleared(), approved(start=START, end=None))) == []


def test_r06_reminds_30_days_ahead_not_31_and_not_after_the_end():
    [flag] = r06_contract_ending.check(ctx(_never_cleared(), _contract(date(2026, 7, 30))))
    assert (flag.rule, flag.severity, flag.article) == ("R06", "蓝", "第三十六条")
    assert flag.amount == D("15000.00")
    assert "2026-07-30 到期（月末后 30 天）" in flag.message and "下一年度" in flag.message
    assert r06_contract_ending.check(ctx(_never_cleared(), _contract(date(2026, 7, 31)))) == []
    assert r06_contract_ending.check(ctx(_never_cleared(), _contract(date(2026, 6, 30)))) == []
    assert len(r06_contract_ending.check(ctx(_never_cleared(), _contract(date(2026, 7, 1))))) == 1
