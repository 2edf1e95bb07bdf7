"""A real watchdog observer on a real workspace, driven the way finance and Excel drop files."""

from __future__ import annotations

import csv
import io
import os
import sys
import threading
import types
from datetime import date
from decimal import Decimal as D

import pytest
from ingest.ledgers import august, detail_rows, july, write_balance, write_detail

from credit_workbook.cli import main as cli_main
from credit_workbook.errors import WorkspaceError
from credit_workbook.store import Store
from credit_workbook.watch import main as watch_main
from credit_workbook.workspace import LOCK_WAIT_ENV, workspace_lock

from .conftest import Running, archived, audit, enable_mail, names, results, runs, wait_for

JULY, AUGUST = "七月.xlsx", "八月.xlsx"


def ledger_bytes(tmp_path, period="2026-07", blocks=None, name="src.xlsx") -> bytes:
    return write_detail(tmp_path / "src" / name, period, blocks or (july() if period == "2026-07" else august())
                        ).read_bytes()


def imported(ws, name: str) -> list[dict]:
    return [d for d in audit(ws, "ingest") if d["file"] == name]


def done(ws, name: str, period: str) -> bool:
    return name not in names(ws.inbox) and f"{period}/{name}" in archived(ws) and bool(runs(ws))


def test_a_file_copied_slowly_is_imported_once_after_it_is_complete(ws, watching, tmp_path):
    data = ledger_bytes(tmp_path)
    w = watching()
    with open(ws.inbox / JULY, "wb") as fh:  # a copy that stalls far longer than --settle
        fh.write(data[: len(data) // 2])
        fh.flush()
        w.wait_line(f"{JULY}：已静置但仍不完整", "the watcher to notice the partial file")
        assert names(ws.inbox) == [JULY] and audit(ws, "ingest") == [] and names(ws.quarantine) == []
        fh.write(data[len(data) // 2:])
    wait_for(lambda: done(ws, JULY, "2026-07"), what="the completed file to be imported")
    assert len(imported(ws, JULY)) == 1
    assert names(ws.quarantine) == []
    assert (ws.root / "archive/2026-07" / JULY).read_bytes() == data
    (line,) = [l for l in w.about(JULY) if "已导入" in l]
    assert "2026-07 明细账 3 笔明细，已导入并归档到 archive/2026-07/七月.xlsx" in line
    assert runs(ws) == [("watch", "2026-07")]


def test_a_csv_written_in_chunks_is_only_read_after_settle(ws, watching):
    rows = detail_rows("2026-07", july())
    buf = io.StringIO()
    writer = csv.writer(buf)
    for r in range(1, max(rows) + 1):
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else str(v)
                         for v in rows.get(r, [])])
    data = buf.getvalue().encode("gbk")
    w = watching(settle=2.0)  # chunks every 0.2 s: each resets the clock, nothing is read in between
    cuts = [data.index(b"\n", len(data) * i // 4) + 1 for i in (1, 2, 3)] + [len(data)]  # whole lines: decodable
    with open(ws.inbox / "七月.csv", "wb") as fh:
        start = 0
        for cut in cuts:
            fh.write(data[start:cut])
            fh.flush()
            start = cut
            wait_for(lambda: "七月.csv" in w.watcher.tracker.entries, what="the watcher to track the file")
            threading.Event().wait(0.2)
    wait_for(lambda: done(ws, "七月.csv", "2026-07"), what="the csv to be imported")
    assert (ws.root / "archive/2026-07/七月.csv").read_bytes() == data  # not a prefix of it
    assert [d["entries"] for d in imported(ws, "七月.csv")] == [3] and names(ws.quarantine) == []


def test_an_excel_style_save_is_imported_and_its_lock_and_temp_files_are_left_alone(ws, watching, tmp_path):
    data = ledger_bytes(tmp_path)
    w = watching()
    lock = ws.inbox / f"~${JULY}"
    lock.write_bytes(b"\x0cfinance" + b" " * 150)  # Excel's owner file, while the workbook is open
    tmp = ws.inbox / "C4A1F2B3.tmp"
    tmp.write_bytes(data)  # Excel writes the new content to a temp file …
    os.replace(tmp, ws.inbox / JULY)  # … and renames it over the name (a moved-into event)
    for other in (".~lock.八月.xlsx#", "八月.xlsx.crdownload", "九月.xlsx.part", ".DS_Store"):
        (ws.inbox / other).write_bytes(b"partial")
    (ws.inbox / "十月台账").mkdir()  # a folder is not looked into, but the clerk is told
    w.wait_line("十月台账：是文件夹，watch 只处理直接放在 inbox/ 中的文件")
    wait_for(lambda: done(ws, JULY, "2026-07"), what="the saved file to be imported")
    assert len(imported(ws, JULY)) == 1
    assert sorted(names(ws.inbox)) == sorted([lock.name, ".~lock.八月.xlsx#", "八月.xlsx.crdownload",
                                              "九月.xlsx.part", ".DS_Store"])
    assert names(ws.quarantine) == [] and archived(ws) == [f"2026-07/{JULY}"]
    assert all(not line.startswith(("~$", ".~lock", "C4A1F2B3", "八月.xlsx.crdownload")) for line in w.lines)


def test_a_broken_file_is_quarantined_with_its_reason(ws, watching, tmp_path):
    w = watching()
    write_balance(tmp_path / "src.xlsx", "2026-09", [("C001", "华东机械有限公司", D("100.00"), D("1"), D("0"))],
                  tweaks={"F4": 1})  # 期末余额 should be 101.00
    os.replace(tmp_path / "src.xlsx", ws.inbox / "九月余额表.xlsx")
    wait_for(lambda: w.about("九月余额表.xlsx"), what="the log line, written once the file is handled")
    note = (ws.quarantine / "九月余额表.xlsx.error.txt").read_text(encoding="utf-8")
    assert "九月余额表.xlsx!余额表!F4" in note
    assert names(ws.quarantine) == ["九月余额表.xlsx", "九月余额表.xlsx.error.txt"]
    assert names(ws.inbox) == [] and audit(ws, "ingest") == [] and runs(ws) == []
    (rejected,) = audit(ws, "ingest_rejected")
    assert rejected["file"] == "九月余额表.xlsx" and rejected["quarantined"] == "quarantine/九月余额表.xlsx"
    assert any("余额表!F4" in e for e in rejected["errors"])
    (line,) = w.about("九月余额表.xlsx")
    assert "未导入，已移入 quarantine/九月余额表.xlsx，原因见 quarantine/九月余额表.xlsx.error.txt" in line


def test_results_json_of_a_batch_lists_the_files_it_quarantined_and_only_those(ws, watching, tmp_path):
    """As `run` lists what its ingest refused: a batch that refused a file re-runs the month to say so."""
    w = watching()
    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    w.wait_line("2026-07 月度运行完成")
    assert results(ws, "2026-07")["rejected_inputs"] == []
    write_balance(tmp_path / "src.xlsx", "2026-09", [("C001", "华东机械有限公司", D("100.00"), D("1"), D("0"))],
                  tweaks={"F4": 1})
    os.replace(tmp_path / "src.xlsx", ws.inbox / "九月余额表.xlsx")  # alone: nothing imported with it
    wait_for(lambda: len(runs(ws)) == 2, what="the month run that reports the refusal")
    (item,) = results(ws, "2026-07")["rejected_inputs"]
    assert item["file"] == "inbox/九月余额表.xlsx" and any(e.startswith("余额表!F4") for e in item["errors"])
    assert any("1 个输入未采用" in line for line in w.lines)
    (ws.inbox / AUGUST).write_bytes(ledger_bytes(tmp_path, "2026-08"))  # the next batch: its own refusals only
    wait_for(lambda: results(ws, "2026-08") is not None, what="August's month run")
    assert results(ws, "2026-08")["rejected_inputs"] == []


def test_a_file_that_stays_cut_is_quarantined_after_grace(ws, watching, tmp_path):
    data = ledger_bytes(tmp_path)
    w = watching(grace=1.0)
    (ws.inbox / JULY).write_bytes(data[: len(data) - 200])  # the copy died and nobody finished it
    wait_for(lambda: names(ws.quarantine) == [JULY, f"{JULY}.error.txt"], what="the cut file in quarantine")
    note = (ws.quarantine / f"{JULY}.error.txt").read_text(encoding="utf-8")
    assert "文件不完整或已损坏" in note
    assert any("已静置但仍不完整" in line for line in w.about(JULY))
    assert audit(ws, "ingest") == []


def test_the_same_file_dropped_twice_is_imported_once(ws, watching, tmp_path):
    data = ledger_bytes(tmp_path)
    w = watching()
    (ws.inbox / JULY).write_bytes(data)
    wait_for(lambda: done(ws, JULY, "2026-07"), what="the first drop")
    (ws.inbox / "七月(1).xlsx").write_bytes(data)  # again, under the name Windows gives a copy
    wait_for(lambda: names(ws.inbox) == [] and audit(ws, "ingest_duplicate"), what="the second drop")
    os.utime(ws.root / "archive/2026-07" / JULY)  # nothing else to do: same name, same bytes, a third time
    (ws.inbox / JULY).write_bytes(data)
    wait_for(lambda: names(ws.inbox) == [] and len(audit(ws, "ingest_duplicate")) == 2, what="the third drop")
    assert len(audit(ws, "ingest")) == 1 and archived(ws) == [f"2026-07/{JULY}"]
    assert runs(ws) == [("watch", "2026-07")]  # nothing new: no second month run
    assert any("完全相同，未重复导入" in line for line in w.about("七月(1).xlsx"))


def test_files_dropped_together_make_one_month_run(ws, watching, tmp_path):
    w = watching(settle=0.5)
    for name, period in ((JULY, "2026-07"), (AUGUST, "2026-08")):
        write_detail(tmp_path / name, period, july() if period == "2026-07" else august())
        os.replace(tmp_path / name, ws.inbox / name)
    w.wait_line("2026-08 月度运行完成")
    assert runs(ws) == [("watch", "2026-08")]
    assert [d["file"] for d in audit(ws, "ingest")] == [JULY, AUGUST]  # period order, as run does
    assert results(ws, "2026-08")["period"] == "2026-08" and results(ws, "2026-07") is None


def test_a_second_watcher_on_the_same_workspace_is_refused(ws, watching):
    watching()
    second = Running(ws)
    with pytest.raises(WorkspaceError, match="已有另一个 watch 正在监视该工作目录"):
        second.start()
    err = io.StringIO()
    assert watch_main([str(ws.root), "--once"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("错误：") and "同一工作目录只能运行一个 watch" in err.getvalue()


def test_a_batch_waits_for_a_manual_run_and_a_manual_run_during_a_batch_is_refused(ws, watching, tmp_path,
                                                                                   monkeypatch):
    enable_mail(ws)
    sending, release, calls = threading.Event(), threading.Event(), []

    def send_month_mail(ws_, period, policy, *, dry_run=False):
        calls.append(period)
        sending.set()
        release.wait(30)
        return types.SimpleNamespace(report_lines=lambda: ["已发送：总经理（zhang@example.com）《测试》，附件 3 个"],
                                     error_lines=lambda: ["发送给 财务总监（li@example.com）失败：测试"])

    import credit_workbook.mail.monthly as monthly  # the real package, so the CLI's `mail` command still loads

    monkeypatch.setattr(monthly, "send_month_mail", send_month_mail)
    monkeypatch.setattr(monthly, "already_sent", lambda *a: False)
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")  # the clerk's `run` below waits half a second, not 30
    w = watching()
    with workspace_lock(ws, command="credit-workbook run"):  # a clerk's `run` is in progress
        (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
        line = w.wait_line("占用，等它结束后再处理", "the watcher to wait for the lock")
        assert line.startswith(f"工作目录正被进程 {os.getpid()}（") and "运行的“credit-workbook run”" in line
        assert names(ws.inbox) == [JULY] and audit(ws, "ingest") == []
    wait_for(sending.is_set, what="the batch to reach the mail")  # the watcher holds the lock while mailing
    err = io.StringIO()
    try:
        assert cli_main(["run", str(ws.root)], io.StringIO(), err) == 2
    finally:
        release.set()
    assert f"另一个任务正在处理该工作目录：进程 {os.getpid()}（" in err.getvalue()
    assert "运行的“credit-workbook watch”" in err.getvalue() and "已等待 0.5 秒，请稍后再试" in err.getvalue()
    w.wait_line("2026-07 邮件：已发送：总经理（zhang@example.com）《测试》，附件 3 个")
    w.wait_line("2026-07 邮件：未成功：发送给 财务总监（li@example.com）失败：测试")
    assert calls == ["2026-07"]


def test_no_mail_means_no_mail_and_a_missing_mail_module_is_only_noted(ws, watching, tmp_path, monkeypatch):
    enable_mail(ws)
    calls = []
    monkeypatch.setitem(sys.modules, "credit_workbook.mail", types.SimpleNamespace(
        send_month_mail=lambda *a, **k: calls.append(a), already_sent=lambda *a: False))
    w = watching(mail=False)
    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    w.wait_line("2026-07 月度运行完成")
    w.stop()
    assert calls == []
    monkeypatch.setitem(sys.modules, "credit_workbook.mail", None)  # `import` now fails as if it were absent
    w = watching()
    (ws.inbox / AUGUST).write_bytes(ledger_bytes(tmp_path, "2026-08"))
    w.wait_line("2026-08 邮件：本程序尚未包含邮件功能，未发送")


def test_a_stop_finishes_the_file_and_leaves_the_month_owed_to_the_next_start(ws, tmp_path, monkeypatch):
    from credit_workbook.watcher import batch

    w = Running(ws)
    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    real = batch.ingest_paths

    def ingest_then_stop(*args):
        report = real(*args)
        w.watcher.request_stop("测试：停止")  # as a SIGTERM arriving while the file is being ingested
        return report

    monkeypatch.setattr(batch, "ingest_paths", ingest_then_stop)
    w.start()
    w.thread.join(30)
    monkeypatch.undo()
    assert not w.thread.is_alive() and w.code == 0 and archived(ws) == [f"2026-07/{JULY}"] and runs(ws) == []
    assert any("2026-07 的月度运行留待下次启动时完成" in line for line in w.lines)
    with Running(ws) as again:  # the next start owes the month and does it with no new file
        again.wait_line("2026-07 月度运行完成")
    assert runs(ws) == [("watch", "2026-07")] and len(audit(ws, "ingest")) == 1


def test_where_the_native_observer_cannot_start_the_watcher_polls(ws, watching, tmp_path, monkeypatch):
    import watchdog.observers

    class Refused(watchdog.observers.Observer):
        def start(self):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Refused)
    w = watching()
    assert any("改为每秒检查一次 inbox/" in line for line in w.lines)
    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    wait_for(lambda: done(ws, JULY, "2026-07"), what="the polled file to be imported")


def test_mail_a_kill_kept_from_going_out_is_sent_at_the_next_start_and_only_then(ws, tmp_path, monkeypatch):
    from credit_workbook.watch import main as watch_main

    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    assert watch_main([str(ws.root), "--once", "--settle", "0.1", "--no-mail"], io.StringIO(), io.StringIO()) == 0
    enable_mail(ws)  # as if the process had died between the month run and its mail
    sent: list[str] = []

    def send_month_mail(ws_, period, policy, **k):  # as the real one: every attempt leaves an audit row
        sent.append(period)
        with Store(ws_.store_path) as store:
            store.audit("mail_sent", period=period, role="总经理")
        return types.SimpleNamespace(report_lines=lambda: ["已发送：总经理"], error_lines=lambda: [])

    monkeypatch.setitem(sys.modules, "credit_workbook.mail", types.SimpleNamespace(
        send_month_mail=send_month_mail, already_sent=lambda *a: False))
    err = io.StringIO()
    assert watch_main([str(ws.root), "--once", "--settle", "0.1"], io.StringIO(), err) == 0
    assert sent == ["2026-07"] and "2026-07 的月度结果尚未发送邮件，现在补发" in err.getvalue()
    assert watch_main([str(ws.root), "--once", "--settle", "0.1"], io.StringIO(), io.StringIO()) == 0
    assert sent == ["2026-07"] and runs(ws) == [("watch", "2026-07")]


def test_a_file_a_manual_run_took_while_the_watcher_waited_is_not_handled_twice(ws, watching, tmp_path):
    from credit_workbook.actions.month import run_month

    w = watching()
    with workspace_lock(ws):  # `credit-workbook run` holds the lock …
        (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
        w.wait_line("占用，等它结束后再处理", "the watcher to wait for the lock")
        run_month(ws)  # … and ingests the inbox itself
    w.wait_line(f"{JULY}：已不在 inbox/（被移走，或已由其他任务处理），跳过")  # logged under the lock
    wait_for(lambda: lock_is_free(ws), what="the watcher's batch to end")
    assert len(audit(ws, "ingest")) == 1 and runs(ws) == [("run", "2026-07")]  # no second month run: none owed


def lock_is_free(ws) -> bool:
    try:
        with workspace_lock(ws, wait=0):
            return True
    except WorkspaceError:
        return False


def test_a_file_that_cannot_be_moved_is_retried_and_the_watcher_keeps_going(ws, watching, tmp_path, monkeypatch):
    """Windows will not delete a workbook open in Excel; the watcher says so and tries again later."""
    from credit_workbook.watcher import loop

    real_unlink = type(ws.inbox).unlink
    monkeypatch.setattr(loop, "RETRY_FIRST", 0.5)
    locked = {"on": True}

    def unlink(self, *a, **k):
        if locked["on"] and self.parent == ws.inbox:
            raise PermissionError(13, "另一个程序正在使用此文件", str(self))
        return real_unlink(self, *a, **k)

    monkeypatch.setattr(type(ws.inbox), "unlink", unlink)
    w = watching()
    (ws.inbox / JULY).write_bytes(ledger_bytes(tmp_path))
    w.wait_line("正被其他程序（如 Excel）占用或无权访问，请关闭该文件")
    assert names(ws.inbox) == [JULY] and len(audit(ws, "ingest")) == 1  # committed, waiting to be moved
    locked["on"] = False  # Excel closed
    wait_for(lambda: done(ws, JULY, "2026-07"), what="the retry to finish the file")
    assert len(audit(ws, "ingest")) == 1 and runs(ws) == [("watch", "2026-07")]
    assert any("已完成上次中断的导入" in line for line in w.about(JULY))
