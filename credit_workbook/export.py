"""``credit-workbook export DIR [--period YYYY-MM] [--mask]``: the month's grades as a CSV for Excel.

Writes ``out/YYYY-MM/客户信用等级_YYYY-MM.csv``: one row per counterparty of
the month's results.json (what the run decided, never recomputed), with the
three things a clerk files the list by and results.json deliberately does
not carry — 统一社会信用代码, 经办业务员, 结算账号 — read from the surveys the
run rated.

A CSV is the file most likely to leave the company and to be opened by a
program that evaluates what it reads, so: UTF-8 with a BOM (Excel on a
Chinese Windows reads a BOM-less file as GBK), every field quoted, every
text field formula-neutralised (``textsafe.csv_field``), and — with
``--mask`` or ``[privacy] mask_outgoing`` — codes and account numbers cut to
``9133****123X``. An all-digit code or account number is written after a
tab, the usual way to stop Excel from turning it into 9.13301E+17. Every
export is an ``export`` row of the audit log.

Exit codes: 0 written; 2 nothing to export (no run yet) or another task holds
the workspace.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

COLUMNS = ("客户编码", "客户名称", "往来类型", "统一社会信用代码", "经办业务员", "信用等级", "评定依据",
           "长期额度上限", "临时额度上限", "建议授信类型", "建议授信额度", "核定类型", "核定额度",
           "期末余额", "逾期金额", "最长逾期天数", "红色事项", "黄色事项", "结算账号")
FILE_NAME = "客户信用等级_{period}.csv"
UNRATED = "未评定"
_LONG_DIGITS = re.compile(r"\d{12,}")


def _period(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"期间“{text}”格式不对，应为 YYYY-MM，例如 2026-10")
    return text


def add_export_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "export", help="把当月评级结果导出为 CSV（out/YYYY-MM/客户信用等级_YYYY-MM.csv），可用 Excel 打开",
        description="导出当月每个往来单位的信用等级、额度、余额、逾期和检查事项，附统一社会信用代码、经办业务员、"
                    "结算账号（取自调查评定表）。文件为带 BOM 的 UTF-8，Excel 可直接打开；以 = + - @ 开头的文字"
                    "前加 ' 防止被当作公式。")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help="工作目录（默认：当前目录）")
    p.add_argument("--period", type=_period, help="期间 YYYY-MM（默认：out/ 中有 results.json 的最新月份）")
    p.add_argument("--mask", action="store_true",
                   help="统一社会信用代码、银行账号只显示前4位和后4位（如 9133****123X）；"
                        "credit.toml [privacy] mask_outgoing = true 时总是如此")
    return p


@dataclass
class ExportResult:
    path: Path
    rows: int
    masked: bool
    notes: list[str] = field(default_factory=list)


def run_export_command(args, out: TextIO, err: TextIO) -> int:
    from credit_workbook.workspace import Workspace, workspace_lock

    ws = Workspace.open(args.dir)
    with workspace_lock(ws):  # a run rewriting results.json must not be exported half-way
        result = export_month(ws, args.period, mask=args.mask)
    for note in result.notes:
        print(f"提示：{note}", file=err)
    state = "，统一社会信用代码、账号已隐去中间位" if result.masked else ""
    print(f"已导出 {result.rows} 户{state}：{result.path}", file=out)
    return 0


def export_month(ws, period: str | None = None, *, mask: bool = False) -> ExportResult:
    """Write the period's CSV (atomically) and audit it; ``mask`` adds to credit.toml's setting."""
    import json

    from credit_workbook.errors import UserError
    from credit_workbook.fileio import atomic_write
    from credit_workbook.mail.digest import latest_period
    from credit_workbook.store import Store

    mask = mask or ws.policy().privacy.mask_outgoing
    period = period or latest_period(ws.root / "out")
    if period is None:
        raise UserError("out/ 中还没有任何月份的结果（results.json）；请先运行 credit-workbook run")
    source = ws.out_dir(period) / "results.json"
    try:
        results = json.loads(source.read_text(encoding="utf-8"))
        counterparties = results["counterparties"]
    except FileNotFoundError:
        raise UserError(f"{source}: 不存在；请先运行 credit-workbook run --period {period}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{source}: 无法读取（{exc}）；请重新运行 credit-workbook run --period {period}") from None
    result = ExportResult(ws.out_dir(period) / FILE_NAME.format(period=period), len(counterparties), mask)
    rows = [_row(ws, cp, mask, result.notes) for cp in counterparties]
    atomic_write(result.path, _csv_bytes(rows))
    with Store(ws.store_path) as store:
        store.audit_files("export", ws.root, [result.path], period=period, rows=len(rows), masked=mask)
    return result


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _row(ws, cp: dict, mask: bool, notes: list[str]) -> list[str]:
    from decimal import Decimal

    from credit_workbook.privacy import mask_id, mask_text
    from credit_workbook.textsafe import csv_field

    survey = _survey(ws, cp.get("survey_file"), notes)
    uscc = survey.uscc if survey else None
    accounts = [b.account_no for b in survey.banks if b.account_no] if survey else []
    flags = [f.get("severity") for f in cp.get("flags", [])]

    def text(value) -> str:
        value = "" if value is None else str(value)
        return csv_field(mask_text(value) if mask else value)

    def ident(values: list[str]) -> str:
        joined = "；".join(mask_id(v) for v in values) if mask else "；".join(values)
        return "\t" + joined if _LONG_DIGITS.fullmatch(joined) else csv_field(joined)

    def money(key: str) -> str:
        value = cp.get(key)
        return "" if value is None else csv_field(Decimal(value))  # a number, even when negative

    return [
        text(cp.get("code")), text(cp.get("name")), text(cp.get("type")), ident([uscc] if uscc else []),
        text(survey.salesperson if survey else None), text(cp.get("grade") or UNRATED),
        text("；".join(cp.get("grade_reasons") or [])), money("cap_long"), money("cap_temp"),
        text(cp.get("proposed_type")), money("proposed_limit"), text(cp.get("approved_type")),
        money("approved_limit"), money("closing"), money("overdue"), csv_field(cp.get("max_overdue_days")),
        csv_field(flags.count("红")), csv_field(flags.count("黄")), ident(accounts),
    ]


def _survey(ws, rel: str | None, notes: list[str]):
    """The survey the run rated, read again; None (and a note) when it is gone or unreadable now."""
    from credit_workbook.core.survey_checks import check_survey
    from credit_workbook.errors import UserError
    from credit_workbook.forms.survey_fast_reader import read_survey_fast
    from credit_workbook.forms.survey_reader import read_survey_file

    if not rel:
        return None
    path = ws.root / rel
    try:
        raw = read_survey_fast(path) or read_survey_file(path)
    except (UserError, OSError) as exc:
        notes.append(f"{rel}：无法读取（{exc}），统一社会信用代码、经办业务员、结算账号留空")
        return None
    return check_survey(raw).survey
