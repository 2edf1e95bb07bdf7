"""``credit-workbook watch DIR [--once] [--settle SECONDS] [--no-mail]`` (SPEC §1: finance only drops files).

The command around ``credit_workbook.watcher``: arguments, the log, the
signals. ``cli.py`` wires it in with ``add_watch_parser(sub)`` and
``COMMANDS["watch"] = run_watch_command``; until then (and for the
tests) ``python -m credit_workbook.watch DIR`` runs it alone.

Exit codes follow ``run``: 0 fine, 2 a file was quarantined (``--once``)
or the watcher was refused (another watcher, not a workspace), 1 a fault.
A long-running watcher stopped on purpose exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path
from typing import TextIO

from credit_workbook.errors import UserError


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是秒数，例如 2 或 0.5") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("秒数应在 0 到 3600 之间")
    return value


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help="工作目录（默认：当前目录）")
    p.add_argument("--once", action="store_true",
                   help="处理 inbox/ 中现有的文件后退出，供计划任务/cron 使用（退出码 0 正常，2 有文件被隔离，1 出错）")
    p.add_argument("--settle", type=_seconds, default=2.0, metavar="SECONDS",
                   help="文件的大小和修改时间保持不变多少秒后才处理（默认 2；网络盘可设大一些）")
    p.add_argument("--no-mail", action="store_true", dest="no_mail",
                   help="不发送邮件（即使 credit.toml 中已启用 mail）")


WATCH_HELP = "监视 inbox/：财务放入台账文件后自动导入、运行当月并发送邮件（--once：处理一次后退出）"
WATCH_DESCRIPTION = (
    "持续监视工作目录的 inbox/。新放入或被替换的台账文件在写入完成后（大小和修改时间保持不变 --settle 秒，"
    "且文件结构完整）逐个导入：通过检查的归档到 archive/YYYY-MM/，未通过的移入 quarantine/ 并附 .error.txt；"
    "随后运行当月（同 run）并在 credit.toml 启用邮件时发送。Excel 锁文件（~$*、.~lock.*#）、临时文件（*.tmp）、"
    "隐藏文件和未下载完的文件（*.crdownload、*.part）会被忽略。每个文件的处理结果记入 .credit/watch.log。"
    "同一工作目录只能运行一个 watch；watch 只在处理一批文件时占用工作目录，这时手动 run/rate 等最多等待 30 秒"
    "（环境变量 CREDIT_WORKBOOK_LOCK_WAIT），并显示占用者。按 Ctrl+C 或发送 SIGTERM 会在处理完当前文件后退出。"
)


def add_watch_parser(subparsers) -> argparse.ArgumentParser:
    """The ``watch`` subcommand, for ``cli.build_parser``."""
    p = subparsers.add_parser("watch", help=WATCH_HELP, description=WATCH_DESCRIPTION)
    _add_arguments(p)
    return p


@contextlib.contextmanager
def _stop_on_signals(watcher):
    """SIGINT/SIGTERM (SIGBREAK on Windows) ask for a graceful stop; a second one acts as usual
    (Ctrl+C twice stops at once — safe, the ingest survives kills)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])
    previous = {}

    def handler(signum, frame):
        for s, old in previous.items():
            signal.signal(s, old)
        watcher.request_stop(f"收到停止信号（{signal.Signals(signum).name}）")

    for s in wanted:
        previous[s] = signal.signal(s, handler)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def run_watch_command(args, out: TextIO, err: TextIO) -> int:
    """``watch``: the exit code; user errors are printed as ``错误：…`` here so it works wired or alone."""
    from credit_workbook.watcher import Watcher
    from credit_workbook.watcher.log import LOG_NAME, WatchLog
    from credit_workbook.workspace import Workspace

    try:
        ws = Workspace.open(args.dir)
        log = WatchLog(ws.state / LOG_NAME, err)
        watcher = Watcher(ws, log, settle=args.settle, mail=not args.no_mail,
                          verbose=getattr(args, "verbose", False))
        with _stop_on_signals(watcher):
            return watcher.run(once=args.once)
    except UserError as exc:
        print(f"错误：{exc}", file=err)
        return exc.exit_code


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``python -m credit_workbook.watch``: the command without the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="credit-workbook watch", description=WATCH_DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="出错时显示完整的技术信息（traceback）")
    _add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    err = stderr or sys.stderr
    try:
        return run_watch_command(args, stdout or sys.stdout, err)
    except KeyboardInterrupt:
        print("已中断", file=err)
        return 130


if __name__ == "__main__":
    sys.exit(main())
