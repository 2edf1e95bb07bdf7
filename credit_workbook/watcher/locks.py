"""Who may act on a workspace while a watcher runs.

Decision: the watcher holds its OWN lock (``.credit/watch.lock``) for its
whole life — so a second watcher, or a ``--once`` from a scheduler while a
service watcher runs, is refused at start, naming the one that runs — and
takes the workspace lock (``workspace_lock``, shared with ``run``, ``rate``,
``mail``, ``export`` and the ribbon) only for the seconds a batch needs.
Holding the workspace lock for the watcher's life would lock the manager
out of ``run --period`` for as long as the service runs, i.e. forever.

So a manual ``run`` during a batch waits for it (``workspace_lock`` waits a
bounded time, then refuses naming the batch); a batch that finds a ``run``
in progress waits for it without limit, polling so a stop is still heard
(the run ingests the inbox too, so the watcher usually finds its files
gone, which is fine).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from credit_workbook.errors import WorkspaceError
from credit_workbook.lockfile import Busy, exclusive
from credit_workbook.workspace import Workspace, lock_holder, workspace_lock

LOCK_NAME = "watch.lock"  # and watch.lock.json: which watcher holds it


def command_name(once: bool) -> str:
    return "credit-workbook watch --once" if once else "credit-workbook watch"


@contextlib.contextmanager
def watcher_lock(ws: Workspace, once: bool = False):
    """One watcher per workspace for as long as it runs; the OS drops the lock when the process dies."""
    from credit_workbook.fileio import private_dir

    private_dir(ws.state)
    try:
        with exclusive(ws.state / LOCK_NAME, command_name(once)):
            yield
    except Busy as exc:
        who = f"（{exc.holder.describe()}）" if exc.holder else ""
        raise WorkspaceError(
            f"{ws.root}: 已有另一个 watch 正在监视该工作目录{who}；"
            "同一工作目录只能运行一个 watch，请先停止它（或不要同时使用计划任务的 --once）") from None


@contextlib.contextmanager
def workspace_turn(ws: Workspace, stop: threading.Event, log: Callable[[str], None], *, once: bool = False,
                   poll: float = 1.0):
    """The workspace lock for one batch, waiting while ``run``/``rate`` holds it; yields False when a
    stop was asked for while waiting (nothing done, nothing lost: the files stay in the inbox)."""
    told = False
    with contextlib.ExitStack() as stack:
        while True:
            try:
                stack.enter_context(workspace_lock(ws, command=command_name(once), wait=0))
                break
            except WorkspaceError:
                if not told:
                    holder = lock_holder(ws)
                    who = holder.describe() if holder else "另一个任务（run/rate 等）"
                    log(f"工作目录正被{who}占用，等它结束后再处理")
                    told = True
                if stop.wait(poll):
                    yield False
                    return
        yield True
