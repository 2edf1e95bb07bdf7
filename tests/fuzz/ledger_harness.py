"""One mutated ledger file through the real ingest, and the proof of how it ended.

Each input is dropped into the inbox of a real workspace — fresh, or one
whose store already holds the sample's previous month, so the opening
balance checks against history run too — and taken by ``ingest_files``, the
one path ``run``, ``watch`` and the ribbon use. Then:

* accepted: inbox empty, the archive holds the very bytes, the store one new
  file whose rows ``ledger_oracle`` proves against an openpyxl/csv read of
  the same bytes;
* rejected: every error clear (``outcome.assert_clear``), the file and its
  ``.error.txt`` in quarantine, the store's ledger tables and the archive
  exactly as before;
* anything else (an exception, a file left half-way) fails the example.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from credit_workbook.errors import UserError
from credit_workbook.ingest import IngestReport, ingest_files
from credit_workbook.policy import Policy
from credit_workbook.store import Store
from credit_workbook.workspace import SUBDIRS, Workspace

from .outcome import CLEAR_ERROR, CORRECT, assert_clear, names_a_cell

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
LEDGERS = SAMPLES / "ledgers"

# sample → the sample of the month before it (ingested first when the example asks for history)
PRIMERS = {
    "应收账款明细账_202510.xlsx": None,
    "应收账款明细账_202601.xlsx": "应收账款明细账_202512.xlsx",
    "预付账款明细账2026年2月.xlsx": "预付账款明细账2026年1月.xlsx",
    "预付账款明细账2025年11月.xlsx": "往来余额表_2025年10月.xlsx",
    "往来余额表_2025年10月.xlsx": None,
    "预收账款明细账_202610.xlsx": None,
    "应收账款明细账_202610_手工修改.xlsx": "应收账款明细账_202609.xlsx",
    "应收明细_202603.csv": "应收账款明细账_202602.xlsx",
}
# the small ones more often: a mutation of a 400-row ledger mostly proves its balance check again
XLSX_BASES = ("预付账款明细账2026年2月.xlsx", "预收账款明细账_202610.xlsx", "往来余额表_2025年10月.xlsx",
              "预付账款明细账2025年11月.xlsx", "应收账款明细账_202510.xlsx", "应收账款明细账_202601.xlsx",
              "应收账款明细账_202610_手工修改.xlsx")
CSV_BASE = "应收明细_202603.csv"

LEDGER_TABLES = ("ledger_files", "ledger_entries", "ledger_openings", "ledger_balances")


def make_workspace(root: Path) -> Workspace:
    for sub in SUBDIRS:
        (root / sub).mkdir(parents=True, exist_ok=True)
    return Workspace(root)


class Templates:
    """Workspaces to copy per example, built once per session: empty, or primed with the month before."""

    def __init__(self, root: Path):
        self.root = root
        self._built: dict[tuple[str, bool], Path] = {}

    def get(self, base: str, history: bool) -> Path:
        primer = PRIMERS.get(base) if history else None
        key = (base, primer is not None)
        if key not in self._built:
            folder = self.root / f"{len(self._built):02d}"
            ws = make_workspace(folder)
            with Store(ws.store_path):
                pass
            if primer:
                shutil.copy(LEDGERS / primer, ws.inbox / primer)
                with Store(ws.store_path) as store:
                    report = ingest_files(ws, store, Policy(), [ws.inbox / primer])
                assert [a.file for a in report.accepted] == [primer], report.summary_lines()
            self._built[key] = folder
        return self._built[key]


def ledger_rows(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in LEDGER_TABLES}


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Ingested:
    ws: Workspace
    name: str
    data: bytes
    report: IngestReport
    before_rows: dict[str, int]
    before_archive: dict[str, bytes]

    @property
    def accepted(self) -> bool:
        return bool(self.report.accepted)

    def file_id(self) -> int:
        with sqlite3.connect(self.ws.store_path) as db:
            import hashlib

            row = db.execute("SELECT id FROM ledger_files WHERE sha256 = ?",
                             (hashlib.sha256(self.data).hexdigest(),)).fetchone()
        assert row is not None, "accepted, yet the store has no file with these bytes"
        return row[0]


def ingest_bytes(template: Path, work: Path, name: str, data: bytes) -> Ingested:
    """Copy the template workspace to ``work``, drop ``data`` as inbox/``name``, ingest it."""
    shutil.copytree(template, work)
    ws = Workspace(work)
    before_rows = ledger_rows(ws.store_path)
    before_archive = files_under(ws.root / "archive")
    path = ws.inbox / name
    path.write_bytes(data)
    with Store(ws.store_path) as store:
        try:
            report = ingest_files(ws, store, Policy(), [path])
        except UserError as exc:  # the contract is a quarantined file, not an exception
            raise AssertionError(f"ingest_files raised {type(exc).__name__} instead of quarantining: {exc}") from exc
    return Ingested(ws, name, data, report, before_rows, before_archive)


def check_common(result: Ingested) -> None:
    """What holds whatever the verdict: one file, one verdict, inbox empty, staging cleaned."""
    report = result.report
    verdicts = len(report.accepted) + len(report.rejected) + len(report.duplicates)
    assert verdicts == 1, report.summary_lines()
    assert not any(result.ws.inbox.iterdir()), "the file was left in the inbox"
    staging = result.ws.state / "ingest"
    assert not staging.exists() or not any(p.is_file() for p in staging.iterdir())


def check_rejected(result: Ingested, *, want_cell: bool = False) -> str:
    """A rejection that is complete and clean; returns the outcome label."""
    (rejected,) = result.report.rejected
    assert result.report.exit_code == 2
    assert rejected.errors, "rejected without a reason"
    for message in rejected.errors:
        assert_clear(message, result.name)
    if want_cell:
        assert any(names_a_cell(m, result.name) for m in rejected.errors), (
            f"a cell was changed, yet no error names a cell: {rejected.errors}")
    quarantine = result.ws.quarantine
    assert rejected.quarantined == f"quarantine/{result.name}"
    assert (quarantine / result.name).read_bytes() == result.data, "quarantined copy differs from the input"
    note = (quarantine / f"{result.name}.error.txt").read_text(encoding="utf-8")
    for message in rejected.errors:
        assert message in note
    assert ledger_rows(result.ws.store_path) == result.before_rows, "a rejected file changed the store"
    assert files_under(result.ws.root / "archive") == result.before_archive, "a rejected file reached the archive"
    return CLEAR_ERROR


def check_accepted_files(result: Ingested) -> int:
    """The store and archive sides of an acceptance; returns the new file's id."""
    (accepted,) = result.report.accepted
    assert result.report.exit_code == 0
    assert (result.ws.root / accepted.archived).read_bytes() == result.data, "archived bytes differ"
    after = ledger_rows(result.ws.store_path)
    assert after["ledger_files"] == result.before_rows["ledger_files"] + 1
    return result.file_id()


def stored(db_path: Path, file_id: int) -> dict[str, list[tuple]]:
    with sqlite3.connect(db_path) as db:
        return {
            "entries": db.execute("SELECT code, name, account, day, debit, credit, balance, place FROM ledger_entries"
                                  " WHERE file_id = ? ORDER BY rowid", (file_id,)).fetchall(),
            "openings": db.execute("SELECT code, name, account, balance, place FROM ledger_openings"
                                   " WHERE file_id = ? ORDER BY rowid", (file_id,)).fetchall(),
            "balances": db.execute("SELECT code, name, account, opening, debit, credit, closing, place"
                                   " FROM ledger_balances WHERE file_id = ? ORDER BY rowid", (file_id,)).fetchall(),
        }


def scratch() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="credit-fuzz-")


__all__ = ["CORRECT", "CLEAR_ERROR", "Ingested", "Templates", "check_accepted_files", "check_common",
           "check_rejected", "ingest_bytes", "scratch", "stored"]
