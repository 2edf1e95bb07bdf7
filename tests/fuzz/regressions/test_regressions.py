"""Every input the fuzzers found a bug with, replayed through the oracle of the target that found it.

Each file here is the found input itself (the mutated workbook's or CSV's
bytes, small), named ``<target>--<bug>--<name it is saved as>``: the target
picks the oracle (the same function the fuzz test calls), the last part is
the sample's own name, which the readers and the ingest see (a ledger's
period and its primed history come from it). A new find is kept by saving
its bytes here under such a name; nothing else needs to change. Each one
failed on the commit before its fix (the README's fuzz table lists them).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ..outcome import CLEAR_ERROR, CORRECT
from ..test_fuzz_bytes import _xlsx_grid, ingest_damaged, read_damaged_form, read_damaged_register
from ..ledger_harness import LEDGERS
from ..test_fuzz_ledger_csv import HEADER as CSV_HEADER
from ..test_fuzz_ledger_csv import ROWS as CSV_ROWS
from ..test_fuzz_ledger_csv import ingest_and_prove as ingest_csv
from ..test_fuzz_ledger_xlsx import INFO
from ..test_fuzz_ledger_xlsx import ingest_and_prove as ingest_xlsx
from ..test_fuzz_register import compare_readers as compare_registers
from ..test_fuzz_survey import compare_readers as compare_forms
from ..test_fuzz_survey import tables_consistent
from ..xlsxmut import Package, col_letter

pytestmark = pytest.mark.fuzz

HERE = Path(__file__).parent
FOUND = sorted(p for p in HERE.iterdir() if p.suffix in (".xlsx", ".xls", ".csv"))


def _register(templates, name: str, data: bytes) -> str:
    return CLEAR_ERROR if compare_registers(name, data).errors else CORRECT


def _survey(templates, name: str, data: bytes) -> str:
    checked = compare_forms(name, data, tables_consistent(Package(data)))
    return CORRECT if checked is not None and checked.survey is not None and not checked.errors else CLEAR_ERROR


def _csv(templates, name: str, data: bytes) -> str:
    text = data.decode("gb18030", errors="replace")
    delimiter = csv.Sniffer().sniff(text.splitlines()[CSV_HEADER - 1], delimiters=",\t;").delimiter
    head = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[:CSV_HEADER]
    return ingest_csv(templates, name, data, None, delimiter, untouched=head == CSV_ROWS[:CSV_HEADER])


def _xlsx(templates, name: str, data: bytes) -> str:
    """Entries proved row by row against the file when its heading rows are the sample's, as in the fuzz test."""
    _, last_col, header = INFO[name]
    found, sample = Package(data), Package((LEDGERS / name).read_bytes())
    untouched = all(found.value(0, f"{col_letter(c)}{r}") == sample.value(0, f"{col_letter(c)}{r}")
                    for r in range(1, header + 1) for c in range(1, last_col + 1))
    return ingest_xlsx(templates, name, True, data, untouched=untouched)[0]


ORACLES = {
    "register": _register,
    "register-bytes": lambda templates, name, data: read_damaged_register(name, data),
    "survey": _survey,
    "survey-bytes": lambda templates, name, data: read_damaged_form(name, data),
    "ledger-xlsx": _xlsx,
    "ledger-xlsx-bytes": lambda templates, name, data: ingest_damaged(templates, name, name, data, _xlsx_grid),
    "ledger-csv": _csv,
}


def test_every_found_input_is_kept_under_a_known_target():
    assert FOUND, "no regression inputs found next to this file"
    for path in FOUND:
        parts = path.name.split("--")
        assert len(parts) == 3 and parts[0] in ORACLES, f"{path.name}: not <target>--<bug>--<name>"


@pytest.mark.parametrize("path", FOUND, ids=[p.name.split("--")[0] + ":" + p.name.split("--")[1] for p in FOUND])
def test_found_input_ends_correct_or_as_a_clear_error(templates, path):
    target, _bug, name = path.name.split("--")
    assert ORACLES[target](templates, name, path.read_bytes()) in (CORRECT, CLEAR_ERROR)
