"""Which workspace a workbook belongs to, and where the ribbon writes its log.

A button press only knows the workbook. Its workspace (ledger history,
register, credit.toml) is, in this order:

1. the folder given explicitly (``credit-workbook button FILE --workspace DIR``);
2. the nearest folder above the workbook that holds ``credit.toml`` — a form
   in ``surveys/``, a ledger in ``inbox/`` or ``archive/``, a summary in
   ``out/YYYY-MM/`` all find their workspace without any setting;
3. the folder in the environment variable ``CREDIT_WORKBOOK_HOME`` — for a
   workbook kept elsewhere (a desktop, a mail attachment) or not yet saved;

else the press stops with a Chinese message that says how to set one.

The log: ``.credit/ribbon.log`` of the workspace; before a workspace is
known, ``%LOCALAPPDATA%\\credit_workbook\\ribbon.log`` (``~/.cache/…``
elsewhere). Tracebacks go there, never into a pop-up.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from credit_workbook.errors import WorkspaceError
from credit_workbook.workspace import CONFIG_NAME, Workspace

HOME_ENV = "CREDIT_WORKBOOK_HOME"
LOG_NAME = "ribbon.log"
MAX_LOG_BYTES = 1 << 20  # the log is for support, not an archive: it starts again past 1 MiB


def find_workspace(workbook: Path | None, explicit: Path | None = None) -> Workspace:
    if explicit is not None:
        return Workspace.open(Path(explicit))
    if workbook is not None:
        for folder in Path(workbook).resolve().parents:
            if (folder / CONFIG_NAME).is_file():
                return Workspace(folder)
    home = os.environ.get(HOME_ENV)
    if home:
        if not (Path(home) / CONFIG_NAME).is_file():
            raise WorkspaceError(f"环境变量 {HOME_ENV} 指向的 {home} 不是信用管理工作目录（缺少 {CONFIG_NAME}）；"
                                 "请改为工作目录的路径，或用 credit-workbook init 创建")
        return Workspace(Path(home))
    where = f"“{Path(workbook).name}”" if workbook is not None else "该工作簿（尚未保存）"
    raise WorkspaceError(
        f"找不到{where}所属的信用管理工作目录。请把工作簿保存在工作目录（含 {CONFIG_NAME} 的文件夹）或其子文件夹中，"
        f"或在 Windows“编辑账户的环境变量”中设置 {HOME_ENV}=工作目录路径（例如 D:\\信用管理）后重新打开 Excel")


def log_path(ws: Workspace | None) -> Path:
    if ws is not None:
        return ws.state / LOG_NAME
    base = os.environ.get("LOCALAPPDATA")
    folder = Path(base) / "credit_workbook" if base else Path.home() / ".cache" / "credit_workbook"
    return folder / LOG_NAME


def log(ws: Workspace | None, line: str, exc: BaseException | None = None) -> Path:
    """Append one entry (and the traceback, if any); a log that cannot be written never hides the answer."""
    path = log_path(ws)
    text = f"{datetime.now():%Y-%m-%d %H:%M:%S} {line}\n"
    if exc is not None:
        text += "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_suffix(".log.1"))
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        pass
    return path
