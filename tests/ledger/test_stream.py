"""``stream_ledger``: the same reading as ``parse_ledger``, row by row, without holding the file."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import xlsxwriter

from credit_workbook.ledger.model import LedgerEntry
from credit_workbook.ledger.parse import parse_ledger, stream_ledger
from credit_workbook.ledger.read_raw import open_raw

HEADER = ["日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额"]


@pytest.mark.parametrize("name", [
    "yonyou", "kingdee", "balance", "balance_split", "gbk_csv", "bom_csv", "tsv_as_xls", "bad_balance",
    "bad_amount_chain", "bad_subtotal", "bad_date", "bad_text_amount", "bad_date_text", "no_counterparty",
    "bad_balance_row", "unrecognisable", "encrypted",
])
def test_streaming_reads_what_parsing_reads(ledgers, name):
    """Every fixture, good or broken: the entries handed over in order, and the rest of the result equal."""
    seen: list[LedgerEntry] = []
    streamed = stream_ledger(ledgers[name], lambda *fields: seen.append(LedgerEntry(*fields)))
    parsed = parse_ledger(ledgers[name])
    assert streamed.entries == ()
    assert tuple(seen) == parsed.entries
    assert replace(streamed, entries=parsed.entries) == parsed


def _write_ledger(path, days: int, top: int = 0, left: int = 0, out_of_period: dict | None = None):
    """A 用友-style ledger: one counterparty, ``days`` sales of 100.00 each, starting at (top, left)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("明细账")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(top, left, "应收账款明细账")
    for c, h in enumerate(HEADER):
        ws.write_string(top + 1, left + c, h)
    ws.write_row(top + 2, left, ["", "", "C001", "华东机械有限公司", "上月结转", "", "", "平", 0])
    balance = 0
    for i in range(days):
        r = top + 3 + i
        day = (out_of_period or {}).get(i, date(2026, 10, 1 + i % 28))
        balance += 100
        ws.write_datetime(r, left, day, fmt)
        ws.write_row(r, left + 1, [f"记-{i}", "", "", "销售发货", 100, "", "借", balance])
    wb.close()
    return path


def test_a_sheet_starting_right_of_column_a_keeps_its_cells(tmp_path):
    """calamine's row iterator starts at the first used column: places must still be the sheet's own."""
    path = _write_ledger(tmp_path / "偏移.xlsx", 3, top=2, left=2)
    book = open_raw(path)
    grid = book.rows("明细账")
    assert [row + [""] * (len(grid[0]) - len(row)) for row in open_raw(path).iter_rows("明细账")] == grid
    led = parse_ledger(path)
    assert led.errors == ()
    assert [(e.place, e.debit, e.balance) for e in led.entries] == [
        ("偏移.xlsx!明细账!C6", D("100.00"), D("100.00")),
        ("偏移.xlsx!明细账!C7", D("100.00"), D("200.00")),
        ("偏移.xlsx!明细账!C8", D("100.00"), D("300.00")),
    ]
    assert led.columns["date"] == "C" and led.header_row == 4


def test_dates_outside_the_period_are_found_after_the_last_row(tmp_path):
    """The period is the month most entries fall in, known only at the end: every stray entry is still named."""
    strays = {1: date(2026, 9, 30), 7: date(2026, 11, 1), 4: date(2025, 10, 3)}
    path = _write_ledger(tmp_path / "跨月.xlsx", 9, out_of_period=strays)
    led = stream_ledger(path, lambda *fields: None)
    assert led.period == "2026-10"
    assert [p.render() for p in led.errors] == [
        "跨月.xlsx!明细账!A5: 日期 2026-09-30 不在本期（2026-10）内",
        "跨月.xlsx!明细账!A8: 日期 2025-10-03 不在本期（2026-10）内",
        "跨月.xlsx!明细账!A11: 日期 2026-11-01 不在本期（2026-10）内",
    ]


def _csv_ledger(lines: int) -> str:
    out = ["应收账款明细账", "期间：2026年10月", ",".join(HEADER), ",,C001,华东机械有限公司,上月结转,,,平,0.00"]
    day = date(2026, 10, 1)
    for i in range(lines):
        out.append(f"{(day + timedelta(days=i % 28)).isoformat()},记-{i},,,销售发货,100.00,,借,\"{(i + 1) * 100:,}.00\"")
    return "\n".join(out) + "\n"


def test_encoding_is_judged_on_the_whole_file_not_its_head(tmp_path):
    """A GBK name after the first megabyte: the file is not UTF-8, even if its first megabyte is."""
    text = _csv_ledger(30_000) + ",,C002,南方贸易公司,上月结转,,,平,0.00\n"
    path = tmp_path / "长.csv"
    path.write_bytes(text.encode("gbk"))
    assert path.stat().st_size > 1 << 20
    book = open_raw(path)
    assert book.encoding == "gb18030"
    led = parse_ledger(path)
    assert led.errors == () and len(led.entries) == 30_000
    assert [o.name for o in led.openings] == ["华东机械有限公司", "南方贸易公司"]
    assert led.entries[-1].balance == D("3000000.00")


def _peak_python_allocations(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_streaming_holds_no_rows(tmp_path, kind):
    """Python memory while streaming stays flat as the file grows; collecting the entries does not."""
    lines = 8_000
    if kind == "csv":
        path = tmp_path / "大.csv"
        path.write_text(_csv_ledger(lines), encoding="utf-8")
    else:
        path = _write_ledger(tmp_path / "大.xlsx", lines)
    count = []
    streamed = _peak_python_allocations(lambda: stream_ledger(path, lambda *fields: count.append(None)))
    collected = _peak_python_allocations(lambda: parse_ledger(path))
    assert len(count) == lines
    # what stays: 16 bytes per entry (row number and day, for the period check), a few thousand
    # remembered amounts, and the list ``count`` above; holding the rows would cost ~5 MiB here
    assert streamed < 2 << 20, streamed
    assert collected > 3 * streamed, (collected, streamed)
