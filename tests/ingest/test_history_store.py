"""The active ledger history read back as the pure core's input: the figures are the files' figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from credit_workbook.core.history import MonthSummary, Movement
from credit_workbook.core.positions import positions_series
from credit_workbook.ledger.history_store import (
    counterparty_names,
    history_start,
    latest_period,
    load_histories,
)
from credit_workbook.store import Store

from .conftest import ingest
from .ledgers import august, drop_story, write_detail

# per counterparty and month, read off the story in ledgers.py by hand: (opening, debit, credit, closing)
EXPECTED = {
    "C001": {"2026-07": ("10000.00", "5000.00", "8000.00", "7000.00"),
             "2026-08": ("7000.00", "12345.67", "4000.00", "15345.67"),
             "2026-09": ("15345.67", "1000.00", "6345.67", "10000.00")},
    "C002": {"2026-07": ("-2000.00", "1500.00", "0.00", "-500.00"),
             "2026-08": ("-500.00", "3000.00", "2500.00", "0.00"),
             "2026-09": ("0.00", "0.00", "0.00", "0.00")},
    "S001": {"2026-07": ("0.00", "0.00", "0.00", "0.00"),  # first seen in August, at 0
             "2026-08": ("0.00", "30000.00", "12345.67", "17654.33"),
             "2026-09": ("17654.33", "0.00", "0.00", "17654.33")},  # no 预付 file for September
    "C003": {"2026-07": ("2000.00", "0.00", "0.00", "2000.00"),  # first seen in September's 余额表
             "2026-08": ("2000.00", "0.00", "0.00", "2000.00"),
             "2026-09": ("2000.00", "500.00", "0.00", "2500.00")},
}


def months(history) -> dict[str, tuple[str, str, str, str]]:
    return {p.month: (str(p.opening), str(p.debit), str(p.credit), str(p.closing))
            for p in positions_series(history, "2026-07", "2026-09")}


def test_three_months_read_back_with_the_files_figures(ws):
    drop_story(ws.inbox)
    ingest(ws)
    with Store(ws.store_path) as store:
        histories = load_histories(store, {})
        assert history_start(store) == date(2026, 7, 1)
        assert latest_period(store) == "2026-09"
        assert counterparty_names(store) == {"C001": "华东机械有限公司", "C002": "南方贸易公司",
                                             "S001": "东方原料供应商", "C003": "西部电气有限公司"}
    assert sorted(histories) == ["C001", "C002", "C003", "S001"]
    assert {code: h.counterparty_type for code, h in histories.items()} == {
        "C001": "客户", "C002": "客户", "C003": "客户", "S001": "供应商"}
    for code, expected in EXPECTED.items():
        assert months(histories[code]) == expected, code

    c001 = histories["C001"]
    assert c001.history_start == date(2026, 7, 1)
    assert c001.openings == {"应收账款": D("10000.00")}  # July's; August's 7,000 was only checked
    assert c001.movements[0] == Movement(date(2026, 7, 5), D("5000.00"), D("0.00"), "应收账款", "记-0012",
                                           "d_七月应收.xlsx!明细账!A6")
    assert c001.summaries == (MonthSummary("2026-09", "应收账款", D("15345.67"), D("1000.00"),
                                           D("6345.67"), D("10000.00")),)
    assert all(isinstance(m.debit, D) for h in histories.values() for m in h.movements)


def test_types_from_surveys_decide_the_unnamed_account(ws):
    drop_story(ws.inbox)
    ingest(ws)
    with Store(ws.store_path) as store:
        histories = load_histories(store, {"C003": "供应商"})
    c003 = histories["C003"]
    assert c003.counterparty_type == "供应商"
    assert c003.openings == {"预付账款": D("2000.00")}  # the 余额表 names no account: the supplier's main one
    assert months(c003)["2026-09"] == ("2000.00", "500.00", "0.00", "2500.00")


def test_superseded_files_are_not_read(ws):
    drop_story(ws.inbox)
    ingest(ws)
    corrected = august()
    corrected[0].moves[1] = (25, "记-0031", "收到货款", D("0"), D("4000.00"))
    corrected[0].moves.insert(1, (12, "记-0020", "销售发货", D("0.01"), D("0")))
    corrected[0].moves.append((31, "记-0050", "收到货款", D("0"), D("0.01")))  # same closing, more lines
    write_detail(ws.inbox / "八月应收更正.xlsx", "2026-08", corrected)
    assert ingest(ws).accepted[0].superseded == ["archive/2026-08/b_八月应收.xlsx"]
    with Store(ws.store_path) as store:
        c001 = load_histories(store, {})["C001"]
    assert [m.ref for m in c001.movements if m.day.month == 8] == ["记-0003", "记-0020", "记-0031", "记-0050"]
    assert months(c001)["2026-08"] == ("7000.00", "12345.68", "4000.01", "15345.67")


def test_an_empty_store_has_no_history(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        assert load_histories(store, {}) == {}
        assert history_start(store) is None and latest_period(store) is None
        assert counterparty_names(store) == {}
