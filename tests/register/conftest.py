"""Registers as approvers hand them back: written by ``write_register`` as a
proposal, then filled and rearranged with openpyxl the way a person in Excel
would (typed text dates, amounts with thousands separators, inserted columns,
rows cut and pasted into the other block)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from credit_workbook.forms.register import OVERLIMIT_SHEET, SHEET, write_register
from credit_workbook.forms.rows import FormMeta, OverlimitRow, RegisterRow

META = FormMeta("示例纺织有限公司", "2026-01", date(2026, 1, 31), datetime(2026, 2, 1, 8, 0))
FILE = "register.xlsx"


def proposal_row(code: str, name: str, ctype: str, **kw) -> RegisterRow:
    """A row as 营销部 proposes it: computed columns filled, approval columns blank."""
    return RegisterRow(code, name, ctype, grade="A", salesperson="张三", avg_debit=D("120000.00"),
                       avg_credit=D("110000.00"), cap_long=D("110000.00"), cap_temp=D("110000.00"),
                       proposed_type="长期", proposed_limit=D("100000.00"), proposed_term_days=30,
                       exposure=D("45000.00"), **kw)


PROPOSAL = (
    proposal_row("C001", "杭州甲商贸有限公司", "客户"),
    proposal_row("C002", "宁波乙贸易有限公司", "客户"),
    proposal_row("C003", "温州丙服饰有限公司", "客户"),
    proposal_row("C004", "绍兴丁家纺有限公司", "客户"),
    proposal_row("S001", "嘉兴化纤原料有限公司", "供应商"),
    proposal_row("S002", "湖州染料有限公司", "供应商"),
)
PROPOSED_OVERLIMIT = (OverlimitRow("C001", date(2026, 3, 2), D("50000.00"), "总经办〔2026〕7号"),)


class Approver:
    """Edits a register workbook like a person: cells found by code and header text."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = openpyxl.load_workbook(self.path)
        self.ws = self.wb[SHEET]

    # -- locating cells by what they show (independent of the reader's logic)
    def header_row(self) -> int:
        for row in self.ws.iter_rows():
            if any(c.value == "客户编码" for c in row):
                return row[0].row
        raise AssertionError("no header row")

    def col(self, header: str) -> int:
        hr = self.header_row()
        for cell in self.ws[hr]:
            if isinstance(cell.value, str) and "".join(cell.value.split()) == header:
                return cell.column
        raise AssertionError(f"no column {header!r}")

    def row(self, code: str) -> int:
        c = self.col("客户编码")
        for r in range(self.header_row() + 1, self.ws.max_row + 1):
            if self.ws.cell(r, c).value == code:
                return r
        raise AssertionError(f"no row for {code!r}")

    def coord(self, code: str, header: str) -> str:
        return f"{get_column_letter(self.col(header))}{self.row(code)}"

    def place(self, code: str, header: str = "客户编码") -> str:
        return f"{FILE}!{SHEET}!{self.coord(code, header)}"

    # -- editing
    def set(self, code: str, header: str, value) -> None:
        self.ws.cell(self.row(code), self.col(header)).value = value

    def fill(self, code: str, **values) -> None:
        """Values by header; keys use the header text (核定期限 for 核定期限(天))."""
        for header, value in values.items():
            self.set(code, _HEADER_KEYS.get(header, header), value)

    def move_row(self, code: str, to_row: int) -> None:
        """Cut a data row and paste it over a (spare) row elsewhere."""
        src = self.row(code)
        for c in range(1, self.ws.max_column + 1):
            self.ws.cell(to_row, c).value = self.ws.cell(src, c).value
            self.ws.cell(src, c).value = None

    def spare_row_after(self, code: str) -> int:
        """The first blank row below a data row (the block's spare rows)."""
        c = self.col("客户编码")
        r = self.row(code) + 1
        while self.ws.cell(r, c).value is not None:
            r += 1
        return r

    def insert_cols(self, idx: int, amount: int = 1) -> None:
        """Insert columns as Excel does; openpyxl alone would leave merged ranges behind."""
        _with_merges_shifted(self.ws, lambda: self.ws.insert_cols(idx, amount), col=(idx, amount))

    def insert_rows(self, idx: int, amount: int = 1) -> None:
        _with_merges_shifted(self.ws, lambda: self.ws.insert_rows(idx, amount), row=(idx, amount))

    def save(self, path: Path | None = None) -> Path:
        target = Path(path) if path else self.path
        self.wb.save(target)
        return target


_HEADER_KEYS = {"核定期限": "核定期限(天)"}


def _with_merges_shifted(ws, action, col=None, row=None) -> None:
    ranges = [r.coord for r in ws.merged_cells.ranges]
    for coord in ranges:
        ws.unmerge_cells(coord)
    action()
    for coord in ranges:
        c0, r0, c1, r1 = range_boundaries(coord)
        if col:
            at, n = col
            c0, c1 = (c0 + n, c1 + n) if c0 >= at else (c0, c1 + n if c1 >= at else c1)
        if row:
            at, n = row
            r0, r1 = (r0 + n, r1 + n) if r0 >= at else (r0, r1 + n if r1 >= at else r1)
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def approve_standard(a: Approver) -> None:
    """The approvals of the base scenario (see EXPECTED in test_register_reader)."""
    a.fill("S001", 核定类型="临时", 核定额度="50,000.00", 核定期限="15天", 担保方式="保证金",
           抵押资产价值="60,000", 合同开始日期="2026年1月1日", 合同结束日期="2026/6/30",
           审批状态="已批准", 批准日期="2025年12月28日")
    a.fill("C001", 核定类型="长期", 核定额度=300000, 核定期限=30, 担保方式="无",
           合同开始日期=datetime(2026, 1, 1), 合同结束日期=datetime(2026, 12, 31),
           审批状态="已批准", 批准日期=datetime(2025, 12, 20))
    a.fill("C002", 核定类型="无", 审批状态="已批准", 批准日期=datetime(2025, 12, 20))
    a.fill("C003", 审批状态="待批")
    a.fill("C004", 核定类型="长期", 核定额度=80000, 审批状态="驳回")
    ol = a.wb[OVERLIMIT_SHEET]
    for c, value in enumerate(("S001", "2026年2月3日", "12,000.00", "财审〔2026〕3号"), start=1):
        ol.cell(7, c).value = value


@pytest.fixture
def proposal(tmp_path) -> Path:
    return write_register(tmp_path / FILE, PROPOSAL, META, None, PROPOSED_OVERLIMIT)


@pytest.fixture
def approver(proposal) -> Approver:
    a = Approver(proposal)
    approve_standard(a)
    return a
