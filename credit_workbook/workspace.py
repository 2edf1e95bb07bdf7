"""The workspace folder of SPEC §2: where everything of one company lives.

```
DIR/credit.toml  surveys/  register.xlsx  inbox/  archive/YYYY-MM/
    quarantine/  out/YYYY-MM/  templates/  .credit/
```
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credit_workbook.errors import WorkspaceError

CONFIG_NAME = "credit.toml"
SUBDIRS = ("surveys", "inbox", "archive", "quarantine", "out", "templates", ".credit")
# Written only by the product, read through it or by the credit manager: owner-only (客户信息保密).
# surveys/, inbox/ and templates/ are where people put files, so they keep the folder's usual mode.
PRIVATE_SUBDIRS = ("archive", "quarantine", "out", ".credit")
SURVEY_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def surveys(self) -> Path:
        return self.root / "surveys"

    @property
    def register(self) -> Path:
        return self.root / "register.xlsx"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def state(self) -> Path:
        return self.root / ".credit"

    @property
    def backups(self) -> Path:
        return self.state / "backups"

    @property
    def store_path(self) -> Path:
        return self.state / "credit.sqlite"

    def out_dir(self, period: str) -> Path:
        return self.root / "out" / period

    def archive_dir(self, period: str) -> Path:
        return self.root / "archive" / period

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    def survey_files(self) -> list[Path]:
        """Form 1 workbooks, skipping Office lock and temp files."""
        if not self.surveys.is_dir():
            return []
        return sorted(
            p for p in self.surveys.iterdir()
            if p.is_file() and p.suffix.lower() in SURVEY_SUFFIXES
            and not p.name.startswith(("~$", ".~lock.", "."))
        )

    def policy(self):
        """The workspace's credit.toml; its [inputs] limits become the guard's for what follows."""
        from credit_workbook import guard
        from credit_workbook.config import load_policy

        policy = load_policy(self.config_path)
        guard.use_limits(policy.inputs)
        return policy

    @classmethod
    def open(cls, root: Path) -> "Workspace":
        root = Path(root)
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"{root}: 不是信用管理工作目录（缺少 {CONFIG_NAME}）；请先运行 credit-workbook init {root}")
        return cls(root)


def init_workspace(root: Path) -> Workspace:
    """Create the folders, the default credit.toml and the four blank forms; never overwrite."""
    from credit_workbook.config import default_policy_text
    from credit_workbook.forms.build_templates import build_all

    root = Path(root)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root}: 已存在同名文件，无法创建工作目录")
    from credit_workbook.fileio import private_dir

    root.mkdir(parents=True, exist_ok=True)
    for sub in SUBDIRS:
        if sub in PRIVATE_SUBDIRS:
            private_dir(root / sub)
        else:
            (root / sub).mkdir(exist_ok=True)
    config = root / CONFIG_NAME
    if not config.exists():
        config.write_text(default_policy_text(), encoding="utf-8")
    missing = [p for p in ("templates",) if not any((root / p).glob("*.xlsx"))]
    if missing:
        build_all(root / "templates")
    return Workspace(root)


# ---------------------------------------------------------------- the workspace lock

LOCK_NAME = "lock"  # .credit/lock, and .credit/lock.json: who holds it
LOCK_WAIT_ENV = "CREDIT_WORKBOOK_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0  # seconds: a watcher batch takes a few, a month run of 100,000 lines ~30
# fileio.atomic_target's temp files: "." + stem + "." + 8 characters of tempfile's alphabet + suffix.
# LibreOffice's lock files (".~lock.NAME#") are not ours and never match.
_TEMP = re.compile(r"^\.(?!~lock\.)(?P<stem>.+)\.[a-z0-9_]{8}(?P<suffix>\.[A-Za-z0-9]+)?$")
_PRODUCT_FOLDERS = ("out", "archive", "quarantine", ".credit")


def lock_wait() -> float:
    """How long a command waits for the workspace: ``CREDIT_WORKBOOK_LOCK_WAIT`` seconds, else 30."""
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, "")))
    except ValueError:
        return DEFAULT_LOCK_WAIT


def lock_holder(ws: Workspace):
    """Who holds the workspace now by its record (``lockfile.Holder``), or None."""
    from credit_workbook.lockfile import read_holder

    return read_holder(ws.state / f"{LOCK_NAME}.json")


def _to_stderr(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):  # no console (pythonw, a service)
        pass


@contextlib.contextmanager
def workspace_lock(ws: Workspace, *, command: str | None = None, wait: float | None = None,
                   notify: Callable[[str], None] | None = None):
    """One writer per workspace: run, rate, watch batches, mail, export and ribbon write-backs take it.

    A clerk whose ``run`` meets a watcher batch should not have to retry by
    hand, nor wait forever behind a hung process: the call waits up to
    ``wait`` seconds (default ``lock_wait()``), saying once through
    ``notify`` (default: stderr) whom it waits for, then refuses naming the
    holder (process, user@host, command, since). A holder that died left
    nothing to wait for (see ``lockfile``). The first holder also sweeps the
    temp files a killed writer left (``sweep_debris``): nobody else writes
    while it holds the lock.
    """
    from credit_workbook.fileio import private_dir
    from credit_workbook.lockfile import Busy, exclusive, running_command

    wait = lock_wait() if wait is None else wait
    say = notify or _to_stderr
    private_dir(ws.state)

    def waiting(holder) -> None:
        who = holder.describe() if holder else "另一个任务（run/watch/rate 等）"
        say(f"工作目录 {ws.root} 正由{who}使用，等待其完成（最多 {wait:g} 秒）……")

    with contextlib.ExitStack() as stack:
        try:
            first = stack.enter_context(exclusive(ws.state / LOCK_NAME, command or running_command(), wait, waiting))
        except Busy as exc:
            who = f"：{exc.holder.describe()}" if exc.holder else "（run/watch/rate 等）"
            waited = f"已等待 {wait:g} 秒，" if wait else ""
            raise WorkspaceError(f"{ws.root}: 另一个任务正在处理该工作目录{who}；{waited}请稍后再试") from None
        if first:
            sweep_debris(ws)
        yield


def sweep_debris(ws: Workspace) -> list[Path]:
    """Remove the temp files of writers killed before their rename (``fileio.atomic_target``).

    Safe only under the workspace lock: every writer of the workspace holds
    it, so a temp file seen now belongs to a process that is gone. In the
    product's folders any such temp goes; in the folders people use
    (surveys/, the workspace root) only one lying beside the file it was
    about to replace, so a user's own dot-file is never touched.
    """
    removed = []
    for folder in _PRODUCT_FOLDERS:
        for dirpath, _, filenames in os.walk(ws.root / folder):
            removed += [Path(dirpath) / n for n in filenames if _TEMP.match(n)]
    for folder in (ws.surveys, ws.root):
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                m = _TEMP.match(entry.name)
                if m and entry.is_file() and (folder / f"{m['stem']}{m['suffix'] or ''}").exists():
                    removed.append(Path(entry.path))
    for path in removed:
        with contextlib.suppress(OSError):
            path.unlink()
    return removed
