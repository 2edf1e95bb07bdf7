"""``stream_ledger`` / ``parse_ledger``: one export file in, a ``ParsedLedger`` with its problems out.

It never raises for what is in the file: an unreadable, encrypted or
unrecognisable file comes back as a ledger with an ERROR problem, so the
caller has one rule — quarantine anything not ``trusted``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.ledger.balance import BalanceReader
from credit_workbook.ledger.common import Sheet, normalise_account, title_months
from credit_workbook.ledger.detail import DetailReader, EntrySink
from credit_workbook.ledger.headers import (
    SCAN_ROWS,
    HeaderMatch,
    column_letter,
    find_header,
)
from credit_workbook.ledger.model import SHAPE_DETAIL, LedgerEntry, ParsedLedger
from credit_workbook.ledger.read_raw import RawBook, UnreadableLedger, open_raw

NO_HEADER = "找不到表头（需要 日期/借方/贷方/余额 或 期初余额/本期借方/本期贷方/期末余额 等列）"
NO_PERIOD = "无法确定期间"


def parse_ledger(
    path: Path,
    aliases: Mapping[str, Sequence[str]] | None = None,
    display_name: str | None = None,
) -> ParsedLedger:
    """Parse one ledger export with its entries in memory: for small files and tests.

    ``display_name`` is how places name the file (default: its name).
    """
    entries: list[LedgerEntry] = []
    append = entries.append
    parsed = stream_ledger(path, lambda *fields: append(LedgerEntry(*fields)), aliases, display_name)
    return replace(parsed, entries=tuple(entries))


def stream_ledger(
    path: Path,
    on_entry: EntrySink,
    aliases: Mapping[str, Sequence[str]] | None = None,
    display_name: str | None = None,
) -> ParsedLedger:
    """Parse one ledger export, handing each 明细账 entry to ``on_entry`` as it is read.

    The result carries everything but the entries (``entries`` is empty):
    ingest stores them as they come, so a million lines are never held.
    ``on_entry`` gets the fields of ``LedgerEntry`` positionally. An entry
    handed over may still be judged wrong later (a date outside the period
    found only at the end): nothing is trusted before the result says so.
    """
    path = Path(path)
    name = display_name or path.name
    try:
        book = open_raw(path, name)
    except UnreadableLedger as exc:
        message = str(exc).removeprefix(f"{name}: ")
        return ParsedLedger(name, None, None, problems=(Problem(ProblemLevel.ERROR, "file", name, message),))

    try:
        chosen, others = _choose_sheet(book, aliases)
    except UnreadableLedger as exc:  # a cell calamine cannot convert (read_raw says where)
        return _unreadable(name, exc, book)
    if chosen is None:
        first = book.sheet_names[0] if book.sheet_names else None
        place = f"{name}!{first}" if first else name
        return ParsedLedger(
            name, None, None, problems=(Problem(ProblemLevel.ERROR, "header", place, NO_HEADER),),
            sheet=first, file_format=book.file_format, encoding=book.encoding,
        )
    sheet_name, match, head = chosen
    book.keep_only(sheet_name)
    sheet = Sheet(name, sheet_name)
    for other in others:
        sheet.warning("sheet", f"{name}!{other}", f"此工作表也像账表，未读取（只读取了工作表“{sheet_name}”）")

    titles = _title_cells(head, match.top_row, sheet)
    default_account = _title_account(titles)
    period_hint = _title_period(titles, sheet, strict=match.shape != SHAPE_DETAIL)
    failed: list[UnreadableLedger] = []
    body = _until_unreadable(itertools.islice(enumerate(book.iter_rows(sheet_name)), match.header_row + 1, None),
                             failed)

    openings = balances = ()
    if match.shape == SHAPE_DETAIL:
        result = DetailReader(sheet, match.columns, default_account, on_entry).read(body)
        period = _detail_period(result.months, period_hint, sheet)
        if period is not None:
            for r, day in result.outside(period):
                sheet.error("date", sheet.place(r, match.columns["date"]),
                            f"日期 {day.isoformat()} 不在本期（{period}）内")
        openings = tuple(result.openings)
    else:
        balances = tuple(BalanceReader(sheet, match.columns, default_account).read(body))
        period = period_hint[0] if period_hint else None
        if period is None:
            sheet.error("period", sheet.place(0), f"{NO_PERIOD}（标题中应写明期间，如“期间：2026年10月”）")
    if failed:
        return _unreadable(name, failed[0], book)

    return ParsedLedger(
        file_name=name,
        shape=match.shape,
        period=period,
        openings=openings,
        balances=balances,
        problems=tuple(sheet.problems),
        sheet=sheet_name,
        header_row=match.header_row + 1,
        columns={k: column_letter(c) for k, c in sorted(match.columns.items(), key=lambda kv: kv[1])},
        file_format=book.file_format,
        encoding=book.encoding,
    )


def _until_unreadable(rows, failed: list):
    """The rows until one cannot be read; the reason goes to ``failed`` and the file is then refused whole."""
    try:
        yield from rows
    except UnreadableLedger as exc:
        failed.append(exc)


def _unreadable(name: str, exc: UnreadableLedger, book: RawBook) -> ParsedLedger:
    place, _, message = str(exc).partition(": ")
    return ParsedLedger(name, None, None, problems=(Problem(ProblemLevel.ERROR, "file", place, message),),
                        file_format=book.file_format, encoding=book.encoding)


def _choose_sheet(
    book: RawBook, aliases
) -> tuple[tuple[str, HeaderMatch, list[list[object]]] | None, list[str]]:
    """The visible sheet with the best header, and its top rows; the other ledger-like sheets are
    named in a warning."""
    found = []
    for index, sheet_name in enumerate(book.sheet_names):
        head = book.head(sheet_name, SCAN_ROWS + 1)
        match = find_header(head, book.merged(sheet_name), aliases)
        if match is not None:
            found.append(((book.visible(sheet_name), match.score, -index), sheet_name, match, head))
    if not found:
        return None, []
    found.sort(key=lambda t: t[0], reverse=True)
    _, sheet_name, match, head = found[0]
    return (sheet_name, match, head), [s for rank, s, _, _ in found[1:] if rank[0]]


def _title_cells(rows, top: int, sheet: Sheet) -> list[tuple[str, str]]:
    out = []
    for r in range(min(top, len(rows))):
        for c, value in enumerate(rows[r]):
            if isinstance(value, str) and value.strip():
                out.append((value.strip(), sheet.place(r, c)))
    return out


def _title_account(titles) -> str | None:
    """应收账款明细账 / 科目：1122 应收账款 above the header names the account for every row."""
    found = {acct for text, _ in titles for acct in [normalise_account(text)[0]] if acct}
    return found.pop() if len(found) == 1 else None


def _title_period(titles, sheet: Sheet, strict: bool) -> tuple[str, str] | None:
    """(YYYY-MM, place) from the title; a title spanning several months is an error for a 余额表."""
    months = title_months(titles)
    distinct = sorted({m for m, _ in months})
    if not distinct:
        return None
    if len(distinct) > 1:
        if strict:
            sheet.error(
                "period", months[0][1],
                f"期间跨多个月（{distinct[0]} 至 {distinct[-1]}），每个文件只能是一个月",
            )
        return None
    return distinct[0], months[0][1]


def _detail_period(months: Counter, hint, sheet: Sheet) -> str | None:
    """The month most entries fall in; the title's period, when printed, must agree."""
    if not months:
        if hint:
            return hint[0]
        sheet.error("period", sheet.place(0), f"{NO_PERIOD}（没有带日期的账行，标题中也没有期间）")
        return None
    (year, month), _ = max(months.items(), key=lambda kv: (kv[1], kv[0]))
    period = f"{year:04d}-{month:02d}"
    if hint and hint[0] != period:
        sheet.error("period", hint[1], f"标题期间 {hint[0]} 与账行日期不符（多数在 {period}）")
    return period
