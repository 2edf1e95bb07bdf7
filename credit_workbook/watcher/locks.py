"""Who may act on a workspace while a watcher runs.

Decision: the watcher holds its OWN lock (``.credit/watch.lock``) for its
whole life — so a second watcher, or a ``--once`` from a scheduler while a
service watcher runs, is refused at start with a clear message — and takes
the workspace lock (``workspace_lock``, shared with ``run``, ``rate
--in-place`` and the ribbon) only for the seconds a batch needs. Holding
the workspace lock for the watcher's life would lock the manager out of
``run --period`` for as long as the service runs, i.e. forever.

So a manual ``run`` during a batch is refused by ``workspace_lock``'s own
message; a batch that finds a ``run`` in progress waits for it (the run
ingests the inbox too, so the watcher usually finds its files gone, which
is fine).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from credit_workbook.errors import WorkspaceError
from credit_workbook.fileio import open_private, private_dir
from credit_workbook.workspace import Workspace, workspace_lock

LOCK_NAME = "watch.lock"
PID_NAME = "watch.pid"  # who holds the lock, for the refusal message (Windows may not let the locked file be read)


def _try_lock(fh) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def watcher_lock(ws: Workspace):
    """One watcher per workspace for as long as it runs; the OS drops the lock when the process dies."""
    private_dir(ws.state)
    pid_file = ws.state / PID_NAME
    fh = open_private(ws.state / LOCK_NAME, "a+")
    try:
        if not _try_lock(fh):
            try:
                holder = pid_file.read_text(encoding="utf-8").strip()
            except OSError:
                holder = ""
            raise WorkspaceError(
                f"{ws.root}: 已有另一个 watch 正在监视该工作目录{f'（{holder}）' if holder else ''}；"
                "同一工作目录只能运行一个 watch，请先停止它（或不要同时使用计划任务的 --once）")
        try:
            with open_private(pid_file, "w", encoding="utf-8") as pid:
                pid.write(f"进程 {os.getpid()}，主机 {socket.gethostname()}，{datetime.now():%Y-%m-%d %H:%M:%S} 启动")
        except OSError:
            pass
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                pid_file.unlink()
    finally:
        fh.close()


@contextlib.contextmanager
def workspace_turn(ws: Workspace, stop: threading.Event, log: Callable[[str], None], poll: float = 1.0):
    """The workspace lock for one batch, waiting while ``run``/``rate`` holds it; yields False when a
    stop was asked for while waiting (nothing done, nothing lost: the files stay in the inbox)."""
    told = False
    with contextlib.ExitStack() as stack:
        while True:
            try:
                stack.enter_context(workspace_lock(ws))
                break
            except WorkspaceError:
                if not told:
                    log("工作目录正被另一个任务（run/rate 等）占用，等它结束后再处理")
                    told = True
                if stop.wait(poll):
                    yield False
                    return
        yield True
