"""A real workspace folder and a real SQLite store per test."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from credit_workbook.ingest import ingest_inbox
from credit_workbook.policy import Policy
from credit_workbook.store import Store
from credit_workbook.workspace import SUBDIRS, Workspace


def make_workspace(root: Path) -> Workspace:
    """The folders of SPEC §2 without the templates: ingest needs none, and building them costs time."""
    for sub in SUBDIRS:
        (root / sub).mkdir(parents=True, exist_ok=True)
    return Workspace(root)


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


def ingest(ws: Workspace):
    with Store(ws.store_path) as store:
        return ingest_inbox(ws, store, Policy())


def tree(ws: Workspace) -> dict[str, str]:
    """Every user-visible file (not .credit/) → sha256; .error.txt notes without their time line."""
    out = {}
    for p in sorted(ws.root.rglob("*")):
        rel = p.relative_to(ws.root).as_posix()
        if not p.is_file() or rel.startswith(".credit/"):
            continue
        data = p.read_bytes()
        if p.name.endswith(".error.txt"):
            data = b"\n".join(line for line in data.split(b"\n") if not line.startswith("检查时间".encode()))
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


def store_state(ws: Workspace) -> dict:
    """The store's ledger history and audit log, without the clocks."""
    with Store(ws.store_path) as store:
        db = store.db
        files = [r[:10] + r[11:] for r in db.execute(
            "SELECT id, sha256, original_name, archived_path, period, shape, accounts, file_format, encoding,"
            " size, ingested_at, archived_at IS NOT NULL, superseded_by FROM ledger_files ORDER BY id")]
        return {
            "files": files,
            "entries": db.execute("SELECT * FROM ledger_entries ORDER BY rowid").fetchall(),
            "openings": db.execute("SELECT * FROM ledger_openings ORDER BY rowid").fetchall(),
            "balances": db.execute("SELECT * FROM ledger_balances ORDER BY rowid").fetchall(),
            "audit": [(a, json.dumps(d, sort_keys=True, ensure_ascii=False)) for _, _, a, d in store.audit_rows()],
        }
