"""Mutations of a sample workbook, as values hypothesis can draw, shrink and print.

Each mutation is a small frozen dataclass whose ``repr`` says exactly what
was done (``SetCell(row=7, col=6, value='1.5万')``), so a failing example
reads as a recipe, and ``apply`` performs it on an ``xlsxmut.Package``.
``same_value`` mutations keep every figure's meaning (another way of
printing the same amount, date or code); ``touches`` tells the oracle
whether the header rows were involved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from hypothesis import strategies as st

from . import values as V
from .xlsxmut import Package, col_letter


@dataclass(frozen=True)
class SetCell:
    row: int
    col: int
    value: object
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.set(sheet, f"{col_letter(self.col)}{self.row}", self.value)

    def touches(self, header: int) -> bool:
        return self.row <= header


@dataclass(frozen=True)
class SameValue:
    """Rewrite a cell as another export would print the same thing; a no-op where nothing fits."""

    row: int
    col: int
    pick: int
    money: bool = True  # False: a count or a rate (期限(天), 使用率), never printed with ¥ or 元
    same_value = True

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        ref = f"{col_letter(self.col)}{self.row}"
        new = rewrite(pkg.value(sheet, ref), pkg.is_date_style(pkg.style(sheet, ref)), self.col, self.pick,
                      self.money)
        if new is not None:
            pkg.set(sheet, ref, new)

    def touches(self, header: int) -> bool:
        return self.row <= header


_DATE_COL = 1


def rewrite(current: object, date_style: bool, col: int, pick: int, money: bool = True) -> object | None:
    """Another printing of ``current``, or None when there is none that surely means the same.

    A date is a number in a date-formatted cell, or any text in column A (the ledgers' date column).
    """
    if current is None or current == "":
        return None
    if date_style or col == _DATE_COL:
        day = _as_date(current)
        if day is None:
            return None
        options = V.date_texts(day) + [V.excel_serial(day)]
        return options[pick % len(options)]
    if isinstance(current, float):
        amount = Decimal(repr(current))
        if amount != amount.quantize(Decimal("0.01")):
            return None
        texts = [t for t in V.amount_texts(amount.quantize(Decimal("0.01")))[:6]
                 if money or not (t.startswith("¥") or t.endswith("元"))]
        return texts[pick % len(texts)]
    if isinstance(current, str):
        text = current.strip()
        if not text:
            return None
        if text.isascii() and text.replace("-", "").isalnum() and any(ch.isalpha() for ch in text):
            codes = [f" {text} ", text.lower(), text.translate(str.maketrans(
                "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－"))]
            return codes[pick % len(codes)]
        try:
            amount = V.parse_oracle_amount(text)
        except ValueError:
            return f"{text}\u3000" if pick % 2 else None  # trailing ideographic space: trimmed by any reader
        if any(ch.isdigit() for ch in text) and "," in text:
            return float(amount) if pick % 2 else V.amount_texts(amount)[pick % 6]
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, float) and 61 <= value <= 2958465 and value == int(value):
        return V.parse_oracle_date(value)
    if isinstance(value, (date, datetime)):
        return value if isinstance(value, date) else value.date()
    if isinstance(value, str):
        try:
            return V.parse_oracle_date(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class ShuffleRows:
    first: int
    length: int
    seed: int
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        order = list(range(self.length))
        random.Random(self.seed).shuffle(order)
        pkg.permute_rows(sheet, self.first, order)

    def touches(self, header: int) -> bool:
        return self.first <= header


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    times: int
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.duplicate_row(sheet, self.row, self.times)

    def touches(self, header: int) -> bool:
        return self.row <= header


@dataclass(frozen=True)
class DeleteRows:
    first: int
    count: int
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.delete_rows(sheet, self.first, self.count)

    def touches(self, header: int) -> bool:
        return self.first <= header


@dataclass(frozen=True)
class Merge:
    row: int
    col: int
    height: int
    width: int
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        if self.height == self.width == 1:
            return
        ref = f"{col_letter(self.col)}{self.row}:{col_letter(self.col + self.width - 1)}{self.row + self.height - 1}"
        pkg.merge(sheet, ref)

    def touches(self, header: int) -> bool:
        return self.row <= header


@dataclass(frozen=True)
class ClearSheet:
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.clear_sheet(sheet)

    def touches(self, header: int) -> bool:
        return True


@dataclass(frozen=True)
class AddSheet:
    """Another sheet: empty, junk, or a copy of the sheet's first rows (a second ledger-like sheet)."""

    kind: str  # empty / junk / copy
    hidden: bool
    first: bool
    name: str = "附表"
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        if self.kind == "empty":
            rows: list[list[object]] = []
        elif self.kind == "junk":
            rows = [["说明", "本表由财务导出"], [None, 1.5, "=1+1"], ["合计", float("nan")]]
        else:
            last_row, last_col = pkg.used(sheet)
            rows = [[pkg.value(sheet, f"{col_letter(c)}{r}") for c in range(1, last_col + 1)]
                    for r in range(1, min(last_row, 12) + 1)]
        existing = {name for name, _ in pkg.sheets()}
        name = self.name
        while name in existing:
            name += "1"
        pkg.add_sheet(name, rows, hidden=self.hidden, first=self.first)

    def touches(self, header: int) -> bool:
        return self.first and not self.hidden and self.kind == "copy"


@dataclass(frozen=True)
class RemoveNames:
    same_value = True  # ledgers' names are print titles only

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.remove_defined_names(set(pkg.defined_names()))

    def touches(self, header: int) -> bool:
        return False


@dataclass(frozen=True)
class RenameSheet:
    name: str
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        existing = {name for name, _ in pkg.sheets()}
        if self.name and self.name not in existing:
            pkg.rename_sheet(sheet, self.name)

    def touches(self, header: int) -> bool:
        return False


@dataclass(frozen=True)
class LieAboutDimension:
    ref: str
    same_value = False

    def apply(self, pkg: Package, sheet: int = 0) -> None:
        pkg.set_dimension(sheet, self.ref)

    def touches(self, header: int) -> bool:
        return False


SHEET_NAMES = st.sampled_from(["Sheet1", "明细账", "余额表", "附表", "x" * 31, "数据'表", "表 1", "合计", "应收账款明细账"])


def sheet_mutations(last_row: int, last_col: int) -> st.SearchStrategy:
    """Any mutation of a sheet whose used range is ``last_row`` × ``last_col``."""
    rows = st.integers(1, last_row + 2)
    cols = st.integers(1, last_col + 1)
    return st.one_of(
        st.builds(SetCell, rows, cols, V.hostile()),
        st.builds(SameValue, rows, cols, st.integers(0, 20)),
        st.builds(ShuffleRows, st.integers(1, last_row), st.integers(2, 8), st.integers(0, 10**6)),
        st.builds(DuplicateRow, rows, st.integers(1, 3)),
        st.builds(DeleteRows, st.integers(1, last_row), st.integers(1, 5)),
        st.builds(Merge, rows, cols, st.integers(1, 4), st.integers(1, 3)),
        st.just(ClearSheet()),
        st.builds(AddSheet, st.sampled_from(["empty", "junk", "copy"]), st.booleans(), st.booleans(), SHEET_NAMES),
        st.just(RemoveNames()),
        st.builds(RenameSheet, SHEET_NAMES),
        st.builds(LieAboutDimension, st.sampled_from(["A1", "A1:A1", "A1:XFD1048576", "B2:C3", "A1:J999999"])),
    )


def same_value_mutations(last_row: int, last_col: int) -> st.SearchStrategy:
    return st.builds(SameValue, st.integers(1, last_row), st.integers(1, last_col), st.integers(0, 20))
