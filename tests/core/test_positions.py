"""Exposure, monthly positions, averages and the 1 January exposure, all hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from credit_workbook.core.history import (
    CounterpartyHistory,
    MonthSummary,
    Movement,
    add_months,
    months_between,
    shift_months,
)
from credit_workbook.core.positions import (
    averages,
    exposure_on,
    jan1_exposure,
    month_end_exposures,
    month_positions,
    positions_series,
    total_exposure_on,
)

D = Decimal
AR, AP, ADV = "应收账款", "预付账款", "预收账款"


def mv(day: str, debit: str = "0", credit: str = "0", account: str = AR, ref: str = "") -> Movement:
    return Movement(date.fromisoformat(day), D(debit), D(credit), account, ref)


def customer(*movements: Movement, openings=None, start=date(2026, 1, 1), summaries=()) -> CounterpartyHistory:
    return CounterpartyHistory("C001", "客户", dict(openings or {}), tuple(movements), tuple(summaries), start)


def supplier(*movements: Movement, openings=None, start=date(2026, 1, 1)) -> CounterpartyHistory:
    return CounterpartyHistory("S001", "供应商", dict(openings or {}), tuple(movements), (), start)


# ---------------------------------------------------------------- exposure


def test_advance_received_nets_the_receivable():
    # 应收 100,000.00 借 and 预收 30,000.00 贷 (signed −30,000.00): 100,000 − 30,000 = 70,000.00
    h = customer(openings={AR: D("100000"), ADV: D("-30000")})
    assert exposure_on(h, date(2025, 12, 31)) == D("70000.00")
    jan = month_positions(h, "2026-01")
    assert (jan.opening, jan.closing, jan.peak, jan.exposure) == (D("70000.00"),) * 4


def test_credit_balance_on_the_receivable_itself_is_an_advance():
    # 应收 20,000.00 贷 = 预收: balance −20,000.00, exposure used in checks max(−20,000, 0) = 0
    h = customer(openings={AR: D("-20000")})
    jan = month_positions(h, "2026-01")
    assert jan.closing == D("-20000.00")
    assert jan.exposure == D("0.00")
    # a later 发货 of 50,000.00 on 1/12: −20,000 + 50,000 = 30,000.00
    h = customer(mv("2026-01-12", debit="50000"), openings={AR: D("-20000")})
    assert month_positions(h, "2026-01").closing == D("30000.00")


def test_advance_received_as_movements():
    # 1/5 customer pays 30,000.00 in advance (贷 预收): −30,000
    # 1/10 发货 100,000.00 (借 应收): −30,000 + 100,000 = 70,000.00
    h = customer(mv("2026-01-05", credit="30000", account=ADV), mv("2026-01-10", debit="100000"))
    jan = month_positions(h, "2026-01")
    assert jan.debit == D("100000.00") and jan.credit == D("30000.00")
    assert jan.closing == D("70000.00")
    assert jan.daily_closing == ((date(2026, 1, 5), D("-30000.00")), (date(2026, 1, 10), D("70000.00")))
    assert jan.peak == D("70000.00")


def test_supplier_exposure_is_the_prepayment_only():
    # 3/5 预付 50,000.00 → 50,000; 3/20 到货 20,000.00 → 30,000.00
    # an 应收账款 line of a supplier belongs to its customer role: ignored here
    h = supplier(
        mv("2026-03-05", debit="50000", account=AP, ref="付-1"),
        mv("2026-03-20", credit="20000", account=AP, ref="转-7"),
        mv("2026-03-21", debit="99999", account=AR, ref="记-9"),
    )
    mar = month_positions(h, "2026-03")
    assert (mar.opening, mar.debit, mar.credit, mar.closing) == (
        D("0.00"), D("50000.00"), D("20000.00"), D("30000.00"))
    assert mar.peak == D("50000.00")


def test_empty_account_means_the_roles_main_account():
    h = supplier(mv("2026-01-05", debit="1000", account=""))
    assert month_positions(h, "2026-01").closing == D("1000.00")


def test_transfer_between_receivable_and_advance_is_not_turnover():
    # 1/5 advance 30,000.00 贷 预收 (收-1)                           → −30,000
    # 1/10 发货 50,000.00 借 应收 (记-2)                              →  20,000
    # 1/10 转-3: 借 预收 30,000.00 / 贷 应收 30,000.00 (预收冲应收) → still 20,000
    # turnover: debit 50,000 (not 80,000), credit 30,000 (not 60,000)
    h = customer(
        mv("2026-01-05", credit="30000", account=ADV, ref="收-1"),
        mv("2026-01-10", debit="50000", ref="记-2"),
        mv("2026-01-10", debit="30000", account=ADV, ref="转-3"),
        mv("2026-01-10", credit="30000", account=AR, ref="转-3"),
    )
    jan = month_positions(h, "2026-01")
    assert (jan.debit, jan.credit, jan.closing) == (D("50000.00"), D("30000.00"), D("20000.00"))


# ---------------------------------------------------------------- peak


def test_peak_with_intra_month_swings_includes_the_opening():
    h = customer(
        # March: opening 80,000
        mv("2026-03-03", credit="60000"),  # 80,000 − 60,000 = 20,000
        mv("2026-03-10", debit="45000"),  # 20,000 + 45,000 = 65,000
        mv("2026-03-10", debit="5000"),  # 65,000 +  5,000 = 70,000 (same day: one end-of-day)
        mv("2026-03-25", credit="10000"),  # 70,000 − 10,000 = 60,000
        # April: opening 60,000
        mv("2026-04-02", debit="50000"),  # 60,000 + 50,000 = 110,000
        mv("2026-04-28", credit="70000"),  # 110,000 − 70,000 = 40,000
        openings={AR: D("80000")},
        start=date(2026, 3, 1),
    )
    mar, apr = positions_series(h, "2026-03", "2026-04")
    assert mar.peak == D("80000.00")  # the opening is the highest end-of-day balance
    assert mar.daily_closing == (
        (date(2026, 3, 3), D("20000.00")),
        (date(2026, 3, 10), D("70000.00")),
        (date(2026, 3, 25), D("60000.00")),
    )
    assert (mar.debit, mar.credit, mar.closing) == (D("50000.00"), D("70000.00"), D("60000.00"))
    assert apr.opening == D("60000.00")
    assert apr.peak == D("110000.00")  # 4/2, inside the month
    assert apr.closing == D("40000.00")


def test_month_known_only_from_a_balance_table():
    # Jan 余额表: opening 60,000, debit 100,000, credit 90,000, closing 70,000
    # (no ``openings`` given: the first month's summary supplies the opening of 60,000)
    # peak = max(opening, closing) = 70,000; no daily detail
    h = customer(summaries=(MonthSummary("2026-01", AR, D("60000"), D("100000"), D("90000"), D("70000")),))
    jan = month_positions(h, "2026-01")
    assert not jan.detail
    assert jan.daily_closing == ()
    assert (jan.opening, jan.debit, jan.credit, jan.closing, jan.peak) == (
        D("60000.00"), D("100000.00"), D("90000.00"), D("70000.00"), D("70000.00"))
    # February has no entries at all: a known, quiet month
    feb = month_positions(h, "2026-02")
    assert feb.detail and (feb.opening, feb.closing, feb.peak) == (D("70000.00"),) * 3


def test_detail_wins_over_a_summary_of_the_same_month():
    h = customer(
        mv("2026-01-10", debit="1000"),
        summaries=(MonthSummary("2026-01", AR, D("0"), D("5000"), D("0"), D("5000")),),
    )
    jan = month_positions(h, "2026-01")
    assert jan.detail and jan.closing == D("1000.00")


def test_months_before_history_start_are_refused():
    with pytest.raises(ValueError):
        month_positions(customer(), "2025-12")


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        Movement(date(2026, 1, 1), 1.5, D("0"), AR)  # type: ignore[arg-type]


def test_movement_before_history_start_is_refused():
    with pytest.raises(ValueError):
        customer(mv("2025-12-31", debit="1"))


def test_month_end_exposures_start_with_the_opening():
    h = customer(mv("2026-01-31", credit="500"), openings={AR: D("500")})
    assert month_end_exposures(h, "2026-02") == (
        ("2025-12", D("500.00")), ("2026-01", D("0.00")), ("2026-02", D("0.00")))


# ---------------------------------------------------------------- averages


def test_averages_count_empty_months_as_zero_and_round_half_up():
    # company history 2025-07..2026-06 = 12 months; evaluation 2026-06, window 12
    # debits: 2026-01 120,000.00 + 2026-03 0.06 = 120,000.06; / 12 = 10,000.005 → 10,000.01 (HALF_UP;
    #   banker's rounding would give 10,000.00)
    # credits: 2026-01 60,000.00 + 2026-05 30,000.00 = 90,000.00; / 12 = 7,500.00
    # the ten months without entries count as 0 in the divisor
    h = customer(
        mv("2026-01-10", debit="120000"),
        mv("2026-01-20", credit="60000"),
        mv("2026-03-03", debit="0.06"),
        mv("2026-05-15", credit="30000"),
        start=date(2025, 7, 1),
    )
    assert averages(h, "2026-06") == (D("10000.01"), D("7500.00"))


def test_averages_with_short_history_divide_by_months_of_history():
    # company history begins 2026-02: Feb..Jun = 5 months
    # debits 50,000.00 + 25,000.03 = 75,000.03; / 5 = 15,000.006 → 15,000.01
    # credits 40,000.00; / 5 = 8,000.00
    h = customer(
        mv("2026-02-10", debit="50000"),
        mv("2026-03-12", credit="40000"),
        mv("2026-04-01", debit="25000.03"),
        start=date(2026, 2, 1),
    )
    assert averages(h, "2026-06") == (D("15000.01"), D("8000.00"))


def test_averages_window_excludes_older_months_and_later_ones():
    # window for 2026-06 = 2025-07..2026-06; 2025-06-30 and 2026-07-01 fall outside
    # debits 12,000.00 / 12 = 1,000.00; credits 0
    h = customer(
        mv("2025-06-30", debit="999999"),
        mv("2025-07-01", debit="12000"),
        mv("2026-07-01", debit="888888"),
        start=date(2024, 1, 1),
    )
    assert averages(h, "2026-06") == (D("1000.00"), D("0.00"))
    # a 3-month window: 2026-04..2026-06, nothing → 0 / 3
    assert averages(h, "2026-06", window_months=3) == (D("0.00"), D("0.00"))


def test_averages_before_history_are_zero():
    assert averages(customer(), "2025-12") == (D("0.00"), D("0.00"))


def test_averages_use_balance_table_turnover():
    # 2026-01 余额表 debit 30,000, credit 12,000; 2026-02 detail debit 6,000
    # over 2 months: (30,000 + 6,000) / 2 = 18,000.00 and 12,000 / 2 = 6,000.00
    h = customer(
        mv("2026-02-03", debit="6000"),
        summaries=(MonthSummary("2026-01", AR, D("0"), D("30000"), D("12000"), D("18000")),),
    )
    assert averages(h, "2026-02") == (D("18000.00"), D("6000.00"))


# ---------------------------------------------------------------- 1 January


def test_jan1_exposure_is_the_balance_at_the_start_of_1_january():
    # opening 10,000 (history from 2025-01-01); 2025-12-31 发货 5,000 → 15,000 at the end of 31 Dec;
    # the 3,000 paid on 2026-01-01 is January business and not in it
    h = customer(
        mv("2025-12-31", debit="5000"),
        mv("2026-01-01", credit="3000"),
        openings={AR: D("10000")},
        start=date(2025, 1, 1),
    )
    assert jan1_exposure(h, 2026) == D("15000.00")
    assert exposure_on(h, date(2026, 1, 1)) == D("12000.00")
    # history starting on 1 January 2025 knows the balance at its start: the opening
    assert jan1_exposure(h, 2025) == D("10000.00")
    # history starting 2025-02-01 does not reach 1 January 2025
    later = customer(start=date(2025, 2, 1))
    assert jan1_exposure(later, 2025) is None
    assert exposure_on(later, date(2025, 1, 31)) == D("0.00")
    assert exposure_on(later, date(2025, 1, 30)) is None


def test_total_exposure_clamps_each_counterparty():
    # C001 holds 15,000 of ours; C002 has paid 4,000 in advance (−4,000 → 0): total 15,000, not 11,000
    a = customer(openings={AR: D("15000")}, start=date(2026, 1, 1))
    b = CounterpartyHistory("C002", "客户", {ADV: D("-4000")}, (), (), date(2026, 1, 1))
    assert total_exposure_on([a, b], date(2025, 12, 31)) == D("15000.00")
    assert total_exposure_on([a, customer(start=date(2026, 2, 1))], date(2025, 12, 31)) is None


# ---------------------------------------------------------------- month arithmetic


def test_month_helpers():
    assert add_months("2026-01", -1) == "2025-12"
    assert add_months("2025-12", 13) == "2027-01"
    assert months_between("2025-07", "2026-06") == 12
    assert months_between("2026-07", "2026-06") == 0
    assert shift_months(date(2026, 6, 30), -24) == date(2024, 6, 30)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert shift_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
