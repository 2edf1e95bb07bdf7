"""Real processes killed for real: helpers to run the CLI in a child and to judge what a kill left.

A child is ``python -m credit_workbook …`` with this checkout first on
``PYTHONPATH``; ``CREDIT_WORKBOOK_TEST_KILL_AT`` (``killpoints.py``, and
the ingest's own checkpoints) makes it SIGKILL itself at the named point.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import credit_workbook
from credit_workbook.killpoints import ENV as KILL_ENV
from credit_workbook.workspace import _TEMP

CHILD_TIMEOUT = 180
REPO = Path(credit_workbook.__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
               PYTHONUNBUFFERED="1", **extra)
    return env


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``credit-workbook ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "credit_workbook", *map(str, args)], env=child_env(**env),
                          capture_output=True, text=True, encoding="utf-8", timeout=CHILD_TIMEOUT)


def killed(point: str, *args: str) -> subprocess.CompletedProcess:
    """The command, SIGKILLed at ``point``; fails the test when it ran to its end instead."""
    done = cli(*args, **{KILL_ENV: point})
    assert done.returncode == -signal.SIGKILL, f"{point}: not killed (exit {done.returncode})\n{done.stderr}"
    return done


def digests(folder: Path, *, skip_state: bool = True) -> dict[str, str]:
    """Every file under ``folder`` (not .credit/) → sha256; .error.txt without its clock line."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if not p.is_file() or (skip_state and rel.startswith(".credit/")):
            continue
        data = p.read_bytes()
        if p.name.endswith(".error.txt"):
            data = b"\n".join(line for line in data.split(b"\n") if not line.startswith("检查时间".encode()))
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


def temp_debris(root: Path) -> list[str]:
    """Temp files of an interrupted atomic write (``fileio.atomic_target``) anywhere in the workspace."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and _TEMP.match(p.name))


def assert_store_consistent(store_path: Path) -> dict:
    """SQLite's own checks, and no half run: every run is done and has exactly the ratings it counted."""
    db = sqlite3.connect(store_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        runs = db.execute("SELECT id, status, summary FROM runs ORDER BY id").fetchall()
        for run_id, status, summary in runs:
            rated = db.execute("SELECT COUNT(*) FROM ratings WHERE run_id = ?", (run_id,)).fetchone()[0]
            assert status == "done" and rated == json.loads(summary)["rated"], (run_id, status, rated, summary)
        orphans = db.execute("SELECT COUNT(*) FROM ratings WHERE run_id NOT IN (SELECT id FROM runs)").fetchone()[0]
        assert orphans == 0
        return {"runs": len(runs)}
    finally:
        db.close()


def latest_ratings(store_path: Path, period: str) -> list[tuple]:
    """The ratings of the last run of ``period``, without the run id."""
    db = sqlite3.connect(store_path)
    try:
        row = db.execute("SELECT MAX(id) FROM runs WHERE period = ?", (period,)).fetchone()
        return db.execute("SELECT code, name, counterparty_type, grade, reasons, cap_long, cap_temp, proposed_type,"
                          " proposed_limit, survey_file FROM ratings WHERE run_id = ? ORDER BY code",
                          (row[0],)).fetchall()
    finally:
        db.close()
