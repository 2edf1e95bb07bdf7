"""A real SIGKILL at every checkpoint of an ingest, then a normal run: the end state is as if nothing happened.

The ingest runs in a child process that kills itself at the checkpoint
named by ``CREDIT_WORKBOOK_TEST_KILL_AT`` (the test hook in ingest.py);
the reference is the same inbox ingested without interruption.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import credit_workbook
from credit_workbook.ingest import CHECKPOINTS, KILL_ENV
from credit_workbook.store import Store

from .conftest import ingest, make_workspace, store_state, tree
from .ledgers import august, july, write_balance, write_detail

CHILD = """
import sys
from pathlib import Path
from credit_workbook.ingest import ingest_inbox
from credit_workbook.policy import Policy
from credit_workbook.store import Store
from credit_workbook.workspace import Workspace, workspace_lock

ws = Workspace(Path(sys.argv[1]))
with workspace_lock(ws), Store(ws.store_path) as store:
    ingest_inbox(ws, store, Policy())
"""

JULY, AUGUST, BROKEN = "七月.xlsx", "八月.xlsx", "九月余额表.xlsx"


def drop(inbox: Path) -> None:
    write_detail(inbox / JULY, "2026-07", july())
    write_detail(inbox / AUGUST, "2026-08", august())
    write_balance(inbox / BROKEN, "2026-09", [("C001", "华东机械有限公司", D("15345.67"), D("1"), D("0"))],
                  tweaks={"F4": 1})  # 期末余额 should be 15,346.67


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("reference") / "ws")
    drop(ws.inbox)
    report = ingest(ws)
    assert [a.file for a in report.accepted] == [JULY, AUGUST] and [r.file for r in report.rejected] == [BROKEN]
    return tree(ws), store_state(ws)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def ledger_state(ws) -> tuple[int, int]:
    """(files in the store, files committed but not yet archived)."""
    with Store(ws.store_path) as store:
        files = store.ledger_files()
    return len(files), sum(f.archived_at is None for f in files)


# What the folders and the store hold at the moment of the kill: the first file
# to reach a checkpoint is July (August for none of them, the broken one for after_note).
AT_KILL = {
    "after_parse": ((0, 0), [BROKEN, AUGUST, JULY], []),
    "after_insert": ((0, 0), [BROKEN, AUGUST, JULY], []),
    "after_commit": ((1, 1), [BROKEN, AUGUST, JULY], []),
    "after_archive": ((1, 1), [BROKEN, AUGUST, JULY], [JULY]),
    "after_unlink": ((1, 1), [BROKEN, AUGUST], [JULY]),
    "after_note": ((2, 0), [BROKEN], [AUGUST, JULY]),
}


def test_every_checkpoint_is_covered():
    assert set(AT_KILL) == set(CHECKPOINTS)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_a_kill_at_any_point_is_finished_by_the_next_run(checkpoint, tmp_path, reference):
    ws = make_workspace(tmp_path / "ws")
    drop(ws.inbox)
    root = Path(credit_workbook.__file__).resolve().parent.parent
    env = {**os.environ, KILL_ENV: checkpoint,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    child = subprocess.run([sys.executable, "-c", CHILD, str(ws.root)], env=env, capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr

    in_store, inbox, archive = AT_KILL[checkpoint]
    assert ledger_state(ws) == in_store
    assert sorted(names(ws.inbox)) == sorted(inbox)
    assert sorted(names(ws.root / "archive")) == sorted(archive)
    if checkpoint == "after_note":
        assert names(ws.quarantine) == [f"{BROKEN}.error.txt"]

    report = ingest(ws)  # the next, uninterrupted run
    assert report.rejected and report.rejected[0].file == BROKEN
    reference_tree, reference_store = reference
    assert tree(ws) == reference_tree
    assert store_state(ws) == reference_store
    assert names(ws.inbox) == []
    assert names(ws.state / "ingest") == []
    if checkpoint in ("after_commit", "after_archive"):
        assert [(a.file, a.resumed) for a in report.accepted] == [(JULY, True), (AUGUST, False)]
