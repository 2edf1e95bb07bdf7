"""Mutated real registers (《预付、赊销客户汇总表》 + 超额审批) through both register readers.

``run`` reads the register with openpyxl (``read_register``); ``check`` and
the ribbon read it through calamine (``actions.single.read_register_fast``),
and the two are meant to give the same ``Register``. That is the oracle:
for any input both must give the same approved credits, pending and
rejected codes, over-limit approvals and problems at the same cells — and
every problem must be clear. The same approvals typed otherwise must give
the sample's register exactly.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credit_workbook.actions.single import read_register_fast
from credit_workbook.errors import UserError
from credit_workbook.forms.register_reader import read_register

from . import values as V
from .mutations import (AddSheet, ClearSheet, DeleteRows, DuplicateRow, LieAboutDimension, Merge, RemoveNames,
                        RenameSheet, SameValue, SetCell, ShuffleRows)
from .outcome import CLEAR_ERROR, CORRECT, assert_clear, note, record
from .profile import fuzz
from .xlsxmut import CellError, Package, col_letter

pytestmark = pytest.mark.fuzz

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
BASES = ("register.xlsx", "register_2026年初.xlsx")
USED = {name: [Package((SAMPLES / name).read_bytes()).used(i) for i in (0, 1)] for name in BASES}
HEADER_ROW = (4, 5)  # the register's header row, 超额审批's


def _not_money(name: str) -> list[set[int]]:
    """Per sheet, the columns whose numbers are counts or rates (序号, 期限(天), 使用率), not amounts."""
    pkg = Package((SAMPLES / name).read_bytes())
    return [{c for c in range(1, USED[name][i][1] + 1)
             if any(k in str(pkg.value(i, f"{col_letter(c)}{HEADER_ROW[i]}") or "") for k in ("序号", "天", "率"))}
            for i in (0, 1)]


NOT_MONEY = {name: _not_money(name) for name in BASES}


def same_value(base: str, sheet: int, rows, cols):
    """A ``SameValue`` that prints a count or a rate without ¥ or 元, as no clerk would write them."""
    return st.builds(lambda r, c, pick: SameValue(r, c, pick, money=c not in NOT_MONEY[base][sheet]),
                     rows, cols, st.integers(0, 20))


@dataclass(frozen=True)
class On:
    """A mutation of sheet ``sheet`` (0: the register, 1: 超额审批)."""

    sheet: int
    inner: object

    @property
    def same_value(self) -> bool:
        return self.inner.same_value

    def apply(self, pkg: Package) -> None:
        self.inner.apply(pkg, self.sheet)


def mutations_of(base: str, sheet: int, last_row: int, last_col: int):
    rows, cols = st.integers(1, last_row + 2), st.integers(1, last_col + 1)
    return st.builds(On, st.just(sheet), st.one_of(
        st.builds(SetCell, rows, cols, V.hostile()),
        st.builds(SetCell, rows, cols, V.hostile()),
        same_value(base, sheet, rows, cols),
        st.builds(ShuffleRows, st.integers(1, last_row), st.integers(2, 6), st.integers(0, 10**6)),
        st.builds(DuplicateRow, rows, st.integers(1, 2)),
        st.builds(DeleteRows, st.integers(1, last_row), st.integers(1, 3)),
        st.builds(Merge, rows, cols, st.integers(1, 3), st.integers(1, 3)),
        st.just(ClearSheet()),
        st.builds(AddSheet, st.sampled_from(["empty", "junk", "copy"]), st.booleans(), st.booleans(),
                  st.sampled_from(["附表", "超额审批", "预付赊销客户汇总表(2)"])),
        st.just(RemoveNames()),
        st.builds(RenameSheet, st.sampled_from(["Sheet1", "超额审批", "授信台账", "预付赊销客户汇总表"])),
        st.builds(LieAboutDimension, st.sampled_from(["A1", "A1:XFD1048576", "B2:C3"])),
    ))


def _any(base: str):
    (r0, c0), (r1, c1) = USED[base]
    return st.lists(st.one_of(mutations_of(base, 0, r0, c0), mutations_of(base, 0, r0, c0),
                              mutations_of(base, 1, r1, c1)),
                    min_size=1, max_size=3)


def _same(base: str):
    (r0, c0), (r1, c1) = USED[base]
    return st.lists(st.one_of(st.builds(On, st.just(0), same_value(base, 0, st.integers(5, r0), st.integers(1, c0))),
                              st.builds(On, st.just(1), same_value(base, 1, st.integers(6, r1), st.integers(1, c1)))),
                    min_size=1, max_size=6)


def comparable(register) -> tuple:
    return (register.approved, register.pending, register.rejected_codes, register.overlimit,
            sorted((p.level.name, p.field, p.place) for p in register.problems))


_BASELINE: dict[str, object] = {}


def run_register(base: str, mutations, target: str) -> str:
    pkg = Package((SAMPLES / base).read_bytes())
    for m in mutations:
        m.apply(pkg)
    slow = compare_readers(base, pkg.to_bytes())
    if all(m.same_value for m in mutations):
        if base not in _BASELINE:
            _BASELINE[base] = comparable(read_register(SAMPLES / base))
        assert comparable(slow) == _BASELINE[base], "the same approvals typed otherwise were read differently"
    outcome = CLEAR_ERROR if slow.errors else CORRECT
    record(target, outcome)
    return outcome


def compare_readers(name: str, data: bytes):
    """The oracle on the file's bytes (saved as ``name``): both readers read it alike, every problem clear.

    Returns openpyxl's register, the one ``run`` uses."""
    with tempfile.TemporaryDirectory(prefix="credit-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        slow = read_register(path)
        try:
            fast = read_register_fast(path)
        except UserError as exc:  # `check` and the ribbon print it and stop (a date cell calamine panics on)
            assert_clear(str(exc), name)
            note("register: the ribbon's reader refuses a file run reads")
            fast = None
    for p in slow.problems + (fast.problems if fast else ()):
        assert_clear(f"{p.place}: {p.message}", name)
    if fast is None:
        return slow
    unreadable = [p for p in slow.problems if p.field == "register" and p.place == name]
    if unreadable and not any(p.field == "register" and p.place == name for p in fast.problems):
        note("register: openpyxl refuses a file calamine reads")  # both clear; run uses openpyxl's
    else:
        assert comparable(fast) == comparable(slow), "the two register readers read the file differently"
    return slow


@st.composite
def mutated(draw, mutation_lists):
    """(base sample, mutations) as one value, so a found case can be pinned with ``@example``."""
    base = draw(st.sampled_from(BASES), label="base")
    return base, draw(mutation_lists(base), label="mutations")


# found by this target: a formula's error value in 客户名称 (#DIV/0!) read as text by openpyxl, blank by
# calamine; a control character (stored as _x0008_) decoded by calamine, left escaped by openpyxl
@example(example=("register.xlsx", [On(0, SetCell(6, 3, CellError("#DIV/0!")))]))
@example(example=("register.xlsx", [On(0, SetCell(6, 2, "GY00\x08"))]))
@fuzz(150)
@given(example=mutated(_any))
def test_mutated_register_reads_the_same_in_both_readers(example):
    run_register(*example, "register (cells, rows, sheets)")


@fuzz(60)
@given(example=mutated(_same))
def test_same_approvals_typed_otherwise_give_the_same_register(example):
    run_register(*example, "register (same values)")
