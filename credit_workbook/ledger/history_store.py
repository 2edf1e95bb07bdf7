"""The ledger history kept in the store, read back as the pure core's input.

Only *active* files count: a file replaced by a correction stays in the
store (and in archive/) for the audit trail, but nothing of it is read.

Ingest and the core must agree on what the balance of a counterparty was
at the end of any month, or a file accepted today would contradict the
figures computed from it tomorrow. So both go through the same rules, kept
here:

- **Who.** A counterparty is its code; a file that prints no codes keys it
  by name (such a file cannot be matched with a coded one: a known gap).
- **Which account.** A row that names no account (``""``) is on the
  counterparty's main account: 预付账款 for a 供应商, 应收账款 for a 客户.
  Without a survey the type is inferred: 供应商 if every named account is
  预付账款, else 客户. This keeps an unlabeled 余额表 and a labeled 明细账
  of the same customer on one account instead of two that would both count.
- **Opening.** A counterparty's account opens with the balance printed in the
  EARLIEST file that contains it (an 期初 row of a 明细账 first, else the
  期初余额 of a 余额表, else 0). Later files' openings are checked against the
  chain (ingest), never used. A counterparty first seen after the history
  start is taken to have held that balance since the start.
- **Chain.** Month by month: the sum of the 明细账 entries where the month
  has any for that account, else the 余额表 line (as the core does:
  ``history.flows``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit_workbook.core.history import (
    CUSTOMER,
    EXPOSURE_ACCOUNTS,
    PREPAYMENT,
    SUPPLIER,
    CounterpartyHistory,
    MonthSummary,
    Movement,
    first_day,
)
from credit_workbook.ledger.model import SHAPE_DETAIL

ZERO = Decimal("0.00")

Key = tuple[str, str]  # (counterparty, account as the file names it; "" = not named)


def who_of(code: str | None, name: str | None) -> str | None:
    return code or name


def infer_type(accounts: Iterable[str]) -> str:
    """供应商 when every named account is 预付账款, else 客户 (SPEC: a code without a survey)."""
    named = {a for a in accounts if a}
    return SUPPLIER if named == {PREPAYMENT} else CUSTOMER


def canonical_account(account: str | None, counterparty_type: str) -> str:
    return account or EXPOSURE_ACCOUNTS[counterparty_type][0]


@dataclass
class FileFigures:
    """One ledger file reduced to what the chain of balances needs, per counterparty and account.

    Built from a parsed file (ingest, with cell places for messages) or from
    the store; amounts of several rows of the same key are summed.
    """

    name: str
    period: str
    shape: str
    file_id: int | None = None
    openings: dict[Key, tuple[Decimal, str]] = field(default_factory=dict)  # the first 期初 per key
    moves: dict[Key, tuple[Decimal, Decimal]] = field(default_factory=dict)  # 明细账 entries, summed
    summaries: dict[Key, tuple[Decimal, Decimal, Decimal, Decimal]] = field(default_factory=dict)  # 余额表
    names: dict[str, str] = field(default_factory=dict)
    accounts: frozenset[str] = frozenset()

    def add_opening(self, key: Key, amount: Decimal, place: str) -> None:
        self.openings.setdefault(key, (amount, place))

    def add_move(self, key: Key, debit: Decimal, credit: Decimal) -> None:
        d, c = self.moves.get(key, (ZERO, ZERO))
        self.moves[key] = (d + debit, c + credit)

    def add_summary(self, key: Key, opening: Decimal, debit: Decimal, credit: Decimal, closing: Decimal,
                    place: str) -> None:
        old = self.summaries.get(key)
        if old is None:
            self.summaries[key] = (opening, debit, credit, closing)
            self.add_opening(key, opening, place)
        else:
            self.summaries[key] = tuple(a + b for a, b in zip(old, (opening, debit, credit, closing), strict=True))

    def note_name(self, who: str, name: str | None) -> None:
        if name:
            self.names[who] = name

    def keys(self) -> set[Key]:
        return set(self.openings) | set(self.moves) | set(self.summaries)

    def finish(self) -> FileFigures:
        self.accounts = frozenset(a for _, a in self.keys())
        return self

    def covers(self, account: str) -> bool:
        """Whether this file speaks for ``account`` ("" on either side matches anything)."""
        return not account or account in self.accounts or "" in self.accounts


# ---------------------------------------------------------------- the chain of balances

def accounts_by_who(files: Iterable[FileFigures]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for who, account in f.keys():
            out[who].add(account)
    return out


def types_for(files: Iterable[FileFigures], types: Mapping[str, str] | None = None) -> dict[str, str]:
    """Counterparty → 客户/供应商: the survey's answer when there is one, else inferred from the accounts."""
    types = types or {}
    out = {}
    for who, accounts in accounts_by_who(files).items():
        given = types.get(who)
        out[who] = given if given in EXPOSURE_ACCOUNTS else infer_type(accounts)
    return out


def canonical_key(key: Key, roles: Mapping[str, str]) -> Key:
    """(counterparty, account) with an unnamed account resolved to the counterparty's main one."""
    who, account = key
    return who, canonical_account(account, roles.get(who, CUSTOMER))


@dataclass(frozen=True)
class Link:
    """Where one counterparty's account stood after the last month of the history read."""

    balance: Decimal
    first: str  # the period it first appears in
    last: str  # the last period it appears in


def by_period(files: Iterable[FileFigures]) -> dict[str, list[FileFigures]]:
    """Files grouped by period; within a period 明细账 first, so its 期初 row wins over a 余额表's."""
    grouped: dict[str, list[FileFigures]] = defaultdict(list)
    for f in files:
        grouped[f.period].append(f)
    for fs in grouped.values():
        fs.sort(key=lambda f: (f.shape != SHAPE_DETAIL, f.file_id or 0))
    return dict(sorted(grouped.items()))


def balance_chain(files: Iterable[FileFigures], roles: Mapping[str, str]) -> dict[Key, Link]:
    """Each (counterparty, canonical account) carried from its first opening through every month given."""
    state: dict[Key, Link] = {}
    for period, fs in by_period(files).items():
        openings: dict[Key, Decimal] = {}
        moves: dict[Key, Decimal] = defaultdict(lambda: ZERO)
        detailed: set[Key] = set()
        summed: dict[Key, Decimal] = defaultdict(lambda: ZERO)
        for f in fs:
            for key, (amount, _) in f.openings.items():
                openings.setdefault(canonical_key(key, roles), amount)
            for key, (debit, credit) in f.moves.items():
                k = canonical_key(key, roles)
                moves[k] += debit - credit
                detailed.add(k)
            for key, (_, debit, credit, _) in f.summaries.items():
                summed[canonical_key(key, roles)] += debit - credit
        for k in set(openings) | detailed | set(summed):
            link = state.get(k)
            balance = link.balance if link else openings.get(k, ZERO)
            balance += moves[k] if k in detailed else summed.get(k, ZERO)
            state[k] = Link(balance, link.first if link else period, period)
    return state


# ---------------------------------------------------------------- reading the store

def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def stored_figures(store, active_only: bool = True) -> list[FileFigures]:
    """Every (active) file of the store as ``FileFigures``, in period order."""
    files = {f.id: FileFigures(f.original_name, f.period, f.shape, f.id)
             for f in store.ledger_files(active_only=active_only)}
    for _, file_id, code, name, account, balance, place in store.ledger_rows("ledger_openings", active_only):
        who = who_of(code, name)
        files[file_id].add_opening((who, account or ""), Decimal(balance), place)
        files[file_id].note_name(who, name)
    for _, file_id, code, name, account, _day, debit, credit, *_ in store.ledger_rows("ledger_entries", active_only):
        who = who_of(code, name)
        files[file_id].add_move((who, account or ""), Decimal(debit), Decimal(credit))
        files[file_id].note_name(who, name)
    for row in store.ledger_rows("ledger_balances", active_only):
        _, file_id, code, name, account, opening, debit, credit, closing, place = row
        who = who_of(code, name)
        files[file_id].add_summary((who, account or ""), Decimal(opening), Decimal(debit), Decimal(credit),
                                   Decimal(closing), place)
        files[file_id].note_name(who, name)
    return [f.finish() for f in files.values()]


def first_openings(files: Iterable[FileFigures], roles: Mapping[str, str]) -> dict[Key, Decimal]:
    """The opening of each (counterparty, canonical account): from the earliest period holding it."""
    out: dict[Key, Decimal] = {}
    for _, fs in by_period(files).items():
        seen: set[Key] = set()
        for f in fs:
            for key, (amount, _) in f.openings.items():
                k = canonical_key(key, roles)
                if k not in out:
                    out[k] = amount
                seen.add(k)
            for key in list(f.moves) + list(f.summaries):
                seen.add(canonical_key(key, roles))
        for k in seen:
            out.setdefault(k, ZERO)
    return out


def load_histories(store, types: Mapping[str, str]) -> dict[str, CounterpartyHistory]:
    """The active ledger history as the core's ``CounterpartyHistory`` per counterparty.

    ``types`` (code → 客户/供应商) comes from the surveys; a counterparty
    without one is typed from its accounts (``infer_type``).
    """
    return histories_from(read_ledger(store), types)


@dataclass
class StoredLedger:
    """The store's active ledger rows, decoded once, before anyone knows who is a customer.

    Decoding (100,000 lines of text into dates and Decimals) is the slow part
    and needs no survey, so a run does it while the surveys are still being
    checked in another process; ``histories_from`` then only types the
    counterparties. A line that names its account becomes its ``Movement``
    here; one that names none waits for its counterparty's type (the
    account is then the role's main one).
    """

    start: date | None
    figures: list[FileFigures]
    movements: dict[str, list]  # who → Movement, or (day, debit, credit, ref, place) of an unnamed account
    balances: list[tuple]  # (who, period, account, opening, debit, credit, closing)
    names: dict[str, str]  # who → the name its latest active file prints (= counterparty_names)


_ENTRY_COLUMNS = "f.period, t.file_id, t.code, t.name, t.account, t.day, t.debit, t.credit, t.voucher, t.place"
_ACTIVE = " FROM {table} t JOIN ledger_files f ON f.id = t.file_id WHERE f.superseded_by IS NULL"
_ORDER = " ORDER BY f.period, t.file_id, t.rowid"


def read_ledger(store) -> StoredLedger:
    """Every active file's openings, lines and 余额表 rows, in period, file and row order."""
    start = history_start(store)
    files = {f.id: FileFigures(f.original_name, f.period, f.shape, f.id)
             for f in store.ledger_files(active_only=True)}
    last_name: list[dict[str, tuple]] = []  # per table: who → (period, file_id, name) of its last named row

    named: dict[str, tuple] = {}
    for _, file_id, code, name, account, balance, place in store.ledger_rows("ledger_openings"):
        who = who_of(code, name)
        files[file_id].add_opening((who, account or ""), Decimal(balance), place)
        files[file_id].note_name(who, name)
        if name:
            named[who] = (files[file_id].period, file_id, name)
    last_name.append(named)

    named = {}
    movements: dict[str, list] = defaultdict(list)
    decimals: dict[str, Decimal] = {}  # amounts repeat (0.00 on every other line): decode each text once
    days: dict[str, date] = {}
    for period, file_id, code, name, account, day, debit, credit, voucher, place in store.db.execute(
            f"SELECT {_ENTRY_COLUMNS}" + _ACTIVE.format(table="ledger_entries") + _ORDER):
        who = who_of(code, name)
        d = decimals.get(debit)
        if d is None:
            d = decimals[debit] = Decimal(debit)
        c = decimals.get(credit)
        if c is None:
            c = decimals[credit] = Decimal(credit)
        figures = files[file_id]
        figures.add_move((who, account or ""), d, c)
        if name:
            figures.names[who] = name
            named[who] = (period, file_id, name)
        when = days.get(day)
        if when is None:
            when = days[day] = date.fromisoformat(day)
        ref = voucher or place
        movements[who].append(Movement(when, d, c, account, ref, place) if account else (when, d, c, ref, place))
        if len(decimals) > 100_000:
            decimals.clear()  # distinct amounts of a huge ledger: keep the memo small
    last_name.append(named)

    named = {}
    balances = []
    for row in store.ledger_rows("ledger_balances"):
        period, file_id, code, name, account, opening, debit, credit, closing, place = row
        who = who_of(code, name)
        amounts = (Decimal(opening), Decimal(debit), Decimal(credit), Decimal(closing))
        files[file_id].add_summary((who, account or ""), *amounts, place)
        files[file_id].note_name(who, name)
        balances.append((who, period, account, *amounts))
        if name:
            named[who] = (period, file_id, name)
    last_name.append(named)

    # counterparty_names: the last named row in (period, file, table, row) order wins
    latest: dict[str, tuple] = {}
    for part, named in enumerate(last_name):
        for who, (period, file_id, name) in named.items():
            key = (period, file_id, part)
            if who not in latest or key > latest[who][0]:
                latest[who] = (key, name)
    return StoredLedger(start, [f.finish() for f in files.values()], movements, balances,
                        {who: name for who, (_, name) in latest.items()})


def histories_from(ledger: StoredLedger, types: Mapping[str, str]) -> dict[str, CounterpartyHistory]:
    """``CounterpartyHistory`` per counterparty, typed by ``types`` (the surveys) or by its accounts."""
    if ledger.start is None:
        return {}
    roles = types_for(ledger.figures, types)
    openings: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (who, account), amount in first_openings(ledger.figures, roles).items():
        openings[who][account] = amount
    summaries: dict[str, list[MonthSummary]] = defaultdict(list)
    for who, period, account, *amounts in ledger.balances:
        summaries[who].append(MonthSummary(period, canonical_account(account, roles[who]), *amounts))
    return {
        who: CounterpartyHistory(
            code=who, counterparty_type=role, openings=openings.get(who, {}),
            movements=_typed(ledger.movements.get(who, ()), role), summaries=tuple(summaries.get(who, ())),
            history_start=ledger.start,
        )
        for who, role in sorted(roles.items())
    }


def _typed(lines, role: str) -> tuple[Movement, ...]:
    main = EXPOSURE_ACCOUNTS[role][0]
    return tuple(m if isinstance(m, Movement) else Movement(m[0], m[1], m[2], main, m[3], m[4]) for m in lines)


def active_periods(store) -> list[str]:
    return sorted({f.period for f in store.ledger_files(active_only=True)})


def history_start(store) -> date | None:
    """First day of the earliest active period: where averages and 'months of history' count from."""
    periods = active_periods(store)
    return first_day(periods[0]) if periods else None


def latest_period(store) -> str | None:
    periods = active_periods(store)
    return periods[-1] if periods else None


def counterparty_names(store) -> dict[str, str]:
    """Counterparty → the name its latest active file prints (one query; no figures are rebuilt)."""
    parts = " UNION ALL ".join(
        f"SELECT f.period, f.id, {n} AS part, t.rowid AS r, t.code, t.name FROM {table} t"
        " JOIN ledger_files f ON f.id = t.file_id WHERE f.superseded_by IS NULL AND t.name IS NOT NULL"
        " AND t.name != ''"
        for n, table in enumerate(("ledger_openings", "ledger_entries", "ledger_balances")))
    names: dict[str, str] = {}
    for *_order, code, name in store.db.execute(f"SELECT * FROM ({parts}) ORDER BY period, id, part, r"):
        names[who_of(code, name)] = name
    return names


def file_accounts_json(accounts: Iterable[str]) -> str:
    return json.dumps(sorted(set(accounts)), ensure_ascii=False)
