"""Each export style parses to the hand-computed figures; each broken file to its exact message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from credit_workbook.core.model import ProblemLevel
from credit_workbook.ledger.parse import parse_ledger

from .make_fixtures import EXPECTED, GBK_CSV, write_gbk_csv

ZERO = D("0.00")


def errors(ledger) -> list[str]:
    return [p.render() for p in ledger.problems if p.level is ProblemLevel.ERROR]


def warnings(ledger) -> list[str]:
    return [p.render() for p in ledger.problems if p.level is ProblemLevel.WARNING]


def detail_totals(ledger, by_account: bool = False) -> dict:
    """(opening, debit, credit, closing) per counterparty; closing must equal the last printed balance."""
    acc: dict = {}
    for o in ledger.openings:
        key = (o.code, o.account) if by_account else o.code
        acc[key] = [o.balance, ZERO, ZERO, o.balance]
    for e in ledger.entries:
        key = (e.code, e.account) if by_account else e.code
        t = acc.setdefault(key, [ZERO, ZERO, ZERO, None])
        t[1] += e.debit
        t[2] += e.credit
        t[3] = e.balance
    out = {}
    for key, (opening, debit, credit, last) in acc.items():
        closing = opening + debit - credit
        assert last == closing, (key, last, closing)
        out[key] = (opening, debit, credit, closing)
    return out


# ---------------------------------------------------------------- good files


def test_yonyou_detail_blocks(ledgers):
    led = parse_ledger(ledgers["yonyou"])
    name = ledgers["yonyou"].name
    assert (led.shape, led.period, led.sheet, led.header_row, led.file_format) == (
        "明细账", "2026-10", "明细账", 4, "xlsx")
    assert led.columns == {"date": "A", "voucher": "B", "code": "C", "name": "D", "summary": "E",
                           "debit": "F", "credit": "G", "direction": "H", "balance": "I"}
    assert errors(led) == []
    assert warnings(led) == [f"{name}!明细账!A25: 此行不是账行（没有日期和金额），已略过：制表人：张三"]
    assert led.trusted
    assert detail_totals(led) == EXPECTED["yonyou"]
    # code and name printed only on the 上月结转 row are carried down the block
    first = led.entries[0]
    assert (first.date, first.voucher, first.code, first.name, first.summary) == (
        date(2026, 10, 5), "记-0012", "C001", "华东机械有限公司", "销售发货")
    assert (first.place, first.row, first.account) == (f"{name}!明细账!A6", 6, "应收账款")
    assert [(o.code, o.balance, o.place) for o in led.openings] == [
        ("C001", D("10000.00"), f"{name}!明细账!I5"),
        ("C002", D("-2000.00"), f"{name}!明细账!I12"),
        ("C003", ZERO, f"{name}!明细账!I18"),
    ]
    # 方向 贷 gives a negative balance
    assert [e.balance for e in led.entries if e.code == "C002"] == [D("-500.00"), D("-1734.56")]
    assert len(led.entries) == 7


def test_kingdee_two_level_header_text_amounts(ledgers):
    led = parse_ledger(ledgers["kingdee"])
    assert (led.shape, led.period, led.header_row) == ("明细账", "2026-10", 4)
    assert led.columns == {"date": "A", "voucher": "B", "code": "C", "name": "D", "summary": "E",
                           "debit": "F", "credit": "G", "direction": "H", "balance": "I", "account": "J"}
    assert led.problems == ()
    assert detail_totals(led, by_account=True) == EXPECTED["kingdee"]
    reversal = [e for e in led.entries if e.voucher == "记-15"][0]
    assert (reversal.date, reversal.debit, reversal.balance) == (date(2026, 10, 9), D("-1234.00"), D("13766.00"))
    assert {e.account for e in led.entries if e.code == "S001"} == {"预付账款"}


def test_balance_table_with_direction_columns(ledgers):
    led = parse_ledger(ledgers["balance"])
    name = ledgers["balance"].name
    assert (led.shape, led.period, led.header_row, led.entries) == ("余额表", "2026-10", 4, ())
    assert led.columns == {"code": "A", "name": "B", "opening_direction": "C", "opening": "D",
                           "period_debit": "E", "period_credit": "F", "closing_direction": "G", "closing": "H"}
    assert led.problems == ()
    got = {b.code: (b.opening, b.debit, b.credit, b.closing) for b in led.balances}
    assert got == EXPECTED["yonyou"]
    assert [(b.name, b.place, b.row) for b in led.balances][1] == ("南方贸易公司", f"{name}!余额表!A6", 6)


def test_balance_table_split_debit_credit_columns(ledgers):
    led = parse_ledger(ledgers["balance_split"])
    assert (led.shape, led.period, led.header_row) == ("余额表", "2026-10", 5)
    assert led.columns == {"code": "A", "name": "B", "opening_debit": "C", "opening_credit": "D",
                           "period_debit": "E", "period_credit": "F", "closing_debit": "G", "closing_credit": "H"}
    assert led.problems == ()
    got = {b.code: (b.opening, b.debit, b.credit, b.closing) for b in led.balances}
    assert got == EXPECTED["yonyou"]
    assert {b.account for b in led.balances} == {"应收账款"}  # from the title 科目：1122 应收账款


def test_gbk_csv_detail(ledgers):
    led = parse_ledger(ledgers["gbk_csv"])
    assert (led.file_format, led.encoding, led.shape, led.period, led.header_row) == (
        "csv", "gb18030", "明细账", "2026-10", 2)
    assert led.sheet == "明细账_gbk"  # a CSV's only sheet is named after the file, as in Excel
    assert led.problems == ()
    assert detail_totals(led) == EXPECTED["gbk_csv"]
    assert led.entries[0].debit == D("5000.00")  # written ５，０００．００
    assert {e.code for e in led.entries} == {"0001", "0002"}  # leading zeros kept
    assert {e.account for e in led.entries} == {"应收账款"}  # from the title row


def test_gbk_csv_total_that_does_not_add_up(tmp_path):
    path = write_gbk_csv(tmp_path / "坏合计.csv", GBK_CSV.replace('"6,500.00"', '"6,600.00"'))
    led = parse_ledger(path)
    assert errors(led) == ["坏合计.csv!坏合计!F8: 合计借方应为 6,500.00（上方 3 笔之和），文件中为 6,600.00"]


def test_utf8_bom_csv_balance_table_signed_amounts(ledgers):
    led = parse_ledger(ledgers["bom_csv"])
    assert (led.file_format, led.encoding, led.shape, led.period, led.header_row) == (
        "csv", "utf-8-sig", "余额表", "2026-10", 3)
    assert led.problems == ()
    got = {b.code: (b.opening, b.debit, b.credit, b.closing) for b in led.balances}
    assert got == {k: v for k, v in EXPECTED["yonyou"].items() if k != "C003"}
    assert led.balances[1].name == "南方贸易公司"


def test_tab_separated_text_named_xls_is_read_as_text(ledgers):
    led = parse_ledger(ledgers["tsv_as_xls"])
    name = ledgers["tsv_as_xls"].name
    assert (led.file_format, led.encoding, led.shape, led.period, led.header_row) == (
        "csv", "gb18030", "明细账", "2026-10", 1)
    assert errors(led) == []
    # no 期初 rows at all: the opening is worked back from the first balance, and said so
    assert warnings(led) == [f"{name}!T3导出: 文件中没有期初余额行，各往来单位的期初余额按其第一笔的余额倒推"]
    assert [(o.code, o.balance, o.inferred) for o in led.openings] == [("C009", ZERO, True)]
    assert [(e.debit, e.credit, e.balance) for e in led.entries] == [
        (D("1234.50"), ZERO, D("1234.50")), (ZERO, D("-1234.50"), D("2469.00"))]


def test_xlsx_renamed_csv_is_read_as_xlsx(ledgers):
    led = parse_ledger(ledgers["xlsx_named_csv"])
    assert (led.file_format, led.shape, led.sheet) == ("xlsx", "明细账", "明细账")
    assert detail_totals(led) == EXPECTED["yonyou"]


def test_display_name_names_the_file_in_places(ledgers):
    led = parse_ledger(ledgers["bad_subtotal"], display_name="inbox/10月明细账.xlsx")
    assert errors(led) == ["inbox/10月明细账.xlsx!明细账!F15: 本月合计借方应为 1,500.00（上方 2 笔之和），文件中为 1,600.00"]
    assert led.file_name == "inbox/10月明细账.xlsx"


@pytest.mark.oracle
def test_xls_saved_by_libreoffice(yonyou_xls):
    led = parse_ledger(yonyou_xls)
    assert (led.file_format, led.shape, led.period, led.header_row) == ("xls", "明细账", "2026-10", 4)
    assert errors(led) == []
    assert detail_totals(led) == EXPECTED["yonyou"]


# ---------------------------------------------------------------- broken files


BROKEN = {
    "bad_balance": ["!明细账!I7: 余额应为 7,000.00（期初 10,000.00 + 借方 5,000.00 − 贷方 8,000.00），文件中为 7,090.00"],
    "bad_subtotal": ["!明细账!F15: 本月合计借方应为 1,500.00（上方 2 笔之和），文件中为 1,600.00"],
    "bad_date": ["!明细账!A19: 日期 2026-09-30 不在本期（2026-10）内"],
    "bad_text_amount": ["!明细账!F13: 借方“1,5OO.00”不是金额"],
    "bad_flat_balance": ["!明细账!I20: 方向为“平”，余额应为 0.00，文件中为 5.00"],
    "bad_amount_chain": [
        "!明细账!I7: 余额应为 6,910.00（期初 10,000.00 + 借方 5,000.00 − 贷方 8,090.00），文件中为 7,000.00",
        "!明细账!G9: 本月合计贷方应为 8,090.00（上方 3 笔之和），文件中为 8,000.00",
        "!明细账!G24: 合计贷方应为 29,324.56（全表 7 笔之和），文件中为 29,234.56",
    ],
    "no_counterparty": [
        "!明细账!C12: 缺少往来单位编码和名称",
        "!明细账!C13: 缺少往来单位编码和名称",
        "!明细账!C14: 缺少往来单位编码和名称",
    ],
    "bad_balance_row": [
        "!余额表!H6: 期末余额应为 -1,734.56（期初 -2,000.00 + 借方 1,500.00 − 贷方 1,234.56），文件中为 -1,734.65",
        "!余额表!H8: 合计期末余额应为 8,722.13（上方 3 行之和），文件中为 8,722.22",
    ],
    "bad_balance_total": ["!余额表!E8: 合计本期借方应为 29,956.78（上方 3 行之和），文件中为 29,956.87"],
    "no_period_balance": ["!余额表: 无法确定期间（标题中应写明期间，如“期间：2026年10月”）"],
    "unrecognisable": ["!通讯录: 找不到表头（需要 日期/借方/贷方/余额 或 期初余额/本期借方/本期贷方/期末余额 等列）"],
    "encrypted": [": 文件已加密，无法读取（请另存为不加密的文件，或把打开密码放在环境变量 CREDIT_WORKBOOK_PASSWORD 中）"],
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_gives_exact_errors(ledgers, case):
    path = ledgers[case]
    led = parse_ledger(path)
    assert errors(led) == [path.name + text for text in BROKEN[case]]
    assert not led.trusted


def test_a_mistyped_balance_is_reported_once_and_the_figures_stay(ledgers):
    led = parse_ledger(ledgers["bad_balance"])
    assert [e.balance for e in led.entries if e.code == "C001"] == [D("15000.00"), D("7090.00"), D("10456.78")]


def test_unreadable_date_text_is_an_error_at_its_cell(ledgers):
    led = parse_ledger(ledgers["bad_date_text"])
    (only,) = led.errors
    assert only.place == f"{ledgers['bad_date_text'].name}!明细账!A14"
    assert "2026-10-32" in only.message
    assert len(led.entries) == 6  # the row is left out, its amounts still count in the checks


@pytest.mark.parametrize("blank", ["\u200b", "\ufeff", "\u200b\u3000"])
def test_a_date_blank_only_to_the_eye_is_a_missing_date(tmp_path, blank):
    """A zero-width space passed for a date: the row was left out of the entries while its amounts kept the
    running balance right, so the month imported one sale short without a word (fuzz find)."""
    path = tmp_path / "零宽.csv"
    path.write_bytes(GBK_CSV.replace("20261005,", f"{blank},").encode("utf-8-sig"))
    led = parse_ledger(path)
    assert errors(led) == ["零宽.csv!零宽!A4: 缺少日期"]


def test_title_period_that_contradicts_the_dates(tmp_path):
    from .make_fixtures import write_yonyou

    path = write_yonyou(tmp_path / "期间不符.xlsx", {"A2": "期间：2026年9月"})
    assert errors(parse_ledger(path)) == ["期间不符.xlsx!明细账!A2: 标题期间 2026-09 与账行日期不符（多数在 2026-10）"]


def test_period_is_the_month_most_dates_fall_in(tmp_path):
    from .make_fixtures import write_yonyou

    # no period in the title; two November dates lose against five October ones
    path = write_yonyou(tmp_path / "多数.xlsx", {"A2": "", "A6": date(2026, 11, 2), "A7": date(2026, 11, 3)})
    led = parse_ledger(path)
    assert led.period == "2026-10"
    assert errors(led) == [
        "多数.xlsx!明细账!A6: 日期 2026-11-02 不在本期（2026-10）内",
        "多数.xlsx!明细账!A7: 日期 2026-11-03 不在本期（2026-10）内",
    ]


def test_balance_table_spanning_two_months(tmp_path):
    from .make_fixtures import write_balance

    path = write_balance(tmp_path / "跨月.xlsx", {"A2": "期间：2026.09-2026.10"})
    assert errors(parse_ledger(path)) == [
        "跨月.xlsx!余额表!A2: 期间跨多个月（2026-09 至 2026-10），每个文件只能是一个月",
        "跨月.xlsx!余额表: 无法确定期间（标题中应写明期间，如“期间：2026年10月”）",
    ]


def test_unknown_direction_is_an_error(tmp_path):
    from .make_fixtures import write_yonyou

    path = write_yonyou(tmp_path / "方向.xlsx", {"H13": "X"})
    assert errors(parse_ledger(path)) == ["方向.xlsx!明细账!H13: 方向应为“借”、“贷”或“平”，文件中为“X”"]


def test_absurd_amount_is_an_error_not_a_crash(tmp_path):
    from .make_fixtures import write_yonyou

    path = write_yonyou(tmp_path / "大数.xlsx", {"F13": "1" * 30})
    assert errors(parse_ledger(path)) == [f"大数.xlsx!明细账!F13: 借方“{'1' * 30}”数值过大（超过15位数字），请核对"]


def test_unreadable_opening_is_reported_once(tmp_path):
    from .make_fixtures import write_yonyou

    path = write_yonyou(tmp_path / "期初.xlsx", {"I12": "两千"})
    led = parse_ledger(path)
    assert errors(led) == ["期初.xlsx!明细账!I12: 余额“两千”不是金额"]
    assert [o.code for o in led.openings] == ["C001", "C003"]


def test_block_heading_row_sets_the_counterparty(tmp_path):
    """Some exports print code and name on a row of their own above the block."""
    text = ("日期,客户编码,客户名称,摘要,借方,贷方,余额\n"
            ",K7,西部电气,,,,\n"
            "2026-10-03,,,期初余额,,,100.00\n"
            "2026-10-04,,,发货,50.00,,150.00\n"
            ",,,本月合计,50.00,0.00,150.00\n")
    path = tmp_path / "分块.csv"
    path.write_text(text, encoding="utf-8")
    led = parse_ledger(path)
    assert led.problems == ()
    assert [(e.code, e.name, e.balance) for e in led.entries] == [("K7", "西部电气", D("150.00"))]
    assert [(o.code, o.balance) for o in led.openings] == [("K7", D("100.00"))]
