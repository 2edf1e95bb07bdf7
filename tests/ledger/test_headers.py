"""Header detection under title rows, two-level headers, aliases and period titles."""

from __future__ import annotations

import pytest

from credit_workbook.ledger.common import normalise_account, row_label, title_months
from credit_workbook.ledger.headers import column_letter, find_header, normalise_header
from credit_workbook.ledger.parse import parse_ledger

DETAIL = ["日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额"]


@pytest.mark.parametrize("raw, norm", [
    ("借方金额（元）", "借方金额"),
    ("借 方 金 额(元)", "借方金额"),
    ("\u3000客户名称\u3000", "客户名称"),
    ("余额：", "余额"),
    ("ＡＢＣ", "ABC"),
    (None, ""),
])
def test_normalise_header(raw, norm):
    assert normalise_header(raw) == norm


def test_header_found_under_title_rows():
    head = [["应收账款明细账"], ["期间：2026年10月"], [], ["", "", "", "", "", "", "", "", "单位：元"], DETAIL,
            ["2026-10-05", "记-1", "C001", "甲", "发货", "1", "", "借", "1"]]
    m = find_header(head)
    assert (m.shape, m.top_row, m.header_row) == ("明细账", 4, 4)
    assert m.columns["balance"] == 8 and m.columns["date"] == 0


def test_two_level_header_without_merge_information():
    """A CSV has no merges: a blank parent over a split column continues the parent on its left."""
    head = [
        ["日期", "凭证字号", "往来单位", "", "摘要", "本期发生", "", "余额", ""],
        ["", "", "编码", "名称", "", "借方", "贷方", "方向", "金额"],
    ]
    m = find_header(head)
    assert (m.shape, m.top_row, m.header_row) == ("明细账", 0, 1)
    assert m.columns == {"date": 0, "voucher": 1, "code": 2, "name": 3, "summary": 4,
                         "debit": 5, "credit": 6, "direction": 7, "balance": 8}


def test_two_level_header_uses_merged_ranges():
    """With merges known, the parent spreads over its span even where the heuristic would not."""
    head = [
        ["客户编码", "客户名称", "期初余额", "", "本期发生", "", "期末余额", ""],
        ["", "", "借方", "贷方", "借方", "贷方", "借方", "贷方"],
    ]
    merged = [(0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 0, 7), (0, 0, 1, 0), (0, 1, 1, 1)]
    m = find_header(head, merged)
    assert m.shape == "余额表"
    assert m.columns == {"code": 0, "name": 1, "opening_debit": 2, "opening_credit": 3,
                         "period_debit": 4, "period_credit": 5, "closing_debit": 6, "closing_credit": 7}


def test_single_row_wins_a_tie_against_the_row_below():
    """The first data row must not be taken for the lower half of a two-level header."""
    head = [DETAIL, ["2026-10-05", "记-1", "C001", "借方", "发货", "1", "", "借", "1"]]
    m = find_header(head)
    assert (m.top_row, m.header_row) == (0, 0)


def test_balance_table_direction_columns_attach_to_their_amounts():
    head = [["单位编码", "单位名称", "期初余额", "方向", "本期借方", "本期贷方", "期末余额", "方向"]]
    m = find_header(head)
    assert m.shape == "余额表"
    assert (m.columns["opening_direction"], m.columns["closing_direction"]) == (3, 7)


@pytest.mark.parametrize("head", [
    [["姓名", "电话", "地址"]],
    [["日期", "摘要", "借方", "贷方"]],  # no counterparty column
    [["客户编码", "期初余额", "期末余额"]],  # no turnover
    [],
])
def test_no_header(head):
    assert find_header(head) is None


def test_configured_aliases(tmp_path):
    text = "日期,凭证号,往来户编号,往来户,摘要,借方,贷方,方向,余额\n2026-10-05,记-1,K1,甲公司,发货,100,,借,100\n"
    path = tmp_path / "自定义.csv"
    path.write_text(text, encoding="utf-8")
    assert parse_ledger(path).shape is None
    aliases = {"date": ("日期",), "voucher": ("凭证号",), "code": ("往来户编号",), "name": ("往来户",),
               "summary": ("摘要",), "debit": ("借方",), "credit": ("贷方",), "direction": ("方向",),
               "balance": ("余额",)}
    led = parse_ledger(path, aliases=aliases)
    assert (led.shape, led.entries[0].code, led.entries[0].name) == ("明细账", "K1", "甲公司")


@pytest.mark.parametrize("texts, months", [
    (["期间：2026年10月"], ["2026-10"]),
    (["期间：2026.10"], ["2026-10"]),
    (["2026-10"], ["2026-10"]),
    (["会计期间：2026年第10期"], ["2026-10"]),
    (["２０２６年１０月"], ["2026-10"]),
    (["打印日期：2026-11-03", "2026年10月"], ["2026-10"]),
    (["期间：2026.09-2026.10"], ["2026-09", "2026-10"]),
    (["单位：元", "应收账款明细账"], []),
])
def test_title_months(texts, months):
    assert [m for m, _ in title_months([(t, "p") for t in texts])] == months


@pytest.mark.parametrize("text, kind", [
    ("本月合计", "subtotal"), (" 本 月 合 计 ", "subtotal"), ("小计", "subtotal"), ("合  计", "total"),
    ("本年累计", "cumulative"), ("上月结转", "opening"), ("期初余额", "opening"), ("销售发货", None),
    ("合计开票", None),
])
def test_row_labels(text, kind):
    found = row_label(text)
    assert (found[0] if found else None) == kind


@pytest.mark.parametrize("text, account", [
    ("1122 应收账款", "应收账款"), ("预付账款-材料", "预付账款"), ("2203预收账款", "预收账款"),
    ("其他应收款", None), ("应收票据", None), ("", None),
])
def test_normalise_account(text, account):
    assert normalise_account(text)[0] == account


@pytest.mark.parametrize("index, letters", [(0, "A"), (8, "I"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index, letters):
    assert column_letter(index) == letters
