"""An exclusive lock file that can say who holds it, waited for a bounded time.

The lock itself is the operating system's (``flock`` on POSIX, a byte-range
lock on Windows) on a file of its own: the OS drops it the moment its
process dies, however it dies, so a lock left by a killed or crashed
process is simply free for the next one — there is no "stale lock" to
judge, break or race over, and two processes taking over a dead holder's
lock at once still get it one after the other.

Who holds it lives in a second file, ``<lock>.json``, written by the holder
once it has the lock and removed before it lets go: a clerk told "try
again later" should also be told by whom (process, user@host, command,
since). On Windows the locked byte cannot be read by others, hence two
files. The record is advisory: a missing or torn one only makes the
message vaguer, and one left by a killed holder is overwritten by the next.

Re-entrant per thread: code that already holds the lock (a watcher batch
that runs the month, a ribbon action that writes twice) may take it again.
Another thread of the same process is a different holder, as it should be.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

POLL = 0.2  # seconds between attempts while waiting
_held = threading.local()


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    user: str
    command: str
    since: str  # local time, ISO, seconds

    @classmethod
    def me(cls, command: str) -> "Holder":
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some service contexts
            user = "unknown"
        return cls(os.getpid(), socket.gethostname() or "unknown", user, command,
                   datetime.now().isoformat(sep=" ", timespec="seconds"))

    def describe(self) -> str:
        return f"进程 {self.pid}（{self.user}@{self.host}）运行的“{self.command}”，{self.since} 开始"

    def gone(self) -> bool:
        """It names a process of this machine that no longer exists (its record outlived a kill)."""
        return self.host == socket.gethostname() and not _alive(self.pid)


class Busy(Exception):
    """The lock stayed taken for the whole wait; ``holder`` is who has it, when known."""

    def __init__(self, holder: Holder | None, waited: float):
        super().__init__(holder.describe() if holder else "另一个进程")
        self.holder, self.waited = holder, waited


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply: assume the record is right
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, it is another user's
        return True
    return True


def read_holder(path: Path) -> Holder | None:
    """Who holds the lock by its record; None when there is no usable record or it names a dead process."""
    try:
        holder = Holder(**json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return None if holder.gone() else holder


def running_command() -> str:
    """What this process is, for the record: ``credit-workbook run``, ``credit-workbook watch`` …"""
    argv = sys.argv or [""]
    prog = Path(argv[0] or "python")
    if prog.name.startswith("credit-workbook") or prog.parent.name == "credit_workbook":
        first = next((a for a in argv[1:] if not a.startswith("-")), "")
        sub = prog.stem if prog.parent.name == "credit_workbook" and prog.stem not in ("__main__", "cli") else first
        return " ".join(filter(None, ["credit-workbook", sub]))
    if argv[0] == "-c":
        return "Python（Excel 按钮或脚本）"
    return f"python -m {prog.parent.name}" if prog.name == "__main__.py" else prog.name


def _try_lock(fh) -> bool:
    try:
        fh.seek(0)
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh) -> None:
    with contextlib.suppress(OSError):
        fh.seek(0)
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(lock_path: Path, command: str, wait: float = 0.0, on_wait=None):
    """Hold ``lock_path``, waiting up to ``wait`` seconds; yields True when this call took it (False when
    this thread already held it). ``on_wait(holder)`` is called once when it has to wait. Raises ``Busy``."""
    from credit_workbook.fileio import open_private

    lock_path = Path(lock_path)
    key = os.path.normcase(os.path.abspath(lock_path))
    held: set[str] = getattr(_held, "keys", None) or set()
    _held.keys = held
    if key in held:
        yield False
        return
    record = lock_path.with_name(lock_path.name + ".json")
    fh = open_private(lock_path, "a+")
    try:
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while not _try_lock(fh):
            left = deadline - time.monotonic()
            if left <= 0:
                raise Busy(read_holder(record), wait)
            if not told and on_wait is not None:
                on_wait(read_holder(record))
                told = True
            time.sleep(min(POLL, left))
        try:
            with open_private(record, "w", encoding="utf-8") as out:
                json.dump(asdict(Holder.me(command)), out, ensure_ascii=False)
        except OSError:
            pass  # the record only improves a message
        held.add(key)
        try:
            yield True
        finally:
            held.discard(key)
            with contextlib.suppress(OSError):
                record.unlink()
            _unlock(fh)
    finally:
        fh.close()
