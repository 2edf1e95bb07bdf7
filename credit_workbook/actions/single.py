"""The month's evaluation for one workbook at a time: what the ribbon button needs.

``rate`` and ``run`` evaluate every counterparty and write every output; a
click on a single form must not. These helpers give the same answer for the
part a click asks about, from the same pieces (``core.evaluation``, the
store's history, the register) and through the month's own evaluation where
the whole month is needed, so a form rated here is rated as ``rate`` rates it.

A dropped ledger is checked as ``run`` would ingest it — parse checks, then
the history checks and the month's rules with its rows in the history — but
against a scratch copy of the store: nothing enters the real history.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from credit_workbook.workspace import Workspace


def resolve(ws_store, period: str | None = None, as_of: date | None = None) -> tuple[str, date]:
    """The period and evaluation date ``rate`` would use (default: the latest month in history)."""
    from credit_workbook.actions.month import resolve_period
    from credit_workbook.ledger.history_store import latest_period

    return resolve_period(period, as_of, latest_period(ws_store))


def evaluate_survey(ws: Workspace, survey, problems: tuple, period: str | None = None, as_of: date | None = None):
    """One checked survey with its ledger evidence and the register in force: ``rate``'s verdict for it.

    Only this counterparty's history is built (its type decides its
    accounts), so one click costs milliseconds, not the month.
    """
    from credit_workbook.core.evaluation import evaluate_counterparty
    from credit_workbook.ledger.history_store import load_histories
    from credit_workbook.store import Store

    code, kind = survey.customer_code, survey.counterparty_type
    with Store(ws.store_path) as store:
        period, as_of = resolve(store, period, as_of)
        history = load_histories(store, {code: kind} if kind else {}).get(code)
    register = read_register_fast(ws.register)
    return evaluate_counterparty(code, survey, tuple(problems), history, register.approved.get(code), ws.policy(),
                                 period, as_of)


def read_register_fast(path: Path):
    """``forms.register_reader.read_register``'s answer without openpyxl's load (~60–150 ms, most of a click):
    the same reader over calamine's grids through the port. Tests hold the two equal on every sample."""
    from credit_workbook.core.register_checks import Register, check_register
    from credit_workbook.errors import InputRejected
    from credit_workbook.forms.register_reader import raw_register_from_workbook
    from credit_workbook.port.file import FileBook
    from credit_workbook.port.gridbook import GridBook

    path = Path(path)
    if not path.is_file():
        return Register.empty()
    try:
        book = FileBook(path)
    except InputRejected:
        from credit_workbook.forms.register_reader import read_register

        return read_register(path)  # the reader ``run`` uses says why, in its words
    return check_register(raw_register_from_workbook(GridBook(book), path.name))


@dataclass
class MonthView:
    """The month as ``rate`` sees it, without its outputs."""

    report: object  # actions.month.MonthReport: counterparties, flags, total_flags
    register: object  # core.register_checks.Register
    total: object  # core.evaluation.CompanyTotal


def evaluate_month(ws: Workspace, store, period: str | None = None, as_of: date | None = None) -> MonthView:
    """Every counterparty of the period evaluated and checked, exactly as the monthly run does it."""
    from credit_workbook.actions import month

    period, as_of = resolve(store, period, as_of)
    report = month.MonthReport(period, as_of)
    register, total = month.evaluate_period(ws, store, ws.policy(), report)  # the run's own evaluation
    return MonthView(report, register, total)


@dataclass
class LedgerPreview:
    """What ``run`` would make of a ledger file, had it been dropped into inbox/ now."""

    file_name: str
    period: str | None
    shape: str | None
    errors: list[str] = field(default_factory=list)  # "file!sheet!cell: …" — the file would be quarantined
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stored_name: str | None = None  # the name flags give the file (a known file: as first archived)
    month: MonthView | None = None
    as_of: date | None = None


def preview_ledger(ws: Workspace, path: Path) -> LedgerPreview:
    """Parse, check and evaluate ``path`` as the next ``run`` would, on a scratch copy of the store."""
    from credit_workbook.ingest import ingest_files
    from credit_workbook.ledger import parse_ledger
    from credit_workbook.store import Store

    path = Path(path)
    policy = ws.policy()
    parsed = parse_ledger(path, aliases=policy.ledger.header_aliases)
    preview = LedgerPreview(path.name, parsed.period, parsed.shape,
                            errors=[p.render() for p in parsed.errors],
                            warnings=[p.render() for p in parsed.problems if p not in parsed.errors])
    if preview.errors:
        return preview
    with tempfile.TemporaryDirectory(prefix="credit-ledger-") as tmp:
        scratch = Workspace(Path(tmp))
        scratch.inbox.mkdir(parents=True)
        scratch.state.mkdir(parents=True)
        if ws.store_path.is_file():
            copy_store(ws.store_path, scratch.store_path)
        dropped = scratch.inbox / path.name
        shutil.copyfile(path, dropped)
        with Store(scratch.store_path) as store:
            ingested = ingest_files(scratch, store, policy, [dropped])
            if ingested.rejected:
                preview.errors = [e for r in ingested.rejected for e in r.errors]
                return preview
            for a in ingested.accepted:
                preview.warnings += a.warnings
                preview.notes += [f"将替换已导入的 {old}" for old in a.superseded]
            if ingested.duplicates:
                from credit_workbook.ingest import sha256_of

                row = store.ledger_file(sha256_of(path))
                preview.stored_name = row.original_name
                preview.notes.append(f"与已导入的 {row.archived_path} 完全相同")
            preview.month = evaluate_month(ws, store, parsed.period)
            preview.as_of = preview.month.report.as_of
    preview.stored_name = preview.stored_name or path.name
    return preview


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite store (a watcher may be writing it): SQLite's own backup."""
    src = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
