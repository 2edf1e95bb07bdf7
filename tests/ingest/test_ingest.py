"""Ingest on real folders and a real SQLite file: what enters history, what is archived, what is refused."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal as D

from credit_workbook.ingest import ingest_file, superseded_message
from credit_workbook.policy import Policy
from credit_workbook.store import Store

from .conftest import ingest, store_state, tree
from .ledgers import (
    Block,
    august,
    august_prepaid,
    drop_story,
    july,
    opening_row,
    write_balance,
    write_detail,
)


def test_three_months_are_taken_in_period_order_and_archived_byte_for_byte(ws):
    files = drop_story(ws.inbox)
    originals = {k: p.read_bytes() for k, p in files.items()}
    report = ingest(ws)

    assert [(a.file, a.period, a.shape, a.entries) for a in report.accepted] == [
        ("d_七月应收.xlsx", "2026-07", "明细账", 3),
        ("b_八月应收.xlsx", "2026-08", "明细账", 4),
        ("c_八月预付.xlsx", "2026-08", "明细账", 2),
        ("a_九月余额表.xlsx", "2026-09", "余额表", 3),
    ]
    assert report.rejected == [] and report.duplicates == [] and report.exit_code == 0
    assert list(ws.inbox.iterdir()) == []
    for key, p in files.items():
        archived = ws.root / "archive" / key[:7] / p.name
        assert archived.read_bytes() == originals[key]
    with Store(ws.store_path) as store:
        assert store.ledger_row_counts() == {
            "ledger_files": 4, "ledger_entries": 9, "ledger_openings": 5, "ledger_balances": 3}
        audits = store.audit_rows("ingest")
        assert [d["file"] for *_, d in audits] == [a.file for a in report.accepted]
        assert audits[0][3]["entries"] == 3 and audits[0][3]["period"] == "2026-07"
        row = store.ledger_file(next(iter(store.ledger_files())).sha256)
        assert row.archived_path == "archive/2026-07/d_七月应收.xlsx" and row.archived_at is not None
        # amounts are exact Decimal text, days ISO text
        assert store.db.execute(
            "SELECT day, debit, credit, balance FROM ledger_entries WHERE code = 'C001' ORDER BY rowid LIMIT 1"
        ).fetchone() == ("2026-07-05", "5000.00", "0.00", "15000.00")
    assert not any((ws.state / "ingest").iterdir())


def test_the_same_file_again_changes_nothing_but_a_duplicate_note(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    ingest(ws)
    before_store, before_tree = store_state(ws), tree(ws)

    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())  # same bytes, same name
    write_detail(ws.inbox / "七月（重发）.xlsx", "2026-07", july())  # same bytes, another name
    report = ingest(ws)

    assert report.accepted == [] and report.rejected == []
    assert sorted(report.duplicates) == ["七月.xlsx", "七月（重发）.xlsx"]
    assert any("与已导入的 archive/2026-07/七月.xlsx 完全相同" in n for n in report.notes)
    after = store_state(ws)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before_store.items() if k != "audit"}
    assert after["audit"][:len(before_store["audit"])] == before_store["audit"]
    assert [a for a, _ in after["audit"][len(before_store["audit"]):]] == ["ingest_duplicate"] * 2
    assert tree(ws) == before_tree  # archived once, inbox empty again


def test_a_corrected_month_supersedes_the_same_scope_only_and_the_run_says_so(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    write_detail(ws.inbox / "八月应收.xlsx", "2026-08", august())
    write_detail(ws.inbox / "八月预付.xlsx", "2026-08", august_prepaid(), title="预付账款明细账")
    ingest(ws)

    corrected = august()
    corrected[0].moves[1] = (25, "记-0031", "收到货款", D("0"), D("4400.00"))  # 4,000 was a typo
    write_detail(ws.inbox / "八月应收.xlsx", "2026-08", corrected)  # same name, other bytes
    report = ingest(ws)

    [accepted] = report.accepted
    assert accepted.superseded == ["archive/2026-08/八月应收.xlsx"]
    assert superseded_message("2026-08", "八月应收.xlsx", "archive/2026-08/八月应收.xlsx") in report.lines()
    assert "2026-08 的台账已由 八月应收.xlsx 替换（原文件仍在 archive/2026-08/八月应收.xlsx）" in report.lines()
    assert accepted.archived == "archive/2026-08/八月应收-2.xlsx"  # the original keeps its name
    assert (ws.root / "archive/2026-08/八月应收.xlsx").exists()
    with Store(ws.store_path) as store:
        by_name = {f.archived_path: f for f in store.ledger_files()}
        new = by_name["archive/2026-08/八月应收-2.xlsx"]
        assert by_name["archive/2026-08/八月应收.xlsx"].superseded_by == new.id
        assert by_name["archive/2026-08/八月预付.xlsx"].superseded_by is None  # 预付 is another scope
        active = [f.original_name for f in store.ledger_files(active_only=True)]
        assert active == ["七月.xlsx", "八月预付.xlsx", "八月应收.xlsx"]
        assert store.audit_rows("ingest")[-1][3]["supersedes"] == ["archive/2026-08/八月应收.xlsx"]


def test_a_correction_that_breaks_the_next_month_is_taken_with_a_warning(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    write_detail(ws.inbox / "八月.xlsx", "2026-08", august())
    ingest(ws)
    corrected = july()
    corrected[0].moves[1] = (20, "记-0025", "收到货款", D("0"), D("8500.00"))  # July closes at 6,500 now
    write_detail(ws.inbox / "七月更正.xlsx", "2026-07", corrected)
    report = ingest(ws)

    [accepted] = report.accepted
    assert accepted.superseded == ["archive/2026-07/七月.xlsx"]
    assert accepted.warnings == [
        "七月更正.xlsx!明细账!I7: 期末余额 6,500.00 与下月（2026-08）八月.xlsx 的期初余额 7,000.00 不符"
        "（断档或重述）；请一并更正 2026-08 的台账"]


def test_a_partial_correction_is_refused(ws):
    both = july() + august_prepaid()
    both[2] = Block("S001", "东方原料供应商", D("0"), [(6, "记-7", "预付货款", D("100.00"), D("0"))],
                    account="预付账款")
    write_detail(ws.inbox / "七月往来.xlsx", "2026-07", both, title="往来明细账")
    ingest(ws)
    write_detail(ws.inbox / "七月应收.xlsx", "2026-07", july())  # only 应收: would drop 预付 of July
    report = ingest(ws)
    [rejected] = report.rejected
    assert rejected.errors == [
        "七月应收.xlsx!明细账: 本文件将替换已导入的 2026-07 明细账 七月往来.xlsx，但缺少其中的预付账款；"
        "更正文件须包含原文件的全部科目（请导出完整的台账）"]


def test_opening_that_is_not_last_months_closing_is_quarantined_with_the_exact_message(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    ingest(ws)
    before = store_state(ws)
    blocks = august(c001_opening=D("12000.00"))  # internally consistent, but July closed at 7,000
    bad = write_detail(ws.inbox / "八月.xlsx", "2026-08", blocks)
    original = bad.read_bytes()
    report = ingest(ws)

    cell = f"I{opening_row(blocks, 0)}"
    message = f"八月.xlsx!明细账!{cell}: 期初余额 12,000.00 与上月（2026-07）期末余额 7,000.00 不符（断档或重述）"
    assert report.accepted == [] and report.exit_code == 2
    [rejected] = report.rejected
    assert rejected.errors == [message]
    assert rejected.quarantined == "quarantine/八月.xlsx"
    assert rejected.to_json() == {
        "file": "inbox/八月.xlsx",
        "errors": [f"明细账!{cell}: 期初余额 12,000.00 与上月（2026-07）期末余额 7,000.00 不符（断档或重述）"]}
    assert (ws.quarantine / "八月.xlsx").read_bytes() == original
    note = (ws.quarantine / "八月.xlsx.error.txt").read_text(encoding="utf-8").splitlines()
    assert note[0] == "台账文件：八月.xlsx"
    assert re.fullmatch(r"检查时间：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", note[1])
    assert note[2] == "处理结果：未导入。整个文件已移到 quarantine/八月.xlsx，台账历史没有任何改动。"
    assert note[3:] == ["请核对并改正以下 1 个问题，再把改好的文件放回 inbox/：", message]
    assert list(ws.inbox.iterdir()) == []
    assert store_state(ws) == before


def test_a_missing_month_is_compared_with_the_last_known_one(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    ingest(ws)
    sept = august(c001_opening=D("7000.00"))
    write_detail(ws.inbox / "九月.xlsx", "2026-09", sept)
    report = ingest(ws)
    [accepted] = report.accepted
    assert accepted.warnings == ["九月.xlsx: 台账历史中没有 2026-08 的应收账款台账，这些月份按无发生额计"]

    write_detail(ws.inbox / "十一月.xlsx", "2026-11", august(c001_opening=D("1.00")))
    [rejected] = ingest(ws).rejected
    assert rejected.errors[0] == (
        "十一月.xlsx!明细账!I5: 期初余额 1.00 与 2026-09 期末余额 15,345.67 不符（缺少 2026-10 的台账；断档或重述）")


def test_a_month_slotted_in_before_a_known_one_must_lead_into_it(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    write_detail(ws.inbox / "九月.xlsx", "2026-09", august())  # opens where July closed: August is missing
    assert [a.file for a in ingest(ws).accepted] == ["七月.xlsx", "九月.xlsx"]
    write_detail(ws.inbox / "八月.xlsx", "2026-08", august())  # but August did move C001 and C002
    [rejected] = ingest(ws).rejected
    assert rejected.errors == [
        "八月.xlsx!明细账!I7: 期末余额 15,345.67 与下月（2026-09）九月.xlsx 的期初余额 7,000.00 不符（断档或重述）",
        "八月.xlsx!明细账!I12: 期末余额 0.00 与下月（2026-09）九月.xlsx 的期初余额 -500.00 不符（断档或重述）"]


def test_a_broken_file_goes_to_quarantine_whole_and_the_store_is_untouched(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    ingest(ws)
    before = store_state(ws)
    write_detail(ws.inbox / "八月.xlsx", "2026-08", august(), tweaks={"I6": 7090})  # running balance typo
    (ws.inbox / "说明.txt").write_bytes("\x00这不是台账".encode("utf-8"))
    report = ingest(ws)

    assert store_state(ws) == before
    by_file = {r.file: r for r in report.rejected}
    assert by_file["八月.xlsx"].errors == [
        "八月.xlsx!明细账!I6: 余额应为 19,345.67（期初 7,000.00 + 借方 12,345.67 − 贷方 0.00），文件中为 7,090.00"]
    assert by_file["说明.txt"].to_json() == {
        "file": "inbox/说明.txt", "errors": ["不是 Excel 或 CSV 文件（二进制内容无法识别）"]}
    assert sorted(p.name for p in ws.quarantine.iterdir()) == [
        "八月.xlsx", "八月.xlsx.error.txt", "说明.txt", "说明.txt.error.txt"]
    assert "说明.txt: 不是 Excel 或 CSV 文件" in (ws.quarantine / "说明.txt.error.txt").read_text("utf-8")
    assert list(ws.inbox.iterdir()) == []


def test_a_second_rejection_of_another_file_with_the_same_name_keeps_the_first(ws):
    (ws.inbox / "x.xlsx").write_bytes(b"\x00one")
    ingest(ws)
    (ws.inbox / "x.xlsx").write_bytes(b"\x00two")
    ingest(ws)
    assert sorted(p.name for p in ws.quarantine.iterdir()) == [
        "x-2.xlsx", "x-2.xlsx.error.txt", "x.xlsx", "x.xlsx.error.txt"]
    assert (ws.quarantine / "x.xlsx").read_bytes() == b"\x00one"


def test_lock_temp_and_hidden_files_are_left_alone(ws):
    names = ["~$八月.xlsx", ".~lock.八月.xlsx#", "导出中.tmp", ".DS_Store"]
    for n in names:
        (ws.inbox / n).write_bytes(b"\x00partial")
    report = ingest(ws)
    assert (report.accepted, report.rejected, report.duplicates) == ([], [], [])
    assert sorted(p.name for p in ws.inbox.iterdir()) == sorted(names)
    assert list(ws.quarantine.iterdir()) == []
    with Store(ws.store_path) as store:
        assert store.ledger_row_counts()["ledger_files"] == 0 and store.audit_rows() == []


def test_ingest_file_takes_one_file(ws):
    a = write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    write_detail(ws.inbox / "八月.xlsx", "2026-08", august())
    with Store(ws.store_path) as store:
        report = ingest_file(ws, store, Policy(), a)
    assert [x.file for x in report.accepted] == ["七月.xlsx"]
    assert [p.name for p in ws.inbox.iterdir()] == ["八月.xlsx"]


def test_a_balance_table_and_a_detail_ledger_of_one_month_both_stay(ws):
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    write_balance(ws.inbox / "七月余额表.xlsx", "2026-07", [
        ("C001", "华东机械有限公司", D("10000.00"), D("5000.00"), D("8000.00")),
        ("C002", "南方贸易公司", D("-2000.00"), D("1500.00"), D("0")),
    ])
    report = ingest(ws)
    assert [a.superseded for a in report.accepted] == [[], []]
    shutil.rmtree(ws.root / "archive")  # an archive emptied by hand is restored by a re-drop
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    assert ingest(ws).duplicates == ["七月.xlsx"]
    assert (ws.root / "archive/2026-07/七月.xlsx").exists()


def test_a_balance_table_opening_is_checked_at_its_cell(ws):
    drop_story(ws.inbox)
    ingest(ws)
    lines = [("C001", "华东机械有限公司", D("10000.00"), D("0"), D("0"))]  # October should open at 10,000
    write_balance(ws.inbox / "十月余额表.xlsx", "2026-10", lines)
    assert ingest(ws).accepted[0].period == "2026-10"
    lines = [("C001", "华东机械有限公司", D("9999.99"), D("0"), D("0"))]
    write_balance(ws.inbox / "十一月余额表.xlsx", "2026-11", lines)
    [rejected] = ingest(ws).rejected
    assert rejected.errors == [
        "十一月余额表.xlsx!余额表!C4: 期初余额 9,999.99 与上月（2026-10）期末余额 10,000.00 不符（断档或重述）"]


def test_an_empty_export_is_refused(ws):
    write_balance(ws.inbox / "空表.xlsx", "2026-07", [])
    [rejected] = ingest(ws).rejected
    assert rejected.errors == ["空表.xlsx!余额表: 文件中没有任何往来单位的账行或余额行（是否导出了空表？）"]


def test_unfinished_downloads_and_system_files_are_never_ledgers():
    from credit_workbook.ingest import ignored

    for name in ("~$应收.xlsx", ".~lock.应收.xlsx#", "应收.xlsx.tmp", "应收.xlsx.crdownload", "应收.xlsx.part",
                 "Thumbs.db", "desktop.ini", ".DS_Store"):
        assert ignored(name), name
    for name in ("应收账款明细账_202610.xlsx", "应收明细_202603.csv", "往来余额表.xls", "part.xlsx"):
        assert not ignored(name), name


def test_run_audits_every_file_it_quarantines(ws):
    """客户信息保密: who refused which file and why is in the audit log, for `run` as for `watch`."""
    from credit_workbook.actions.month import run_month
    from credit_workbook.workspace import init_workspace

    ws = init_workspace(ws.root)
    write_detail(ws.inbox / "七月.xlsx", "2026-07", july())
    (ws.inbox / "说明.txt").write_bytes("\x00这不是台账".encode("utf-8"))
    run_month(ws)
    with Store(ws.store_path) as store:
        refused = [detail for _, _, action, detail in store.audit_rows() if action == "ingest_rejected"]
    assert refused == [{"file": "说明.txt", "quarantined": "quarantine/说明.txt",
                        "errors": ["说明.txt: 不是 Excel 或 CSV 文件（二进制内容无法识别）"]}]
    assert (ws.root / refused[0]["quarantined"]).read_bytes() == "\x00这不是台账".encode("utf-8")
