"""How 用友 and 金蝶 print a month of a 往来 account, in the four shapes finance sends.

The demo's ledgers must look like the files a finance clerk really exports,
because the parsers are judged on them: title rows over the header, the
counterparty printed once per block (用友) or on every row (金蝶), 上月结转 /
本月合计 / 本年累计 rows, two-level merged headers, amounts as text with
thousands separators and red ink in parentheses, dates as ``2026年3月5日``
or ``20260305``, a GBK CSV with CRLF line ends. The content (who, what,
how much) comes from ``ledgers.month_ledger``; these writers only lay it out.

Bytes are reproducible: XlsxWriter ``in_memory`` stamps every zip member
1980-01-01 and the document properties carry a fixed creation time, so a
rebuild that changes nothing does not show up as a change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from credit_workbook.fileio import atomic_target, atomic_write

ZERO = Decimal("0.00")

# The four export styles (SPEC §4).
YONYOU = "用友明细账"
KINGDEE = "金蝶明细账"
BALANCE = "余额表"
GBK_CSV = "GBK CSV明细账"
STYLES = (YONYOU, KINGDEE, BALANCE, GBK_CSV)


@dataclass(frozen=True)
class Entry:
    day: date
    voucher: str
    summary: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # signed running balance after the line: + = 借


@dataclass(frozen=True)
class Block:
    """One counterparty's month on one account."""

    code: str
    name: str
    opening: Decimal  # signed
    entries: tuple[Entry, ...]
    debit: Decimal
    credit: Decimal
    closing: Decimal  # signed
    ytd_debit: Decimal  # 本年累计 from January (the ledger year)
    ytd_credit: Decimal


@dataclass(frozen=True)
class MonthLedger:
    month: str  # YYYY-MM
    account: str  # 应收账款 / 预付账款 / 预收账款
    account_code: str  # 1122 / 1123 / 2203
    role: str  # 客户 / 供应商: which header words the ERP prints
    blocks: tuple[Block, ...]
    company: str
    created: datetime  # when it was exported: file properties and 打印日期

    @property
    def title(self) -> str:
        return f"{self.account}明细账"

    @property
    def subject(self) -> str:
        return f"{self.account_code} {self.account}"

    @property
    def code_header(self) -> str:
        return "供应商编码" if self.role == "供应商" else "客户编码"

    @property
    def name_header(self) -> str:
        return "供应商名称" if self.role == "供应商" else "客户名称"

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def mon(self) -> int:
        return int(self.month[5:])

    @property
    def debit(self) -> Decimal:
        return sum((b.debit for b in self.blocks), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((b.credit for b in self.blocks), ZERO)


def direction(balance: Decimal) -> tuple[str, Decimal]:
    """方向 and the unsigned amount, as every Chinese ledger prints a balance."""
    if balance > 0:
        return "借", balance
    if balance < 0:
        return "贷", -balance
    return "平", ZERO


def amount_text(value: Decimal) -> str:
    """金蝶's text amounts: thousands separators, red ink in parentheses."""
    return f"({-value:,.2f})" if value < 0 else f"{value:,.2f}"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _workbook(path: Path, ledger: MonthLedger, title: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), {
        "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    })
    wb.set_properties({"title": title, "author": "财务部", "company": ledger.company, "created": ledger.created})
    return wb


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook, font: str):
        base = {"font_name": font, "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.info = wb.add_format(base)
        self.info_right = wb.add_format({**base, "align": "right"})
        self.info_center = wb.add_format({**base, "align": "center"})
        cell = {**base, "border": 1}
        self.header = wb.add_format({**cell, "bold": True, "align": "center", "bg_color": "#DCE6F1"})
        self.text = wb.add_format(cell)
        self.center = wb.add_format({**cell, "align": "center"})
        self.date = wb.add_format({**cell, "num_format": "yyyy-mm-dd", "align": "center"})
        self.money = wb.add_format({**cell, "num_format": "#,##0.00;[Red]-#,##0.00"})
        self.right = wb.add_format({**cell, "align": "right"})
        self.total_text = wb.add_format({**cell, "bold": True})
        self.total_money = wb.add_format({**cell, "bold": True, "num_format": "#,##0.00;[Red]-#,##0.00"})


# ---------------------------------------------------------------- (a) 用友 科目明细账

YONYOU_WIDTHS = (11, 9, 10, 30, 36, 14, 14, 5, 15)


def write_yonyou(path: Path, ledger: MonthLedger,
                 balance_edits: Mapping[tuple[str, str], Decimal] | None = None) -> Path:
    """用友 U8 明细账 by 往来单位: a block per counterparty, code and name on its first row only.

    ``balance_edits`` {(code, row label): balance} overwrites printed
    balances of 本月合计/本年累计 rows — what a clerk's hand edit looks like.
    """
    edits = dict(balance_edits or {})
    path = Path(path)
    with atomic_target(path) as tmp:
        wb = _workbook(tmp, ledger, ledger.title)
        f = _Formats(wb, "宋体")
        ws = wb.add_worksheet("明细账")
        for c, w in enumerate(YONYOU_WIDTHS):
            ws.set_column(c, c, w)
        ws.set_row(0, 26)
        ws.merge_range(0, 0, 0, 8, ledger.title, f.title)
        ws.merge_range(1, 0, 1, 3, f"科目：{ledger.subject}", f.info)
        ws.merge_range(1, 4, 1, 6, f"期间：{ledger.year}年{ledger.mon:02d}月", f.info_center)
        ws.write_string(1, 8, "单位：元", f.info_right)
        ws.merge_range(2, 0, 2, 4, f"核算单位：{ledger.company}", f.info)
        ws.merge_range(2, 6, 2, 8, f"打印日期：{ledger.created:%Y-%m-%d}", f.info_right)
        headers = ("日期", "凭证号", ledger.code_header, ledger.name_header, "摘要", "借方", "贷方", "方向", "余额")
        for c, h in enumerate(headers):
            ws.write_string(3, c, h, f.header)
        r = 4
        opening_label = "上年结转" if ledger.mon == 1 else "上月结转"
        for block in ledger.blocks:
            side, amount = direction(block.opening)
            _blank_cells(ws, r, (0, 1, 5, 6), f.text)
            ws.write_string(r, 2, block.code, f.text)
            ws.write_string(r, 3, block.name, f.text)
            ws.write_string(r, 4, opening_label, f.text)
            ws.write_string(r, 7, side, f.center)
            ws.write_number(r, 8, float(amount), f.money)
            r += 1
            for e in block.entries:
                ws.write_datetime(r, 0, datetime(e.day.year, e.day.month, e.day.day), f.date)
                ws.write_string(r, 1, e.voucher, f.center)
                _blank_cells(ws, r, (2, 3), f.text)
                ws.write_string(r, 4, e.summary, f.text)
                _money_or_blank(ws, r, 5, e.debit, f.money)
                _money_or_blank(ws, r, 6, e.credit, f.money)
                side, amount = direction(e.balance)
                ws.write_string(r, 7, side, f.center)
                ws.write_number(r, 8, float(amount), f.money)
                r += 1
            for label, debit, credit in (("本月合计", block.debit, block.credit),
                                         ("本年累计", block.ytd_debit, block.ytd_credit)):
                side, amount = direction(edits.get((block.code, label), block.closing))
                _blank_cells(ws, r, (0, 1, 2, 3), f.total_text)
                ws.write_string(r, 4, label, f.total_text)
                ws.write_number(r, 5, float(debit), f.total_money)
                ws.write_number(r, 6, float(credit), f.total_money)
                ws.write_string(r, 7, side, f.total_text)
                ws.write_number(r, 8, float(amount), f.total_money)
                r += 1
            r += 1  # 用友 leaves a blank line between counterparties
        _blank_cells(ws, r, (0, 1, 2, 3, 7, 8), f.total_text)
        ws.write_string(r, 4, "合计", f.total_text)
        ws.write_number(r, 5, float(ledger.debit), f.total_money)
        ws.write_number(r, 6, float(ledger.credit), f.total_money)
        ws.freeze_panes(4, 0)
        ws.repeat_rows(3)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        wb.close()
    return path


def _blank_cells(ws, r: int, cols, fmt) -> None:
    for c in cols:
        ws.write_blank(r, c, None, fmt)


def _money_or_blank(ws, r: int, c: int, value: Decimal, fmt) -> None:
    if value:
        ws.write_number(r, c, float(value), fmt)
    else:
        ws.write_blank(r, c, None, fmt)


# ---------------------------------------------------------------- (b) 金蝶 往来明细账

KINGDEE_WIDTHS = (15, 9, 9, 30, 34, 15, 15, 6, 15, 14)


def write_kingdee(path: Path, ledger: MonthLedger) -> Path:
    """金蝶 K/3 明细账: two-level merged header, every figure as text, 科目 on every row."""
    path = Path(path)
    with atomic_target(path) as tmp:
        wb = _workbook(tmp, ledger, ledger.title)
        f = _Formats(wb, "宋体")
        ws = wb.add_worksheet("Sheet1")
        for c, w in enumerate(KINGDEE_WIDTHS):
            ws.set_column(c, c, w)
        ws.set_row(0, 24)
        ws.merge_range(0, 0, 0, 9, ledger.title, f.title)
        ws.merge_range(1, 0, 1, 2, f"会计期间：{ledger.year}年第{ledger.mon}期", f.info)
        ws.write_string(1, 4, "币别：人民币", f.info)
        ws.write_string(1, 9, "单位：元", f.info_right)
        for c, text in ((0, "日期"), (1, "凭证字号"), (4, "摘要"), (9, "科目")):
            ws.merge_range(2, c, 3, c, text, f.header)
        for c0, c1, parent, children in ((2, 3, "往来单位", ("编码", "名称")), (5, 6, "本期发生", ("借方", "贷方")),
                                         (7, 8, "余额", ("方向", "金额"))):
            ws.merge_range(2, c0, 2, c1, parent, f.header)
            ws.write_string(3, c0, children[0], f.header)
            ws.write_string(3, c1, children[1], f.header)
        subject = ledger.subject
        first_day = cn_date(date(ledger.year, ledger.mon, 1))
        r = 4
        for block in ledger.blocks:
            side, amount = direction(block.opening)
            row = [first_day, "", block.code, block.name, "期初余额", "", "", side, amount_text(amount), subject]
            _write_texts(ws, r, row, f.text)
            r += 1
            for e in block.entries:
                side, amount = direction(e.balance)
                voucher = "记-" + str(int(e.voucher.split("-")[1]))
                row = [cn_date(e.day), voucher, block.code, block.name, e.summary,
                       amount_text(e.debit) if e.debit else "", amount_text(e.credit) if e.credit else "",
                       side, amount_text(amount), subject]
                _write_texts(ws, r, row, f.text)
                r += 1
            side, amount = direction(block.closing)
            row = ["", "", "", "", "本期合计", amount_text(block.debit), amount_text(block.credit), side,
                   amount_text(amount), subject]
            _write_texts(ws, r, row, f.total_text)
            r += 1
        row = ["合计", "", "", "", "", amount_text(ledger.debit), amount_text(ledger.credit), "", "", ""]
        _write_texts(ws, r, row, f.total_text)
        ws.freeze_panes(4, 0)
        ws.repeat_rows(2, 3)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        wb.close()
    return path


def _write_texts(ws, r: int, values, fmt) -> None:
    for c, value in enumerate(values):
        if value == "":
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_string(r, c, value, fmt)


# ---------------------------------------------------------------- (c) 往来余额表

BALANCE_WIDTHS = (11, 30, 5, 15, 15, 15, 5, 15)


def write_balance_table(path: Path, ledger: MonthLedger) -> Path:
    """科目余额表 by 往来单位: month totals only, 方向 beside 期初 and 期末."""
    path = Path(path)
    title = f"{ledger.account}余额表"
    with atomic_target(path) as tmp:
        wb = _workbook(tmp, ledger, title)
        f = _Formats(wb, "宋体")
        ws = wb.add_worksheet("余额表")
        for c, w in enumerate(BALANCE_WIDTHS):
            ws.set_column(c, c, w)
        ws.set_row(0, 26)
        ws.merge_range(0, 0, 0, 7, title, f.title)
        ws.merge_range(1, 0, 1, 1, f"科目：{ledger.subject}", f.info)
        ws.merge_range(1, 3, 1, 5, f"期间：{ledger.year}年{ledger.mon}月", f.info_center)
        ws.write_string(1, 7, "单位：元", f.info_right)
        headers = (ledger.code_header, ledger.name_header, "方向", "期初余额", "本期借方", "本期贷方", "方向", "期末余额")
        for c, h in enumerate(headers):
            ws.write_string(2, c, h, f.header)
        r = 3
        for block in ledger.blocks:
            ws.write_string(r, 0, block.code, f.text)
            ws.write_string(r, 1, block.name, f.text)
            _balance_pair(ws, r, 2, block.opening, f)
            ws.write_number(r, 4, float(block.debit), f.money)
            ws.write_number(r, 5, float(block.credit), f.money)
            _balance_pair(ws, r, 6, block.closing, f)
            r += 1
        ws.write_blank(r, 0, None, f.total_text)
        ws.write_string(r, 1, "合计", f.total_text)
        _balance_pair(ws, r, 2, sum((b.opening for b in ledger.blocks), ZERO), f, total=True)
        ws.write_number(r, 4, float(ledger.debit), f.total_money)
        ws.write_number(r, 5, float(ledger.credit), f.total_money)
        _balance_pair(ws, r, 6, sum((b.closing for b in ledger.blocks), ZERO), f, total=True)
        ws.freeze_panes(3, 0)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        wb.close()
    return path


def _balance_pair(ws, r: int, c: int, balance: Decimal, f: _Formats, total: bool = False) -> None:
    side, amount = direction(balance)
    ws.write_string(r, c, side, f.total_text if total else f.center)
    ws.write_number(r, c + 1, float(amount), f.total_money if total else f.money)


# ---------------------------------------------------------------- (d) GBK CSV 明细账

def csv_text(ledger: MonthLedger) -> str:
    """用友's 输出→文本文件: title lines, dates as 20260305, code and name on every row."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([ledger.title])
    w.writerow([f"期间：{ledger.year}年{ledger.mon:02d}月", "", "", "", "", "", "", "", "单位：元"])
    w.writerow(["业务日期", "凭证号", ledger.code_header, ledger.name_header, "摘要", "借方金额", "贷方金额", "方向", "余额"])
    for block in ledger.blocks:
        side, amount = direction(block.opening)
        w.writerow(["", "", block.code, block.name, "期初余额", "", "", side, f"{amount:,.2f}"])
        for e in block.entries:
            side, amount = direction(e.balance)
            w.writerow([f"{e.day:%Y%m%d}", e.voucher, block.code, block.name, e.summary,
                        f"{e.debit:,.2f}" if e.debit else "", f"{e.credit:,.2f}" if e.credit else "",
                        side, f"{amount:,.2f}"])
        side, amount = direction(block.closing)
        w.writerow(["", "", "", "", "小计", f"{block.debit:,.2f}", f"{block.credit:,.2f}", side, f"{amount:,.2f}"])
    w.writerow(["", "", "", "", "合计", f"{ledger.debit:,.2f}", f"{ledger.credit:,.2f}", "", ""])
    return out.getvalue()


def write_gbk_csv(path: Path, ledger: MonthLedger) -> Path:
    path = Path(path)
    atomic_write(path, csv_text(ledger).encode("gbk"))
    return path


WRITERS = {YONYOU: write_yonyou, KINGDEE: write_kingdee, BALANCE: write_balance_table, GBK_CSV: write_gbk_csv}
