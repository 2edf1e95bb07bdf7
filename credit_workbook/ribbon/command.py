"""``credit-workbook button FILE``: the ribbon's main button on a file, through the file adapter.

Scripts and people without Excel get exactly what the button does in Excel
(the same action functions over the port); the file is written back in
place after a backup to ``.credit/backups/`` (a ledger gets its highlighted
copy in ``out/YYYY-MM/`` instead). Exit codes as the CLI's: 0 done, 2 the
workbook needs fixing or was not recognised, 3/4 a shipment request sheet's
worst answer (as ``check``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO


def add_button_parser(sub) -> None:
    p = sub.add_parser("button", help="对一个工作簿执行 Excel“信用管理”按钮的操作（调查评定表、授信台账、台账、执行评价表、发货申请）")
    p.add_argument("file", type=Path, help="工作簿文件（.xlsx/.xlsm；台账也可为 .xls/.csv）")
    p.add_argument("--workspace", type=Path,
                   help="工作目录（默认：文件所在的、含 credit.toml 的上级目录，或环境变量 CREDIT_WORKBOOK_HOME）")
    p.add_argument("--clear", action="store_true", help="清除本工具加上的着色和批注（先备份），不做检查")


def run_button_command(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.ribbon.buttons import press_file

    outcome = press_file(args.file, args.workspace, clear=args.clear)
    for line in outcome.lines():
        print(line, file=out)
    return outcome.exit_code
