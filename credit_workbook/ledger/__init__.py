"""Reading the ledger exports finance drops into the inbox (SPEC §4).

``parse_ledger`` turns one 用友/金蝶-style export into plain data whose every
figure carries its ``file!sheet!cell`` place, and reports what does not add
up; ``stream_ledger`` does the same but hands the entries over one by one
instead of keeping them (ingest, for exports of a million lines). Nothing
here touches the store: a ledger with an ERROR problem is simply not to be
trusted, and the caller quarantines it.
"""

from __future__ import annotations

from credit_workbook.ledger.model import (
    BalanceRow,
    LedgerEntry,
    OpeningRow,
    ParsedLedger,
)


def parse_ledger(*args, **kwargs):
    """Lazy alias of ``credit_workbook.ledger.parse.parse_ledger`` (keeps imports cheap)."""
    from credit_workbook.ledger.parse import parse_ledger as _parse

    return _parse(*args, **kwargs)


def stream_ledger(*args, **kwargs):
    """Lazy alias of ``credit_workbook.ledger.parse.stream_ledger`` (keeps imports cheap)."""
    from credit_workbook.ledger.parse import stream_ledger as _stream

    return _stream(*args, **kwargs)


__all__ = ["BalanceRow", "LedgerEntry", "OpeningRow", "ParsedLedger", "parse_ledger", "stream_ledger"]
