"""A store made by release 1 opens in this one, keeping its rows."""

from __future__ import annotations

import sqlite3

from credit_workbook.store import MIGRATIONS, Store


def test_a_version_1_store_is_upgraded_in_place(tmp_path):
    path = tmp_path / "credit.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runs(command, period, as_of, started_at, status) "
               "VALUES ('rate', '2026-06', '2026-06-30', '2026-07-01T09:00:00', 'done')")
    db.execute("INSERT INTO ratings VALUES (1, 'C001', '华东', '客户', 'A', '[]', '1000.00', '0.00', '长期',"
               " '1000.00', 'C001.xlsx')")
    db.execute("INSERT INTO audit(at, who, action, detail) VALUES ('2026-07-01T09:00:00', 'lin', 'rate', '{}')")
    db.commit()
    db.close()

    with Store(path) as store:
        assert store.version == len(MIGRATIONS) >= 2
        assert store.previous_grades("2026-07") == {"C001": "A"}
        assert [(a, w, act) for a, w, act, _ in store.audit_rows()] == [("2026-07-01T09:00:00", "lin", "rate")]
        assert store.ledger_row_counts() == {
            "ledger_files": 0, "ledger_entries": 0, "ledger_openings": 0, "ledger_balances": 0}
        with store.transaction():
            file_id = store.insert_ledger_file(
                {"sha256": "ab", "original_name": "x.xlsx", "archived_path": "archive/2026-07/x.xlsx",
                 "period": "2026-07", "shape": "明细账", "accounts": '["应收账款"]', "file_format": "xlsx",
                 "encoding": None, "size": 1, "ingested_at": "2026-08-01T09:00:00"},
                [("C001", "华东", "应收账款", "2026-07-05", "12345678901234.56", "0.00", None, "记-1", "发货",
                  "x.xlsx!明细账!A6")], [], [])
        (row,) = store.ledger_rows("ledger_entries")
        assert row[:2] == ("2026-07", file_id)
        assert row[6] == "12345678901234.56"  # exact, never a float
    with Store(path) as store:  # opening again migrates nothing
        assert store.version == len(MIGRATIONS) and store.ledger_row_counts()["ledger_entries"] == 1
    indexes = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ledger_entries_code", "ledger_entries_file", "ledger_openings_file", "ledger_balances_code"} <= indexes
