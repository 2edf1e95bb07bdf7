"""Each ribbon click starts a fresh Python: what it costs, measured in CPU time of a real child process.

CPU time, not wall time: the machine is shared, and a busy neighbour slows
the clock but not the work.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("openpyxl", "xlsxwriter", "xlwings", "numpy", "pandas", "python_calamine", "jinja2", "rich")

FIRST_WRITE = """
import os, sys, time
target = os.path.realpath(sys.argv[1])
real = os.replace
def replace(src, dst, *args, **kwargs):
    real(src, dst, *args, **kwargs)
    if os.path.realpath(dst) == target and os.replace is replace:
        print(f"FIRST_WRITE_CPU={time.process_time():.3f}", file=sys.stderr, flush=True)
        os.replace = real
os.replace = replace
from credit_workbook.cli import main
sys.exit(main(["button", sys.argv[1]]))
"""


def child(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_importing_the_package_and_the_buttons_loads_no_heavy_library():
    done, _ = child("-c", "import sys, credit_workbook, credit_workbook.ribbon, credit_workbook.port, "
                          "credit_workbook.ribbon.command; print(sorted(m for m in sys.modules if m.split('.')[0] in "
                          f"{HEAVY!r}))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_costs_under_0_3_s_of_cpu():
    done, cpu = child("-m", "credit_workbook", "--help")
    assert done.returncode == 0 and "button" in done.stdout
    assert cpu < 0.3, cpu


def test_one_survey_is_written_back_within_1_s_of_cpu_from_python_start(ws):
    path = ws / "surveys/KH032_恒信纺织.xlsx"
    done, _ = child("-c", FIRST_WRITE, str(path))
    assert done.returncode == 0, done.stderr
    [line] = [x for x in done.stderr.splitlines() if x.startswith("FIRST_WRITE_CPU=")]
    assert float(line.split("=")[1]) < 1.0, line
