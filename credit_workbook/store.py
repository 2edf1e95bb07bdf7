"""The embedded store (SQLite under ``.credit/``): runs, ratings, the audit log and the ledger history.

The schema carries a version (``PRAGMA user_version``) and grows only by
appending to ``MIGRATIONS``, so a workspace made by an older release opens
in a newer one. WAL mode and one transaction per unit of work mean a kill
leaves the store as it was before that unit.
"""

from __future__ import annotations

import getpass
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from credit_workbook.killpoints import checkpoint

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, ratings, audit log
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        period TEXT NOT NULL,
        as_of TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        summary TEXT
    );
    CREATE TABLE ratings (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        counterparty_type TEXT,
        grade TEXT NOT NULL,
        reasons TEXT NOT NULL,
        cap_long TEXT NOT NULL,
        cap_temp TEXT NOT NULL,
        proposed_type TEXT NOT NULL,
        proposed_limit TEXT NOT NULL,
        survey_file TEXT NOT NULL,
        PRIMARY KEY (run_id, code)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    """,
    # 2: ledger history (SPEC §4). Amounts are Decimal text, days ISO text:
    # SQLite's numbers are floats, and a float has already lost the cents.
    # ``accounts`` is the file's account scope (JSON list, "" = not named),
    # which decides what a correction replaces; ``archived_at`` stays NULL
    # between the commit and the verified archive copy, so a run killed in
    # that window is finished by the next one instead of being taken for a
    # duplicate.
    """
    CREATE TABLE ledger_files (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        original_name TEXT NOT NULL,
        archived_path TEXT NOT NULL,
        period TEXT NOT NULL,
        shape TEXT NOT NULL,
        accounts TEXT NOT NULL,
        file_format TEXT,
        encoding TEXT,
        size INTEGER NOT NULL,
        ingested_at TEXT NOT NULL,
        archived_at TEXT,
        superseded_by INTEGER REFERENCES ledger_files(id)
    );
    CREATE INDEX ledger_files_period ON ledger_files(period);
    CREATE TABLE ledger_entries (
        file_id INTEGER NOT NULL REFERENCES ledger_files(id),
        code TEXT,
        name TEXT,
        account TEXT,
        day TEXT NOT NULL,
        debit TEXT NOT NULL,
        credit TEXT NOT NULL,
        balance TEXT,
        voucher TEXT,
        summary TEXT,
        place TEXT NOT NULL
    );
    CREATE INDEX ledger_entries_code ON ledger_entries(code);
    CREATE INDEX ledger_entries_file ON ledger_entries(file_id);
    CREATE TABLE ledger_openings (
        file_id INTEGER NOT NULL REFERENCES ledger_files(id),
        code TEXT,
        name TEXT,
        account TEXT,
        balance TEXT NOT NULL,
        place TEXT NOT NULL
    );
    CREATE INDEX ledger_openings_code ON ledger_openings(code);
    CREATE INDEX ledger_openings_file ON ledger_openings(file_id);
    CREATE TABLE ledger_balances (
        file_id INTEGER NOT NULL REFERENCES ledger_files(id),
        code TEXT,
        name TEXT,
        account TEXT,
        opening TEXT NOT NULL,
        debit TEXT NOT NULL,
        credit TEXT NOT NULL,
        closing TEXT NOT NULL,
        place TEXT NOT NULL
    );
    CREATE INDEX ledger_balances_code ON ledger_balances(code);
    CREATE INDEX ledger_balances_file ON ledger_balances(file_id)
    """,
    # 3: every version of the register seen by a run (R10 compares with the one before)
    """
    CREATE TABLE register_versions (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL,
        approved TEXT NOT NULL
    )
    """,
)


def _who() -> str:
    """``user@host``: a workspace on a network share is used from several machines."""
    import socket

    try:
        user = getpass.getuser()
    except Exception:  # no login name in some service contexts
        user = "unknown"
    try:
        host = socket.gethostname() or "unknown"
    except OSError:
        host = "unknown"
    return f"{user}@{host}"


class Store:
    def __init__(self, path: Path):
        from credit_workbook.fileio import PRIVATE_DIR, open_private, private_dir, tighten

        self.path = Path(path)
        private_dir(self.path.parent)
        tighten(self.path.parent, PRIVATE_DIR)
        # Owner-only before SQLite opens it: SQLite gives -wal and -shm the mode of the database.
        open_private(self.path, "ab").close()
        for suffix in ("-wal", "-shm"):
            tighten(self.path.with_name(self.path.name + suffix))
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        self._migrate()

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            from credit_workbook.errors import WorkspaceError

            raise WorkspaceError(f"{self.path}: 数据库版本 {current} 比本程序新，请升级 credit_workbook")
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # audit -----------------------------------------------------------------
    # Who (``user@host``), when (local time with its UTC offset), what, and the files it touched —
    # never a secret: callers pass names, paths, counts and digests, not passwords or file contents.
    def audit(self, action: str, **detail) -> None:
        self.db.execute(
            "INSERT INTO audit(at, who, action, detail) VALUES (?, ?, ?, ?)",
            (datetime.now().astimezone().isoformat(timespec="seconds"), _who(), action,
             json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)),
        )

    def audit_files(self, action: str, root: Path, paths: Iterable[Path], **detail) -> None:
        """One audit row naming each file written: its path in the workspace, size and sha256."""
        detail["files"] = [file_record(root, p) for p in paths]
        self.audit(action, **detail)

    def audit_rows(self, action: str | None = None) -> list[tuple[str, str, str, dict]]:
        sql = "SELECT at, who, action, detail FROM audit"
        args: tuple = ()
        if action:
            sql += " WHERE action = ?"
            args = (action,)
        return [(a, w, act, json.loads(d)) for a, w, act, d in self.db.execute(sql + " ORDER BY id", args)]

    # runs and ratings ------------------------------------------------------
    def record_run(self, command: str, period: str, as_of: str, started_at: datetime,
                   ratings: list[dict], summary: dict) -> int:
        """One finished run and its ratings, all or nothing."""
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO runs(command, period, as_of, started_at, finished_at, status, summary)"
                " VALUES (?, ?, ?, ?, ?, 'done', ?)",
                (command, period, as_of, started_at.isoformat(timespec="seconds"),
                 datetime.now().isoformat(timespec="seconds"),
                 json.dumps(summary, ensure_ascii=False, sort_keys=True)),
            )
            run_id = cur.lastrowid
            self.db.executemany(
                "INSERT INTO ratings(run_id, code, name, counterparty_type, grade, reasons, cap_long, cap_temp,"
                " proposed_type, proposed_limit, survey_file)"
                " VALUES (:run_id, :code, :name, :type, :grade, :reasons, :cap_long, :cap_temp,"
                " :proposed_type, :proposed_limit, :survey_file)",
                [{**r, "run_id": run_id, "reasons": json.dumps(r["reasons"], ensure_ascii=False)} for r in ratings],
            )
            self.audit(command, run_id=run_id, period=period, as_of=as_of, counterparties=len(ratings))
            checkpoint("run_recorded")  # test hook: see killpoints.py
        checkpoint("run_committed")
        return run_id

    def remember_register(self, sha256: str, approved: dict[str, dict]) -> None:
        """Keep the approved rows of a register version the first time a run sees it."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO register_versions(sha256, first_seen, approved) VALUES (?, ?, ?)",
                (sha256, datetime.now().isoformat(timespec="seconds"),
                 json.dumps(approved, ensure_ascii=False, sort_keys=True, default=str)),
            )

    def previous_register(self, sha256: str) -> dict[str, dict]:
        """Approved rows of the version seen before ``sha256`` ({} when it is the first)."""
        row = self.db.execute(
            "SELECT approved FROM register_versions WHERE id < (SELECT id FROM register_versions WHERE sha256 = ?)"
            " ORDER BY id DESC LIMIT 1", (sha256,)).fetchone()
        return json.loads(row[0]) if row else {}

    def latest_rating(self, code: str) -> dict | None:
        """The grade in force: this counterparty's rating in the most recent run (by period, then run)."""
        row = self.db.execute(
            "SELECT r.code, r.name, r.counterparty_type, r.grade, runs.period FROM ratings r"
            " JOIN runs ON runs.id = r.run_id WHERE r.code = ? AND runs.status = 'done'"
            " ORDER BY runs.period DESC, runs.id DESC LIMIT 1", (code,)).fetchone()
        if row is None:
            return None
        return dict(zip(("code", "name", "type", "grade", "period"), row))

    def previous_grades(self, period: str) -> dict[str, str]:
        """Grades of the latest run for an earlier period: what Form 2 compares against.

        Re-running the same period never compares with itself, so its output
        stays the same however often it runs.
        """
        row = self.db.execute(
            "SELECT id FROM runs WHERE period < ? AND status = 'done' ORDER BY period DESC, id DESC LIMIT 1",
            (period,),
        ).fetchone()
        if row is None:
            return {}
        return dict(self.db.execute("SELECT code, grade FROM ratings WHERE run_id = ?", (row[0],)))

    # ledger history (migration 2) -------------------------------------------
    # The insert/supersede methods run inside the caller's ``transaction()``:
    # one ledger file, its rows, the supersession and its audit row commit
    # together or not at all.

    def ledger_file(self, sha256: str) -> "LedgerFile | None":
        row = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM ledger_files WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else LedgerFile(*row)

    def ledger_file_by_id(self, file_id: int) -> "LedgerFile | None":
        row = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM ledger_files WHERE id = ?", (file_id,)).fetchone()
        return None if row is None else LedgerFile(*row)

    def ledger_files(self, active_only: bool = False) -> list["LedgerFile"]:
        """Files in period order, then in the order they were ingested."""
        where = " WHERE superseded_by IS NULL" if active_only else ""
        return [LedgerFile(*r) for r in self.db.execute(
            f"SELECT {_FILE_COLUMNS} FROM ledger_files{where} ORDER BY period, id")]

    def insert_ledger_file(self, record: dict, entries: Iterable[tuple], openings: Iterable[tuple],
                           balances: Iterable[tuple]) -> int:
        """One file row and its rows; tuples are in the column order of their tables, without file_id."""
        cur = self.db.execute(
            "INSERT INTO ledger_files(sha256, original_name, archived_path, period, shape, accounts,"
            " file_format, encoding, size, ingested_at)"
            " VALUES (:sha256, :original_name, :archived_path, :period, :shape, :accounts,"
            " :file_format, :encoding, :size, :ingested_at)",
            record,
        )
        file_id = cur.lastrowid
        self.db.executemany(
            "INSERT INTO ledger_entries(file_id, code, name, account, day, debit, credit, balance, voucher,"
            " summary, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((file_id, *e) for e in entries),
        )
        self.db.executemany(
            "INSERT INTO ledger_openings(file_id, code, name, account, balance, place) VALUES (?, ?, ?, ?, ?, ?)",
            ((file_id, *o) for o in openings),
        )
        self.db.executemany(
            "INSERT INTO ledger_balances(file_id, code, name, account, opening, debit, credit, closing, place)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((file_id, *b) for b in balances),
        )
        return file_id

    def supersede_ledger_files(self, old_ids: Iterable[int], new_id: int) -> None:
        self.db.executemany("UPDATE ledger_files SET superseded_by = ? WHERE id = ?",
                            [(new_id, old) for old in old_ids])

    def mark_ledger_archived(self, file_id: int, archived_path: str | None = None) -> None:
        """The archive copy is verified: from now on the same bytes in the inbox are a duplicate."""
        now = datetime.now().isoformat(timespec="seconds")
        if archived_path is None:
            self.db.execute("UPDATE ledger_files SET archived_at = ? WHERE id = ?", (now, file_id))
        else:
            self.db.execute("UPDATE ledger_files SET archived_at = ?, archived_path = ? WHERE id = ?",
                            (now, archived_path, file_id))

    def set_ledger_archived_path(self, file_id: int, archived_path: str) -> None:
        self.db.execute("UPDATE ledger_files SET archived_path = ? WHERE id = ?", (archived_path, file_id))

    def ledger_rows(self, table: str, active_only: bool = True) -> Iterator[tuple]:
        """Raw rows of ``ledger_entries`` / ``ledger_openings`` / ``ledger_balances`` with the file's period
        first: ``(period, file_id, <the table's columns after file_id>)``, in period, file and row order.

        A cursor, not a list: a history of millions of entries is read row by row, never held.
        """
        columns = _ROW_COLUMNS[table]
        where = " WHERE f.superseded_by IS NULL" if active_only else ""
        return self.db.execute(
            f"SELECT f.period, t.file_id, {', '.join('t.' + c for c in columns)} FROM {table} t"
            f" JOIN ledger_files f ON f.id = t.file_id{where} ORDER BY f.period, t.file_id, t.rowid"
        )

    # A file's entries wait in a TEMP table while the file is checked: the parser streams them there,
    # and the file's one transaction copies them into ledger_entries in SQL. TEMP tables belong to this
    # connection and live in a file SQLite has already unlinked, so a killed process leaves nothing.

    def stage_entries(self) -> str:
        """A new, empty staging table for one file's entries (its name)."""
        table = f"staged_entries_{next(_STAGE_NUMBERS)}"
        # A million staged lines belong on disk, not in RAM. (Changing temp_store drops existing TEMP
        # tables; setting the value it already has is a no-op, so later files keep theirs.)
        self.db.execute("PRAGMA temp_store = FILE")
        self.db.execute(f"CREATE TEMP TABLE {table} ({', '.join(_ROW_COLUMNS['ledger_entries'])})")
        return table

    def add_staged_entries(self, table: str, rows: Iterable[tuple]) -> None:
        """Rows in the column order of ``ledger_entries``, without file_id."""
        marks = ", ".join("?" * len(_ROW_COLUMNS["ledger_entries"]))
        self.db.executemany(f"INSERT INTO temp.{table} VALUES ({marks})", rows)

    def insert_staged_entries(self, table: str, file_id: int) -> int:
        """Copy a staging table into ``ledger_entries`` under ``file_id``, in staging order (the caller's
        transaction); the number of rows."""
        columns = ", ".join(_ROW_COLUMNS["ledger_entries"])
        # the indexes of a million-row insert want more than the default 2 MiB of page cache
        self.db.execute(f"PRAGMA main.cache_size = -{_INSERT_CACHE_KIB}")
        return self.db.execute(
            f"INSERT INTO ledger_entries(file_id, {columns}) SELECT ?, {columns} FROM temp.{table} ORDER BY rowid",
            (file_id,),
        ).rowcount

    def drop_staged_entries(self, table: str) -> None:
        self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def ledger_file_row_counts(self, file_id: int) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t} WHERE file_id = ?", (file_id,)).fetchone()[0]
                for t in _ROW_COLUMNS}

    def ledger_row_counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("ledger_files", *_ROW_COLUMNS)}


def file_record(root: Path, path: Path) -> dict:
    """What the audit log keeps of a file: where (relative to the workspace), how big, which bytes."""
    import hashlib

    path = Path(path)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    try:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            size = fh.tell()
    except OSError:
        return {"path": rel, "missing": True}
    return {"path": rel, "bytes": size, "sha256": digest}


_STAGE_NUMBERS = itertools.count(1)
_INSERT_CACHE_KIB = 16 << 10
_FILE_COLUMNS = ("id, sha256, original_name, archived_path, period, shape, accounts, file_format, encoding,"
                 " size, ingested_at, archived_at, superseded_by")
_ROW_COLUMNS = {
    "ledger_entries": ("code", "name", "account", "day", "debit", "credit", "balance", "voucher", "summary",
                       "place"),
    "ledger_openings": ("code", "name", "account", "balance", "place"),
    "ledger_balances": ("code", "name", "account", "opening", "debit", "credit", "closing", "place"),
}


@dataclass(frozen=True)
class LedgerFile:
    """One ingested ledger file; ``superseded_by`` is the id of the correction that replaced it."""

    id: int
    sha256: str
    original_name: str
    archived_path: str  # relative to the workspace, posix: archive/2026-09/应收账款明细账.xlsx
    period: str
    shape: str
    accounts: str  # JSON list of account names, "" for rows that name none
    file_format: str | None
    encoding: str | None
    size: int
    ingested_at: str
    archived_at: str | None
    superseded_by: int | None

    @property
    def account_set(self) -> frozenset[str]:
        return frozenset(json.loads(self.accounts))
