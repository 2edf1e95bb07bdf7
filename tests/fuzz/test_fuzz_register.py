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
from hypothesis import given
from hypothesis import strategies as st

from credit_workbook.actions.single import read_register_fast
from credit_workbook.forms.register_reader import read_register

from . import values as V
from .mutations import (AddSheet, ClearSheet, DeleteRows, DuplicateRow, LieAboutDimension, Merge, RemoveNames,
                        RenameSheet, SameValue, SetCell, ShuffleRows)
from .outcome import CLEAR_ERROR, CORRECT, assert_clear, note, record
from .profile import fuzz
from .xlsxmut import Package

pytestmark = pytest.mark.fuzz

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
BASES = ("register.xlsx", "register_2026年初.xlsx")
USED = {name: [Package((SAMPLES / name).read_bytes()).used(i) for i in (0, 1)] for name in BASES}


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


def mutations_of(sheet: int, last_row: int, last_col: int):
    rows, cols = st.integers(1, last_row + 2), st.integers(1, last_col + 1)
    return st.builds(On, st.just(sheet), st.one_of(
        st.builds(SetCell, rows, cols, V.hostile()),
        st.builds(SetCell, rows, cols, V.hostile()),
        st.builds(SameValue, rows, cols, st.integers(0, 20)),
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
    return st.lists(st.one_of(mutations_of(0, r0, c0), mutations_of(0, r0, c0), mutations_of(1, r1, c1)),
                    min_size=1, max_size=3)


def _same(base: str):
    (r0, c0), (r1, c1) = USED[base]
    return st.lists(st.one_of(st.builds(On, st.just(0), st.builds(SameValue, st.integers(5, r0), st.integers(1, c0),
                                                                  st.integers(0, 20))),
                              st.builds(On, st.just(1), st.builds(SameValue, st.integers(6, r1), st.integers(1, c1),
                                                                  st.integers(0, 20)))),
                    min_size=1, max_size=6)


def comparable(register) -> tuple:
    return (register.approved, register.pending, register.rejected_codes, register.overlimit,
            sorted((p.level.name, p.field, p.place) for p in register.problems))


_BASELINE: dict[str, object] = {}


def run_register(base: str, mutations, target: str) -> str:
    pkg = Package((SAMPLES / base).read_bytes())
    for m in mutations:
        m.apply(pkg)
    with tempfile.TemporaryDirectory(prefix="credit-fuzz-") as tmp:
        path = Path(tmp) / base
        path.write_bytes(pkg.to_bytes())
        slow = read_register(path)
        fast = read_register_fast(path)
    for p in slow.problems + fast.problems:
        assert_clear(f"{p.place}: {p.message}", base)
    unreadable = [p for p in slow.problems if p.field == "register" and p.place == base]
    if unreadable and not any(p.field == "register" and p.place == base for p in fast.problems):
        note("register: openpyxl refuses a file calamine reads")  # both clear; run uses openpyxl's
    else:
        assert comparable(fast) == comparable(slow), "the two register readers read the file differently"
    if all(m.same_value for m in mutations):
        if base not in _BASELINE:
            _BASELINE[base] = comparable(read_register(SAMPLES / base))
        assert comparable(slow) == _BASELINE[base], "the same approvals typed otherwise were read differently"
    outcome = CLEAR_ERROR if slow.errors else CORRECT
    record(target, outcome)
    return outcome


@fuzz(50)
@given(base=st.sampled_from(BASES), data=st.data())
def test_mutated_register_reads_the_same_in_both_readers(base, data):
    run_register(base, data.draw(_any(base), label="mutations"), "register (cells, rows, sheets)")


@fuzz(20)
@given(base=st.sampled_from(BASES), data=st.data())
def test_same_approvals_typed_otherwise_give_the_same_register(base, data):
    run_register(base, data.draw(_same(base), label="mutations"), "register (same values)")
