"""The whole monthly ``run``, in-process through ``credit_workbook.cli.main``, on a workspace whose new
ledger and one survey form were mutated: exit 0 or 2 with Chinese messages, never a fault (exit 1),
never a traceback — and the rejected file is in quarantine and in results.json, not in the history.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_workbook.cli import main

from . import values as V
from .ledger_harness import LEDGERS, SAMPLES, scratch
from .mutations import sheet_mutations
from .outcome import CLEAR_ERROR, CORRECT, record
from .profile import fuzz
from .test_fuzz_survey import CELLS, FIELD_NAMES, SetField
from .xlsxmut import Package

pytestmark = pytest.mark.fuzz

PRIMER, LEDGER = "预付账款明细账2026年1月.xlsx", "预付账款明细账2026年2月.xlsx"
SURVEYS = ("GY001_新宇化纤.xlsx", "GY002_华翔化纤.xlsx", "GY003_宏宇染料.xlsx", "KH018_优品汇.xlsx")
MUTATED_FORM = "KH018_优品汇.xlsx"
LAST_ROW, LAST_COL = Package((LEDGERS / LEDGER).read_bytes()).used(0)


@pytest.fixture(scope="session")
def month_workspace(tmp_path_factory) -> Path:
    """A workspace with four surveys, the register and January imported: February is the fuzzed month."""
    root = tmp_path_factory.mktemp("fuzz-cli") / "ws"
    out, err = io.StringIO(), io.StringIO()
    assert main(["init", str(root)], out, err) == 0, err.getvalue()
    for name in SURVEYS:
        shutil.copy(SAMPLES / "surveys" / name, root / "surveys" / name)
    shutil.copy(SAMPLES / "register.xlsx", root / "register.xlsx")
    shutil.copy(LEDGERS / PRIMER, root / "inbox" / PRIMER)
    assert main(["run", str(root)], out, err) == 0, err.getvalue()
    return root


def _history(root: Path) -> list[tuple]:
    with sqlite3.connect(root / ".credit" / "credit.sqlite") as db:
        return db.execute("SELECT original_name, period, archived_at IS NOT NULL FROM ledger_files ORDER BY id").fetchall()


@fuzz(30)
@given(ledger=st.lists(sheet_mutations(LAST_ROW, LAST_COL), max_size=3),
       form=st.lists(st.builds(SetField, FIELD_NAMES, V.hostile()), max_size=2))
def test_run_on_mutated_inputs_ends_in_0_or_2_with_clear_words(month_workspace, ledger, form):
    with scratch() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(month_workspace, root)
        pkg = Package((LEDGERS / LEDGER).read_bytes())
        for m in ledger:
            m.apply(pkg)
        (root / "inbox" / LEDGER).write_bytes(pkg.to_bytes())
        if form:
            survey = Package((SAMPLES / "surveys" / MUTATED_FORM).read_bytes())
            for m in form:
                m.apply(survey, CELLS[MUTATED_FORM])
            (root / "surveys" / MUTATED_FORM).write_bytes(survey.to_bytes())
        out, err = io.StringIO(), io.StringIO()
        code = main(["run", str(root)], out, err)
        said = out.getvalue() + err.getvalue()
        assert code in (0, 2), f"exit {code}:\n{said}"
        assert "内部错误" not in said and "Traceback" not in said, said
        history = _history(root)
        assert not any((root / "inbox").iterdir()), "a file was left in the inbox"
        if (LEDGER, "2026-02", 1) in history:
            assert (root / "archive" / "2026-02" / LEDGER).read_bytes() == pkg.to_bytes()
        else:
            assert code == 2, said
            assert (root / "quarantine" / LEDGER).is_file() and (root / "quarantine" / f"{LEDGER}.error.txt").is_file()
            assert [h for h in history if h[0] == LEDGER] == [], "a rejected ledger is in the history"
            results = sorted((root / "out").glob("*/results.json"))
            rejected = [r["file"] for p in results for r in json.loads(p.read_text("utf-8"))["rejected_inputs"]]
            assert f"inbox/{LEDGER}" in rejected, rejected
    record("run (CLI, ledger + form)", CORRECT if code == 0 else CLEAR_ERROR)
