"""A workspace whose every free-text input is an attack: what staff or another system could type.

Counterparty names (ledger 客户名称 and survey 客户名称), salespeople, 摘要,
凭证号, survey text fields, bank account names and the register's 批准文号
are formula, DDE and script payloads. The workspace is otherwise an
ordinary month — two ledgers (an .xlsx 明细账 and a GBK .csv 预付账款明细账),
one survey per counterparty, an approved register with an over-limit
approval — so every writer runs on it: Forms 2–4, highlighted ledger
copies, marked surveys, results.json, the mail and the CSV export.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

from formfill import COMPLETE_A, fill
from ingest.ledgers import Block, detail_rows, write_detail
from register.conftest import Approver

from credit_workbook.core.uscc import make_uscc
from credit_workbook.workspace import Workspace, init_workspace

PERIOD = "2026-10"
PAYLOADS = (
    '=HYPERLINK("http://x","点我")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "=1+1",
    "\t=2+2",
    "\r=3+3",
    "<script>alert(1)</script>",
)
# What a payload may look like once a reader has trimmed the white space around it.
SHOWN = {p: p.strip() for p in PAYLOADS}
# Fragments that must never be inside a formula (<f>) of any workbook we write.
FORMULA_MARKERS = ("HYPERLINK", "cmd|", "calc", "SUM(1)", "1+1", "2+2", "3+3", "-2+3", "script")

CUSTOMERS = [(f"KH{i + 1:03d}", p) for i, p in enumerate(PAYLOADS[:6])]
LEAKY = "GY003"  # a clerk typed the code into the name and the account beside the salesperson
SUPPLIERS = [("GY001", PAYLOADS[6]), ("GY002", PAYLOADS[7]), (LEAKY, "")]
SALES = (PAYLOADS[4], PAYLOADS[1], PAYLOADS[7])
# 统一社会信用代码 and bank accounts: what the masking option hides
USCC = {code: make_uscc(f"913301{i:011d}") for i, (code, _) in enumerate(CUSTOMERS + SUPPLIERS, start=100)}
ACCOUNT = {code: f"62220212{i:011d}" for i, (code, _) in enumerate(CUSTOMERS + SUPPLIERS, start=1)}
SUPPLIERS[-1] = (LEAKY, f"嘉兴化纤原料有限公司（{USCC[LEAKY]}）")
LEAKY_SALESPERSON = f"李四 {ACCOUNT[LEAKY]}"
COMPANY = '=HYPERLINK("http://x","<b>示例</b>")'  # credit.toml [company] name: every form's 编制单位


def _survey_values(code: str, name: str, kind: str, index: int) -> dict:
    values = dict(COMPLETE_A)
    values.update(customer_code=code, customer_name=name, counterparty_type=kind, uscc=USCC[code],
                  salesperson=SALES[index % len(SALES)], legal_rep=PAYLOADS[3], address=PAYLOADS[0],
                  main_products=PAYLOADS[7], department=PAYLOADS[2], surveyed_by=PAYLOADS[1],
                  reviewed_by=PAYLOADS[5], filed_by=PAYLOADS[6], surveyed_on=date(2026, 10, 8))
    if code == LEAKY:
        values["salesperson"] = LEAKY_SALESPERSON
    return values


def _bank(code: str, index: int) -> dict:
    # 账户名称 ≠ 客户名称: a warning whose comment quotes both names
    return {"bank": PAYLOADS[index % len(PAYLOADS)], "account_no": ACCOUNT[code],
            "account_name": PAYLOADS[(index + 3) % len(PAYLOADS)], "account_kind": "基本户"}


def _fill_banks(path: Path, row: dict) -> None:
    """formfill types table cells as values (a leading = would become a formula): text here."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    from credit_workbook.forms.fields import TABLE_BY_NAME
    from credit_workbook.forms.names import find_table

    wb = openpyxl.load_workbook(path)
    sheet, table = find_table(wb, "tbl_banks")
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    headers = {sheet.cell(min_row, c).value: c for c in range(min_col, max_col + 1)}
    for attr, header, _kind in TABLE_BY_NAME["tbl_banks"].columns:
        _set_text(sheet.cell(min_row + 1, headers[header]), row[attr])
    wb.save(path)


def receivables() -> list[Block]:
    blocks = []
    for i, (code, name) in enumerate(CUSTOMERS):
        voucher, summary = PAYLOADS[(i + 1) % len(PAYLOADS)], PAYLOADS[(i + 2) % len(PAYLOADS)]
        blocks.append(Block(code, name, D(50000 + 10000 * i), [
            (3, voucher, summary, D("80000.00"), D(0)),
            (20, PAYLOADS[(i + 5) % len(PAYLOADS)], PAYLOADS[i], D(0), D("30000.00")),
        ]))
    return blocks


def prepayments() -> list[Block]:
    return [Block(code, name, D("20000.00"), [(6, PAYLOADS[0], PAYLOADS[4], D("40000.00"), D(0))],
                  account="预付账款") for code, name in SUPPLIERS]


def _write_csv(path: Path, rows: dict[int, list]) -> None:
    """A GBK CSV export, as 金蝶 writes it; numbers as plain text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for r in range(1, max(rows) + 1):
        line = rows.get(r, [])
        writer.writerow(["" if v is None else f"{v:%Y-%m-%d}" if isinstance(v, date) else str(v) for v in line])
    path.write_bytes(buf.getvalue().encode("gbk"))


def _set_text(cell, value) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _register(ws: Workspace, tmp: Path) -> None:
    from credit_workbook.forms.register import OVERLIMIT_SHEET, write_register
    from credit_workbook.forms.rows import FormMeta, OverlimitRow, RegisterRow

    meta = FormMeta(PAYLOADS[0], "2026-01", date(2026, 1, 31), datetime(2026, 2, 1, 8, 0))
    rows = [RegisterRow(code, name, "客户", grade="A", salesperson=SALES[0], proposed_type="长期",
                        proposed_limit=D("100000.00"), proposed_term_days=30) for code, name in CUSTOMERS[:3]]
    proposal = write_register(tmp / "register.xlsx", rows, meta, None,
                              [OverlimitRow("KH001", date(2026, 10, 1), D("5000.00"), PAYLOADS[1])])
    a = Approver(proposal)
    for code, _ in CUSTOMERS[:3]:
        a.fill(code, 核定类型="长期", 核定额度=60000, 核定期限=30, 担保方式="无",
               合同开始日期=datetime(2026, 1, 1), 合同结束日期=datetime(2026, 12, 31),
               审批状态="已批准", 批准日期=datetime(2025, 12, 20))
    _set_text(a.ws.cell(a.row("KH002"), a.col("担保方式")), "无")
    ol = a.wb[OVERLIMIT_SHEET]
    for c, value in enumerate(("KH002", "2026年10月1日", "5,000.00", PAYLOADS[4]), start=1):
        _set_text(ol.cell(8, c), value)
    a.save(ws.register)


def build(root: Path) -> Workspace:
    """The hostile workspace, ready for ``run``."""
    import json

    ws = init_workspace(root)
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace('name = "示例有限公司"', f"name = {json.dumps(COMPANY)}", 1),
                              encoding="utf-8")
    all_cps = [(c, n, "客户") for c, n in CUSTOMERS] + [(c, n, "供应商") for c, n in SUPPLIERS]
    for i, (code, name, kind) in enumerate(all_cps):
        _fill_banks(fill(ws.surveys / f"{code}.xlsx", _survey_values(code, name, kind, i), banks=()),
                    _bank(code, i))
    write_detail(ws.inbox / "应收账款明细账_202610.xlsx", PERIOD, receivables())
    _write_csv(ws.inbox / "预付账款明细账_202610.csv", detail_rows(PERIOD, prepayments(), title="预付账款明细账"))
    tmp = root / ".credit" / "tmp-register"
    tmp.mkdir(parents=True, exist_ok=True)
    _register(ws, tmp)
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    return ws
