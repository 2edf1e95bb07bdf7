"""Fuzzing session plumbing: shared template workspaces, and the outcome counts at the end.

The counts of every fuzz target (inputs tried, correct results, clear
errors) are printed after the run and written as JSON to
``$CREDIT_WORKBOOK_FUZZ_STATS`` (default: ``<tmp>/credit_workbook_fuzz_stats.json``),
the figures of the README's hardening table.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from .ledger_harness import Templates
from .outcome import COUNTS


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory.mktemp("fuzz-templates"))


def stats_path() -> Path:
    return Path(os.environ.get("CREDIT_WORKBOOK_FUZZ_STATS")
                or Path(tempfile.gettempdir()) / "credit_workbook_fuzz_stats.json")


def pytest_sessionfinish(session, exitstatus) -> None:
    if not COUNTS:
        return
    table = {target: {"inputs": sum(c.values()), **dict(c)} for target, c in sorted(COUNTS.items())}
    stats_path().write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")


def pytest_terminal_summary(terminalreporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz outcomes")
    terminalreporter.write_line(f"{'target':<34} {'inputs':>7} {'correct':>8} {'clear error':>12}")
    for target, c in sorted(COUNTS.items()):
        terminalreporter.write_line(
            f"{target:<34} {sum(c.values()):>7} {c['correct']:>8} {c['clear_error']:>12}")
    terminalreporter.write_line(f"(written to {stats_path()})")
