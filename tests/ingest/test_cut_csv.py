"""A CSV copy cut short inside a row is refused whole, at that row; a whole one without its last line break is not.

The base is the real GBK 明细账 the soak found (tests/watch/found/), in GBK and in UTF-8, and a 余额表 CSV
of the same month; each cut is made at a byte offset named by the text around it.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from credit_workbook.ledger.parse import parse_ledger

from .conftest import ingest, make_workspace, store_state

FOUND = Path(__file__).parents[1] / "watch" / "found" / "应收账款明细账_201608.csv"
DETAIL = FOUND.read_bytes().decode("gbk")
ROW10 = "20160823,记-0004,KH002,云锦纺织有限公司,收到货款 云锦纺织,,\"16,831.55\",借,\"21,234.02\"\r\n"
BALANCE = ("客户往来余额表\r\n期间：2016年8月\r\n客户编码,客户名称,期初余额,本期借方,本期贷方,期末余额\r\n"
           "KH001,锦绣服饰有限公司,\"11,234.01\",\"55,988.19\",\"55,988.19\",\"11,234.01\"\r\n"
           "KH002,云锦纺织有限公司,\"21,234.02\",\"16,831.55\",\"6,831.55\",\"31,234.02\"\r\n"
           ",合计,\"32,468.03\",\"72,819.74\",\"62,819.74\",\"42,468.03\"\r\n")
ENCODINGS = ["gbk", "utf-8", "utf-8-sig"]


def _bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


def _cut(text: str, encoding: str, after: str, extra: bytes = b"") -> bytes:
    """The file's bytes up to and including the first ``after`` (plus ``extra`` bytes of what follows)."""
    end = text.index(after) + len(after)
    head = text[:end].encode(encoding)
    return head + text[end:].encode(encoding)[:len(extra)]


def _ingest_one(tmp_path: Path, name: str, data: bytes):
    ws = make_workspace(tmp_path / "ws")
    (ws.inbox / name).write_bytes(data)
    return ws, ingest(ws)


def _assert_refused(ws, report, name: str, data: bytes, place: str) -> str:
    assert report.accepted == [] and [r.file for r in report.rejected] == [name]
    assert (ws.root / "quarantine" / name).read_bytes() == data  # whole, byte for byte
    note = (ws.root / "quarantine" / f"{name}.error.txt").read_text(encoding="utf-8")
    assert place in note and "文件不完整" in note and "传输" in note and "重新导出" in note, note
    state = store_state(ws)
    assert state["files"] == state["entries"] == state["openings"] == state["balances"] == []
    assert list(ws.inbox.iterdir()) == []
    return note


def test_the_found_export_really_ends_with_a_line_break_and_its_row_10_is_the_one_cut():
    assert DETAIL.endswith("\r\n") and ROW10 in DETAIL
    assert DETAIL.splitlines()[9] + "\r\n" == ROW10


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_whole_detail_csv_without_its_last_line_break_is_accepted(tmp_path, encoding):
    whole = parse_ledger(_write(tmp_path / "whole" / "应收账款明细账_201608.csv", _bytes(DETAIL, encoding)))
    data = _bytes(DETAIL.rstrip("\r\n"), encoding)  # last line: ",,,,合计,…,," — ends with empty fields
    ws, report = _ingest_one(tmp_path, "应收账款明细账_201608.csv", data)
    assert [(a.period, a.entries) for a in report.accepted] == [("2016-08", 10)] and report.rejected == []
    assert parse_ledger(ws.root / "archive" / "2016-08" / "应收账款明细账_201608.csv").entries == whole.entries


def test_a_whole_csv_ending_in_a_note_without_a_line_break_is_accepted(tmp_path):
    data = _bytes(DETAIL + "制表人：张三", "gbk")
    _, report = _ingest_one(tmp_path, "明细账.csv", data)
    assert [a.period for a in report.accepted] == ["2016-08"] and report.rejected == []


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
@pytest.mark.parametrize("after, extra, place", [
    # mid-field inside the quoted 贷方 amount: "16,831.5
    ("20160823,记-0004,KH002,云锦纺织有限公司,收到货款 云锦纺织,,\"16,831.5", b"", "明细账!G10"),
    # mid-field in plain text: the voucher number
    ("20160823,记-00", b"", "明细账!B10"),
    # right after a delimiter: the soak's case, 4 of 9 fields
    ("20160823,记-0004,KH002,", b"", "明细账!D10"),
    # right after the last delimiter: every field there but the 余额, which every row with a 方向 has
    ("20160823,记-0004,KH002,云锦纺织有限公司,收到货款 云锦纺织,,\"16,831.55\",借,", b"", "明细账!I10"),
    # inside a character: one byte of 纺
    ("20160823,记-0004,KH002,云锦", b"x", "明细账!D10"),
])
def test_a_detail_csv_cut_inside_a_row_is_refused_whole(tmp_path, encoding, after, extra, place):
    data = _cut(DETAIL, encoding, after, extra)
    assert not data.endswith((b"\n", b"\r"))
    ws, report = _ingest_one(tmp_path, "明细账.csv", data)
    note = _assert_refused(ws, report, "明细账.csv", data, f"明细账.csv!{place}")
    assert "第10行" in note


def test_a_cut_right_after_a_whole_row_is_no_cut_row_but_the_quote_closing_it_counts(tmp_path):
    """Cut just before the row's closing quote: the quote is open — refused; cut just after it: the row is whole
    (what remains looks like a complete export that ends early, which the text alone cannot tell)."""
    before = _cut(DETAIL, "gbk", ROW10.rstrip("\r\n")[:-1])
    ws, report = _ingest_one(tmp_path / "a", "明细账.csv", before)
    _assert_refused(ws, report, "明细账.csv", before, "明细账.csv!明细账!I10")
    led = parse_ledger(_write(tmp_path / "b" / "明细账.csv", _cut(DETAIL, "gbk", ROW10.rstrip("\r\n"))))
    assert not [p for p in led.problems if "文件不完整" in p.message]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_whole_balance_csv_without_its_last_line_break_is_accepted(tmp_path, encoding):
    data = _bytes(BALANCE.rstrip("\r\n"), encoding)
    ws, report = _ingest_one(tmp_path, "余额表_2016年8月.csv", data)
    assert [(a.period, a.shape, a.entries) for a in report.accepted] == [("2016-08", "余额表", 2)], report
    archived = parse_ledger(ws.root / "archive" / "2016-08" / "余额表_2016年8月.csv")
    assert [(b.code, b.closing) for b in archived.balances] == [("KH001", D("11234.01")), ("KH002", D("31234.02"))]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
@pytest.mark.parametrize("after, place", [
    ("KH002,云锦纺织有限公司,\"21,234.02\",\"16,8", "余额表_2016年8月!D5"),  # mid-field, in a quoted amount
    ("KH002,云锦纺织有限公司,", "余额表_2016年8月!C5"),  # right after a delimiter
    ("KH002,云锦纺织有限公司,\"21,234.02\",\"16,831.55\",\"6,831.55\",", "余额表_2016年8月!F5"),  # before the last
])
def test_a_balance_csv_cut_inside_a_row_is_refused_whole(tmp_path, encoding, after, place):
    data = _cut(BALANCE, encoding, after)
    ws, report = _ingest_one(tmp_path, "余额表_2016年8月.csv", data)
    _assert_refused(ws, report, "余额表_2016年8月.csv", data, f"余额表_2016年8月.csv!{place}")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
