"""``credit-workbook addin build|install`` — argparse only at import, so ``--help`` stays instant.

Exit codes: 0 done; 2 nothing (or not everything) was done and the message
says why (``build --check`` found the committed add-in out of date,
install refused on this platform or the environment could not be made).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO


def add_addin_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "addin", help="Excel 功能区加载项：生成 credit_workbook.xlam，或为当前 Windows 用户安装",
        description="Excel 功能区加载项（xlwings 模板，功能区选项卡“信用管理”）。")
    sub = p.add_subparsers(dest="addin_command", metavar="ACTION", required=True)
    b = sub.add_parser("build", help="由已安装的 xlwings 模板生成 credit_workbook.xlam（逐字节可重现）",
                       description="由 xlwings 0.37.8 的功能区模板生成 credit_workbook.xlam："
                                   "VBA 原样保留，只改功能区、配置表。同一版本每次生成的文件逐字节相同。")
    b.add_argument("--out", type=Path, default=Path("macros"), help="输出目录（默认：当前目录下的 macros/）")
    b.add_argument("--check", action="store_true",
                   help="不写文件，只检查输出目录中的 credit_workbook.xlam 是否与重新生成的一致（不一致时退出码 2）")
    i = sub.add_parser("install", help="Windows：把加载项复制到 XLSTART，并创建或检查它调用的 Python 环境",
                       description="为当前 Windows 用户安装：检查（或用 --source 创建/升级）"
                                   "%LOCALAPPDATA%\\credit_workbook\\venv，再把 credit_workbook.xlam 复制到 "
                                   "%APPDATA%\\Microsoft\\Excel\\XLSTART。安装前请关闭 Excel。")
    i.add_argument("--source", metavar="WHEEL_OR_DIR",
                   help="credit_workbook 的 wheel 文件或源码目录：在环境中安装或升级它（含 [excel] 依赖）")
    i.add_argument("--dry-run", action="store_true", dest="dry_run", help="只显示将要做的事，不做任何改动")
    return p


def run_addin_command(args, out: TextIO, err: TextIO) -> int:
    if args.addin_command == "install":
        from credit_workbook.addin.install import install

        return install(out, source=args.source, dry_run=args.dry_run)
    from credit_workbook.addin.build import ADDIN_NAME, build_addin, write_addin

    if args.check:
        path = args.out / ADDIN_NAME
        if path.is_file() and path.read_bytes() == build_addin():
            print(f"一致：{path}", file=out)
            return 0
        print(f"不一致：{path} 与重新生成的加载项不同（或不存在）。请运行 credit-workbook addin build --out {args.out} "
              "并检查差异。", file=err)
        return 2
    path, changed = write_addin(args.out)
    print(f"{'已生成' if changed else '未变化'}：{path}", file=out)
    return 0
