"""What the rule modules share: money and date text, the flag itself, and the ledger rows behind it.

Kept apart so every rule module reads as the rule and nothing else, and so a
clerk sees amounts and dates written the same way in every message
(``1,234.56 元``, ``2026-06-30``).

The ledger rows behind a flag (``extra["places"]``) are found by matching
what the core replays — a ``Flow`` or an aging item, known by (day, ref) —
back to the ``Movement``s that produced it: the replay keeps the voucher
number (or, lacking one, the row's own place) as ``ref``, and a flow is
built from the movements of one (day, ref) group. A summary month (余额表)
or the opening balance has no row of its own, so it contributes no place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from credit_workbook.core.aging import OpenItem
from credit_workbook.core.history import ZERO, CounterpartyHistory, flows, opening_balance
from credit_workbook.core.model import Flag

ONE_DAY = timedelta(days=1)

__all__ = [
    "ONE_DAY",
    "ZERO",
    "day_ranges",
    "debit_places",
    "end_of_day_balances",
    "exposure",
    "item_places",
    "make_flag",
    "ymd",
    "yuan",
]


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


def ymd(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def exposure(balance: Decimal) -> Decimal:
    """Money of ours the counterparty holds: a prepayment it holds from us is not negative exposure."""
    return max(balance, ZERO)


def make_flag(ctx, rule: str, article: str, message: str, amount: Decimal | None, *, worse: bool = True,
              places: Iterable[str] = (), **extra) -> Flag:
    """A flag whose severity is the configured one and whose ``extra`` always carries ``places``."""
    return Flag(rule, ctx.severity(rule, worse), article, message, amount,
                {"places": tuple(dict.fromkeys(p for p in places if p)), **extra})


def debit_places(history: CounterpartyHistory | None, day: date, ref: str | None = None) -> tuple[str, ...]:
    """``file!sheet!cell`` of the exposure-account rows that post a debit on ``day`` (voucher ``ref`` if given)."""
    if history is None:
        return ()
    accounts = history.exposure_accounts
    return tuple(dict.fromkeys(
        m.place for m in _movements_on(history, day)
        if m.debit != 0 and m.place and (ref is None or m.ref == ref)
        and history.account_of(m.account) in accounts))


def _movements_on(history: CounterpartyHistory, day: date) -> list:
    """The history's movements of ``day`` in ledger order, indexed once per (immutable) history:
    R03 asks for the rows behind every shipment day."""
    index = history.__dict__.get("_by_day")
    if index is None:
        index = history.__dict__["_by_day"] = {}
        for m in history.movements:
            index.setdefault(m.day, []).append(m)
    return index.get(day, [])


def item_places(history: CounterpartyHistory | None, items: Iterable[OpenItem]) -> tuple[str, ...]:
    """The rows behind aging items (the debit that opened each one)."""
    out: list[str] = []
    for item in items:
        out += debit_places(history, item.day, item.ref)
    return tuple(dict.fromkeys(out))


def end_of_day_balances(history: CounterpartyHistory, first: date, last: date) -> Iterator[tuple[date, Decimal]]:
    """(day, signed end-of-day balance) for every day ``first``..``last``, balances carried over quiet days.

    Days before the history are given the opening balance: the end of the day
    before ``history_start`` is the earliest balance the ledgers vouch for.
    """
    stream = flows(history)
    balance = opening_balance(history)
    i = 0
    while i < len(stream) and stream[i].day < first:
        balance += stream[i].debit - stream[i].credit
        i += 1
    day = first
    while day <= last:
        while i < len(stream) and stream[i].day == day:
            balance += stream[i].debit - stream[i].credit
            i += 1
        yield day, balance
        day += ONE_DAY


def day_ranges(days: Iterable[date]) -> str:
    """Sorted days as runs, the way a clerk lists them: 2026-06-10至2026-06-19、2026-06-25."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + ONE_DAY:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return "、".join(ymd(a) if a == b else f"{ymd(a)}至{ymd(b)}" for a, b in runs)
