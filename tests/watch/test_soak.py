"""The watcher soaked: ~120 files of every kind dropped into a real ``credit-workbook watch`` in bursts, some
while it runs a month — every good file imported exactly once, every bad one quarantined with its note,
every never-ledger left alone, nothing lost, no fault. The long soak: ``python benchmarks/soak_watch.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "soak_watch.py"


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak_watch", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_soak_of_120_mixed_files_loses_nothing(tmp_path):
    soak = _soak_module()
    started = time.monotonic()
    outcome = soak.soak(tmp_path / "ws", 120, seed=7, settle=0.5)
    print(outcome.table())
    print(outcome.figures)
    assert outcome.problems == []
    figures = outcome.figures
    assert figures["lost"] == 0 and sum(figures["fates"].values()) == 120
    assert figures["fates"]["quarantined"] == sum(figures["kinds"][k] for k in ("bad_balance", "truncated",
                                                                               "random", "empty"))
    assert figures["during_batch"] >= 5  # files really did arrive while a batch was running
    assert figures["cut_csv"] >= 2 and figures["cut_csv_said_cut"] == figures["cut_csv"]  # refused as cut
    assert set(figures["modes"]) == {"direct", "chunked", "excel", "download", "move"}
    assert time.monotonic() - started < 150  # ≤ 60 s on an idle machine; generous for 2 busy cores


FOUND = Path(__file__).parent / "found"


def test_found_a_csv_cut_inside_a_row_is_refused_and_the_good_month_stays(tmp_path):
    """The month's GBK CSV, then a copy of it that died after “20160823,记-0004,KH002,” arriving with an old
    mtime under another name: it must be quarantined, not replace the month (it did: 2016-09 then failed)."""
    from ingest.conftest import ingest, make_workspace

    from credit_workbook.store import Store

    ws = make_workspace(tmp_path / "ws")
    shutil.copy(FOUND / "应收账款明细账_201608.csv", ws.inbox)
    assert [a.period for a in ingest(ws).accepted] == ["2016-08"]
    shutil.copy(FOUND / "传输中断23.xlsx", ws.inbox)
    report = ingest(ws)
    with Store(ws.store_path) as store:
        active = [f.original_name for f in store.ledger_files(active_only=True)]
    assert active == ["应收账款明细账_201608.csv"]
    assert [r.file for r in report.rejected] == ["传输中断23.xlsx"]
    quarantined = ws.root / "quarantine" / "传输中断23.xlsx"
    assert quarantined.read_bytes() == (FOUND / "传输中断23.xlsx").read_bytes()
    note = (ws.root / "quarantine" / "传输中断23.xlsx.error.txt").read_text(encoding="utf-8")
    assert "传输中断23.xlsx!传输中断23!D10" in note and "文件不完整" in note and "重新导出" in note
