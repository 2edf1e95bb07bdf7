"""Mutated real sample ledgers (.xlsx) through the real ingest: a correct import or a clean quarantine."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .ledger_harness import (LEDGERS, XLSX_BASES, check_accepted_files, check_common, check_rejected, ingest_bytes,
                             scratch, stored)
from .ledger_oracle import Grid, check_balance_table, check_detail, header_row, stored_sheet
from .mutations import SetCell, same_value_mutations, sheet_mutations
from .outcome import CORRECT, record
from .profile import fuzz
from .xlsxmut import Package

pytestmark = pytest.mark.fuzz


def _info(name: str) -> tuple[int, int, int]:
    data = (LEDGERS / name).read_bytes()
    pkg = Package(data)
    last_row, last_col = pkg.used(0)
    return last_row, last_col, header_row(Grid.from_xlsx(data, pkg.sheets()[0][0]))


INFO = {name: _info(name) for name in XLSX_BASES}
_BASELINE: dict[tuple[str, bool], object] = {}


def baseline(templates, base: str, history: bool):
    """The unmutated sample's verdict and stored rows in the same workspace: what same-value mutations must give."""
    key = (base, history)
    if key not in _BASELINE:
        data = (LEDGERS / base).read_bytes()
        with scratch() as tmp:
            result = ingest_bytes(templates.get(base, history), Path(tmp) / "ws", base, data)
            if result.accepted:
                _BASELINE[key] = stored(result.ws.store_path, result.file_id())
            else:
                _BASELINE[key] = [r.errors for r in result.report.rejected]
    return _BASELINE[key]


def run_example(templates, target: str, base: str, history: bool, mutations, data: bytes) -> str:
    _, _, header = INFO[base]
    same_value = all(m.same_value for m in mutations)
    want_cell = all(type(m).__name__ == "SetCell" and m.row > header for m in mutations)
    outcome, rows = ingest_and_prove(templates, base, history, data,
                                     untouched=not any(m.touches(header) for m in mutations), want_cell=want_cell)
    if same_value and outcome == CORRECT:
        assert rows == baseline(templates, base, history), "the same figures printed otherwise were read differently"
    elif same_value:
        assert isinstance(baseline(templates, base, history), list), \
            "the sample is accepted, the same figures printed otherwise are not"
    record(target, outcome)
    return outcome


def ingest_and_prove(templates, name: str, history: bool, data: bytes, *, untouched: bool = False,
                     want_cell: bool = False) -> tuple[str, dict | None]:
    """The oracle on the file's bytes, dropped into the inbox as ``name`` (a sample's name): a correct
    import, proved against the bytes, or a clean quarantine. Returns the outcome and the stored rows."""
    with scratch() as tmp:
        result = ingest_bytes(templates.get(name, history), Path(tmp) / "ws", name, data)
        check_common(result)
        if not result.accepted:
            return check_rejected(result, want_cell=want_cell), None
        rows = stored(result.ws.store_path, check_accepted_files(result))
        grid = Grid.from_xlsx(data, stored_sheet(rows))
        if rows["balances"]:
            check_balance_table(rows, grid, untouched)
        else:
            check_detail(rows, grid, untouched)
        return CORRECT, rows


@st.composite
def mutated(draw, mutation_lists):
    """(base sample, with history?, mutations): the file's bytes are made in the test, not shown in its repr."""
    base = draw(st.sampled_from(XLSX_BASES), label="base")
    history = draw(st.booleans(), label="history")
    last_row, last_col, _ = INFO[base]
    return base, history, draw(mutation_lists(last_row, last_col), label="mutations")


def build(base: str, mutations) -> bytes:
    pkg = Package((LEDGERS / base).read_bytes())
    for m in mutations:
        m.apply(pkg)
    return pkg.to_bytes()


def _any(last_row, last_col):
    return st.lists(sheet_mutations(last_row, last_col), min_size=1, max_size=3)


def _same(last_row, last_col):
    return st.lists(same_value_mutations(last_row, last_col), min_size=1, max_size=6)


# found by this target: calamine panics (a BaseException) on a date cell holding a huge negative number;
# a code cell reading "#N/A" (an error value exported as text) was stored as a counterparty's code
@example(example=("预付账款明细账2026年2月.xlsx", True, [SetCell(6, 1, -1e15)]))
@example(example=("预付账款明细账2026年2月.xlsx", True, [SetCell(5, 3, "#N/A")]))
@fuzz(200)
@given(example=mutated(_any))
def test_mutated_xlsx_ledger_is_imported_correctly_or_quarantined_cleanly(templates, example):
    base, history, mutations = example
    run_example(templates, "ledger .xlsx (cells, rows, sheets)", base, history, mutations, build(base, mutations))


@fuzz(90)
@given(example=mutated(_same))
def test_same_figures_printed_otherwise_give_the_same_history(templates, example):
    base, history, mutations = example
    run_example(templates, "ledger .xlsx (same values)", base, history, mutations, build(base, mutations))
