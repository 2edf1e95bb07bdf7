"""What ingest keeps of a 明细账 while its entries stream past the parser.

One call per entry does two things: the entry becomes a store row, handed
on in batches (SQLite takes thousands per call), and the per-counterparty
figures the history checks need are brought up to date — turnover, the
name printed, the cell of the first and of the last balance. Nothing per
entry stays behind, so a million-line export leaves a few thousand keys
here instead of a million objects.

``finish`` then adds the openings and 余额表 lines (few, kept by the
parser) in exactly the order a pass over a fully parsed file would, so
messages and the figures' dict order do not depend on streaming.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from credit_workbook.ledger.history_store import FileFigures, Key, who_of
from credit_workbook.ledger.model import ParsedLedger

ZERO = Decimal("0.00")
BATCH = 5_000  # rows per executemany: large enough to amortise the call, small enough to be nothing in memory


def store_text(value: Decimal | None) -> str | None:
    """An amount as the store keeps it: Decimal text, never "-0.00"."""
    return None if value is None else str(value + 0)


@dataclass
class CheckedFigures:
    """A trusted file as figures, plus what only the new file needs: cells for messages."""

    figures: FileFigures
    checked_openings: dict[Key, tuple[Decimal, str]]  # every key's opening, worked back where not printed
    closing_places: dict[Key, str]
    sheet_place: str


class LedgerIntake:
    """The ``on_entry`` of ``stream_ledger`` for ingest; ``stage`` receives store rows in batches."""

    def __init__(self, stage: Callable[[list[tuple]], None]):
        self._stage = stage
        self._batch: list[tuple] = []
        self._moves: dict[Key, list[Decimal]] = {}  # [debit, credit] summed
        self._names: dict[str, str] = {}
        self._first: dict[Key, tuple[Decimal, int]] = {}  # opening worked back from the first balance, its row
        self._last: dict[Key, int] = {}  # the row of the key's last entry

    def entry(self, day, voucher, code, name, summary, debit, credit, balance, account, place, row) -> None:
        # debit and credit come from parse_amount, never "-0.00"; a signed balance can be
        batch = self._batch
        batch.append((code, name, account, day.isoformat(), str(debit), str(credit),
                      None if balance is None else str(balance + 0), voucher, summary, place))
        if len(batch) >= BATCH:
            self._stage(batch)
            self._batch = []
        who = code or name  # who_of, inline: once per line
        if who is None:
            return
        key = (who, account or "")
        moves = self._moves.get(key)
        if moves is None:
            moves = self._moves[key] = [ZERO, ZERO]
        moves[0] += debit
        moves[1] += credit
        if name:
            self._names[who] = name
        self._last[key] = row
        if balance is not None and key not in self._first:
            self._first[key] = (balance - debit + credit, row)

    def flush(self) -> None:
        if self._batch:
            self._stage(self._batch)
            self._batch = []

    def finish(self, parsed: ParsedLedger) -> CheckedFigures:
        """The file's figures: openings first, then the entries seen, then 余额表 lines."""
        self.flush()
        name, sheet, cols = parsed.file_name, parsed.sheet, parsed.columns
        f = FileFigures(name, parsed.period, parsed.shape)
        checked: dict[Key, tuple[Decimal, str]] = {}
        closing_places: dict[Key, str] = {}

        def cell(letter: str | None, row: int, fallback: str) -> str:
            return f"{name}!{sheet}!{letter}{row}" if letter and row else fallback

        for o in parsed.openings:
            who = who_of(o.code, o.name)
            if who is None:
                continue
            key = (who, o.account or "")
            f.add_opening(key, o.balance, o.place)
            f.note_name(who, o.name)
            closing_places.setdefault(key, o.place)
        f.moves.update((key, (debit, credit)) for key, (debit, credit) in self._moves.items())
        f.names.update(self._names)
        # an entry's place is its date cell: where a file without a balance column points
        balance_col = cols.get("balance") or cols.get("date")
        for key, row in self._last.items():
            closing_places[key] = cell(balance_col, row, "")
        for key, (amount, row) in self._first.items():
            if key not in f.openings:  # what the file's own balances start from
                checked[key] = (amount, cell(balance_col, row, ""))
        for b in parsed.balances:
            who = who_of(b.code, b.name)
            if who is None:
                continue
            key = (who, b.account or "")
            opening_col = cols.get("opening") or cols.get("opening_debit" if b.opening >= 0 else "opening_credit")
            closing_col = cols.get("closing") or cols.get("closing_debit" if b.closing >= 0 else "closing_credit")
            f.add_summary(key, b.opening, b.debit, b.credit, b.closing, cell(opening_col, b.row, b.place))
            f.note_name(who, b.name)
            closing_places[key] = cell(closing_col, b.row, b.place)
        for key, value in f.openings.items():
            checked.setdefault(key, value)
        return CheckedFigures(f.finish(), checked, closing_places, f"{name}!{sheet}")
