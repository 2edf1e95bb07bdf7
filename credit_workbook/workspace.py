"""The workspace folder of SPEC §2: where everything of one company lives.

```
DIR/credit.toml  surveys/  register.xlsx  inbox/  archive/YYYY-MM/
    quarantine/  out/YYYY-MM/  templates/  .credit/
```
"""

from __future__ import annotations

import contextlib
import os
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
        from credit_workbook.config import load_policy

        return load_policy(self.config_path)

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


@contextlib.contextmanager
def workspace_lock(ws: Workspace):
    """One writer per workspace: run, rate --in-place, watch and ribbon write-backs take it."""
    from credit_workbook.fileio import open_private, private_dir

    private_dir(ws.state)
    path = ws.state / "lock"
    fh = open_private(path, "a+")
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise WorkspaceError(f"{ws.root}: 另一个任务正在处理该工作目录（run/watch/rate），请稍后再试") from None
        yield
    finally:
        fh.close()
