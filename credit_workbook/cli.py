"""The ``credit-workbook`` command line (SPEC §6).

Every command shares one base: the workspace argument, ``-v`` for
tracebacks, injected stdout/stderr (for tests and the ribbon), and one rule
for failures — a user's mistake prints ``错误：…`` and exits 2, a fault of
ours prints ``内部错误：…`` and exits 1. Imports of the heavy libraries stay
inside the commands so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Callable, TextIO

from credit_workbook import __version__

EXIT_OK, EXIT_FAULT, EXIT_REJECTED = 0, 1, 2


class Progress:
    """A progress bar on stderr for batch work; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self._bar = None

    def start(self, label: str, total: int) -> Callable[[str], None]:
        self.stop()
        if not getattr(self.stream, "isatty", lambda: False)() or total < 2:
            return lambda name: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn

        self._bar = RichProgress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                                 console=Console(file=self.stream), transient=True)
        self._bar.start()
        task = self._bar.add_task("", total=total)
        count = [0]

        def tick(name: str) -> None:
            if count[0]:
                self._bar.advance(task)
            count[0] += 1
            self._bar.update(task, description=name)
            if count[0] > total:
                self.stop()

        return tick

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _date(text: str) -> date:
    from credit_workbook.core.parse import ValueParseError, parse_date

    try:
        value = parse_date(text)
    except ValueParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return value


def _period(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"期间“{text}”格式不对，应为 YYYY-MM，例如 2026-10")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-workbook",
        description="客户信用管理（《客户信用管理制度》）：调查评定表校验、ABC评级、授信额度、月度检查与汇总表。",
    )
    parser.add_argument("--version", action="version", version=f"credit-workbook {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="出错时显示完整的技术信息（traceback）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="创建一个新的空工作目录（模板、credit.toml）")
    p.add_argument("dir", type=Path, help="工作目录")

    p = sub.add_parser("demo", help="用 sample_workbooks/ 的示例公司建一个工作目录并运行")
    p.add_argument("dir", type=Path, help="工作目录（新建）")

    for name, text in (("rate", "按现有台账历史校验并评定所有调查表（不导入 inbox/），生成汇总表与 results.json"),
                       ("run", "处理当月全部工作：导入 inbox/ 台账、评级、额度、汇总表、results.json")):
        p = sub.add_parser(name, help=text)
        p.add_argument("dir", type=Path, nargs="?", default=Path("."), help="工作目录（默认：当前目录）")
        p.add_argument("--period", type=_period, help="期间 YYYY-MM（默认：台账最新月份；无台账时为本月）")
        p.add_argument("--as-of", type=_date, dest="as_of", help="评定日期（默认：期间最后一天）")
        p.add_argument("--in-place", action="store_true",
                       help="把结果写回 surveys/ 中的原表（先备份到 .credit/backups/）；默认写入 out/YYYY-MM/ 的副本")
    from credit_workbook.addin.command import add_addin_parser
    from credit_workbook.export import add_export_parser
    from credit_workbook.mail.command import add_mail_parser
    from credit_workbook.ribbon.command import add_button_parser
    from credit_workbook.watch import add_watch_parser

    add_mail_parser(sub)
    add_watch_parser(sub)
    add_button_parser(sub)
    add_addin_parser(sub)
    add_export_parser(sub)
    p = sub.add_parser("check", help="这笔发货/预付款现在可以办理吗？（退出码 0 可以，3 须凭超额审批，4 不可以）")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help="工作目录（默认：当前目录）")
    p.add_argument("--customer", required=True, help="客户编码")
    p.add_argument("--amount", required=True, type=_amount, help="本次发货或预付金额（元）")
    p.add_argument("--date", type=_date, help="日期（默认：今天）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出，供其他程序调用")
    return parser


def _amount(text: str):
    from credit_workbook.core.parse import ValueParseError, parse_amount

    try:
        value = parse_amount(text)
    except ValueParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError("金额应大于0")
    return value


def _cmd_check(args, out: TextIO, err: TextIO) -> int:
    import json

    from credit_workbook.actions.shipment import check_shipment
    from credit_workbook.workspace import Workspace

    answer = check_shipment(Workspace.open(args.dir), args.customer.strip(), args.amount, args.date or date.today())
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2), file=out)
        return answer["decision"]
    from decimal import Decimal

    def yuan(text: str) -> str:
        return f"{Decimal(text):,.2f} 元"

    print(f"{answer['customer']} {answer['name']}（{answer['grade'] or '未评定'}级）{answer['date']} "
          f"本次 {yuan(answer['amount'])}：{answer['verdict']}", file=out)
    limit = yuan(answer["limit"]) if answer["limit"] is not None else "无有效授信"
    print(f"  占用 {yuan(answer['exposure_before'])} → {yuan(answer['exposure_after'])}，核定额度 {limit}", file=out)
    if answer["approval"]:
        a = answer["approval"]
        print(f"  超额审批：{a['doc_no']}（{a['approved_on']}，{yuan(a['amount'])}）", file=out)
    for r in answer["reasons"]:
        print(f"  {r['rule']}（{r['article']}）{r['message']}", file=out)
    return answer["decision"]


def _print_month_report(report, out: TextIO) -> None:
    from collections import Counter

    if report.ingest is not None:
        for line in report.ingest.summary_lines():
            print(line, file=out)
    cps = report.counterparties
    grades = Counter(cp.rating.result.grade.value for cp in cps if cp.rating)
    print(f"期间 {report.period}，评定日期 {report.as_of:%Y-%m-%d}", file=out)
    print(f"已评定 {sum(grades.values())} 户：A级 {grades['A']}，B级 {grades['B']}，C级 {grades['C']}", file=out)
    unrated = [cp for cp in cps if cp.survey is None]
    if unrated:
        print(f"台账中有往来但无调查评定表 {len(unrated)} 户（第十三条）："
              + "、".join(f"{cp.code} {cp.name}" for cp in unrated), file=out)
    for item in report.checked:
        if not item.problems:
            continue
        rating = next((cp.rating for cp in cps if item.survey and cp.code == item.survey.customer_code), None)
        verdict = f"{rating.result.grade.value}级" if rating else "未能评定"
        errors = sum(1 for p in item.problems if p.level.value == "错误")
        print(f"{item.path.name}（{verdict}）：错误 {errors} 处，警告 {len(item.problems) - errors} 处", file=out)
        for p in item.problems:
            print(f"  [{p.level.value}] {p.render()}", file=out)
    checked_names = {item.path.name for item in report.checked}
    for item in report.rejected:
        if item["file"].rsplit("/", 1)[-1] in checked_names:
            continue  # already listed above with its problems
        print(f"未采用：{item['file']}", file=out)
        for e in item["errors"]:
            print(f"  {e}", file=out)
    for path in report.outputs:
        if path.parent.name == report.period:  # the month's own outputs, not the marked survey copies
            print(f"输出：{path}", file=out)
    for note in report.notes:
        print(f"标注：{note}", file=out)
    for path in report.backups:
        print(f"已备份原表：{path}", file=out)


def _cmd_init(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.workspace import init_workspace

    ws = init_workspace(args.dir)
    print(f"已创建工作目录 {ws.root}：credit.toml、templates/（四张表单模板）、surveys/、inbox/ 等", file=out)
    return EXIT_OK


def _cmd_month(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.actions.month import run_month
    from credit_workbook.workspace import Workspace, workspace_lock

    ws = Workspace.open(args.dir)
    progress = Progress(err)
    with workspace_lock(ws):
        try:
            report = run_month(ws, args.period, args.as_of, ingest=args.command == "run",
                               in_place=args.in_place, progress=progress, command=args.command)
        finally:
            progress.stop()
    _print_month_report(report, out)
    if args.command == "run":
        _mail_after_run(ws, report.period, out, err)
    if args.command == "rate" and ws.inbox.is_dir():
        waiting = [p for p in ws.inbox.iterdir() if p.is_file() and not p.name.startswith(("~$", ".~lock.", "."))]
        if waiting:
            print(f"提示：inbox/ 中有 {len(waiting)} 个台账文件尚未导入，运行 credit-workbook run 可导入并重新评定", file=out)
    return report.exit_code


def _mail_after_run(ws, period: str, out: TextIO, err: TextIO) -> None:
    """Managers get the month by email when [mail] is enabled; a failure is reported, never fatal."""
    policy = ws.policy()
    if not policy.mail.enabled:
        return
    from credit_workbook.mail.monthly import send_month_mail

    result = send_month_mail(ws, period, policy)
    for line in result.report_lines():
        print(line, file=out)
    for line in result.error_lines():
        print(line, file=err)


def _cmd_demo(args, out: TextIO, err: TextIO) -> int:
    import io

    from credit_workbook.actions.demo import DEMO_PERIOD, PREVIOUS_PERIOD, make_demo, sign_current_register

    ws, fresh = make_demo(args.dir)
    args.dir, args.as_of, args.in_place, args.command = ws.root, None, False, "run"
    if fresh:
        print(f"示例工作目录：{ws.root}。先按年初台账运行 {PREVIOUS_PERIOD}（导入 inbox/ 中的13个月台账）……", file=out)
        args.period = PREVIOUS_PERIOD
        _cmd_month(args, io.StringIO(), err)
        sign_current_register(ws)
        print(f"年中调整后的授信台账已批准（register.xlsx），运行 {DEMO_PERIOD}：", file=out)
    args.period = DEMO_PERIOD
    _cmd_month(args, out, err)
    print(f"请打开 {ws.out_dir(DEMO_PERIOD)} 查看本月输出。", file=out)
    return EXIT_OK  # the demo's mistaken forms and quarantined file are part of the show, not a failure


def _cmd_mail(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.mail.command import run_mail_command

    return run_mail_command(args, out, err)


def _cmd_watch(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.watch import run_watch_command

    return run_watch_command(args, out, err)


def _cmd_export(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.export import run_export_command

    return run_export_command(args, out, err)


def _cmd_addin(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.addin.command import run_addin_command

    return run_addin_command(args, out, err)


def _cmd_button(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.ribbon.command import run_button_command

    return run_button_command(args, out, err)


COMMANDS = {"init": _cmd_init, "demo": _cmd_demo, "rate": _cmd_month, "run": _cmd_month, "check": _cmd_check,
            "mail": _cmd_mail, "watch": _cmd_watch, "addin": _cmd_addin, "export": _cmd_export,
            "button": _cmd_button}


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    from credit_workbook import guard
    from credit_workbook.errors import UserError

    try:
        guard.require_defusedxml()  # every command may read a received workbook
        return COMMANDS[args.command](args, out, err)
    except UserError as exc:
        if args.verbose:
            import traceback

            traceback.print_exc(file=err)
        print(f"错误：{exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断", file=err)
        return 130
    except BrokenPipeError:  # output piped into head/more that closed early
        return EXIT_OK
    except Exception as exc:  # a fault of ours: say so, keep the traceback behind -v
        if args.verbose:
            import traceback

            traceback.print_exc(file=err)
        print(f"内部错误：{type(exc).__name__}: {exc}（加 -v 查看详细信息）", file=err)
        return EXIT_FAULT
