"""Format by content, encodings, delimiters, and files that are no table at all."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D

import pytest

from credit_workbook.ledger.parse import parse_ledger
from credit_workbook.ledger.read_raw import (
    UnreadableLedger,
    decode_text,
    open_raw,
    sniff_delimiter,
)

LINES = "日期,客户名称,摘要,借方,贷方\n2026-10-05,华东机械,发货,\"1,234.50\",\n"


@pytest.mark.parametrize("data, encoding", [
    (LINES.encode("gbk"), "gb18030"),
    (b"\xef\xbb\xbf" + LINES.encode("utf-8"), "utf-8-sig"),
    (LINES.encode("utf-8"), "utf-8"),
    ("客户名称,𠮷\n".encode("gb18030"), "gb18030"),  # beyond GBK: GB18030 four-byte characters
])
def test_decode_text(data, encoding):
    text, found = decode_text(data, "f.csv")
    assert found == encoding
    assert text.startswith("日期") or text.startswith("客户名称")


def test_gbk_and_utf8_give_the_same_rows(tmp_path):
    gbk, bom = tmp_path / "a.csv", tmp_path / "b.csv"
    gbk.write_bytes(LINES.encode("gbk"))
    bom.write_bytes(b"\xef\xbb\xbf" + LINES.encode("utf-8"))
    assert open_raw(gbk).rows("a") == open_raw(bom).rows("b") == [
        ["日期", "客户名称", "摘要", "借方", "贷方"], ["2026-10-05", "华东机械", "发货", "1,234.50", ""]]


@pytest.mark.parametrize("delim", [",", "\t", ";"])
def test_sniff_delimiter_ignores_title_rows_and_quoted_separators(delim):
    lines = ["应收账款明细账", "期间：2026年10月",
             delim.join(["日期", "客户名称", "借方", "贷方"]),
             delim.join(["2026-10-05", "甲", '"1,234.50"', ""]),
             delim.join(["2026-10-06", "乙", '"2,000.00"', ""])]
    assert sniff_delimiter(lines) == delim


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02")
    led = parse_ledger(path)
    assert [p.render() for p in led.problems] == ["x.csv: 不是 Excel 或 CSV 文件（二进制内容无法识别）"]
    assert led.shape is None and not led.trusted


def test_html_saved_as_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text("<html><body><table><tr><td>日期</td></tr></table></body></html>", encoding="utf-8")
    (problem,) = parse_ledger(path).problems
    assert problem.message == "文件是网页（HTML/XML）格式，不是真正的 Excel 文件；请在 Excel 中打开后另存为 .xlsx"


def test_truncated_xlsx_is_refused(ledgers, tmp_path):
    data = ledgers["yonyou"].read_bytes()
    path = tmp_path / "半截.xlsx"
    path.write_bytes(data[: len(data) // 2])
    (problem,) = parse_ledger(path).problems
    assert problem.render() == "半截.xlsx: 文件不完整或已损坏（不是有效的 Excel 文件）"


def test_zip_bomb_is_refused_before_calamine_sees_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 << 20))
    (problem,) = parse_ledger(path).problems
    assert problem.message.startswith("部件 xl/worksheets/sheet1.xml 压缩比异常（1,0")
    assert problem.message.endswith("上限 200 : 1），疑似压缩炸弹，拒绝读取（上限见 credit.toml 的 [inputs] 节）")


def test_rows_keep_absolute_positions(ledgers):
    """Row 0 is sheet row 1 and column 0 is A even above and left of the data."""
    book = open_raw(ledgers["kingdee"])
    rows = book.rows("Sheet1")
    assert rows[0][0] == "往来明细账" and rows[3][2] == "编码" and rows[4][8] == "10,000.00"
    assert (2, 2, 2, 3) in book.merged("Sheet1")  # 往来单位 over 编码/名称


def test_hidden_sheet_loses_to_a_visible_one(tmp_path):
    import xlsxwriter

    path = tmp_path / "两表.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for title, amount in (("旧", 1), ("新", 2)):
        ws = wb.add_worksheet(title)
        for c, h in enumerate(["日期", "客户名称", "摘要", "借方", "贷方"]):
            ws.write_string(0, c, h)
        for c, v in enumerate(["2026-10-05", "甲", "发货"]):
            ws.write_string(1, c, v)
        ws.write_number(1, 3, amount)
        if title == "旧":
            ws.hide()
    wb.worksheets()[1].activate()
    wb.close()
    led = parse_ledger(path)
    assert (led.sheet, led.entries[0].debit) == ("新", D("2.00"))


def test_open_raw_raises_for_callers_that_want_the_exception(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 10)
    with pytest.raises(UnreadableLedger, match="文件不完整或已损坏"):
        open_raw(path)
