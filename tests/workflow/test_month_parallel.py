"""The month run with a second process gives exactly what the one-process run gives.

A worker process reads and checks the surveys while the inbox is ingested,
and writes the highlighted ledger copy while the forms are written
(``actions/second_process``). Both runs here are real: a spawned Python
process, real files, real SQLite; the comparison is byte for byte.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from credit_workbook.actions import second_process
from credit_workbook.actions.demo import (
    DEMO_PERIOD,
    PREVIOUS_PERIOD,
    make_demo,
    sign_current_register,
)
from credit_workbook.actions.month import highlight_files, run_month
from credit_workbook.actions.second_process import Helper
from credit_workbook.errors import UserError
from credit_workbook.workspace import Workspace


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "out").rglob("*")) if p.is_file()}


class Bars:
    """The ``progress`` protocol of run_month (the CLI draws these as rich bars): what ticked, in order."""

    def __init__(self):
        self.bars: list[tuple[str, int, list[str]]] = []

    def start(self, label: str, total: int):
        ticks: list[str] = []
        self.bars.append((label, total, ticks))
        return ticks.append


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The demo company with two extra surveys — a duplicate code and a file that is no workbook —
    run for September and October once in one process and once with the worker doing every job."""
    base = tmp_path_factory.mktemp("parallel")
    ws, _ = make_demo(base / "template")
    surveys = sorted(ws.surveys.glob("*.xlsx"))
    shutil.copy2(surveys[3], ws.surveys / f"ZZ_{surveys[3].name}")  # same customer code as surveys[3]
    (ws.surveys / "KH999_损坏.xlsx").write_bytes(b"not a workbook at all")
    runs = {}
    for mode in (False, True):  # False: as every small month runs (46 forms, ledgers of a few KB)
        root = base / ("parallel" if mode else "sequential")
        shutil.copytree(ws.root, root)
        w = Workspace(root)
        bars, before = Bars(), children_cpu()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(second_process, "CHUNK", 4)  # 12 chunks: the main process takes some back at the end
            september = run_month(w, PREVIOUS_PERIOD, progress=bars, parallel=mode or None)
            sign_current_register(w)
            october = run_month(w, DEMO_PERIOD, parallel=mode or None)
        runs[mode] = (w, september, october, bars, children_cpu() - before)
    return runs


def test_both_runs_write_the_same_bytes(pair):
    (seq, *_), (par, *_) = pair[False], pair[True]
    a, b = outputs(seq.root), outputs(par.root)
    assert a.keys() == b.keys() and len(a) > 30
    assert [k for k in a if a[k] != b[k]] == []
    for period in (PREVIOUS_PERIOD, DEMO_PERIOD):
        assert (json.loads((seq.root / f"out/{period}/results.json").read_text(encoding="utf-8"))
                == json.loads((par.root / f"out/{period}/results.json").read_text(encoding="utf-8")))


def test_only_the_forced_run_used_a_second_process(pair):
    assert pair[False][4] == 0  # a small month: below every threshold, nothing was spawned
    assert pair[True][4] > 0.2  # a Python worker ran: it imported the readers and did the jobs


def test_reports_agree_notes_rejections_and_outputs_in_the_same_order(pair):
    for i in (1, 2):
        s, p = pair[False][i], pair[True][i]
        assert s.notes == p.notes and s.rejected == p.rejected
        assert [o.relative_to(pair[False][0].root) for o in s.outputs] == \
               [o.relative_to(pair[True][0].root) for o in p.outputs]
    rejected = {r["file"]: r["errors"] for r in pair[True][1].rejected}
    assert rejected["surveys/KH999_损坏.xlsx"][0].startswith("KH999_损坏.xlsx: ")  # the reader's own reason
    duplicate = next(errs for f, errs in rejected.items() if f.startswith("surveys/ZZ_"))
    assert "重复" in duplicate[0] and "本表未评定" in duplicate[0]


def test_the_survey_bar_ticks_every_form_once_in_file_order(pair):
    files = [p.name for p in pair[True][0].survey_files()]
    for mode in (False, True):
        label, total, ticks = pair[mode][3].bars[0]
        assert (label, total, ticks) == ("校验调查表", len(files), files)


def test_an_error_in_the_worker_is_the_same_chinese_message(pair, tmp_path):
    """A highlighted copy that cannot be written fails alike, whichever process tried."""
    bad = tmp_path / "应收账款明细账_202610.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated by a failing disk")
    messages = []
    for mode in (False, True):
        with Helper(mode) as helper, pytest.raises(UserError) as caught:
            job = helper.call(highlight_files, [(bad, bad.name)], tmp_path / "out", [], datetime(2026, 10, 31),
                              worth=True)
            job.result()
        messages.append((type(caught.value), str(caught.value)))
    assert messages[0] == messages[1] and bad.name in messages[0][1]


def test_processes_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(second_process.ENV, "1")
    assert Helper().mode is False
    assert Helper(True).mode is True  # an explicit request still wins


def dies_in_a_worker(x: int) -> int:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # as if killed, or out of memory
    return x * 2


def doubles_or_dies(xs: list[int]) -> list[int]:
    return [dies_in_a_worker(x) for x in xs]


def test_a_worker_that_dies_costs_the_run_nothing():
    with Helper(True) as helper:
        assert helper.call(dies_in_a_worker, 21, worth=True).result() == 42
    with Helper(True) as helper:
        ticks: list[str] = []
        assert helper.map_chunks(doubles_or_dies, [1, 2, 3], ticks.append, str, worth=True).result() == [2, 4, 6]
        assert ticks == ["1", "2", "3"]


def pid_after_a_while(xs: list[int]) -> list[tuple[int, int]]:
    time.sleep(0.02)
    return [(x, os.getpid()) for x in xs]


def test_both_processes_share_the_chunks_and_results_keep_their_order():
    with Helper(True) as helper, pytest.MonkeyPatch.context() as mp:
        mp.setattr(second_process, "CHUNK", 1)
        ticks: list[str] = []
        done = helper.map_chunks(pid_after_a_while, list(range(40)), ticks.append, str, worth=True).result()
    assert [x for x, _ in done] == list(range(40)) and ticks == [str(x) for x in range(40)]
    pids = {pid for _, pid in done}
    assert os.getpid() in pids and len(pids) == 2  # the worker started at the front, this process took the back


@pytest.mark.slow
def test_a_generated_month_above_the_thresholds_gives_the_same_bytes(tmp_path):
    """The benchmark's kind of workspace, big enough that the default run uses the worker for both jobs."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "make_workspace.py"
    subprocess.run([sys.executable, str(bench), str(tmp_path / "ws"), "--counterparties", "400",
                    "--lines", "30000", "--months", "1"], check=True, capture_output=True, timeout=600)
    assert sum(p.stat().st_size for p in (tmp_path / "ws" / "inbox").iterdir()) >= second_process.HIGHLIGHT_BYTES
    roots = {}
    for mode in (False, None):
        roots[mode] = tmp_path / str(mode)
        shutil.copytree(tmp_path / "ws", roots[mode])
        before = children_cpu()
        run_month(Workspace(roots[mode]), "2026-10", parallel=mode)
        assert (children_cpu() > before) is (mode is None)
    a, b = outputs(roots[False]), outputs(roots[None])
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_the_one_process_building_blocks_give_what_the_run_gave(pair, tmp_path):
    """``check_surveys`` and ``highlight_period_ledgers`` (kept for callers that run one step alone)."""
    from credit_workbook.actions.month import highlight_period_ledgers
    from credit_workbook.actions.surveys import check_surveys
    from credit_workbook.store import Store

    ws, september, october, *_ = pair[True]
    checked, rejected = check_surveys(ws.survey_files(), lambda p: f"surveys/{p.name}")
    assert [(c.path, c.survey, c.problems) for c in checked] == \
           [(c.path, c.survey, c.problems) for c in september.checked]
    assert rejected == [r for r in september.rejected if r["file"].startswith("surveys/")]
    with Store(ws.store_path) as store:
        written = highlight_period_ledgers(ws, store, replace(october, notes=[]), tmp_path, datetime(2026, 10, 31))
    assert written and all(p.read_bytes() == (ws.out_dir(DEMO_PERIOD) / p.name).read_bytes() for p in written)


def test_the_ledger_read_beside_the_surveys_names_counterparties_as_the_store_does(pair):
    """``read_ledger`` (decoded before the surveys are known) agrees with the store's own name query,
    and a name it has in several files is the latest file's."""
    from credit_workbook.ledger.history_store import counterparty_names, read_ledger
    from credit_workbook.store import Store

    with Store(pair[False][0].store_path) as store:
        ledger = read_ledger(store)
        assert ledger.names == counterparty_names(store) and len(ledger.names) > 40
        assert sum(len(v) for v in ledger.movements.values()) == store.ledger_row_counts()["ledger_entries"]
