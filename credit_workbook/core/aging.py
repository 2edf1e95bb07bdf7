"""FIFO aging of the exposure (SPEC §5 "Aging") and the overdue history behind C(1).

Each debit (发货 / 预付) opens an item dated its day, due ``term_days``
later; each credit (回款 / 到货) settles the oldest open items first, a
partial payment reducing the oldest one. The replay keeps, for every item,
when it was settled, so the same pass answers both "what is overdue today"
(R04, the 执行评价表) and "was anything ever more than 90 days overdue in
the last 24 months" (第十六条(1)).

Decisions where SPEC is silent:

- A credit larger than everything open leaves a prepayment (预收 / a credit
  balance); the next debits are settled by it on their own day, as
  accountants apply an advance to the next invoices. So open items and a
  prepayment never coexist, and the buckets always sum to max(balance, 0).
- The opening balance is one item dated ``history_start`` (the first day
  of its month): its true age is unknown, and the ledgers' start is the
  oldest date the data can vouch for. A negative opening is a prepayment.
- Red-ink (negative) lines are corrections, not business: a negative debit
  (a shipment reversed) cancels the newest open amounts as if never posted
  (what it cancels is almost always recent), and what it cannot cancel
  becomes a prepayment; a negative credit (a receipt reversed, e.g. a
  bounced draft) first takes back a prepayment, then re-opens the most
  recently settled amounts with their original dates — the debt it paid
  comes back as old as it was.
- "Days overdue" on day D is D − due: an item due today is 未到期, overdue
  exactly 30 days is "1-30", 31 is "31-60". An item paid on day S was
  overdue S − due days (it was still unpaid when day S began).
"""

from __future__ import annotations

from collections.abc import Iterable

from bisect import insort
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from credit_workbook.core.history import (
    ZERO,
    CounterpartyHistory,
    flows,
    opening_balance,
)

NOT_DUE = "未到期"
BUCKETS: tuple[tuple[str, int, int | None], ...] = (  # (key, min days overdue, max days overdue)
    (NOT_DUE, -(10**9), 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-360", 181, 360),
    (">360", 361, None),
)
BUCKET_KEYS = tuple(key for key, _, _ in BUCKETS)
OPENING_REF = "期初余额"


def bucket_of(days_overdue: int) -> str:
    for key, low, high in BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return key
    raise AssertionError(days_overdue)  # pragma: no cover - BUCKETS cover every integer


@dataclass(frozen=True)
class OpenItem:
    day: date
    due: date
    amount: Decimal  # still open
    ref: str = ""

    def days_overdue(self, as_of: date) -> int:
        return max((as_of - self.due).days, 0)


@dataclass(frozen=True)
class Aging:
    buckets: dict[str, Decimal]  # keys exactly BUCKET_KEYS
    overdue: Decimal  # sum of the overdue buckets
    max_overdue_days: int
    open_items: tuple[OpenItem, ...]  # oldest first
    prepayment: Decimal = ZERO  # unapplied credit (预收); non-zero only when nothing is open


@dataclass(frozen=True)
class Episode:
    """One item's life: how long it stayed overdue (0 when settled in time or not yet due).

    ``amount`` is the item as posted (less any red-ink cancellation);
    ``amount_overdue`` the most of it that was unpaid while overdue.
    """

    item_day: date
    due: date
    settled_on: date | None  # None: still open at ``until``
    days_overdue_max: int
    amount: Decimal
    ref: str = ""
    amount_overdue: Decimal = ZERO

    def crossed_on(self, days: int) -> date | None:
        """The first day it was more than ``days`` overdue, or None if it never was."""
        if self.days_overdue_max <= days:
            return None
        return self.due + timedelta(days=days + 1)


def age(history: CounterpartyHistory, as_of: date, term_days: int) -> Aging:
    """The open items at the end of ``as_of``, bucketed by days overdue on that day."""
    return _aging(_replay(history, term_days, as_of), as_of)


def age_and_episodes(history: CounterpartyHistory, as_of: date, term_days: int) -> tuple[Aging, list[Episode]]:
    """``age`` and ``overdue_episodes`` at ``as_of`` from one replay: the month's evaluation needs both."""
    book = _replay(history, term_days, as_of)
    return _aging(book, as_of), _episodes(book, as_of)


def _aging(book: _Book, as_of: date) -> Aging:
    totals = {key: ZERO for key in BUCKET_KEYS}
    items = []
    worst = 0
    for item in book.open:
        days = max((as_of - item.due).days, 0)
        totals[bucket_of(days)] += item.open
        worst = max(worst, days)
        items.append(OpenItem(item.day, item.due, item.open, item.ref))
    overdue = sum((v for k, v in totals.items() if k != NOT_DUE), ZERO)
    return Aging(totals, overdue, worst, tuple(items), book.prepayment)


def _post(book, f) -> None:
    """One ledger flow into the FIFO book: a negative amount (红字冲销) reverses, never adds."""
    if f.debit > 0:
        book.debit(f.day, f.debit, f.ref)
    elif f.debit < 0:
        book.cancel_debit(f.day, -f.debit)
    if f.credit > 0:
        book.credit(f.day, f.credit)
    elif f.credit < 0:
        book.cancel_credit(f.day, -f.credit, f.ref)


def overdue_at_day_starts(history: CounterpartyHistory, term_days: int,
                          days: Iterable[date]) -> dict[date, tuple[OpenItem, ...]]:
    """For each day, the items open when it began that were already past due (oldest first).

    The same answer as ``age(history, day - 1, term).open_items`` filtered on
    ``due < day``, from ONE replay instead of one per day: R03 asks it for
    every shipment day of every counterparty.
    """
    wanted = sorted(set(days))
    out: dict[date, tuple[OpenItem, ...]] = {}
    if term_days < 0:
        raise ValueError("期限天数不能为负")
    book = _Book(timedelta(days=term_days))
    opening = opening_balance(history)
    if opening > 0:
        book.debit(history.history_start, opening, OPENING_REF)
    elif opening < 0:
        book.credit(history.history_start, -opening)

    def snapshot(day: date) -> tuple[OpenItem, ...]:
        if day <= history.history_start:  # the day before it lies before the history: nothing known open
            return ()
        return tuple(OpenItem(it.day, it.due, it.open, it.ref) for it in book.open if it.due < day)

    i = 0
    for f in flows(history):
        while i < len(wanted) and wanted[i] <= f.day:
            out[wanted[i]] = snapshot(wanted[i])
            i += 1
        if i >= len(wanted):
            break
        _post(book, f)
    for day in wanted[i:]:
        out[day] = snapshot(day)
    return out


def overdue_episodes(history: CounterpartyHistory, term_days: int, until: date) -> list[Episode]:
    """Every item posted up to ``until``, with how long it stayed overdue (items cancelled by red ink omitted)."""
    return _episodes(_replay(history, term_days, until), until)


def _episodes(book: _Book, until: date) -> list[Episode]:
    out = []
    for item in book.items:
        if item.amount == 0:
            continue
        if item.open > 0:  # still open at ``until``: what it owes then counts as overdue if it is
            end, settled = until, None
            peak = max(item.overdue_peak, item.open) if until > item.due else item.overdue_peak
        else:
            end, settled, peak = item.settled_on, item.settled_on, item.overdue_peak
        days = max(item.worst_days, (end - item.due).days, 0)
        out.append(Episode(item.day, item.due, settled, days, item.amount, item.ref, peak))
    return out


# ---------------------------------------------------------------- the replay

@dataclass(slots=True)
class _Item:
    seq: int
    day: date
    due: date
    amount: Decimal
    ref: str
    open: Decimal
    settled_on: date | None = None
    paid_on: date | None = None  # last day a payment (not a red-ink cancellation) reduced it
    worst_days: int = 0  # longest overdue spell already closed (a re-opened item keeps it)
    overdue_peak: Decimal = ZERO

    def sort_key(self) -> tuple[date, int]:
        return (self.day, self.seq)

    def __lt__(self, other: _Item) -> bool:
        return self.sort_key() < other.sort_key()

    def touch(self, day: date) -> None:
        """Note what was overdue before the open amount changes on ``day``."""
        if day > self.due and self.open > 0:
            self.overdue_peak = max(self.overdue_peak, self.open)

    def reduce(self, amount: Decimal, day: date) -> None:
        self.touch(day)
        self.open -= amount
        self.paid_on = day
        if self.open == 0:
            self.settled_on = day
            self.worst_days = max(self.worst_days, (day - self.due).days)

    def reopen(self, amount: Decimal, day: date) -> None:
        self.touch(day)
        self.open += amount
        self.settled_on = None


@dataclass
class _Book:
    term: timedelta
    items: list[_Item] = field(default_factory=list)  # every item ever opened, in posting order
    open: list[_Item] = field(default_factory=list)  # open items, oldest first
    settlements: list[tuple[_Item, Decimal]] = field(default_factory=list)  # for re-opening, newest last
    prepayment: Decimal = ZERO

    def _new_item(self, day: date, amount: Decimal, ref: str) -> _Item:
        item = _Item(len(self.items), day, day + self.term, amount, ref, amount)
        self.items.append(item)
        return item

    def debit(self, day: date, amount: Decimal, ref: str) -> None:
        item = self._new_item(day, amount, ref)
        applied = min(amount, self.prepayment)
        if applied > 0:
            self.prepayment -= applied
            item.reduce(applied, day)
            self.settlements.append((item, applied))
        if item.open > 0:
            self.open.append(item)  # posting order is date order

    def credit(self, day: date, amount: Decimal) -> None:
        while amount > 0 and self.open:
            item = self.open[0]
            paid = min(amount, item.open)
            item.reduce(paid, day)
            self.settlements.append((item, paid))
            amount -= paid
            if item.open == 0:
                self.open.pop(0)
        self.prepayment += amount

    def cancel_debit(self, day: date, amount: Decimal) -> None:
        """Red-ink debit: the newest open amounts were never owed."""
        while amount > 0 and self.open:
            item = self.open[-1]
            cut = min(amount, item.open)
            item.open -= cut
            item.amount -= cut
            amount -= cut
            if item.open == 0:
                # What was cancelled was never owed: the item ended with its last payment.
                self.open.pop()
                item.settled_on = item.paid_on or item.day
                item.worst_days = max(item.worst_days, (item.settled_on - item.due).days)
        self.prepayment += amount

    def cancel_credit(self, day: date, amount: Decimal, ref: str) -> None:
        """Red-ink credit: take back a prepayment, then re-open what was last settled."""
        back = min(amount, self.prepayment)
        self.prepayment -= back
        amount -= back
        while amount > 0 and self.settlements:
            item, paid = self.settlements.pop()
            again = min(amount, paid)
            if again < paid:
                self.settlements.append((item, paid - again))
            was_open = item.open > 0
            item.reopen(again, day)
            if not was_open:
                insort(self.open, item)
            amount -= again
        if amount > 0:
            self.open.append(self._new_item(day, amount, ref))


def _replay(history: CounterpartyHistory, term_days: int, until: date) -> _Book:
    if term_days < 0:
        raise ValueError("期限天数不能为负")
    book = _Book(timedelta(days=term_days))
    if until < history.history_start:
        return book
    opening = opening_balance(history)
    if opening > 0:
        book.debit(history.history_start, opening, OPENING_REF)
    elif opening < 0:
        book.credit(history.history_start, -opening)
    for f in flows(history):
        if f.day > until:
            break
        _post(book, f)
    return book
