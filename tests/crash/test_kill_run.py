"""SIGKILL a real ``run``, ``rate --in-place`` and ribbon write-back at each point of its writing: what is left is
the old state or the new one, file by file, and the next run ends exactly where an uninterrupted one does.

The workspace is the demo company after its October run with the initial register; then the approvers'
new register arrives, so re-running October changes its outputs (the "new" state), and ``rate
--in-place`` rewrites every survey. Kill points are named in ``credit_workbook/killpoints.py``
(``before_replace:NAME`` = the temp file of NAME written and fsynced, not yet renamed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from credit_workbook.workspace import Workspace

from .conftest import assert_store_consistent, cli, digests, killed, latest_ratings, temp_debris

PERIOD = "2026-10"
RUN = ("run", "--period", PERIOD)
RATE = ("rate", "--period", PERIOD, "--in-place")
SURVEY = "KH003_鸿泰制衣.xlsx"  # the ribbon button's form

# Every write of a re-run of October, in the order the run makes them, and its two store points.
RUN_POINTS = [
    "before_replace:客户信用等级分类汇总表_*",  # Form 2, the first output
    "before_replace:预付赊销客户汇总表_*",  # Form 3
    "before_replace:客户授信额度执行评价表_*",  # Form 4
    "before_replace:*_标注.xlsx#1",  # the first highlighted ledger copy
    "before_replace:*_标注.xlsx#2",
    "before_replace:*_标注.xlsx#3",
    "before_replace:results.json",  # the last output
    "run_recorded",  # the run and its ratings inserted, not committed
    "run_committed",  # committed, its outputs not yet audited
]
QUICK_RUN = {"before_replace:客户信用等级分类汇总表_*", "before_replace:results.json", "run_committed"}
# rate --in-place: per survey a backup (NAME.<time>.xlsx) then the survey itself; then the outputs.
RATE_POINTS = [
    "before_replace:GY001_*.*.xlsx",  # the very first backup
    "before_replace:GY001_新宇化纤.xlsx",  # the first survey, its backup complete
    "before_replace:KH003_*.*.xlsx",
    "before_replace:KH003_鸿泰制衣.xlsx",
    "before_replace:KH037_宏远毛衫.xlsx",  # the last survey
    "before_replace:results.json",
    "run_recorded",
]
QUICK_RATE = {"before_replace:KH003_鸿泰制衣.xlsx"}
BUTTON_POINTS = ["before_replace:KH003_*.*.xlsx", "before_replace:KH003_鸿泰制衣.xlsx"]
QUICK_BUTTON = {"before_replace:KH003_*.*.xlsx"}


def _quick(points: list[str], quick: set[str]) -> list:
    """The default run kills at ``quick``; ``pytest -m slow`` at every point."""
    return [p if p in quick else pytest.param(p, marks=pytest.mark.slow) for p in points]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The demo after September and October were run with the initial register; the new register signed."""
    from credit_workbook.actions.demo import make_demo, sign_current_register
    from credit_workbook.actions.month import run_month

    ws, _ = make_demo(tmp_path_factory.mktemp("crash") / "base")
    run_month(ws, "2026-09")
    run_month(ws, PERIOD)
    sign_current_register(ws)
    return ws.root


def copy(base: Path, to: Path) -> Workspace:
    shutil.copytree(base, to, symlinks=True)
    return Workspace(to)


@pytest.fixture(scope="module")
def reference(base, tmp_path_factory):
    """Each command run once, uninterrupted, on its own copy of the base: the "new" state."""
    out = {}
    for name in ("run", "rate", "button"):
        ws = copy(base, tmp_path_factory.mktemp(f"ref_{name}") / "ws")
        done = cli(*command(name, ws))
        assert done.returncode in (0, 2), done.stderr
        out[name] = {"tree": digests(ws.root), "store": assert_store_consistent(ws.store_path),
                     "ratings": latest_ratings(ws.store_path, PERIOD) if name != "button" else None}
    old = digests(base)
    changed = {rel for rel, sha in out["run"]["tree"].items() if old.get(rel) != sha}
    assert {"out/2026-10/results.json", f"out/{PERIOD}/预付赊销客户汇总表_{PERIOD}.xlsx"} <= changed  # a real "new"
    return out


def command(name: str, ws: Workspace) -> tuple:
    """The command line of ``name`` on ``ws``."""
    if name == "button":
        return ("button", ws.surveys / SURVEY, "--workspace", ws.root)
    verb, *options = {"run": RUN, "rate": RATE}[name]
    return (verb, ws.root, *options)


def assert_old_or_new(ws: Workspace, old: dict, new: dict) -> dict[str, str]:
    """Every user-visible file is as it was or as the uninterrupted run leaves it; which, per file."""
    now = digests(ws.root)
    state = {}
    for rel, sha in now.items():
        if Path(rel).name.startswith("."):
            continue  # a temp file under its own name: checked by the caller, swept by the next run
        assert sha in (old.get(rel), new.get(rel)), f"{rel}: neither the old nor the new file"
        state[rel] = "old" if sha == old.get(rel) else "new"
    assert set(state) <= set(old) | set(new)
    return state


def assert_backups_hold_the_originals(ws: Workspace, base: Path, rewritten: list[str]) -> None:
    """A survey that changed has a backup of its original bytes; no backup is anything but an original."""
    originals = {(base / "surveys" / n).read_bytes() for n in (p.name for p in (base / "surveys").iterdir())}
    backups = {p.name: p.read_bytes() for p in ws.backups.iterdir()} if ws.backups.is_dir() else {}
    assert all(data in originals for name, data in backups.items() if not name.startswith(".")), "a backup is no original"
    for rel in rewritten:
        original = (base / rel).read_bytes()
        stem = Path(rel).stem
        assert any(name.startswith(f"{stem}.") and data == original for name, data in backups.items()), rel


def kill_and_finish(name: str, point: str, base: Path, tmp_path: Path, reference: dict
                    ) -> tuple[dict[str, str], list[str]]:
    """Kill ``name`` at ``point``, judge what is left, finish with a normal run and compare: (old/new per file
    at the kill, the temp files the kill left)."""
    ws = copy(base, tmp_path / "ws")
    old, new = digests(base), reference[name]["tree"]
    runs_before = assert_store_consistent(ws.store_path)["runs"]
    killed(point, *command(name, ws))

    at_kill = assert_old_or_new(ws, old, new)
    debris = temp_debris(ws.root)
    assert len(debris) <= 1, debris  # at most the one write in flight
    rewritten = [rel for rel, s in at_kill.items() if s == "new" and rel.startswith("surveys/")]
    assert_backups_hold_the_originals(ws, base, rewritten)
    after_kill = assert_store_consistent(ws.store_path)["runs"]
    assert after_kill == runs_before + (1 if point == "run_committed" else 0)  # a run is recorded whole or not at all

    done = cli(*command(name, ws))  # the next, uninterrupted run
    assert done.returncode in (0, 2), done.stderr
    assert digests(ws.root) == new, "the re-run did not end where an uninterrupted run does"
    assert temp_debris(ws.root) == []
    assert_backups_hold_the_originals(ws, base, [rel for rel in new if rel.startswith("surveys/") and old[rel] != new[rel]])
    store = assert_store_consistent(ws.store_path)
    if reference[name]["ratings"] is not None:
        assert latest_ratings(ws.store_path, PERIOD) == reference[name]["ratings"]
        assert store["runs"] == reference[name]["store"]["runs"] + (1 if point == "run_committed" else 0)
    return at_kill, debris


@pytest.mark.parametrize("point", _quick(RUN_POINTS, QUICK_RUN))
def test_a_run_killed_while_writing_leaves_each_output_old_or_new(point, base, tmp_path, reference):
    at_kill, debris = kill_and_finish("run", point, base, tmp_path, reference)
    outputs = {rel: s for rel, s in at_kill.items() if rel.startswith(f"out/{PERIOD}/")}
    if point.startswith("before_replace:"):
        assert len(debris) == 1 and debris[0].startswith(f"out/{PERIOD}/.")
        assert outputs[f"out/{PERIOD}/results.json"] == "old"  # written last: it never describes missing files
    else:  # past the last write: every output is the new one (or was already identical to it)
        new = reference["run"]["tree"]
        assert all(s == "new" or digests(base)[rel] == new[rel] for rel, s in outputs.items())
        assert outputs[f"out/{PERIOD}/results.json"] == "new"


@pytest.mark.parametrize("point", _quick(RATE_POINTS, QUICK_RATE))
def test_a_write_back_killed_leaves_each_survey_original_or_written_with_its_backup(point, base, tmp_path,
                                                                                   reference):
    at_kill, _ = kill_and_finish("rate", point, base, tmp_path, reference)
    surveys = {Path(rel).name: s for rel, s in at_kill.items() if rel.startswith("surveys/")}
    if point.startswith("before_replace:KH003"):
        assert surveys[SURVEY] == "old"  # its backup may be complete, the form itself is untouched
        assert surveys["KH002_云锦纺织.xlsx"] == "new" and surveys["KH004_雅菲家纺.xlsx"] == "old"
    if point == "run_recorded":
        assert set(surveys.values()) == {"new"}


@pytest.mark.parametrize("point", _quick(BUTTON_POINTS, QUICK_BUTTON))
def test_a_ribbon_write_back_killed_leaves_the_form_original_or_written(point, base, tmp_path, reference):
    at_kill, debris = kill_and_finish("button", point, base, tmp_path, reference)
    assert at_kill[f"surveys/{SURVEY}"] == "old" and len(debris) == 1
