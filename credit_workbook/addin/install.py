"""``credit-workbook addin install``: the add-in into XLSTART, the Python it calls beside it.

Per user, no administrator rights: Excel opens every file in
``%APPDATA%\\Microsoft\\Excel\\XLSTART`` at start (a trusted location, so the
macros run), and the add-in's conf sheet points at
``%LOCALAPPDATA%\\credit_workbook\\venv\\Scripts\\pythonw.exe``. This module
derives that venv from the same constant, creates it when missing
(``py -3.11 -m venv`` + ``pip install <source>[excel]``), checks it can import
credit_workbook and the pinned xlwings, and copies the add-in.

Platform, environment variables and the Python launcher are parameters, so
the Windows logic runs in tests on any machine against real folders and
real interpreters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from credit_workbook.addin.build import (
    ADDIN_NAME,
    INTERPRETER_WIN,
    XLWINGS_VERSION,
    build_addin,
)
from credit_workbook.errors import UserError

LAUNCHER = ("py", "-3.11")
CHECK = ("import credit_workbook, xlwings; "
         "print(credit_workbook.__version__, xlwings.__version__, credit_workbook.__file__)")
EXIT_OK = 0

@dataclass(frozen=True)
class Layout:
    """Where the add-in and its Python live for one Windows user."""

    xlstart: Path
    venv: Path
    python: Path   # for pip and the check (console)
    pythonw: Path  # what the add-in runs (no console window)

    @property
    def addin(self) -> Path:
        return self.xlstart / ADDIN_NAME


def windows_layout(environ: Mapping[str, str]) -> Layout:
    for var in ("APPDATA", "LOCALAPPDATA"):
        if not environ.get(var):
            raise UserError(f"环境变量 {var} 未设置：请在该用户自己登录的 Windows 会话中运行（不要用系统服务账户）")
    head, *parts = INTERPRETER_WIN.split("\\")
    if head != "%LOCALAPPDATA%":
        raise AssertionError(f"INTERPRETER_WIN must start with %LOCALAPPDATA%: {INTERPRETER_WIN}")
    pythonw = Path(environ["LOCALAPPDATA"]).joinpath(*parts)
    scripts = pythonw.parent
    return Layout(xlstart=Path(environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART",
                  venv=scripts.parent, python=scripts / "python.exe", pythonw=pythonw)


@dataclass(frozen=True)
class VenvStatus:
    ok: bool
    detail: str  # Chinese, for the report


def check_venv(layout: Layout) -> VenvStatus:
    """Does the interpreter the add-in calls import credit_workbook and the pinned xlwings?"""
    if not layout.pythonw.is_file():
        return VenvStatus(False, f"没有找到 {layout.pythonw}")
    if not layout.python.is_file():
        return VenvStatus(False, f"没有找到 {layout.python}")
    # -I: not the current folder (a checkout there would pass for the venv's package), no PYTHON* variables
    proc = subprocess.run([str(layout.python), "-I", "-c", CHECK], capture_output=True, text=True, timeout=120,
                          check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["（无输出）"])[-1]
        return VenvStatus(False, f"{layout.python} 无法导入 credit_workbook 或 xlwings：{last}")
    try:
        ours, xlwings, where = proc.stdout.strip().splitlines()[-1].split(maxsplit=2)
    except (IndexError, ValueError):
        return VenvStatus(False, f"{layout.python} 的检查输出无法识别：{proc.stdout.strip()!r}")
    if xlwings != XLWINGS_VERSION:
        return VenvStatus(False, f"环境中的 xlwings 是 {xlwings}，加载项需要 {XLWINGS_VERSION}")
    return VenvStatus(True, f"credit_workbook {ours}、xlwings {xlwings}（{where.strip()}）")


def venv_commands(layout: Layout, source: str, create: bool,
                  launcher: Sequence[str] = LAUNCHER) -> list[list[str]]:
    """What makes the environment right: create it (if missing), then install or upgrade the package."""
    steps = [[*launcher, "-m", "venv", str(layout.venv)]] if create else []
    steps.append([str(layout.python), "-m", "pip", "install", "--upgrade", f"{source}[excel]"])
    return steps


def _show(argv: Sequence[str]) -> str:
    return " ".join(f'"{a}"' if " " in a else a for a in argv)


WINDOWS_STEPS = (
    'py -3.11 -m venv "%LOCALAPPDATA%\\credit_workbook\\venv"',
    '"%LOCALAPPDATA%\\credit_workbook\\venv\\Scripts\\python.exe" -m pip install "credit_workbook-<版本>-py3-none-any.whl[excel]"',
    '"%LOCALAPPDATA%\\credit_workbook\\venv\\Scripts\\python.exe" -m credit_workbook addin install',
)


def install(out: TextIO, *, platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
            source: str | None = None, dry_run: bool = False, launcher: Sequence[str] = LAUNCHER) -> int:
    """Make the user's Excel ready; progress goes to ``out``, failures raise ``UserError`` (exit 2)."""
    if platform != "win32":
        raise UserError(
            "Excel 功能区加载项只能安装在 Windows 版 Excel 中（它通过 Windows 的 cmd 启动 Python）。"
            "请在使用 Excel 的 Windows 电脑上，以该用户身份依次运行：\n  " + "\n  ".join(WINDOWS_STEPS)
            + "\n本机可用 credit-workbook addin build --out 目录 生成 credit_workbook.xlam 供检查；"
              "详见 README“Excel 功能区 / The Excel ribbon (IT)”。")
    layout = windows_layout(environ)
    will = "（演练，未执行）" if dry_run else ""

    status = check_venv(layout)
    print(f"Python 环境 {layout.venv}：{'可用，' + status.detail if status.ok else status.detail}", file=out)
    if source is None and not status.ok:
        raise UserError("加载项调用的 Python 环境不可用。请用 --source 指定 credit_workbook 的 wheel 文件或源码目录，"
                        "本命令会创建该环境并安装（需要该用户已安装 Python 3.11 及 py 启动器）；"
                        "或按 README 手动创建。")
    if source is not None:
        for argv in venv_commands(layout, source, create=not layout.python.is_file(), launcher=launcher):
            print(f"运行{will}：{_show(argv)}", file=out)
            if dry_run:
                continue
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800, check=False)
            except FileNotFoundError:
                raise UserError(f"找不到 {argv[0]}：请先为该用户安装 Python 3.11"
                                "（python.org 安装程序，勾选“py launcher”）") from None
            if proc.returncode != 0:
                raise UserError(f"命令失败（退出码 {proc.returncode}）：{_show(argv)}\n"
                                f"{(proc.stderr or proc.stdout).strip()}")
        if not dry_run:
            status = check_venv(layout)
            if not status.ok:
                raise UserError(f"安装后检查仍不通过：{status.detail}")
            print(f"Python 环境已就绪：{status.detail}", file=out)

    data = build_addin()
    current = layout.addin.read_bytes() if layout.addin.is_file() else None
    if current == data:
        print(f"加载项已是最新：{layout.addin}", file=out)
        return EXIT_OK
    verb = "安装" if current is None else "更新"
    if dry_run:
        print(f"{verb}加载项{will}：{layout.addin}", file=out)
        return EXIT_OK
    from credit_workbook.fileio import atomic_write

    try:
        atomic_write(layout.addin, data)
    except PermissionError:
        raise UserError(f"无法写入 {layout.addin}：Excel 可能正在使用它。请关闭所有 Excel 窗口后重试。") from None
    print(f"已{verb}加载项：{layout.addin}\n请重新启动 Excel：功能区会出现“信用管理”选项卡。", file=out)
    return EXIT_OK
