"""The watcher: a watchdog observer on ``inbox/`` feeding a single worker loop.

The observer's thread only notes names (created, modified, moved-into,
deleted: Excel's save is created → deleted → moved) and wakes the loop;
everything else — stat, settle, ingest, month, mail — happens in the one
thread that calls ``run``, so no two batches ever overlap. Events are
hints: the loop also lists the inbox at start-up (files that arrived while
the watcher was down) and every ``rescan`` seconds (network shares may
send no events at all).

Stop: ``request_stop`` (the CLI calls it on SIGINT/SIGTERM) lets the file
being ingested finish, skips a month run not yet begun (it stays owed, see
batch.py) and returns. A kill instead of a stop loses nothing either: the
ingest is crash-safe and the next start finishes the job.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEventHandler

from credit_workbook.errors import UserError
from credit_workbook.watcher.batch import needs_recovery, run_batch
from credit_workbook.watcher.files import inbox_candidates, is_ignored, signature
from credit_workbook.watcher.locks import watcher_lock, workspace_turn
from credit_workbook.watcher.settle import CHANGING, READY, WAITING, Entry, Tracker
from credit_workbook.workspace import Workspace

EXIT_OK, EXIT_FAULT, EXIT_REJECTED = 0, 1, 2
RETRY_FIRST, RETRY_MAX = 60.0, 3600.0  # a failed batch is tried again after 1, 2, 4 … 60 minutes


def default_grace(settle: float) -> float:
    """How long a still but unreadable file is waited for before the ingest judges it."""
    return max(60.0, 10 * settle)


def default_max_delay(settle: float) -> float:
    """How long ready files wait for a neighbour that keeps changing."""
    return max(30.0, 10 * settle)


class _Events(FileSystemEventHandler):
    """watchdog handler: names of inbox files something happened to, for the loop to look at."""

    def __init__(self, inbox: Path, names: queue.SimpleQueue[str], wake: threading.Event):
        super().__init__()
        self.inbox = os.path.normcase(os.path.abspath(inbox))
        self.names, self.wake = names, wake

    def dispatch(self, event) -> None:  # watchdog calls this for every event
        if event.is_directory and event.event_type not in ("created", "moved"):
            return  # the inbox's own modified events; a folder dropped in is worth a word (see _drain)
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = os.fsdecode(raw)
            if os.path.normcase(os.path.dirname(os.path.abspath(path))) == self.inbox:
                self.names.put(os.path.basename(path))
                self.wake.set()


class Watcher:
    def __init__(self, ws: Workspace, log: Callable[[str], None], *, settle: float = 2.0,
                 grace: float | None = None, max_delay: float | None = None, rescan: float = 30.0,
                 mail: bool = True, verbose: bool = False):
        self.ws, self.log, self.settle, self.rescan = ws, log, settle, rescan
        self.grace = default_grace(settle) if grace is None else grace
        self.mail, self.verbose = mail, verbose
        self.tracker = Tracker(settle, self.grace, default_max_delay(settle) if max_delay is None else max_delay)
        self.tick = min(0.5, max(0.05, settle / 4))
        self.stop = threading.Event()
        self._wake = threading.Event()
        self._names: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.started = threading.Event()  # the observer is on and the inbox listed (tests wait for it)
        self.rejected = 0
        self.faults = 0
        self._retry_at = 0.0
        self._failures = 0  # in a row
        self._recovery = False
        self.stop_reason = ""
        self._told_folders: set[str] = set()
        self.once = False

    def request_stop(self, reason: str = "") -> None:
        """Safe from a signal handler: sets flags only; the loop says why when it notices."""
        self.stop_reason = reason or self.stop_reason
        self.stop.set()
        self._wake.set()

    # ------------------------------------------------------------ the two modes
    def run(self, once: bool = False) -> int:
        """Watch until stopped (or, with ``once``, handle what the inbox holds now); an exit code."""
        self.once = once
        with watcher_lock(self.ws, once):
            self.ws.inbox.mkdir(parents=True, exist_ok=True)
            self.ws.policy()  # a broken credit.toml stops the start, with its message
            observer = None if once else self._start_observer()
            try:
                if not once:
                    self.log(f"开始监视 {self.ws.inbox}（文件静置 {self.settle:g} 秒后处理；按 Ctrl+C 停止）")
                self.tracker.listed(inbox_candidates(self.ws.inbox))
                self._recovery = needs_recovery(self.ws, self.mail)
                if self.tracker.busy:
                    self.log(f"inbox/ 中已有 {len(self.tracker.entries)} 个文件待处理")
                self.started.set()
                if once:
                    self._once()
                else:
                    self._watch()
            finally:
                if observer is not None:
                    observer.stop()
                    observer.join(timeout=10)
        why = f"{self.stop_reason}，" if self.stop_reason else ""
        self.log(f"{why}watch 已停止" if not once or self.stop_reason else "watch --once 完成")
        if not once:
            return EXIT_OK  # faults were logged; a service stopped on purpose is not a failure
        if self.faults:
            return EXIT_FAULT
        return EXIT_REJECTED if self.rejected else EXIT_OK

    def _start_observer(self):
        """The platform's native observer; polling where it cannot start (inotify limits, some shares)."""
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        handler = _Events(self.ws.inbox, self._names, self._wake)
        native = Observer()
        try:
            return self._started(native, handler)
        except OSError as exc:
            with contextlib.suppress(Exception):
                native.stop()
            self.log(f"无法使用系统的文件变动通知（{exc.strerror or exc}），改为每秒检查一次 inbox/")
            return self._started(PollingObserver(timeout=1), handler)

    def _started(self, observer, handler):
        observer.schedule(handler, str(self.ws.inbox), recursive=False)
        observer.daemon = True
        observer.start()
        return observer

    def _watch(self) -> None:
        next_scan = time.monotonic() + self.rescan
        while not self.stop.is_set():
            self._drain()
            if time.monotonic() >= next_scan:
                self.tracker.listed(inbox_candidates(self.ws.inbox))
                next_scan = time.monotonic() + self.rescan
            self.tracker.refresh()
            self._tell_waiting()
            if time.monotonic() >= self._retry_at:
                batch = self.tracker.take_batch()
                if batch or (self._recovery and not self.tracker.busy):
                    self._batch(batch)
                    continue
            now = time.monotonic()
            timeout = next_scan - now
            if self.tracker.busy:
                timeout = self.tick
            elif self._recovery:
                timeout = min(timeout, self._retry_at - now)
            self._wake.wait(max(0.0, timeout))
            self._wake.clear()

    def _once(self) -> None:
        """Wait for the files found to settle (at most max_delay), take the whole ones, leave the rest."""
        start = time.monotonic()
        while not self.stop.is_set():
            self.tracker.refresh()
            states = self.tracker.states()
            if not states[CHANGING] or time.monotonic() - start >= self.tracker.max_delay:
                break
            self.stop.wait(self.tick)
        states = self.tracker.states()
        for e in states[CHANGING]:
            self.log(f"{e.path.name}：仍在写入，留待下次处理")
        for e in states[WAITING]:
            self.log(f"{e.path.name}：{e.reason}，留待下次处理（静置 {self.grace:g} 秒后仍不完整将按原样检查）")
        if (states[READY] or self._recovery) and not self.stop.is_set():
            self._batch(states[READY])

    # ------------------------------------------------------------ pieces
    def _drain(self) -> None:
        while True:
            try:
                name = self._names.get_nowait()
            except queue.Empty:
                return
            if is_ignored(name):
                continue
            path = self.ws.inbox / name
            if path.is_dir():
                if name not in self._told_folders:
                    self._told_folders.add(name)
                    self.log(f"{name}：是文件夹，watch 只处理直接放在 inbox/ 中的文件，请把台账文件移到 inbox/ 下")
                continue
            if signature(path) is None:
                self.tracker.forget(name)
            else:
                self.tracker.see(path)

    def _tell_waiting(self) -> None:
        for e in self.tracker.entries.values():
            if not e.told_waiting and self.tracker.state(e) == WAITING:
                e.told_waiting = True
                self.log(f"{e.path.name}：已静置但仍不完整（{e.reason}），继续等待"
                         f"（最多 {self.grace:g} 秒，之后按原样检查）")

    def _batch(self, entries: list[Entry]) -> None:
        try:
            with workspace_turn(self.ws, self.stop, self.log, once=self.once) as ours:
                if not ours:
                    return
                fresh = [e for e in entries if signature(e.path) == e.sig]  # unchanged while we waited
                for e in entries:
                    if signature(e.path) is None:
                        self.log(f"{e.path.name}：已不在 inbox/（被移走，或已由其他任务处理），跳过")
                outcome = run_batch(self.ws, [e.path for e in fresh], stop=self.stop, log=self.log,
                                    mail=self.mail)
            self.tracker.handed_over(fresh)
            self.rejected += outcome.rejected
            self._recovery = outcome.month_left
            self._failures = 0
        except UserError as exc:
            self._failed(f"错误：{exc}")
        except PermissionError as exc:  # Windows: a file open in Excel cannot be moved out of the inbox
            self._failed(f"错误：{exc.filename or '文件'} 正被其他程序（如 Excel）占用或无权访问，请关闭该文件")
        except Exception as exc:  # a fault of ours, or the disk: log it, keep watching, try again later
            self._failed(f"内部错误：{type(exc).__name__}: {exc}")

    def _failed(self, message: str) -> None:
        self.faults += 1
        self._failures += 1
        delay = min(RETRY_MAX, RETRY_FIRST * 2 ** (self._failures - 1))
        self.log(f"{message}（未处理完的文件留在 inbox/，{delay / 60:g} 分钟后重试）")
        if self.verbose:
            for line in traceback.format_exc().rstrip().splitlines():
                self.log(f"  {line}")
        self._retry_at = time.monotonic() + delay
        self._recovery = True
