"""The embedded store (SQLite under ``.credit/``): runs, ratings and the audit log.

The schema carries a version (``PRAGMA user_version``) and grows only by
appending to ``MIGRATIONS``, so a workspace made by an older release opens
in a newer one. WAL mode and one transaction per unit of work mean a kill
leaves the store as it was before that unit.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

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
)


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown"


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
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
    def audit(self, action: str, **detail) -> None:
        self.db.execute(
            "INSERT INTO audit(at, who, action, detail) VALUES (?, ?, ?, ?)",
            (datetime.now().isoformat(timespec="seconds"), _who(), action,
             json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)),
        )

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
        return run_id

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
