"""One writer per workspace, proved with real second processes: who holds it, waiting, dead holders."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from credit_workbook.errors import WorkspaceError
from credit_workbook.fileio import atomic_write
from credit_workbook.workspace import LOCK_WAIT_ENV, Workspace, init_workspace, lock_holder, workspace_lock

from .conftest import CHILD_TIMEOUT, child_env, cli

# A child that takes the lock as COMMAND, says so, then holds it until its stdin closes (or for SECONDS).
HOLDER = """
import sys, time
from pathlib import Path
from credit_workbook.workspace import Workspace, workspace_lock

ws, command, seconds = Workspace(Path(sys.argv[1])), sys.argv[2], float(sys.argv[3])
with workspace_lock(ws, command=command, wait=60):
    print("held", flush=True)
    if seconds < 0:
        sys.stdin.read()
    else:
        time.sleep(seconds)
"""

# Children that each take the lock in turn and log entering and leaving; one of them dies inside.
TURNS = """
import os, sys, time
from pathlib import Path
from credit_workbook.workspace import Workspace, workspace_lock

ws, log, die = Workspace(Path(sys.argv[1])), Path(sys.argv[2]), sys.argv[3] == "die"
with workspace_lock(ws, command="turn", wait=60):
    with open(log, "a") as fh:
        fh.write(f"in {os.getpid()}\\n")
    time.sleep(0.15)
    if die:
        os.kill(os.getpid(), 9)
    with open(log, "a") as fh:
        fh.write(f"out {os.getpid()}\\n")
"""


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return init_workspace(tmp_path_factory.mktemp("lock") / "ws").root


@pytest.fixture()
def ws(blank, tmp_path) -> Workspace:
    import shutil

    shutil.copytree(blank, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def hold(ws: Workspace, command: str = "credit-workbook watch", seconds: float = -1) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.root), command, str(seconds)],
                             env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def release(child: subprocess.Popen) -> None:
    child.stdin.close()
    assert child.wait(CHILD_TIMEOUT) == 0


def test_a_second_writer_waits_then_refuses_naming_the_holder(ws):
    child = hold(ws)
    said: list[str] = []
    try:
        start = time.monotonic()
        with pytest.raises(WorkspaceError) as refused:
            with workspace_lock(ws, wait=0.6, notify=said.append):
                pass
        waited = time.monotonic() - start
    finally:
        release(child)
    message = str(refused.value)
    who = f"进程 {child.pid}（{getpass.getuser()}@{socket.gethostname()}）运行的“credit-workbook watch”"
    assert message.startswith(f"{ws.root}: 另一个任务正在处理该工作目录：{who}，") and "已等待 0.6 秒，请稍后再试" in message
    assert 0.6 <= waited < 5
    assert len(said) == 1 and said[0].startswith(f"工作目录 {ws.root} 正由{who}") and "最多 0.6 秒" in said[0]
    with workspace_lock(ws, wait=0):  # released: free at once
        assert lock_holder(ws).pid == os.getpid()
    assert lock_holder(ws) is None


def test_a_writer_that_finishes_within_the_wait_is_waited_for(ws):
    child = hold(ws, "credit-workbook run", seconds=1.0)
    said: list[str] = []
    start = time.monotonic()
    with workspace_lock(ws, wait=60, notify=said.append):
        waited = time.monotonic() - start
        assert lock_holder(ws).pid == os.getpid()  # ours now, not the run's
    assert child.wait(CHILD_TIMEOUT) == 0
    assert 0.3 < waited < 30 and len(said) == 1 and "运行的“credit-workbook run”" in said[0]


def test_the_lock_of_a_killed_process_is_free_at_once_and_its_record_ignored(ws):
    child = hold(ws)
    child.send_signal(signal.SIGKILL)
    child.wait(CHILD_TIMEOUT)
    record = ws.state / "lock.json"
    assert f'"pid": {child.pid}' in record.read_text(encoding="utf-8")  # the dead holder's record is still there
    assert lock_holder(ws) is None  # … and names a process that no longer exists
    start = time.monotonic()
    with workspace_lock(ws, wait=0):  # no wait, no "stale lock" to break
        assert lock_holder(ws).pid == os.getpid()
    assert time.monotonic() - start < 1


def test_processes_racing_for_the_lock_take_turns_even_when_one_dies_holding_it(ws, tmp_path):
    log = tmp_path / "turns.log"
    children = [subprocess.Popen([sys.executable, "-c", TURNS, str(ws.root), str(log), "die" if i == 1 else "live"],
                                 env=child_env()) for i in range(5)]
    codes = sorted(c.wait(CHILD_TIMEOUT) for c in children)
    assert codes == [-signal.SIGKILL, 0, 0, 0, 0]
    lines = log.read_text().split()
    events = list(zip(lines[0::2], lines[1::2]))
    inside = None
    for what, pid in events:  # never two inside at once; the one that died never left, the next came in
        if what == "in":
            assert inside is None or inside in {str(c.pid) for c in children if c.returncode < 0}
            inside = pid
        else:
            assert inside == pid
            inside = None
    assert sum(1 for what, _ in events if what == "in") == 5


def test_the_same_thread_may_take_it_again_another_thread_may_not(ws):
    outcome: list[object] = []
    with workspace_lock(ws, wait=0):
        with workspace_lock(ws, wait=0):  # a watcher batch that runs the month, a ribbon action that writes twice
            pass

        def other() -> None:
            try:
                with workspace_lock(ws, wait=0):
                    outcome.append("took it")
            except WorkspaceError as exc:
                outcome.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join(30)
        assert lock_holder(ws).pid == os.getpid()  # the inner exit did not let go
    assert isinstance(outcome[0], WorkspaceError)


def test_a_manual_run_during_a_batch_refuses_with_the_holder_in_chinese(ws):
    child = hold(ws, "credit-workbook watch")
    try:
        done = cli("run", ws.root, **{LOCK_WAIT_ENV: "0.5"})
    finally:
        release(child)
    assert done.returncode == 2, done.stderr
    assert f"正由进程 {child.pid}（" in done.stderr and "等待其完成（最多 0.5 秒）" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith(f"错误：{ws.root}: 另一个任务正在处理该工作目录：进程 {child.pid}")
    assert "Traceback" not in done.stderr


def test_the_next_holder_sweeps_the_temp_files_of_a_killed_writer_and_nothing_else(ws):
    target = ws.out_dir("2026-10") / "results.json"
    atomic_write(target, b'{"old": true}')
    code = f"from pathlib import Path; from credit_workbook.fileio import atomic_write; " \
           f"atomic_write(Path({str(target)!r}), b'{{\"new\": true}}')"
    child = subprocess.run([sys.executable, "-c", code], env=child_env(CREDIT_WORKBOOK_TEST_KILL_AT="before_replace"),
                           capture_output=True, timeout=CHILD_TIMEOUT)
    assert child.returncode == -signal.SIGKILL
    (left,) = [p for p in target.parent.iterdir() if p != target]
    assert left.name.startswith(".results.") and left.read_bytes() == b'{"new": true}'  # written, never renamed
    assert target.read_bytes() == b'{"old": true}'
    survey = ws.surveys / "KH001.xlsx"
    survey.write_bytes(b"form")
    keep = [ws.surveys / ".~lock.KH001.xlsx#", ws.surveys / ".abcdefgh.xlsx", ws.surveys / ".notes.abcd1234.txt"]
    for p in keep:
        p.write_bytes(b"someone else's")
    beside = ws.surveys / ".KH001.k2j4h6g8.xlsx"  # a write-back of KH001.xlsx that was killed
    beside.write_bytes(b"half")
    with workspace_lock(ws, wait=0):
        pass
    assert not left.exists() and not beside.exists() and target.read_bytes() == b'{"old": true}'
    assert all(p.exists() for p in keep) and survey.read_bytes() == b"form"


def test_a_watcher_refuses_a_second_watcher_naming_it(ws):
    child = subprocess.Popen([sys.executable, "-m", "credit_workbook", "watch", str(ws.root), "--settle", "0.2"],
                             env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8")
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT
        while not (ws.state / "watch.lock.json").exists():
            assert time.monotonic() < deadline and child.poll() is None, child.stderr.read()
            time.sleep(0.05)
        done = cli("watch", ws.root, "--once")
    finally:
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=CHILD_TIMEOUT)
    assert done.returncode == 2
    assert f"已有另一个 watch 正在监视该工作目录（进程 {child.pid}（" in done.stderr
    assert "运行的“credit-workbook watch”" in done.stderr and child.returncode == 0
