"""FIFO aging and overdue episodes, hand-computed; plus a property over any movements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_workbook.core.aging import (
    BUCKET_KEYS,
    OPENING_REF,
    age,
    bucket_of,
    overdue_episodes,
)
from credit_workbook.core.history import CounterpartyHistory, MonthSummary, Movement
from credit_workbook.core.positions import exposure_on

D = Decimal
AR, AP, ADV = "应收账款", "预付账款", "预收账款"
ZERO = D("0.00")


def mv(day: str, debit: str = "0", credit: str = "0", account: str = AR, ref: str = "") -> Movement:
    return Movement(date.fromisoformat(day), D(debit), D(credit), account, ref)


def customer(*movements: Movement, openings=None, start=date(2026, 1, 1), summaries=()) -> CounterpartyHistory:
    return CounterpartyHistory("C001", "客户", dict(openings or {}), tuple(movements), tuple(summaries), start)


def buckets(**nonzero: str) -> dict[str, Decimal]:
    names = {"not_due": "未到期", "d1_30": "1-30", "d31_60": "31-60", "d61_90": "61-90",
             "d91_180": "91-180", "d181_360": "181-360", "over360": ">360"}
    out = {key: ZERO for key in BUCKET_KEYS}
    for name, amount in nonzero.items():
        out[names[name]] = D(amount)
    return out


def test_bucket_keys_are_the_spec_ones():
    assert BUCKET_KEYS == ("未到期", "1-30", "31-60", "61-90", "91-180", "181-360", ">360")


def test_fifo_with_partial_payments_across_months():
    # term 30 days
    h = customer(
        mv("2026-01-10", debit="40000", ref="A"),  # due 2/9
        mv("2026-01-25", debit="30000", ref="B"),  # due 2/24
        mv("2026-02-15", debit="20000", ref="C"),  # due 3/17
        mv("2026-02-20", credit="50000"),  # settles A 40,000 in full, B 10,000 → B 20,000
        mv("2026-03-10", credit="5000"),  # B 20,000 − 5,000 = 15,000
    )
    a = age(h, date(2026, 3, 31), 30)
    # B: 3/31 − 2/24 = 4 (Feb) + 31 = 35 days → 31-60; C: 3/31 − 3/17 = 14 days → 1-30
    assert a.buckets == buckets(d1_30="20000", d31_60="15000")
    assert a.overdue == D("35000.00")
    assert a.max_overdue_days == 35
    assert [(i.ref, i.day, i.due, i.amount) for i in a.open_items] == [
        ("B", date(2026, 1, 25), date(2026, 2, 24), D("15000.00")),
        ("C", date(2026, 2, 15), date(2026, 3, 17), D("20000.00")),
    ]
    # 40,000 + 30,000 + 20,000 − 50,000 − 5,000 = 35,000 = sum of the buckets
    assert sum(a.buckets.values()) == exposure_on(h, date(2026, 3, 31)) == D("35000.00")

    eps = {e.ref: e for e in overdue_episodes(h, 30, date(2026, 3, 31))}
    # A: due 2/9, paid 2/20 → 11 days overdue, all 40,000 of it
    assert (eps["A"].settled_on, eps["A"].days_overdue_max, eps["A"].amount_overdue) == (
        date(2026, 2, 20), 11, D("40000.00"))
    # B: still open → 35 days; 30,000 − 10,000 (paid 2/20, before due) = 20,000 went overdue
    assert (eps["B"].settled_on, eps["B"].days_overdue_max, eps["B"].amount_overdue) == (None, 35, D("20000.00"))
    assert (eps["C"].settled_on, eps["C"].days_overdue_max) == (None, 14)


def test_opening_balance_is_one_item_dated_the_first_day_of_its_month():
    # opening 60,000 with no detail → one item dated 2026-01-01 (term 0: due the same day)
    # 2/10 receipt 45,000 → opening item 15,000; 3/5 发货 10,000 (due 3/5)
    h = customer(
        mv("2026-02-10", credit="45000"),
        mv("2026-03-05", debit="10000", ref="记-3"),
        openings={AR: D("60000")},
    )
    a = age(h, date(2026, 3, 31), 0)
    # opening: 3/31 − 1/1 = 30 + 28 + 31 = 89 days → 61-90; 3/5 item: 26 days → 1-30
    assert a.buckets == buckets(d1_30="10000", d61_90="15000")
    assert a.max_overdue_days == 89
    assert a.open_items[0].ref == OPENING_REF
    assert a.open_items[0].day == date(2026, 1, 1)


def test_opening_balance_counts_from_the_company_history_start():
    # the company's ledgers begin 2025-10; the opening item is dated 2025-10-01 with term 30 → due 10/31
    h = customer(openings={AR: D("1000")}, start=date(2025, 10, 1))
    a = age(h, date(2025, 12, 31), 30)
    # 12/31 − 10/31 = 30 + 31 = 61 days → 61-90
    assert a.buckets == buckets(d61_90="1000")


@pytest.mark.parametrize(("as_of", "bucket", "days"), [
    (date(2026, 1, 1), "未到期", 0),  # due today
    (date(2026, 1, 2), "1-30", 1),
    (date(2026, 1, 31), "1-30", 30),  # exactly 30 days overdue
    (date(2026, 2, 1), "31-60", 31),
    (date(2026, 3, 2), "31-60", 60),  # 31 + 28 + 1
    (date(2026, 3, 3), "61-90", 61),
    (date(2026, 4, 1), "61-90", 90),  # 31 + 28 + 31
    (date(2026, 4, 2), "91-180", 91),
    (date(2026, 6, 30), "91-180", 180),  # 181 days after 1/1 is 7/1
    (date(2026, 7, 1), "181-360", 181),
    (date(2026, 12, 27), "181-360", 360),
    (date(2026, 12, 28), ">360", 361),
])
def test_bucket_edges(as_of, bucket, days):
    # term 0: one 1,000.00 shipment on 1/1 is due 1/1
    h = customer(mv("2026-01-01", debit="1000"))
    a = age(h, as_of, 0)
    assert a.buckets == {key: (D("1000.00") if key == bucket else ZERO) for key in BUCKET_KEYS}
    assert a.max_overdue_days == days
    assert a.overdue == (ZERO if bucket == "未到期" else D("1000.00"))


def test_due_date_adds_the_term():
    # term 30: shipped 1/1, due 1/31 → not due on 1/31, 1 day overdue on 2/1
    h = customer(mv("2026-01-01", debit="1000"))
    assert age(h, date(2026, 1, 31), 30).buckets == buckets(not_due="1000")
    assert age(h, date(2026, 2, 1), 30).buckets == buckets(d1_30="1000")


def test_bucket_of():
    assert [bucket_of(n) for n in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 360, 361)] == [
        "未到期", "未到期", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90",
        "91-180", "91-180", "181-360", "181-360", ">360"]


def test_prepayment_received_settles_new_debits_immediately():
    # 1/5 the customer pays 50,000 with nothing open → prepayment (credit balance) 50,000
    h = customer(mv("2026-01-05", credit="50000"), mv("2026-01-10", debit="80000", ref="记-1"))
    before = age(h, date(2026, 1, 6), 0)
    assert before.buckets == buckets()
    assert before.prepayment == D("50000.00")
    assert before.open_items == ()
    # 1/10 发货 80,000: 50,000 settled by the prepayment the same day, 30,000 open (due 1/10, term 0)
    # 1/31 − 1/10 = 21 days → 1-30
    after = age(h, date(2026, 1, 31), 0)
    assert after.buckets == buckets(d1_30="30000")
    assert after.prepayment == ZERO
    (ep,) = overdue_episodes(h, 0, date(2026, 1, 31))
    assert (ep.amount, ep.amount_overdue, ep.days_overdue_max, ep.settled_on) == (
        D("80000.00"), D("30000.00"), 21, None)


def test_advance_account_netting_in_aging():
    # 应收 100,000 借 and 预收 30,000 贷 at the start: one opening item of 70,000
    h = customer(openings={AR: D("100000"), ADV: D("-30000")})
    a = age(h, date(2026, 1, 15), 30)
    assert a.buckets == buckets(not_due="70000")


def test_transfer_on_one_voucher_keeps_the_item_date():
    # 1/5 advance 30,000 (贷 预收) → prepayment 30,000
    # 1/10 发货 50,000 → 30,000 settled by the prepayment, item 1/10 of 20,000
    # 1/20 转-3: 借 预收 30,000 / 贷 应收 30,000 → nets to nothing; the item stays dated 1/10
    h = customer(
        mv("2026-01-05", credit="30000", account=ADV, ref="收-1"),
        mv("2026-01-10", debit="50000", ref="记-2"),
        mv("2026-01-20", debit="30000", account=ADV, ref="转-3"),
        mv("2026-01-20", credit="30000", ref="转-3"),
    )
    a = age(h, date(2026, 1, 31), 0)
    assert [(i.day, i.amount) for i in a.open_items] == [(date(2026, 1, 10), D("20000.00"))]
    assert a.max_overdue_days == 21


def test_supplier_prepayment_ages_until_goods_arrive():
    # 预付 50,000 on 3/5, term 15 → due 3/20; 到货 20,000 on 3/18; as of 4/30: 30,000 open,
    # 4/30 − 3/20 = 11 + 30 = 41 days → 31-60
    h = CounterpartyHistory("S001", "供应商", {}, (
        mv("2026-03-05", debit="50000", account=AP),
        mv("2026-03-18", credit="20000", account=AP),
    ), (), date(2026, 1, 1))
    assert age(h, date(2026, 4, 30), 15).buckets == buckets(d31_60="30000")


def test_balance_table_month_debit_on_first_day_credit_on_last_day():
    # Jan known only from the 余额表: debit 100,000 → item dated 1/1 (term 0, due 1/1);
    # credit 40,000 → paid 1/31 → item 60,000. Feb detail: 2/10 receipt 50,000 → item 10,000.
    # as of 2/28: 31 + 27 = 58 days → 31-60
    h = customer(
        mv("2026-02-10", credit="50000"),
        summaries=(MonthSummary("2026-01", AR, D("0"), D("100000"), D("40000"), D("60000")),),
    )
    a = age(h, date(2026, 2, 28), 0)
    assert a.buckets == buckets(d31_60="10000")
    assert a.open_items[0].day == date(2026, 1, 1)
    assert "余额表" in a.open_items[0].ref
    # mid-January the credit of the month has not been replayed yet: the whole debit is open
    assert age(h, date(2026, 1, 15), 0).buckets == buckets(d1_30="100000")


def test_reversed_receipt_reopens_the_settled_item_with_its_date():
    # term 0. 1/5 A 10,000; 1/20 B 5,000; 2/1 receipt 10,000 settles A;
    # 2/3 the receipt bounces (red-ink credit −10,000) → A re-opens, still dated 1/5
    h = customer(
        mv("2026-01-05", debit="10000", ref="A"),
        mv("2026-01-20", debit="5000", ref="B"),
        mv("2026-02-01", credit="10000"),
        mv("2026-02-03", credit="-10000"),
    )
    a = age(h, date(2026, 2, 28), 0)
    # A: 2/28 − 1/5 = 26 + 28 = 54 days; B: 2/28 − 1/20 = 11 + 28 = 39 days → both 31-60
    assert [i.ref for i in a.open_items] == ["A", "B"]
    assert a.buckets == buckets(d31_60="15000")
    assert a.max_overdue_days == 54
    ep = {e.ref: e for e in overdue_episodes(h, 0, date(2026, 2, 28))}
    assert (ep["A"].settled_on, ep["A"].days_overdue_max) == (None, 54)


def test_reversed_shipment_cancels_the_newest_item():
    # term 0. 1/5 A 10,000; 1/20 B 5,000; 1/25 red-ink −5,000 reverses B
    h = customer(
        mv("2026-01-05", debit="10000", ref="A"),
        mv("2026-01-20", debit="5000", ref="B"),
        mv("2026-01-25", debit="-5000", ref="B红字"),
    )
    a = age(h, date(2026, 1, 31), 0)
    assert [(i.ref, i.amount) for i in a.open_items] == [("A", D("10000.00"))]
    assert a.buckets == buckets(d1_30="10000")  # 26 days
    # B was never owed: no episode for it
    assert [e.ref for e in overdue_episodes(h, 0, date(2026, 1, 31))] == ["A"]


def test_episode_paid_after_exactly_90_and_91_days():
    # term 30: shipped 1/1, due 1/31; 1/31 + 90 days = 5/1 (28 + 31 + 30 + 1)
    for paid, days in (("2026-05-01", 90), ("2026-05-02", 91)):
        h = customer(mv("2026-01-01", debit="1000"), mv(paid, credit="1000"))
        (ep,) = overdue_episodes(h, 30, date(2026, 6, 30))
        assert (ep.due, ep.settled_on, ep.days_overdue_max) == (date(2026, 1, 31), date.fromisoformat(paid), days)
        assert ep.crossed_on(90) == (None if days == 90 else date(2026, 5, 2))


def test_episode_paid_in_time_is_zero_and_items_after_until_are_ignored():
    h = customer(
        mv("2026-01-01", debit="1000"),
        mv("2026-01-20", credit="1000"),  # due 1/31, paid 1/20
        mv("2026-07-01", debit="500"),  # after ``until``
    )
    (ep,) = overdue_episodes(h, 30, date(2026, 6, 30))
    assert (ep.days_overdue_max, ep.amount_overdue, ep.settled_on) == (0, ZERO, date(2026, 1, 20))


def test_aging_before_history_start_is_empty():
    a = age(customer(openings={AR: D("100")}), date(2025, 12, 31), 0)
    assert a.buckets == buckets() and a.open_items == ()


def test_negative_term_is_refused():
    with pytest.raises(ValueError):
        age(customer(), date(2026, 1, 1), -1)


# ---------------------------------------------------------------- property

START = date(2026, 1, 1)
amounts = st.integers(min_value=-500_000, max_value=10_000_000).map(lambda c: D(c) / 100)
movement = st.builds(
    lambda offset, amount, is_debit, account, ref: Movement(
        START + timedelta(days=offset),
        amount if is_debit else D("0"),
        D("0") if is_debit else amount,
        account,
        ref,
    ),
    st.integers(min_value=0, max_value=200),
    amounts,
    st.booleans(),
    st.sampled_from([AR, ADV, "", AP]),
    st.sampled_from(["", "记-1", "记-2"]),
)
summary = st.builds(
    lambda month, debit, credit: MonthSummary(month, AR, D("0"), debit, credit, D("0")),
    st.sampled_from(["2026-01", "2026-02", "2026-03"]),
    amounts,
    amounts,
)


@settings(max_examples=300, deadline=None)
@given(
    movements=st.lists(movement, max_size=25),
    summaries=st.lists(summary, max_size=3, unique_by=lambda s: s.month),
    opening_ar=amounts,
    opening_adv=amounts,
    as_of_offset=st.integers(min_value=0, max_value=260),
    term=st.integers(min_value=0, max_value=90),
)
def test_buckets_sum_to_the_positive_balance(movements, summaries, opening_ar, opening_adv, as_of_offset, term):
    h = customer(*movements, openings={AR: opening_ar, ADV: opening_adv}, summaries=summaries)
    as_of = START + timedelta(days=as_of_offset)
    a = age(h, as_of, term)
    balance = exposure_on(h, as_of)
    assert set(a.buckets) == set(BUCKET_KEYS)
    assert all(v >= 0 for v in a.buckets.values())
    assert sum(a.buckets.values()) == max(balance, ZERO)
    assert sum((i.amount for i in a.open_items), ZERO) - a.prepayment == balance
    assert a.prepayment >= 0 and (a.prepayment == 0 or not a.open_items)
    assert all(i.amount > 0 for i in a.open_items)
    assert [i.day for i in a.open_items] == sorted(i.day for i in a.open_items)
    assert a.overdue == sum((v for k, v in a.buckets.items() if k != "未到期"), ZERO)
    eps = overdue_episodes(h, term, as_of)
    assert all(e.days_overdue_max >= 0 and e.amount_overdue >= 0 for e in eps)
    assert max((e.days_overdue_max for e in eps if e.settled_on is None), default=0) >= a.max_overdue_days


@settings(max_examples=200, deadline=None)
@given(
    movements=st.lists(movement, max_size=25),
    summaries=st.lists(summary, max_size=3, unique_by=lambda s: s.month),
    opening_ar=amounts,
    offsets=st.lists(st.integers(min_value=-3, max_value=260), min_size=1, max_size=8),
    term=st.integers(min_value=0, max_value=90),
)
def test_one_replay_answers_like_one_aging_per_day(movements, summaries, opening_ar, offsets, term):
    """overdue_at_day_starts (what R03 uses) == age(day − 1) filtered on due < day, for every day."""
    from credit_workbook.core.aging import overdue_at_day_starts

    h = customer(*movements, openings={AR: opening_ar}, summaries=summaries)
    days = [START + timedelta(days=o) for o in offsets]
    fast = overdue_at_day_starts(h, term, days)
    for day in days:
        slow = tuple(i for i in age(h, day - timedelta(days=1), term).open_items if i.due < day)
        assert fast[day] == slow, day
