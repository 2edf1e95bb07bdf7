"""Small monthly ledgers for the ingest tests, written with XlsxWriter the way 用友 prints them.

Each figure is given once (opening and movements); running balances,
方向, 本月合计 and 合计 are derived here, so a file is internally consistent
unless a test says otherwise through ``tweaks`` ({"I7": value}).
The same arguments always give the same bytes (fixed ``created`` stamp),
so a test can re-drop "the same file".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import xlsxwriter

DETAIL_HEADER = ["日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额", "科目"]
FIRST_DATA_ROW = 5  # rows 1-3 title, row 4 header
STAMP = datetime(2026, 1, 1, 9, 0)


@dataclass
class Block:
    """One counterparty's part of a 明细账: its opening and its movements (day, voucher, summary, debit, credit)."""

    code: str
    name: str
    opening: D
    moves: list[tuple[int, str, str, D, D]] = field(default_factory=list)
    account: str = "应收账款"

    @property
    def closing(self) -> D:
        return self.opening + sum((d - c for *_, d, c in self.moves), D("0"))


def _direction(balance: D) -> str:
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


def detail_rows(period: str, blocks: list[Block], title: str = "应收账款明细账") -> dict[int, list]:
    year, month = (int(x) for x in period.split("-"))
    rows: dict[int, list] = {
        1: [title],
        2: [f"期间：{year}年{month}月"],
        3: [None] * 8 + ["单位：元"],
        4: list(DETAIL_HEADER),
    }
    r = FIRST_DATA_ROW
    total_d = total_c = D("0")
    for b in blocks:
        balance = b.opening
        rows[r] = [None, None, b.code, b.name, "上月结转", None, None, _direction(balance), abs(balance), b.account]
        r += 1
        sum_d = sum_c = D("0")
        for day, voucher, summary, debit, credit in b.moves:
            balance += debit - credit
            sum_d += debit
            sum_c += credit
            rows[r] = [date(year, month, day), voucher, None, None, summary, debit or None, credit or None,
                       _direction(balance), abs(balance), b.account]
            r += 1
        rows[r] = [None, None, None, None, "本月合计", sum_d, sum_c, _direction(balance), abs(balance), b.account]
        r += 2
        total_d += sum_d
        total_c += sum_c
    rows[r] = [None, None, None, None, "合计", total_d, total_c]
    return rows


def opening_row(blocks: list[Block], index: int) -> int:
    """The sheet row of block ``index``'s 上月结转 line."""
    r = FIRST_DATA_ROW
    for b in blocks[:index]:
        r += len(b.moves) + 3
    return r


def write_rows(path: Path, sheet: str, rows: dict[int, list], tweaks: dict | None = None) -> Path:
    for ref, value in (tweaks or {}).items():
        col, row = ord(ref[0]) - 65, int(ref[1:])
        line = rows.setdefault(row, [])
        line.extend([None] * (col + 1 - len(line)))
        line[col] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    wb.set_properties({"created": STAMP})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    for r, values in rows.items():
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, date):
                ws.write_datetime(r - 1, c, datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, (int, D)):
                ws.write_number(r - 1, c, float(v), money)  # what an ERP writes: a binary number cell
            else:
                ws.write_string(r - 1, c, str(v))
    wb.close()
    return path


def write_detail(path: Path, period: str, blocks: list[Block], tweaks: dict | None = None,
                 title: str = "应收账款明细账") -> Path:
    return write_rows(path, "明细账", detail_rows(period, blocks, title), tweaks)


def write_balance(path: Path, period: str, lines: list[tuple[str, str, D, D, D]], tweaks: dict | None = None) -> Path:
    """A 余额表 with signed amounts (+ = 借) and no 科目: (code, name, opening, debit, credit)."""
    year, month = (int(x) for x in period.split("-"))
    rows: dict[int, list] = {
        1: ["客户往来余额表"],
        2: [f"期间：{year}年{month}月"],
        3: ["客户编码", "客户名称", "期初余额", "本期借方", "本期贷方", "期末余额"],
    }
    totals = [D("0")] * 4
    for i, (code, name, opening, debit, credit) in enumerate(lines):
        figures = [opening, debit, credit, opening + debit - credit]
        rows[4 + i] = [code, name, *figures]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
    rows[4 + len(lines)] = [None, "合计", *totals]
    return write_rows(path, "余额表", rows, tweaks)


# ---------------------------------------------------------------- the story: three months of one company

def july() -> list[Block]:
    return [
        Block("C001", "华东机械有限公司", D("10000.00"), [
            (5, "记-0012", "销售发货", D("5000.00"), D("0")),
            (20, "记-0025", "收到货款", D("0"), D("8000.00")),
        ]),
        Block("C002", "南方贸易公司", D("-2000.00"), [
            (8, "记-0018", "销售发货", D("1500.00"), D("0")),
        ]),
    ]


def august(c001_opening: D = D("7000.00")) -> list[Block]:
    return [
        Block("C001", "华东机械有限公司", c001_opening, [
            (3, "记-0003", "销售发货", D("12345.67"), D("0")),
            (25, "记-0031", "收到货款", D("0"), D("4000.00")),
        ]),
        Block("C002", "南方贸易公司", D("-500.00"), [
            (10, "记-0011", "销售发货", D("3000.00"), D("0")),
            (28, "记-0040", "收到货款", D("0"), D("2500.00")),
        ]),
    ]


def august_prepaid() -> list[Block]:
    return [
        Block("S001", "东方原料供应商", D("0.00"), [
            (6, "记-0007", "预付货款", D("30000.00"), D("0")),
            (26, "记-0038", "到货冲预付", D("0"), D("12345.67")),
        ], account="预付账款"),
    ]


def september() -> list[tuple[str, str, D, D, D]]:
    return [
        ("C001", "华东机械有限公司", D("15345.67"), D("1000.00"), D("6345.67")),
        ("C002", "南方贸易公司", D("0.00"), D("0.00"), D("0.00")),
        ("C003", "西部电气有限公司", D("2000.00"), D("500.00"), D("0.00")),
    ]


def drop_story(inbox: Path) -> dict[str, Path]:
    """The four files of July–September; names sort against the periods, so order must come from the data."""
    return {
        "2026-09": write_balance(inbox / "a_九月余额表.xlsx", "2026-09", september()),
        "2026-08": write_detail(inbox / "b_八月应收.xlsx", "2026-08", august()),
        "2026-08p": write_detail(inbox / "c_八月预付.xlsx", "2026-08", august_prepaid(), title="预付账款明细账"),
        "2026-07": write_detail(inbox / "d_七月应收.xlsx", "2026-07", july()),
    }
