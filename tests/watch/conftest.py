"""A real workspace, a real watchdog observer, and polling instead of sleeping.

Every wait here polls a condition with a generous deadline (a loaded
2-core CI machine may be slow, never wrong); no test sleeps a fixed time
to "let the watcher work".
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

import credit_workbook
from credit_workbook.store import Store
from credit_workbook.watcher import Watcher
from credit_workbook.watcher.log import LOG_NAME, WatchLog
from credit_workbook.workspace import Workspace, init_workspace

SETTLE = 0.3
DEADLINE = 30.0  # seconds; only reached when something is wrong


def wait_for(condition, timeout: float = DEADLINE, what: str = "condition"):
    """Poll ``condition`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def blank_workspace(tmp_path_factory) -> Path:
    """init once (templates take a moment); each test copies it."""
    return init_workspace(tmp_path_factory.mktemp("blank") / "ws").root


@pytest.fixture()
def ws(blank_workspace, tmp_path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(blank_workspace, root)
    return Workspace(root)


def enable_mail(ws: Workspace) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace("enabled = false", "enabled = true", 1), encoding="utf-8")


class Running:
    """A Watcher in a background thread; its log lines are kept for assertions (and written to watch.log)."""

    def __init__(self, ws: Workspace, **options):
        self.ws = ws
        self.lines: list[str] = []
        self._file = WatchLog(ws.state / LOG_NAME, None)
        options.setdefault("settle", SETTLE)
        options.setdefault("grace", 30.0)
        options.setdefault("rescan", 3600.0)  # only events and the start-up listing: a lost event fails a test
        self.watcher = Watcher(ws, self._log, **options)
        self.code: int | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _log(self, message: str) -> None:
        self.lines.append(message)
        self._file(message)

    def _run(self) -> None:
        try:
            self.code = self.watcher.run()
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc

    def start(self) -> Running:
        self.thread.start()
        wait_for(lambda: self.watcher.started.is_set() or self.error is not None, what="the watcher to start")
        if self.error is not None:
            raise self.error
        return self

    def stop(self) -> int:
        self.watcher.request_stop()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive(), "the watcher did not stop"
        if self.error is not None:
            raise self.error
        return self.code

    def about(self, name: str) -> list[str]:
        return [line for line in list(self.lines) if line.startswith(f"{name}：")]

    def wait_line(self, needle: str, what: str | None = None) -> str:
        return wait_for(lambda: next((l for l in list(self.lines) if needle in l), None),
                        what=what or f"log line containing {needle!r}")

    def __enter__(self) -> Running:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture()
def watching(ws):
    """Start a watcher on ``ws`` (options as keywords); stopped at the end of the test."""
    started: list[Running] = []

    def start(**options) -> Running:
        r = Running(ws, **options).start()
        started.append(r)
        return r

    yield start
    for r in started:
        if r.thread.is_alive():
            r.stop()


# ---------------------------------------------------------------- what the workspace holds

def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def archived(ws: Workspace) -> list[str]:
    root = ws.root / "archive"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def audit(ws: Workspace, action: str) -> list[dict]:
    if not ws.store_path.exists():
        return []
    with Store(ws.store_path) as store:
        return [d for _, _, _, d in store.audit_rows(action)]


def runs(ws: Workspace) -> list[tuple[str, str]]:
    if not ws.store_path.exists():
        return []
    with Store(ws.store_path) as store:
        return store.db.execute("SELECT command, period FROM runs ORDER BY id").fetchall()


def results(ws: Workspace, period: str) -> dict | None:
    path = ws.out_dir(period) / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def child_env(**extra: str) -> dict[str, str]:
    root = Path(credit_workbook.__file__).resolve().parent.parent
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1", **extra}


WATCH = [sys.executable, "-m", "credit_workbook.watch"]
