"""SIGKILL a real ``watch --once`` inside its batch — after the ingest, while writing the month, while recording
the run, before the mail — then start it again: the workspace ends as one uninterrupted watcher leaves it,
the month's results.json lists the file the batch quarantined, and the managers get their mail once.

(Kills inside the ingest itself: tests/watch/test_process.py and tests/ingest/test_crash.py.)
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from ingest.conftest import store_state
from ingest.ledgers import august, july, write_balance, write_detail
from mail.conftest import Recorder, configure_mail, free_port

from credit_workbook.workspace import Workspace, init_workspace

from .conftest import assert_store_consistent, cli, digests, killed, temp_debris

JULY, AUGUST, BROKEN = "七月.xlsx", "八月.xlsx", "九月余额表.xlsx"
WATCH = ("watch", "--once", "--settle", "0.2")
# point → (results.json at the kill, extra month runs the restart makes)
POINTS = {
    "watch_ingested": (False, 0),  # files imported, quarantined and planned; no month run yet
    "before_replace:results.json": (False, 0),  # the month's outputs written but its results.json
    "run_recorded": (True, 0),  # the run's rows inserted, not committed
    "run_committed": (True, 1),  # the run committed, its outputs not audited: the restart runs the month again
}


def drop(inbox: Path) -> None:
    write_detail(inbox / JULY, "2026-07", july())
    write_detail(inbox / AUGUST, "2026-08", august())
    write_balance(inbox / BROKEN, "2026-09", [("C001", "华东机械有限公司", D("15345.67"), D("1"), D("0"))],
                  tweaks={"F4": 1})  # 期末余额 should be 15,346.67


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return init_workspace(tmp_path_factory.mktemp("watch_crash") / "ws").root


def fresh(blank: Path, to: Path) -> Workspace:
    shutil.copytree(blank, to)
    ws = Workspace(to)
    drop(ws.inbox)
    return ws


def watch_once(ws: Workspace) -> str:
    done = cli(*WATCH[:1], ws.root, *WATCH[1:])
    assert done.returncode in (0, 2), done.stderr
    return done.stderr


def runs(ws: Workspace) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(ws.store_path) as db:
        return db.execute("SELECT command, period FROM runs ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def reference(blank, tmp_path_factory):
    ws = fresh(blank, tmp_path_factory.mktemp("reference") / "ws")
    watch_once(ws)
    results = json.loads((ws.out_dir("2026-08") / "results.json").read_text(encoding="utf-8"))
    assert [r["file"] for r in results["rejected_inputs"]] == [f"inbox/{BROKEN}"]  # the batch's quarantined file
    assert any("F4" in e for e in results["rejected_inputs"][0]["errors"])
    return {"tree": digests(ws.root), "store": store_state(ws), "runs": runs(ws)}


@pytest.mark.parametrize("point", [p if p in ("watch_ingested", "run_committed") else
                                   pytest.param(p, marks=pytest.mark.slow) for p in POINTS])
def test_a_watcher_killed_in_its_batch_is_finished_by_the_next_start(point, blank, tmp_path, reference):
    ws = fresh(blank, tmp_path / "ws")
    killed(point, *WATCH[:1], ws.root, *WATCH[1:])
    assert_store_consistent(ws.store_path)
    assert sorted(p.name for p in ws.inbox.iterdir()) == []  # every file already imported or quarantined
    results, extra = POINTS[point]
    written = ws.out_dir("2026-08") / "results.json"
    assert written.exists() is results  # written last: absent until the month is whole, then complete
    if results:
        assert digests(ws.root)["out/2026-08/results.json"] == reference["tree"]["out/2026-08/results.json"]
    assert len(temp_debris(ws.root)) == (1 if point.startswith("before_replace") else 0)

    watch_once(ws)  # the restart (systemd, the scheduler's next --once)
    assert digests(ws.root) == reference["tree"]
    assert temp_debris(ws.root) == []
    assert_store_consistent(ws.store_path)
    assert runs(ws) == reference["runs"] + [("watch", "2026-08")] * extra
    if not extra:
        assert store_state(ws) == reference["store"]


def test_a_watcher_killed_before_its_mail_sends_it_at_the_next_start_once(blank, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller

    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ws = fresh(blank, tmp_path / "ws")
        configure_mail(ws, port=port, recipients={"总经理": ["gm@example.com"]})
        killed("watch_month_run", *WATCH[:1], ws.root, *WATCH[1:])
        assert (ws.out_dir("2026-08") / "results.json").is_file() and handler.envelopes == []
        err = watch_once(ws)
        assert "2026-08 的月度结果尚未发送邮件，现在补发" in err
        assert len(handler.envelopes) == 1 and handler.envelopes[0].rcpt_tos == ["gm@example.com"]
        err = watch_once(ws)  # nothing owed any more
        assert len(handler.envelopes) == 1 and "补发" not in err
        assert runs(ws) == [("watch", "2026-08")]
    finally:
        controller.stop()
