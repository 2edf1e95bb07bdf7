"""The default fuzz run is a fixed set of inputs: CI cannot go red on a fresh random find."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .profile import LONG, fuzz

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(LONG, reason="the long run explores new inputs on purpose")
def test_the_default_run_tries_the_same_inputs_every_time():
    runs: list[list[bytes]] = []

    @fuzz(30)
    @given(st.binary(max_size=64))
    def draw(data):
        runs[-1].append(data)

    for _ in range(2):
        runs.append([])
        draw()
    assert len(runs[0]) >= 10 and runs[0] == runs[1]


_DRAW = """
import sys
sys.path[:0] = [{repo!r}, {extra!r}]
import tests.fuzz.profile as profile
from hypothesis import given, strategies as st
if {load_extra!r}:
    import extra_constants  # a module of this checkout full of constants, loaded before the draws
seen = []

@profile.fuzz(150)
@given(st.text(max_size=6), st.integers(), st.floats(allow_nan=False))
def draw(text, number, real):
    seen.append((text, number, real))

draw()
print(repr(seen))
"""


def _draws(tmp_path: Path, load_extra: bool, env: dict[str, str]) -> str:
    extra = tmp_path / "extra"
    extra.mkdir(exist_ok=True)
    (extra / "extra_constants.py").write_text(
        "WORDS = ('期初余额-zq1', '本月合计-zq2', 'CONSTANT-zq3')\nNUMBERS = (987654321, 123456789123)\n"
        "REALS = (12345.678, 0.000123)\n", encoding="utf-8")
    code = _DRAW.format(repo=str(REPO), extra=str(extra), load_extra=load_extra)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(LONG, reason="the long run draws local constants on purpose")
def test_the_inputs_do_not_depend_on_which_modules_were_loaded_first(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CREDIT_WORKBOOK_FUZZ"} | {"CI": "true"}
    assert _draws(tmp_path, False, env) == _draws(tmp_path, True, env)
