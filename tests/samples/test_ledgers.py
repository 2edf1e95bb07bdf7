"""The demo company's ledger exports and register: readable, continuous, and telling the stories.

The files are what the demo ingests, so they are held to three things at
once: the parsers accept every good file without a single problem and
quarantine the one hand-edited file for exactly its edit; the thirteen
months chain (opening = last closing) and add up to the ledger stories of
``company.py`` (checked against the story data, never against the files
themselves); and the days inside the months show what a credit manager is
meant to see — 鑫达 drifting past 90 days overdue, 华翔 prepaid over its
limit, contracts ending with a balance that never reached zero — while the
good customers stay within term and limit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
import python_calamine as pc
from openpyxl import load_workbook

from credit_workbook.core.aging import age, overdue_episodes
from credit_workbook.core.history import CounterpartyHistory, MonthSummary, Movement
from credit_workbook.core.model import ProblemLevel
from credit_workbook.core.positions import positions_series
from credit_workbook.forms.register import OVERLIMIT_SHEET, REGISTER_HEADERS, SHEET
from credit_workbook.ledger import parse_ledger
from credit_workbook.samples import ledgers, register
from credit_workbook.samples.company import (
    BY_CODE,
    COUNTERPARTIES,
    EVALUATION_DATE,
    HISTORY_MONTHS,
    LEDGER_ONLY,
    PERIOD,
)
from credit_workbook.samples.exports import BALANCE, GBK_CSV, KINGDEE, STYLES, YONYOU

D = Decimal
ZERO = D("0.00")
ROOT = Path(__file__).resolve().parents[2]
LEDGER_DIR = ROOT / "sample_workbooks" / "ledgers"
REGISTER = ROOT / "sample_workbooks" / "register.xlsx"
INITIAL_REGISTER = ROOT / "sample_workbooks" / "register_2026年初.xlsx"
RECEIVABLE, PREPAYMENT, ADVANCE = "应收账款", "预付账款", "预收账款"
START = date(2025, 10, 1)

STORIES = {cp.code: cp.ledger_story for cp in COUNTERPARTIES} | {lo.code: lo.ledger_story for lo in LEDGER_ONLY}
ROLES = {cp.code: cp.counterparty_type for cp in COUNTERPARTIES} | {lo.code: lo.counterparty_type
                                                                     for lo in LEDGER_ONLY}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def plan():
    return ledgers.plan()


@pytest.fixture(scope="module")
def parsed(plan):
    return {ex.file_name: parse_ledger(LEDGER_DIR / ex.file_name) for ex in plan}


@pytest.fixture(scope="module")
def good(plan, parsed):
    return {ex.file_name: parsed[ex.file_name] for ex in plan if not ex.broken}


@pytest.fixture(scope="module")
def histories(good):
    """Each counterparty's history as the ingest would build it from the good files."""
    openings: dict = defaultdict(dict)
    moves: dict = defaultdict(list)
    summaries: dict = defaultdict(list)
    for led in good.values():
        for e in led.entries:
            moves[e.code].append(Movement(e.date, e.debit, e.credit, e.account, e.voucher))
        if led.period == HISTORY_MONTHS[0]:
            for o in led.openings:
                openings[o.code][o.account] = o.balance
        for b in led.balances:
            summaries[b.code].append(MonthSummary(led.period, b.account, b.opening, b.debit, b.credit, b.closing))
    codes = set(moves) | set(summaries) | set(openings)
    return {code: CounterpartyHistory(code, ROLES[code], openings.get(code, {}),
                                      tuple(sorted(moves[code], key=lambda m: m.day)),
                                      tuple(summaries[code]), START)
            for code in codes}


def _errors(led) -> list[str]:
    return [p.render() for p in led.problems if p.level is ProblemLevel.ERROR]


def _term(code: str) -> int:
    approved = STORIES[code].approved
    return approved.term_days if approved is not None else 0


def _daily(history: CounterpartyHistory, first: str, last: str) -> list[tuple[date, Decimal]]:
    return [day_balance for p in positions_series(history, first, last) for day_balance in p.daily_closing]


def _late_debit_days(history: CounterpartyHistory, term: int, month: str) -> list[date]:
    """Days of ``month`` with a new debit that began with an item past its due date (前欠未清)."""
    days = sorted({m.day for m in history.movements
                   if m.debit > 0 and f"{m.day:%Y-%m}" == month and m.account != ADVANCE})
    return [d for d in days if any(i.due < d for i in age(history, d - timedelta(days=1), term).open_items)]


# ---------------------------------------------------------------- the files parse

def test_the_folder_holds_exactly_the_plan(plan):
    assert sorted(p.name for p in LEDGER_DIR.iterdir()) == sorted(ex.file_name for ex in plan)


def test_every_good_file_parses_without_a_single_problem(plan, good):
    for ex in plan:
        if ex.broken:
            continue
        led = good[ex.file_name]
        assert led.problems == (), [p.render() for p in led.problems]
        assert led.period == ex.month, ex.file_name
        assert led.shape == ("余额表" if ex.style == BALANCE else "明细账"), ex.file_name
        accounts = {e.account for e in led.entries} | {b.account for b in led.balances}
        assert accounts == {ex.account}, ex.file_name


def test_the_broken_file_is_quarantined_for_exactly_its_hand_edit(plan, parsed):
    (broken,) = [ex for ex in plan if ex.broken]
    (original,) = [ex for ex in plan if not ex.broken and (ex.month, ex.account) == (broken.month, broken.account)]
    good_rows = pc.CalamineWorkbook.from_path(LEDGER_DIR / original.file_name).get_sheet_by_index(0).to_python()
    bad_rows = pc.CalamineWorkbook.from_path(LEDGER_DIR / broken.file_name).get_sheet_by_index(0).to_python()
    start = next(i for i, row in enumerate(good_rows) if row[2] == ledgers.BROKEN_CODE)
    subtotal = next(i for i in range(start, len(good_rows)) if good_rows[i][4] == "本月合计")
    closing = STORIES[ledgers.BROKEN_CODE].months()[-1][3]

    expected = (f"{broken.file_name}!明细账!I{subtotal + 1}: 本月合计余额应为 {closing:,.2f}（该单位最后余额），"
                f"文件中为 {ledgers.BROKEN_BALANCE:,.2f}")
    assert _errors(parsed[broken.file_name]) == [expected]
    # Only the two balances were typed over: quarantining it loses nothing the good file does not hold.
    changed = [(r, c) for r, (a, b) in enumerate(zip(good_rows, bad_rows, strict=True))
               for c, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert changed == [(subtotal, 8), (subtotal + 1, 8)]
    assert bad_rows[subtotal + 1][4] == "本年累计"
    assert parsed[original.file_name].trusted and not parsed[broken.file_name].trusted
    assert "手工修改" in broken.file_name and broken.month == PERIOD


def test_all_four_export_styles_are_used(plan, good):
    styles = {ex.style for ex in plan}
    assert set(STYLES) <= styles
    by_style = defaultdict(list)
    for ex in plan:
        if not ex.broken:
            by_style[ex.style].append(ex)
    # The 余额表 loses the days: one early month only.
    assert [(ex.month, ex.account) for ex in by_style[BALANCE]] == [(HISTORY_MONTHS[0], PREPAYMENT)]
    assert by_style[GBK_CSV] and all(ex.file_name.endswith(".csv") for ex in by_style[GBK_CSV])

    yonyou = next(ex for ex in by_style[YONYOU] if ex.account == RECEIVABLE and ex.month == "2026-05")
    rows = pc.CalamineWorkbook.from_path(LEDGER_DIR / yonyou.file_name).get_sheet_by_index(0).to_python()
    cells = {v for row in rows for v in row if isinstance(v, str)}
    assert {"应收账款明细账", "期间：2026年05月", "单位：元", "上月结转", "本月合计", "本年累计"} <= cells

    kingdee = LEDGER_DIR / by_style[KINGDEE][0].file_name
    book = pc.CalamineWorkbook.from_path(kingdee)
    sheet = book.get_sheet_by_index(0)
    assert len(sheet.merged_cell_ranges or []) >= 8  # two-level header
    rows = sheet.to_python()
    assert rows[4][0].startswith(by_style[KINGDEE][0].month[:4] + "年") and "," in rows[4][8]
    red_ink = [e for ex in by_style[KINGDEE] for e in good[ex.file_name].entries if e.debit < 0]
    assert len(red_ink) >= 1
    assert any(v.startswith("(") for ex in by_style[KINGDEE] for row in pc.CalamineWorkbook.from_path(
        LEDGER_DIR / ex.file_name).get_sheet_by_index(0).to_python() for v in row if isinstance(v, str))

    csv_file = LEDGER_DIR / by_style[GBK_CSV][0].file_name
    raw = csv_file.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert "\r\n" in text and "20260305," in text
    assert good[csv_file.name].encoding in ("gbk", "gb18030")


def test_thirteen_months_for_each_account(good):
    months = defaultdict(list)
    for led in good.values():
        accounts = {e.account for e in led.entries} | {b.account for b in led.balances}
        for account in accounts:
            months[account].append(led.period)
    for account in (RECEIVABLE, PREPAYMENT):
        assert sorted(months[account]) == list(HISTORY_MONTHS), account
    assert months[ADVANCE] == [PERIOD]  # only where a story has a 预收


def test_each_month_opens_with_last_months_closing(good):
    """The ingest checks this too; a break here would be a restatement the demo never meant."""
    figures: dict = defaultdict(dict)  # (account, month) -> code -> (opening, closing)
    for led in good.values():
        for b in led.balances:
            figures[(b.account, led.period)][b.code] = (b.opening, b.closing)
        blocks: dict = {}
        for o in led.openings:
            blocks[(o.code, o.account)] = [o.balance, o.balance]
        for e in led.entries:
            blocks.setdefault((e.code, e.account), [ZERO, ZERO])[1] += e.debit - e.credit
            assert e.balance == blocks[(e.code, e.account)][1], e.place
        for (code, account), (opening, closing) in blocks.items():
            figures[(account, led.period)][code] = (opening, closing)
    for account in (RECEIVABLE, PREPAYMENT):
        for before, after in pairwise(HISTORY_MONTHS):
            prev, nxt = figures[(account, before)], figures[(account, after)]
            for code in set(prev) | set(nxt):
                closing = prev.get(code, (ZERO, ZERO))[1]
                opening = nxt.get(code, (ZERO, ZERO))[0]
                assert opening == closing, (account, after, code, opening, closing)


def test_monthly_totals_are_the_stories(histories):
    """Per counterparty and month, 发货/回款 and the closing equal LedgerStory (预收冲应收 nets out)."""
    for code, story in STORIES.items():
        expected = {m: (d, c, b) for m, d, c, b in story.months()}
        if not expected:
            assert code not in histories
            continue
        series = positions_series(histories[code], HISTORY_MONTHS[0], HISTORY_MONTHS[-1])
        for p in series:
            want = expected.get(p.month, (ZERO, ZERO, ZERO))
            assert (p.debit, p.credit, p.closing) == want, (code, p.month)


# ---------------------------------------------------------------- the stories

def test_xinda_drifts_past_ninety_days_overdue(histories):
    """KH022: paid within 30 days until 2026-04; June's goods still unpaid at 10-31 (第十六条(1))."""
    h = histories["KH022"]
    limit = STORIES["KH022"].approved.limit
    aging = age(h, EVALUATION_DATE, _term("KH022"))
    assert aging.max_overdue_days > 90
    assert aging.buckets["91-180"] >= D("350000")  # 6月发货40万元中35万元未回
    assert sum(aging.buckets.values(), ZERO) == D("1050000.00") > limit
    before_may = [e for e in overdue_episodes(h, _term("KH022"), date(2026, 4, 30)) if e.days_overdue_max > 0]
    assert before_may == []  # it was a good customer before the drift
    assert _late_debit_days(h, _term("KH022"), PERIOD)  # still shipping with arrears open (R03)


def test_huaxiang_prepaid_over_its_limit_without_approval(histories):
    october = positions_series(histories["GY002"], PERIOD, PERIOD)[0]
    limit = STORIES["GY002"].approved.limit
    assert october.closing == D("1400000.00") and october.peak > limit
    assert max(a for _d, a in october.daily_closing) >= october.closing
    assert not STORIES["GY002"].over_limit_approvals
    big = [m for m in histories["GY002"].movements if f"{m.day:%Y-%m}" == PERIOD and m.debit >= D("900000")]
    assert len(big) == 1  # the one 90万 prepayment that locked the price


def test_yongda_exceeds_only_with_its_approval(histories):
    """KH005: over 100万 only after the 30万 over-limit approval of 10-12, and within it."""
    story = STORIES["KH005"]
    (approval,) = story.over_limit_approvals
    october = positions_series(histories["KH005"], PERIOD, PERIOD)[0]
    over = [d for d, b in october.daily_closing if b > story.approved.limit]
    assert over and min(over) >= approval.approved_on
    assert october.peak <= story.approved.limit + approval.amount


@pytest.mark.parametrize("code", ["KH008", "GY006"])
def test_contract_balance_never_reached_zero(histories, code):
    """R05: from the contract start the end-of-day balance is never 0 (清零一次, 第三十六条)."""
    a = STORIES[code].approved
    start = f"{a.contract_start:%Y-%m}"
    daily = [(d, b) for d, b in _daily(histories[code], start, PERIOD) if d >= a.contract_start]
    assert daily and min(b for _d, b in daily) > 0
    assert a.contract_end <= EVALUATION_DATE + timedelta(days=30)


def test_yunjin_cleared_once_before_the_new_year(histories):
    a = STORIES["KH002"].approved
    daily = _daily(histories["KH002"], "2026-01", "2026-01")
    assert a.contract_start <= daily[-1][0] and daily[-1][1] == 0


def test_a_customer_paid_in_advance(histories, good):
    """KH018 款到发货: 预收 before the goods, 预收冲应收 on the shipping day, never money of ours out."""
    moves = histories["KH018"].movements
    advance = [m for m in moves if m.account == ADVANCE]
    shipped = [m for m in moves if m.account == RECEIVABLE and m.debit > 0]
    assert advance and shipped and min(m.day for m in advance) < min(m.day for m in shipped)
    assert all(b <= 0 for _d, b in _daily(histories["KH018"], PERIOD, PERIOD))


def test_good_customers_keep_term_and_limit(histories):
    """Approved and not meant to breach: never overdue, never a shipment on arrears, never over the limit."""
    breaching = {"R01", "R03", "R04", "R07"}
    checked = 0
    for code, story in STORIES.items():
        a = story.approved
        if a is None or breaching & set(story.intended_flags):
            continue
        checked += 1
        h = histories[code]
        # Items from 2025-11 on: 2025-10 of the suppliers is a 余额表, aged as the worst case.
        late = [e for e in overdue_episodes(h, a.term_days, EVALUATION_DATE)
                if e.days_overdue_max > 0 and e.item_day >= date(2025, 11, 1)]
        assert late == [], (code, late[:3])
        first = max(f"{a.contract_start:%Y-%m}", "2025-11")
        last = min(f"{a.contract_end:%Y-%m}", PERIOD)
        extra = sum((o.amount for o in story.over_limit_approvals), ZERO)
        for p in positions_series(h, first, last):
            assert p.peak < a.limit + (extra if p.month == PERIOD else ZERO), (code, p.month, p.peak)
    assert checked >= 10


def test_october_flags_are_the_intended_ones(histories):
    """R03 (前欠未清) and R04 (overdue at month end) appear in 2026-10 exactly where a story means them."""
    for code, story in STORIES.items():
        if code not in histories:
            continue
        h, term = histories[code], _term(code)
        late = _late_debit_days(h, term, PERIOD)
        assert bool(late) == ("R03" in story.intended_flags), (code, late)
        overdue = age(h, EVALUATION_DATE, term).overdue
        assert (overdue > 0) == ("R04" in story.intended_flags), (code, overdue)


# ---------------------------------------------------------------- reproducible

def test_committed_ledgers_equal_a_fresh_build(tmp_path):
    fresh = {p.name: p.read_bytes() for p in ledgers.build_ledgers(tmp_path / "ledgers")}
    committed = {p.name: p.read_bytes() for p in LEDGER_DIR.iterdir()}
    assert sorted(fresh) == sorted(committed)
    assert [n for n in fresh if fresh[n] != committed[n]] == []


def test_committed_register_equals_a_fresh_build(tmp_path):
    fresh = register.build_register(tmp_path / "register.xlsx")
    assert fresh.read_bytes() == REGISTER.read_bytes()
    initial = register.build_register(tmp_path / "initial.xlsx", raised=False)
    assert initial.read_bytes() == INITIAL_REGISTER.read_bytes()


# ---------------------------------------------------------------- the register

def _register_table(path=INITIAL_REGISTER):
    wb = load_workbook(path, data_only=True)
    ws = wb[SHEET]
    header_row = next(r for r in range(1, 20) if ws.cell(r, 2).value == "客户编码")
    headers = [ws.cell(header_row, c).value for c in range(1, ws.max_column + 1)]
    assert tuple(headers) == REGISTER_HEADERS
    rows = {}
    for r in range(header_row + 1, ws.max_row + 1):
        values = dict(zip(headers, (ws.cell(r, c).value for c in range(1, len(headers) + 1)), strict=True))
        if values["客户编码"]:
            rows[values["客户编码"]] = values
    overlimit = wb[OVERLIMIT_SHEET]
    ol = [tuple(c.value for c in row) for row in overlimit.iter_rows(min_row=1) if row[0].value
          and str(row[0].value).startswith(("KH", "GY"))]
    return rows, ol


def _day(value) -> date | None:
    return value.date() if hasattr(value, "date") else value


def test_register_holds_what_the_approvers_granted():
    rows, overlimit = _register_table()
    approved = {code: s.approved for code, s in STORIES.items() if s.approved is not None}
    assert {c for c, v in rows.items() if v["审批状态"] == "已批准"} == set(approved)
    for code, a in approved.items():
        v = rows[code]
        assert (v["核定类型"], D(str(v["核定额度"])), v["核定期限(天)"], v["担保方式"]) == (
            a.credit_type, a.limit, a.term_days, a.collateral_type), code
        assert (D(str(v["抵押资产价值"])) if v["抵押资产价值"] is not None else None) == a.collateral_value, code
        assert (_day(v["合同开始日期"]), _day(v["合同结束日期"]), _day(v["批准日期"])) == (
            a.contract_start, a.contract_end, a.approved_on), code
        assert v["往来类型"] == BY_CODE[code].counterparty_type
    statuses = sorted(v["审批状态"] for v in rows.values())
    assert statuses.count("待批") == 1 and statuses.count("驳回") == 1
    for v in rows.values():
        if v["审批状态"] != "已批准":
            assert v["核定额度"] is None and v["备注"]
    expected_ol = sorted((code, o.approved_on, o.amount, o.reference)
                         for code, s in STORIES.items() for o in s.over_limit_approvals)
    assert sorted((c, _day(d), D(str(a)), n) for c, d, a, n in overlimit) == expected_ol
    assert any("〔2026〕" in n for *_x, n in overlimit)


def test_register_reads_cleanly_and_keeps_the_total_within_january_exposure():
    reader = pytest.importorskip("credit_workbook.forms.register_reader")
    reg = reader.read_register(INITIAL_REGISTER)
    assert [p.render() for p in reg.problems if p.level is ProblemLevel.ERROR] == []
    total = sum((a.limit for a in reg.approved.values()), ZERO)
    assert total <= register.jan1_exposure()  # 第二十四条第2款①: the company complied at the turn of the year


def test_the_mid_year_register_differs_only_by_the_raise_that_breaks_the_total():
    initial, _ = _register_table(INITIAL_REGISTER)
    current, _ = _register_table(REGISTER)
    assert set(initial) == set(current)
    for code, row in current.items():
        if code in register.RAISES:
            limit, approved_on, note = register.RAISES[code]
            assert D(str(row["核定额度"])) > D(str(initial[code]["核定额度"]))  # R10, 第四十二条
            assert (D(str(row["核定额度"])), _day(row["批准日期"]), row["备注"]) == (limit, approved_on, note)
        else:
            assert row == initial[code], code
    reader = pytest.importorskip("credit_workbook.forms.register_reader")
    total = sum((a.limit for a in reader.read_register(REGISTER).approved.values()), ZERO)
    assert total - register.jan1_exposure() == D("95000.00")  # R11 in the October demo
