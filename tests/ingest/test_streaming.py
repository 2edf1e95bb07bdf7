"""Entries stream from the file into a staging table and reach the history in the file's one transaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import credit_workbook
from credit_workbook.ingest import ingest_inbox
from credit_workbook.policy import Policy
from credit_workbook.store import Store

from .conftest import make_workspace
from .ledgers import august, july, write_balance, write_detail


def _temp_tables(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")]


def test_every_staging_table_is_gone_after_a_run(ws):
    """Accepted, quarantined and same-bytes-twice files: each had its staging table, none is left."""
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    (ws.inbox / "七月副本.xlsx").write_bytes((ws.inbox / "七月.xlsx").read_bytes())
    write_detail(ws.inbox / "八月.xlsx", "2026-08", august())
    write_balance(ws.inbox / "九月.xlsx", "2026-09", [("C001", "华东机械有限公司", 1, 1, 0)], tweaks={"F4": 5})
    with Store(ws.store_path) as store:
        report = ingest_inbox(ws, store, Policy())
        assert _temp_tables(store) == []
        entries = store.db.execute("SELECT file_id, day, debit, place FROM ledger_entries ORDER BY rowid").fetchall()
    assert [a.file for a in report.accepted] == ["七月.xlsx", "八月.xlsx"]
    assert report.duplicates == ["七月副本.xlsx"] and [r.file for r in report.rejected] == ["九月.xlsx"]
    assert [a.entries for a in report.accepted] == [3, 4] == [sum(f == i for f, *_ in entries) for i in (1, 2)]
    # in the file's row order, each at its cell
    assert [(day, place) for f, day, _, place in entries if f == 1] == [
        ("2026-07-05", "七月.xlsx!明细账!A6"), ("2026-07-20", "七月.xlsx!明细账!A7"),
        ("2026-07-08", "七月.xlsx!明细账!A11")]


def test_a_run_that_fails_midway_leaves_no_staging_behind(ws):
    """The archive folder is taken by a file: the copy fails for real, and the connection is clean after."""
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    (ws.root / "archive" / "2026-07").write_bytes(b"not a folder")
    with Store(ws.store_path) as store:
        with pytest.raises(OSError):
            ingest_inbox(ws, store, Policy())
        assert _temp_tables(store) == []
        assert store.ledger_row_counts()["ledger_entries"] == 3  # committed; the next run archives it


def _big_csv(path: Path, lines: int, customers: int = 500) -> None:
    """A 金蝶-style flat CSV 明细账 (code and name on every line), balances per customer."""
    balances = [0] * customers
    day0 = date(2026, 10, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("往来明细账\n期间：2026年10月\n日期,凭证号,客户编码,客户名称,摘要,借方,贷方,方向,余额\n")
        for i in range(lines):
            k = i % customers
            amount = 100 + i % 997
            balances[k] += amount
            fh.write(f"{day0 + timedelta(days=i % 31)},记-{i},K{k:04d},客户{k}有限公司,销售发货,"
                     f"\"{amount:,}.00\",,借,\"{balances[k]:,}.00\"\n")


CHILD = """
import json, resource, sys
from pathlib import Path
from credit_workbook.ingest import ingest_inbox
from credit_workbook.policy import Policy
from credit_workbook.store import Store
from credit_workbook.workspace import Workspace, workspace_lock
ws = Workspace(Path(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with workspace_lock(ws), Store(ws.store_path) as store:
    report = ingest_inbox(ws, store, Policy())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"accepted": [a.entries for a in report.accepted], "rejected": len(report.rejected),
                  "growth_mib": (after - before) / 1024}))
"""


@pytest.mark.slow
def test_a_300k_line_export_is_ingested_in_little_memory(tmp_path):
    """Rows, entries and store tuples are never all held: the growth stays flat whatever the length."""
    ws = make_workspace(tmp_path / "ws")
    _big_csv(ws.inbox / "往来明细账.csv", 300_000)
    env = dict(os.environ, PYTHONPATH=str(Path(credit_workbook.__file__).parents[1]))
    out = subprocess.run([sys.executable, "-c", CHILD, str(ws.root)], env=env, capture_output=True, text=True,
                         check=True).stdout
    result = json.loads(out)
    assert result["accepted"] == [300_000] and result["rejected"] == 0
    assert result["growth_mib"] < 60, result  # streaming: ~16 MiB; holding everything: ~430 MiB
    with Store(ws.store_path) as store:
        assert store.ledger_row_counts()["ledger_entries"] == 300_000
