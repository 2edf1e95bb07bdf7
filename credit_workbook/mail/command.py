"""``credit-workbook mail DIR [--period YYYY-MM] [--dry-run]`` — for cli.py to wire in.

    from credit_workbook.mail.command import add_mail_parser, run_mail_command
    add_mail_parser(sub)                  # in build_parser()
    COMMANDS["mail"] = run_mail_command   # same (args, out, err) -> int shape as the others

Exit codes: 0 sent (or, with --dry-run, written); 1 a message could not be
sent (each failure printed as 错误：…, and in the audit log); 2 nothing was
attempted because the settings or the month's outputs need fixing (no
results.json, no recipients, password variable unset, mail disabled) — the
CLI's rule for a user's mistake. A workspace problem (not a workspace,
another run holds the lock) is raised as ``UserError`` for cli.main to print.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO


def _period(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"期间“{text}”格式不对，应为 YYYY-MM，例如 2026-10")
    return text


def add_mail_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "mail", help="把当月汇总表（表2、表3、表4）和摘要邮件发给各位管理人员；--dry-run 只生成 .eml 文件",
        description="按 credit.toml [mail] 的设置，给每个角色（营销副总、财务总监、总经理、董事长、营销部经理）"
                    "发送一封月报邮件，附《客户信用等级分类汇总表》《预付、赊销客户汇总表》《客户授信额度执行评价表》。"
                    "邮箱密码只从 password_env 指定的环境变量读取。")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help="工作目录（默认：当前目录）")
    p.add_argument("--period", type=_period, help="期间 YYYY-MM（默认：out/ 中有 results.json 的最新月份）")
    p.add_argument("--dry-run", action="store_true", dest="dry_run",
                   help="不发送，把每封邮件写成 out/YYYY-MM/mail/<角色>.eml（可用邮件程序打开查看）")
    return p


def run_mail_command(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.mail.monthly import send_month_mail
    from credit_workbook.workspace import Workspace, workspace_lock

    ws = Workspace.open(args.dir)
    with workspace_lock(ws):  # a run rewriting out/YYYY-MM must not be mailed half-way
        result = send_month_mail(ws, args.period, dry_run=args.dry_run)
    for line in result.report_lines():
        print(line, file=out)
    for line in result.error_lines():
        print(f"错误：{line}", file=err)
    if not result.ok and result.kind is None:
        print("以上失败已记入审计日志（mail_failed）。", file=err)
    return result.exit_code
