"""The store's own promises: versions of the register, grades of earlier periods."""

from __future__ import annotations

from datetime import datetime

from credit_workbook.store import Store


def test_register_versions_compare_with_the_one_seen_before(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.remember_register("aaa", {"KH001": {"limit": "100000.00"}})
        store.remember_register("bbb", {"KH001": {"limit": "150000.00"}})
        store.remember_register("aaa", {"KH001": {"limit": "999.00"}})  # seen before: kept as first seen
        assert store.previous_register("aaa") == {}
        assert store.previous_register("bbb") == {"KH001": {"limit": "100000.00"}}


def test_previous_grades_come_from_an_earlier_period_only(tmp_path):
    row = {"code": "KH001", "name": "甲", "type": "客户", "grade": "A", "reasons": [], "cap_long": "0",
           "cap_temp": "0", "proposed_type": "无", "proposed_limit": "0", "survey_file": "x.xlsx"}
    with Store(tmp_path / "s.sqlite") as store:
        store.record_run("run", "2026-09", "2026-09-30", datetime(2026, 10, 1), [row], {})
        store.record_run("run", "2026-10", "2026-10-31", datetime(2026, 11, 1), [{**row, "grade": "C"}], {})
        assert store.previous_grades("2026-10") == {"KH001": "A"}
        assert store.previous_grades("2026-09") == {}
