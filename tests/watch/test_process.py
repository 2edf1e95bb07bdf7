"""The watcher as a separate process: killed mid-import and restarted, stopped by SIGTERM, run by cron.

The reference for "as if it had not been killed" is the same drop handled
by one uninterrupted ``watch --once``: same store rows, same audit log,
same archive, inbox, quarantine and out/ bytes.
"""

from __future__ import annotations

import io
import signal
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from ingest.conftest import store_state, tree
from ingest.ledgers import august, july, write_balance, write_detail

from credit_workbook.ingest import KILL_ENV
from credit_workbook.store import Store
from credit_workbook.watch import main as watch_main
from credit_workbook.workspace import Workspace

from .conftest import WATCH, archived, audit, child_env, names, runs, wait_for

JULY, AUGUST, BROKEN = "七月.xlsx", "八月.xlsx", "九月余额表.xlsx"
CHILD_TIMEOUT = 60


def drop(inbox: Path) -> None:
    write_detail(inbox / JULY, "2026-07", july())
    write_detail(inbox / AUGUST, "2026-08", august())
    write_balance(inbox / BROKEN, "2026-09", [("C001", "华东机械有限公司", D("15345.67"), D("1"), D("0"))],
                  tweaks={"F4": 1})  # 期末余额 should be 15,346.67


def history(ws: Workspace) -> dict:
    """Everything the user and the store keep, clocks aside: files, rows, audit, month runs."""
    return {"tree": tree(ws), "store": store_state(ws), "runs": runs(ws), "inbox": names(ws.inbox)}


@pytest.fixture(scope="module")
def reference(blank_workspace, tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("reference") / "ws"
    shutil.copytree(blank_workspace, root)
    ws = Workspace(root)
    drop(ws.inbox)
    err = io.StringIO()
    assert watch_main([str(root), "--once", "--settle", "0.2"], io.StringIO(), err) == 2, err.getvalue()
    state = history(ws)
    assert state["inbox"] == [] and state["runs"] == [("watch", "2026-08")]
    assert [d["file"] for d in audit(ws, "ingest")] == [JULY, AUGUST]
    return state


def ledger_state(ws) -> tuple[int, int]:
    """(files in the store, files committed but not yet archived)."""
    if not ws.store_path.exists():
        return 0, 0
    with Store(ws.store_path) as store:
        files = store.ledger_files()
    return len(files), sum(f.archived_at is None for f in files)


def start(ws: Workspace, **env: str) -> subprocess.Popen:
    return subprocess.Popen([*WATCH, str(ws.root), "--settle", "0.2"], env=child_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


def log_text(ws: Workspace) -> str:
    path = ws.state / "watch.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


# (files in the store, of them not archived), inbox, archive at the moment July's import is killed
AT_KILL = {
    "after_insert": ((0, 0), [AUGUST, BROKEN, JULY], []),
    "after_commit": ((1, 1), [AUGUST, BROKEN, JULY], []),
    "after_unlink": ((1, 1), [AUGUST, BROKEN], [f"2026-07/{JULY}"]),
}


@pytest.mark.parametrize("checkpoint", AT_KILL)
def test_a_watcher_killed_mid_import_is_restarted_and_the_history_is_as_if_it_had_not_been(
        ws, reference, checkpoint):
    drop(ws.inbox)
    child = start(ws, **{KILL_ENV: checkpoint})  # dies by SIGKILL inside July's import
    _, err = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == -signal.SIGKILL, err
    in_store, inbox, archive = AT_KILL[checkpoint]
    assert (ledger_state(ws), sorted(names(ws.inbox)), archived(ws)) == (in_store, sorted(inbox), archive)

    child = start(ws)  # the restart, e.g. by systemd's Restart=on-failure
    try:
        wait_for(lambda: "2026-08 月度运行完成" in log_text(ws), what="the restarted watcher to finish the job")
    finally:
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == 0, err
    assert "收到停止信号（SIGTERM），watch 已停止" in err
    assert history(ws) == reference
    if checkpoint == "after_commit":
        assert f"{JULY}：2026-07 明细账 3 笔明细，已完成上次中断的导入并归档到 archive/2026-07/{JULY}" in err


def test_once_catches_up_on_files_that_arrived_while_no_watcher_ran(ws, tmp_path):
    write_detail(ws.inbox / JULY, "2026-07", july())
    (ws.inbox / f"~${JULY}").write_bytes(b"lock")
    child = subprocess.run([*WATCH, str(ws.root), "--once", "--settle", "0.2"], env=child_env(),
                           capture_output=True, text=True, encoding="utf-8", timeout=CHILD_TIMEOUT)
    assert child.returncode == 0, child.stderr
    assert archived(ws) == [f"2026-07/{JULY}"] and names(ws.inbox) == [f"~${JULY}"]
    assert runs(ws) == [("watch", "2026-07")]
    assert "watch --once 完成" in child.stderr and "watch --once 完成" in log_text(ws)

    write_detail(ws.inbox / AUGUST, "2026-08", august())  # next time: one good file, one broken
    write_balance(ws.inbox / BROKEN, "2026-09", [("C001", "华东机械有限公司", D("15345.67"), D("1"), D("0"))],
                  tweaks={"F4": 1})
    child = subprocess.run([*WATCH, str(ws.root), "--once", "--settle", "0.2"], env=child_env(),
                           capture_output=True, text=True, encoding="utf-8", timeout=CHILD_TIMEOUT)
    assert child.returncode == 2, child.stderr
    assert names(ws.quarantine) == [BROKEN, f"{BROKEN}.error.txt"]
    assert runs(ws) == [("watch", "2026-07"), ("watch", "2026-08")]

    child = subprocess.run([*WATCH, str(ws.root), "--once", "--settle", "0.2"], env=child_env(),
                           capture_output=True, text=True, encoding="utf-8", timeout=CHILD_TIMEOUT)
    assert child.returncode == 0 and len(runs(ws)) == 2  # nothing new: nothing done


def test_a_month_owed_by_a_watcher_that_died_after_the_ingest_is_run_at_the_next_start(ws):
    from ingest.conftest import ingest

    write_detail(ws.inbox / JULY, "2026-07", july())
    assert [a.file for a in ingest(ws).accepted] == [JULY]  # imported and archived, then the power went
    err = io.StringIO()
    assert watch_main([str(ws.root), "--once", "--settle", "0.2"], io.StringIO(), err) == 0
    assert runs(ws) == [("watch", "2026-07")] and "2026-07 月度运行完成" in err.getvalue()
    assert watch_main([str(ws.root), "--once", "--settle", "0.2"], io.StringIO(), io.StringIO()) == 0
    assert len(runs(ws)) == 1  # owed once, run once


def test_once_leaves_a_file_still_being_written_for_next_time(ws, tmp_path):
    data = write_detail(tmp_path / JULY, "2026-07", july()).read_bytes()
    (ws.inbox / JULY).write_bytes(data[:1000])  # a copy in progress (recent mtime, no zip directory yet)
    err = io.StringIO()
    assert watch_main([str(ws.root), "--once", "--settle", "0.2"], io.StringIO(), err) == 0
    assert names(ws.inbox) == [JULY] and names(ws.quarantine) == [] and audit(ws, "ingest") == []
    assert f"{JULY}：Excel 文件（zip）的目录区尚未写入，留待下次处理" in err.getvalue()


def test_not_a_workspace_is_a_clear_error(tmp_path):
    err = io.StringIO()
    assert watch_main([str(tmp_path), "--once"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("错误：") and "不是信用管理工作目录" in err.getvalue()
