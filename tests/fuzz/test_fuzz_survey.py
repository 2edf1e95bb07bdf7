"""Mutated real 《客户信用调查评定表》 forms through both readers and the checks.

The monthly run reads a form with calamine (``read_survey_fast``) and falls
back to openpyxl (``read_survey_file``) when the fast reader cannot place
something; the ribbon and the write-back use openpyxl. So the oracle is the
other reader: for any input both must end the same way — the same
``Survey`` (the values grading uses) and the same problems at the same
cells — or both refuse it with a clear error. A form rewritten with the same
answers printed otherwise (``2026年1月5日`` for a date, ``Y`` for 是) must
give exactly the sample's result.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import UserError
from credit_workbook.forms.fields import FIELDS
from credit_workbook.forms.survey_fast_reader import read_survey_fast
from credit_workbook.forms.survey_reader import read_survey_file

from . import values as V
from .mutations import (AddSheet, ClearSheet, DeleteRows, DuplicateRow, LieAboutDimension, Merge, RenameSheet,
                        SetCell, ShuffleRows)
from .outcome import CLEAR_ERROR, CORRECT, assert_clear, note, record
from .profile import fuzz
from .xlsxmut import Package, col_letter

pytestmark = pytest.mark.fuzz

SURVEYS = Path(__file__).resolve().parents[2] / "sample_workbooks" / "surveys"
BASES = ("KH001_锦绣服饰.xlsx", "GY003_宏宇染料.xlsx", "KH018_优品汇.xlsx", "KH030_恒美印染.xlsx", "GY006_荣泰织造.xlsx")
INPUT_FIELDS = tuple(f for f in FIELDS if not f.output)
KIND = {f.name: f.kind for f in FIELDS}
_TARGET = re.compile(r"^'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def _cells(name: str) -> dict[str, str]:
    """Defined name → cell reference, from the sample itself."""
    pkg = Package((SURVEYS / name).read_bytes())
    names = pkg.tree("xl/workbook.xml").find("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}definedNames")
    out = {}
    for dn in names:
        m = _TARGET.match(dn.text or "")
        if m:
            out[dn.get("name")] = f"{m['col']}{m['row']}"
    return out


CELLS = {name: _cells(name) for name in BASES}
USED = {name: Package((SURVEYS / name).read_bytes()).used(0) for name in BASES}


@dataclass(frozen=True)
class SetField:
    field: str
    value: object
    same_value = False

    def apply(self, pkg: Package, cells: dict[str, str]) -> None:
        if self.field in cells:
            pkg.set(0, cells[self.field], self.value)


@dataclass(frozen=True)
class SameField:
    """The field's answer printed the way another clerk would type it."""

    field: str
    pick: int
    same_value = True

    def apply(self, pkg: Package, cells: dict[str, str]) -> None:
        ref = cells.get(self.field)
        if ref is None:
            return
        new = same_answer(KIND[self.field], pkg.value(0, ref), self.pick)
        if new is not None:
            pkg.set(0, ref, new)


def same_answer(kind: str, current: object, pick: int) -> object | None:
    if current is None or current == "":
        return None
    if kind == "date" and isinstance(current, float) and 61 <= current <= 2958465:
        options = V.date_texts(V.parse_oracle_date(current))
        return options[pick % len(options)]
    if kind in ("number", "integer") and isinstance(current, float):
        if not abs(current) < 1e15:  # past 15 digits (or inf/NaN) no text means exactly this number
            return None
        amount = Decimal(repr(current))
        if amount != amount.quantize(Decimal("0.01")):
            return None
        texts = [f"{amount:.2f}", f"{amount:,.2f}", f" {amount:,.2f} ", f"{amount:,.2f}".translate(V.FULL_WIDTH)]
        if kind == "integer":
            texts = [str(int(amount)), f" {int(amount)} ", str(int(amount)).translate(V.FULL_WIDTH), f"{int(amount)}.0"]
        return texts[pick % len(texts)]
    if not isinstance(current, str):
        return None
    if kind == "yesno":
        options = {"是": ["Y", "yes", "√", " 是 ", "ＹＥＳ", True], "否": ["N", "no", "×", "\u3000否", False]}
        choices = options.get(current.strip())
        return choices[pick % len(choices)] if choices else None
    if kind == "code":
        return [f" {current} ", f"{current}\u3000", current.lower() if current.isascii() else current][pick % 3]
    return f" {current}\u3000" if kind in ("text", "enum") else None


@dataclass(frozen=True)
class Names:
    """A defined name removed, pointed elsewhere, or at a deleted range (#REF!)."""

    field: str
    how: str  # remove / ref / other_cell / other_sheet
    same_value = False

    def apply(self, pkg: Package, cells: dict[str, str]) -> None:
        if self.how == "remove":
            pkg.remove_defined_names({self.field})
        elif self.how == "ref":
            pkg.retarget_defined_name(self.field, "#REF!")
        elif self.how == "other_cell":
            pkg.retarget_defined_name(self.field, "'调查评定表'!$Z$999")
        else:
            pkg.retarget_defined_name(self.field, "'不存在的表'!$B$5")


@dataclass(frozen=True)
class OnSheet:
    """A sheet-level mutation from ``mutations`` (cells, rows, merges, sheets)."""

    inner: object

    @property
    def same_value(self) -> bool:
        return self.inner.same_value

    def apply(self, pkg: Package, cells: dict[str, str]) -> None:
        self.inner.apply(pkg, 0)


FIELD_NAMES = st.sampled_from([f.name for f in INPUT_FIELDS])


def form_mutations(last_row: int, last_col: int):
    rows, cols = st.integers(1, last_row + 2), st.integers(1, last_col + 1)
    sheet_level = st.one_of(
        st.builds(SetCell, rows, cols, V.hostile()),
        st.builds(ShuffleRows, st.integers(1, last_row), st.integers(2, 6), st.integers(0, 10**6)),
        st.builds(DuplicateRow, rows, st.integers(1, 2)),
        st.builds(DeleteRows, st.integers(1, last_row), st.integers(1, 3)),
        st.builds(Merge, rows, cols, st.integers(1, 3), st.integers(1, 3)),
        st.just(ClearSheet()),
        st.builds(AddSheet, st.sampled_from(["empty", "junk", "copy"]), st.booleans(), st.booleans()),
        st.builds(RenameSheet, st.sampled_from(["Sheet1", "调查表", "评定表(2)"])),
        st.builds(LieAboutDimension, st.sampled_from(["A1", "A1:XFD1048576", "B2:C3"])),
    )
    return st.one_of(
        st.builds(SetField, FIELD_NAMES, V.hostile()),
        st.builds(SetField, FIELD_NAMES, V.hostile()),
        st.builds(SameField, FIELD_NAMES, st.integers(0, 20)),
        st.builds(Names, FIELD_NAMES, st.sampled_from(["remove", "ref", "other_cell", "other_sheet"])),
        st.builds(OnSheet, sheet_level),
    )


def tables_consistent(pkg: Package) -> bool:
    """Excel keeps a table's column names equal to its header cells; a file where they differ (a header
    retyped or rows moved without Excel) may be read by either reader's rule, so it is not compared."""
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import range_boundaries

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    for part, data in pkg.members.items():
        if not part.startswith("xl/tables/"):
            continue
        table = ET.fromstring(data)
        min_col, min_row, _, _ = range_boundaries(table.get("ref"))
        names = [c.get("name") for c in table.iter(f"{main}tableColumn")]
        for i, name in enumerate(names):
            cell = pkg.value_in_part(FORM_PART, f"{col_letter(min_col + i)}{min_row}")
            if not isinstance(cell, str) or cell.strip() != name.strip():
                return False
    return True


FORM_PART = "xl/worksheets/sheet1.xml"


def read_both(path: Path):
    """(fast result or exception or None, openpyxl result or exception): only UserError may come out."""
    out = []
    for reader in (read_survey_fast, read_survey_file):
        try:
            out.append(reader(path))
        except UserError as exc:
            out.append(exc)
    return out


def where(check) -> tuple:
    """What both readers must agree on: the survey and which cells are wrong at which level."""
    return check.survey, sorted((p.level.name, p.field, p.place) for p in check.problems)


def assert_problems_clear(check, name: str) -> None:
    for p in check.problems:
        assert_clear(f"{p.place}: {p.message}", name)


_BASELINE: dict[str, object] = {}


def baseline(base: str):
    if base not in _BASELINE:
        _BASELINE[base] = check_survey(read_survey_fast(SURVEYS / base) or read_survey_file(SURVEYS / base))
    return _BASELINE[base]


def run_form(base: str, mutations, target: str) -> str:
    pkg = Package((SURVEYS / base).read_bytes())
    for m in mutations:
        m.apply(pkg, CELLS[base])
    production = compare_readers(base, pkg.to_bytes(), tables_consistent(pkg))
    if all(m.same_value for m in mutations) and production is not None:
        assert production == baseline(base), "the same answers typed otherwise were read differently"
    outcome = CORRECT if production is not None and production.survey is not None and not production.errors \
        else CLEAR_ERROR
    record(target, outcome)
    return outcome


def compare_readers(name: str, data: bytes, comparable: bool):
    """The oracle on the file's bytes (saved as ``name``): both readers end alike, or refuse it clearly.

    Returns the checked survey ``run`` would use, or None when the file is refused."""
    if not comparable:
        note("survey: table header cells differ from the table's column names (readers not compared)")
    with tempfile.TemporaryDirectory(prefix="credit-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        fast, slow = read_both(path)
    for refused in (r for r in (fast, slow) if isinstance(r, UserError)):
        assert_clear(str(refused), name)
    if isinstance(fast, UserError) != isinstance(slow, UserError) and fast is not None:
        note("survey: one reader refuses a file the other reads")  # both clear; the run uses calamine's
    if isinstance(fast, UserError) or (fast is None and isinstance(slow, UserError)):
        return None
    production = check_survey(fast if fast is not None else slow)
    assert_problems_clear(production, name)
    if fast is not None and not isinstance(slow, UserError) and comparable:
        assert where(production) == where(check_survey(slow)), "the two readers read the form differently"
    return production


@st.composite
def mutated(draw, mutation_lists):
    """(base sample, mutations) as one value, so a found case can be pinned with ``@example``."""
    base = draw(st.sampled_from(BASES), label="base")
    return base, draw(mutation_lists(base), label="mutations")


def _any(base: str):
    return st.lists(form_mutations(*USED[base]), min_size=1, max_size=3)


def _same(base: str):
    return st.lists(st.builds(SameField, FIELD_NAMES, st.integers(0, 20)), min_size=1, max_size=8)


# found by this target: calamine panics (a BaseException) on a date cell holding a huge negative number;
# a control character (stored as _x0008_) decoded by calamine, left escaped by openpyxl
@example(example=("KH018_优品汇.xlsx", [SetField("established_on", -1e15)]))
@example(example=("KH001_锦绣服饰.xlsx", [SetField("customer_code", "\x08")]))
@fuzz(200)
@given(example=mutated(_any))
def test_mutated_survey_reads_the_same_in_both_readers_or_is_refused_clearly(example):
    run_form(*example, "survey form (cells, names, sheets)")


@fuzz(75)
@given(example=mutated(_same))
def test_same_answers_typed_otherwise_give_the_same_survey(example):
    run_form(*example, "survey form (same values)")
