"""Smoke test of benchmarks/: a tiny generated workspace goes through ``run``, the floor and the phase timer.

The benchmark itself is far too slow for the suite (minutes at 100,000
lines); this keeps its tools working while the pipeline changes under
them: the generated ledgers must still be accepted (a quarantined ledger
would make the benchmark time the wrong path), and the generator must stay
deterministic. Marked ``slow``: the default run deselects it
(``addopts = -m "not slow"``); run it with ``pytest -m slow``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("inbox", "surveys") for p in sorted((root / folder).iterdir())}


def test_generator_is_deterministic(tmp_path):
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(BENCH / "make_workspace.py"), str(tmp_path / name),
                        "--counterparties", "12", "--lines", "300", "--months", "2", "--seed", "7"],
                       check=True, capture_output=True, timeout=300)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    manifest = json.loads((tmp_path / "a" / "benchmark-workspace.json").read_text(encoding="utf-8"))
    assert manifest["surveys"] == 12 and manifest["months"] == ["2026-09", "2026-10"]
    assert len(list((tmp_path / "a" / "surveys").glob("*.xlsx"))) == 12


def test_benchmark_runs_end_to_end(tmp_path):
    result = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run_benchmark.py"), "--counterparties", "12", "--lines", "300",
         "--months", "2", "--repeat", "1", "--phases", "--workdir", str(tmp_path / "work"), "--json", str(result)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| `credit-workbook run` |" in proc.stdout
    assert "| whole run in-process" in proc.stdout
    phases = json.loads((tmp_path / "work" / "phases.log").read_text(encoding="utf-8").splitlines()[-1])
    names = {p["name"] for p in phases["phases"]}
    assert any(n.endswith("start_survey_check") for n in names), names  # the timer still finds run_month's phases
    figures = json.loads(result.read_text(encoding="utf-8"))
    # every ledger month was accepted and every counterparty (surveys + ledger-only) evaluated
    assert figures["sanity"]["exit"] == 0
    assert figures["sanity"]["counterparties"] == figures["manifest"]["surveys"] + figures["manifest"]["ledger_only"]
    assert figures["floor"]["walls"][0] > 0 and figures["run"]["rsss"][0] > 0
