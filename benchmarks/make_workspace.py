"""Generate a synthetic credit workspace of any size, for the monthly-run benchmark.

    python benchmarks/make_workspace.py DIR --counterparties 2000 --lines 100000 --months 1 [--seed 1]

DIR ends up as ``credit-workbook init`` leaves it, plus what a real company
would have in it at month end:

- ``surveys/``: one 《客户信用调查评定表》 per counterparty, filled into the
  real Form 1 template, with a realistic mix of answers (about 45 % A, 38 % B,
  12 % C, 5 % forms with the mistakes clerks make). Filling 2,000 workbooks
  with openpyxl costs ~75 ms each (2.5 minutes), so each distinct answer
  pattern is filled ONCE with openpyxl and every survey is a copy of its
  pattern whose identity cells (code, name, 统一社会信用代码, legal
  representative, salesperson, account number) are patched in the sheet XML:
  placeholders written into the pattern are replaced byte for byte, so the
  copies are exactly what openpyxl would have written, at ~2 ms each.
- ``register.xlsx``: the approved 《预付、赊销客户汇总表》 (written with the
  package's own ``write_register``) granting credit to ~40 % of them.
- ``inbox/``: one 用友-style 应收账款 明细账 .xlsx per month (the layout of
  ``credit_workbook.samples.exports.write_yonyou``: title rows, 上月结转 /
  本月合计 / 本年累计 rows, code and name on the block's first row only),
  streamed with XlsxWriter ``constant_memory`` so 1,000,000 lines do not need
  gigabytes. Every month holds ``--lines`` entries in total and opens with the
  previous month's closing balances, so the files pass the ingest checks.
  About 2 % of the ledger's counterparties have no survey (R12) and about
  5 % of the surveys have no ledger lines (new customers). Customers pay as
  the register allows — on delivery without credit, within the term with
  it — except a share ``--arrears`` (default 10 %) that pays one to three
  months late: the rows the monthly checks flag (~7 % at the defaults).
- ``benchmark-workspace.json``: what was generated (period, counts, seed),
  read by ``run_benchmark.py``; the pipeline ignores it.

Everything is deterministic from ``--seed`` (same seed, same content).
The generator's speed matters less than the run's, but at 2,000
counterparties / 100,000 lines it finishes in well under a minute.
"""

from __future__ import annotations

import argparse
import calendar
import heapq
import io
import json
import math
import random
import sys
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

# The package comes from PYTHONPATH when run_benchmark.py points it at a
# snapshot of a commit; run by hand from a checkout, from that checkout.
REPO = Path(__file__).resolve().parents[1]
try:
    import credit_workbook  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO))

import xlsxwriter

from credit_workbook.core.uscc import ALPHABET, make_uscc
from credit_workbook.workspace import init_workspace

MANIFEST = "benchmark-workspace.json"
ACCOUNT = "应收账款"
ACCOUNT_CODE = "1122"
EXCEL_EPOCH = date(1899, 12, 30)
SURVEY_TEMPLATE = "客户信用调查评定表.xlsx"

# Placeholders written into a pattern survey and replaced in each copy. They
# are ASCII, distinct and none is a prefix of another, so a byte replace is
# exact; the values put in their place never need XML escaping.
P_CODE, P_NAME, P_USCC, P_REP, P_SP, P_DEPT, P_ACCT, P_PHONE = (
    f"@@{k}@@" for k in ("CODE", "NAME", "USCC", "REP", "SP", "DEPT", "ACCT", "PHONE"))


# ---------------------------------------------------------------- names and people

REGIONS = (
    ("杭州", "330100"), ("宁波", "330200"), ("温州", "330300"), ("嘉兴", "330400"), ("湖州", "330500"),
    ("绍兴", "330600"), ("金华", "330700"), ("台州", "331000"), ("苏州", "320500"), ("无锡", "320200"),
    ("常州", "320400"), ("南通", "320600"), ("上海", "310100"), ("广州", "440100"), ("深圳", "440300"),
    ("东莞", "441900"), ("佛山", "440600"), ("泉州", "350500"), ("厦门", "350200"), ("青岛", "370200"),
    ("济南", "370100"), ("武汉", "420100"), ("长沙", "430100"), ("成都", "510100"), ("重庆", "500100"),
    ("郑州", "410100"), ("合肥", "340100"), ("南昌", "360100"), ("天津", "120100"), ("北京", "110100"),
)
TRADE_NAME_CHARS = "锦绣云鸿泰雅菲甬达东瓯恒越华翔新宇宏精工荣盛鑫源金丰瑞祥和兴隆富康嘉美永昌顺利天成佳"
INDUSTRIES = ("服饰", "纺织", "家纺", "制衣", "印染", "化纤", "针织", "面料", "进出口", "贸易", "织造", "电商")
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "贸易有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN = "建国丽娟浩志强敏海峰伟芳军华秀英明杰静磊洋勇艳娜涛超平刚桂兰晓东红梅玉霞鹏飞春燕"
DEPARTMENTS = ("营销一部", "营销二部", "营销三部", "外贸部")
REVIEWER = "孙伟东"
CREDIT_CONTROLLER = "何晓燕"
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "招商银行", "浙商银行")


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# ---------------------------------------------------------------- survey answer patterns

CLEAN = {
    "no_bad_debt_2y": "是", "lawful_keeps_promises": "是", "breaks_promises": "否", "debt_disputes": "否",
    "poor_operation": "否", "sales_decline": "否", "illegal_operation": "否", "ordered_closure": "否",
    "account_freeze_risk": "否",
}
GOOD = {"operation_2y": "良好", "capital_strength": "雄厚", "solvency": "强"}
FAIR = {"operation_2y": "一般", "capital_strength": "一般", "solvency": "一般"}


@dataclass(frozen=True)
class Pattern:
    """One distinct way a Form 1 is answered; ``weight`` is its share of the surveys."""

    key: str
    grade: str  # the grade the form alone points at (A/B/C), for the register's choices
    weight: float
    fields: dict
    stale: bool = False  # surveyed more than 3 months before the period end (第十二条)
    bank_name_mismatch: bool = False  # 账户名称 ≠ 客户名称 (a warning)


PATTERNS: tuple[Pattern, ...] = (
    Pattern("A_credit_long", "A", 0.22, {**CLEAN, **GOOD, "prior_settlement": "赊销", "prior_limit": Decimal(500000),
            "annual_standard_met": "是", "requested_type": "长期", "requested_limit": Decimal(600000),
            "requested_term_days": 30}),
    Pattern("A_cash_temp", "A", 0.13, {**CLEAN, **GOOD, "prior_settlement": "现款现货", "annual_standard_met": "是",
            "requested_type": "临时", "requested_limit": Decimal(300000), "requested_term_days": 30}),
    Pattern("A_none", "A", 0.10, {**CLEAN, **GOOD, "prior_settlement": "现款现货", "annual_standard_met": "是",
            "requested_type": "无"}),
    Pattern("B_collateral", "B", 0.14, {**CLEAN, **FAIR, "prior_settlement": "赊销", "prior_limit": Decimal(200000),
            "annual_standard_met": "是", "requested_type": "长期", "requested_limit": Decimal(300000),
            "requested_term_days": 30, "collateral_type": "抵押", "collateral_value": Decimal(800000)}),
    Pattern("B_no_collateral", "B", 0.14, {**CLEAN, "operation_2y": "良好", "capital_strength": "一般",
            "solvency": "一般", "prior_settlement": "现款现货", "annual_standard_met": "否",
            "requested_type": "临时", "requested_limit": Decimal(100000), "requested_term_days": 15}),
    Pattern("B_missing_key_data", "B", 0.10, {**CLEAN, **GOOD, "revenue_y1": None, "net_profit_y1": None,
            "prior_settlement": "现款现货", "requested_type": "临时", "requested_limit": Decimal(200000),
            "requested_term_days": 30}),
    Pattern("C_bad_debt", "C", 0.04, {**CLEAN, **FAIR, "no_bad_debt_2y": "否", "prior_settlement": "赊销",
            "requested_type": "长期", "requested_limit": Decimal(400000), "requested_term_days": 60}),
    Pattern("C_disputes", "C", 0.03, {**CLEAN, **FAIR, "debt_disputes": "是", "breaks_promises": "是",
            "prior_settlement": "赊销", "requested_type": "临时", "requested_limit": Decimal(150000),
            "requested_term_days": 30}),
    Pattern("C_losses", "C", 0.03, {**CLEAN, "operation_2y": "较差", "capital_strength": "不足", "solvency": "较差",
            "poor_operation": "是", "sales_decline": "是", "prior_settlement": "现款现货", "requested_type": "无"}),
    Pattern("C_freeze", "C", 0.02, {**CLEAN, **FAIR, "account_freeze_risk": "是", "prior_settlement": "预付",
            "requested_type": "无"}),
    Pattern("M_stale", "A", 0.03, {**CLEAN, **GOOD, "prior_settlement": "赊销", "annual_standard_met": "是",
            "requested_type": "长期", "requested_limit": Decimal(500000), "requested_term_days": 30}, stale=True),
    Pattern("M_bank_name", "B", 0.02, {**CLEAN, **FAIR, "prior_settlement": "现款现货", "requested_type": "临时",
            "requested_limit": Decimal(80000), "requested_term_days": 15}, bank_name_mismatch=True),
)
SURVEY_DATE_VARIANTS = 3  # each pattern is filled with this many 填表日期, so dates vary too


def pattern_values(p: Pattern, surveyed_on: date) -> SimpleNamespace:
    """What ``credit_workbook.samples.build.fill_survey`` needs: values, officers, banks (placeholders inside)."""
    values = {
        "customer_code": P_CODE, "customer_name": P_NAME, "counterparty_type": "客户", "uscc": P_USCC,
        "legal_rep": P_REP, "established_on": date(2008, 5, 18), "registered_capital": Decimal(2000),
        "ownership": "有限责任公司（自然人投资或控股）", "address": "浙江省绍兴市柯桥区柯桥街道纺织路88号",
        "main_products": "化纤面料、服装", "salesperson": P_SP, "department": P_DEPT,
        "revenue_y1": Decimal("18600.00"), "revenue_y2": Decimal("17250.00"), "net_profit_y1": Decimal("980.00"),
        "net_profit_y2": Decimal("905.00"), "total_assets": Decimal("9800.00"),
        "total_liabilities": Decimal("3900.00"), "coop_start": date(2018, 3, 20), "collateral_type": "无",
        "surveyed_by": P_SP, "surveyed_on": surveyed_on, "reviewed_by": REVIEWER, "filed_by": CREDIT_CONTROLLER,
    }
    values.update(p.fields)
    officers = ({"name": P_REP, "title": "董事长", "share_pct": Decimal("0.60"), "phone": P_PHONE},
                {"name": "王丽芬", "title": "监事", "share_pct": Decimal("0.40"), "phone": "13588026471"})
    account_name = "王丽芬（个人卡）" if p.bank_name_mismatch else P_NAME
    banks = ({"bank": "中国工商银行绍兴柯桥支行", "account_no": P_ACCT, "account_name": account_name,
              "account_kind": "基本户"},)
    return SimpleNamespace(values=values, officers=officers, banks=banks)


class SurveyCopier:
    """A filled pattern survey held as zip members, copied with its placeholders replaced.

    Only the XML parts that contain a placeholder are touched; everything
    else is written back unchanged (same member order, same 1980 stamps),
    so a copy is what openpyxl would have saved with those values.
    """

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.members = [(info, zf.read(info.filename)) for info in zf.infolist()]
        found = b"".join(payload for _, payload in self.members)
        for token in (P_CODE, P_NAME, P_USCC, P_REP, P_SP):
            if token.encode() not in found:
                raise RuntimeError(f"pattern survey lost placeholder {token}: the template changed how it stores text")

    def write(self, path: Path, replacements: dict[str, str]) -> None:
        pairs = [(k.encode(), v.encode("utf-8")) for k, v in replacements.items()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info, payload in self.members:
                if payload.find(b"@@") >= 0:
                    for old, new in pairs:
                        payload = payload.replace(old, new)
                out.writestr(info, payload)


# ---------------------------------------------------------------- counterparties

@dataclass
class Counterparty:
    code: str
    name: str
    short: str
    uscc: str
    legal_rep: str
    salesperson: str
    department: str
    pattern: Pattern | None  # None: ledger only, nobody filed a survey
    weight: float  # share of the ledger lines
    on_ledger: bool
    approved: bool = False  # the register grants credit
    term_days: int = 0  # approved term; also how long a credit customer takes to pay
    behaviour: str = "cash"  # cash: paid on delivery; credit: paid after the term; late: pays 1–3 months late
    ticket: int = 0  # typical invoice, cents
    balance: int = 0  # running balance, cents (+ = 借)
    open_items: list = field(default_factory=list)  # unpaid invoices, a heap of (payment day, day, cents)
    ytd_debit: int = 0
    ytd_credit: int = 0
    month_debit: list[int] = field(default_factory=list)
    month_credit: list[int] = field(default_factory=list)


def _uscc(rng: random.Random, region_code: str) -> str:
    org = "".join(rng.choice(ALPHABET) for _ in range(8))
    return make_uscc("91" + region_code + org + rng.choice("0123456789"))


# Who gets credit (第二十八条: nobody approves a C; some approved ones turned C since): ~40 % overall.
APPROVAL_CHANCE = {"A": 0.62, "B": 0.30, "C": 0.12}


def make_counterparties(rng: random.Random, n: int, arrears: float) -> list[Counterparty]:
    """``n`` counterparties with surveys, plus ~2 % that appear only in the ledger.

    How each pays follows the register, as in a company that keeps to its
    policy most of the time: without credit a customer pays on delivery
    (cash); with credit it pays after its term (credit); a share
    ``arrears`` of either kind pays one to three months late (late), and
    those are where the monthly checks find breaches.
    """
    salespeople = [(person(rng), DEPARTMENTS[i % len(DEPARTMENTS)]) for i in range(max(6, n // 150))]
    patterns, weights = list(PATTERNS), [p.weight for p in PATTERNS]
    ledger_only = max(1, round(n * 0.02)) if n >= 10 else 0
    width = max(5, len(str(n + ledger_only)))
    names: set[str] = set()
    out = []
    for i in range(n + ledger_only):
        region, region_code = rng.choice(REGIONS)
        while True:
            short = "".join(rng.sample(TRADE_NAME_CHARS, 2)) + rng.choice(INDUSTRIES)
            name = f"{region}{short}{rng.choice(FORMS)}"
            if name not in names:
                names.add(name)
                break
        sp, dept = rng.choice(salespeople)
        has_survey = i < n
        pattern = rng.choices(patterns, weights)[0] if has_survey else None
        approved = pattern is not None and rng.random() < APPROVAL_CHANCE[pattern.grade]
        late = rng.random() < arrears or pattern is None  # a ledger-only customer got goods on credit anyway
        out.append(Counterparty(
            code=f"KH{i + 1:0{width}d}", name=name, short=short, uscc=_uscc(rng, region_code),
            legal_rep=person(rng), salesperson=sp, department=dept, pattern=pattern,
            weight=rng.lognormvariate(0.0, 1.0), on_ledger=(not has_survey) or rng.random() >= 0.05,
            approved=approved, term_days=rng.choice((30, 30, 45, 60)) if approved else 0,
            behaviour="late" if late else "credit" if approved else "cash",
        ))
    return out


# ---------------------------------------------------------------- surveys

def write_surveys(root: Path, cps: list[Counterparty], period_end: date, rng: random.Random) -> int:
    """Every survey as a patched copy of its pattern; returns how many patterns openpyxl filled."""
    from credit_workbook.fileio import workbook_bytes
    from credit_workbook.samples.build import FIXED_TIME, fill_survey, load_template

    template = (root / "templates" / SURVEY_TEMPLATE).read_bytes()
    copiers: dict[tuple[str, int], SurveyCopier] = {}
    for p in PATTERNS:
        for v in range(SURVEY_DATE_VARIANTS):
            # recent forms fall in the last two months; stale ones 4–6 months back (第十二条: quarterly)
            back = 120 + 30 * v if p.stale else 5 + 20 * v
            wb = load_template(template, SURVEY_TEMPLATE)
            fill_survey(wb, pattern_values(p, period_end - timedelta(days=back)))
            copiers[(p.key, v)] = SurveyCopier(workbook_bytes(wb, FIXED_TIME, FIXED_TIME))
    folder = root / "surveys"
    for i, cp in enumerate(c for c in cps if c.pattern is not None):
        copier = copiers[(cp.pattern.key, rng.randrange(SURVEY_DATE_VARIANTS))]
        copier.write(folder / f"{cp.code}_{cp.short}.xlsx", {
            P_CODE: cp.code, P_NAME: cp.name, P_USCC: cp.uscc, P_REP: cp.legal_rep, P_SP: cp.salesperson,
            P_DEPT: cp.department, P_ACCT: f"1211{i:015d}", P_PHONE: f"139{i:08d}",
        })
    return len(copiers)


# ---------------------------------------------------------------- ledgers

def months_back(period: str, n: int) -> list[str]:
    y, m = (int(x) for x in period.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` lines over the weights exactly (largest remainder): every month has ``--lines`` entries."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [math.floor(x) for x in raw]
    short = total - sum(counts)
    for i in sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])[:short]:
        counts[i] += 1
    return counts


def even_for_cash(cps: list[Counterparty], counts: list[int]) -> list[int]:
    """A cash customer's lines come in pairs (delivery and receipt): move odd lines, keeping the total."""
    counts = list(counts)
    odd = [i for i, cp in enumerate(cps) if cp.behaviour == "cash" and counts[i] % 2]
    for k, i in enumerate(odd[: len(odd) // 2 * 2]):
        counts[i] += 1 if k % 2 == 0 else -1
    if len(odd) % 2:
        others = [i for i, cp in enumerate(cps) if cp.behaviour != "cash"]
        if others:
            counts[odd[-1]] -= 1
            counts[others[0]] += 1
    return counts


DEBIT_SUMMARIES = ("销售化纤面料", "销售家纺面料", "销售坯布", "销售印染加工", "销售涤纶长丝", "销售服装辅料")
CREDIT_SUMMARIES = ("收到货款（电汇）", "收到货款（网银）", "收到银行承兑汇票", "收到货款（承兑贴现）")


class YonyouWriter:
    """A 用友 U8 科目明细账 streamed row by row (XlsxWriter constant_memory).

    The layout is that of ``credit_workbook.samples.exports.write_yonyou``
    (which builds the whole file in memory, fine for the demo's 40
    counterparties but not for a million lines): title block, header on
    row 4, per counterparty 上月结转 / entries / 本月合计 / 本年累计 and a
    blank row, then 合计.
    """

    WIDTHS = (11, 9, 10, 30, 36, 14, 14, 5, 15)

    def __init__(self, path: Path, period: str, company: str, created: datetime):
        self.year, self.mon = int(period[:4]), int(period[5:])
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        self.wb.set_properties({"title": f"{ACCOUNT}明细账", "author": "财务部", "company": company,
                                "created": created})
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1}
        money = "#,##0.00;[Red]-#,##0.00"
        add = self.wb.add_format
        self.f_title = add({**base, "font_size": 16, "bold": True, "align": "center"})
        self.f_info = add(base)
        self.f_info_right = add({**base, "align": "right"})
        self.f_info_center = add({**base, "align": "center"})
        self.f_header = add({**cell, "bold": True, "align": "center", "bg_color": "#DCE6F1"})
        self.f_text = add(cell)
        self.f_center = add({**cell, "align": "center"})
        self.f_date = add({**cell, "num_format": "yyyy-mm-dd", "align": "center"})
        self.f_money = add({**cell, "num_format": money})
        self.f_total_text = add({**cell, "bold": True})
        self.f_total_money = add({**cell, "bold": True, "num_format": money})
        ws = self.ws = self.wb.add_worksheet("明细账")
        for c, w in enumerate(self.WIDTHS):
            ws.set_column(c, c, w)
        title = f"{ACCOUNT}明细账"
        ws.set_row(0, 26)
        ws.merge_range(0, 0, 0, 8, title, self.f_title)
        ws.merge_range(1, 0, 1, 3, f"科目：{ACCOUNT_CODE} {ACCOUNT}", self.f_info)
        ws.merge_range(1, 4, 1, 6, f"期间：{self.year}年{self.mon:02d}月", self.f_info_center)
        ws.write_string(1, 8, "单位：元", self.f_info_right)
        ws.merge_range(2, 0, 2, 4, f"核算单位：{company}", self.f_info)
        ws.merge_range(2, 6, 2, 8, f"打印日期：{created:%Y-%m-%d}", self.f_info_right)
        for c, h in enumerate(("日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额")):
            ws.write_string(3, c, h, self.f_header)
        self.row = 4
        self.rows_written = 0
        self.total_debit = self.total_credit = 0

    def _balance(self, r: int, cents: int, fmt_text, fmt_money) -> None:
        side = "借" if cents > 0 else "贷" if cents < 0 else "平"
        self.ws.write_string(r, 7, side, fmt_text)
        self.ws.write_number(r, 8, abs(cents) / 100, fmt_money)

    def block(self, code: str, name: str, opening: int, entries: list[tuple], ytd: tuple[int, int]) -> None:
        """entries: (excel serial, voucher, summary, debit cents, credit cents, balance cents)."""
        ws, r = self.ws, self.row
        t, tt, money, tmoney = self.f_text, self.f_total_text, self.f_money, self.f_total_money
        for c in (0, 1, 5, 6):
            ws.write_blank(r, c, None, t)
        ws.write_string(r, 2, code, t)
        ws.write_string(r, 3, name, t)
        ws.write_string(r, 4, "上年结转" if self.mon == 1 else "上月结转", t)
        self._balance(r, opening, self.f_center, money)
        r += 1
        debit = credit = 0
        f_date, f_center = self.f_date, self.f_center
        for serial, voucher, summary, d, c, bal in entries:
            ws.write_number(r, 0, serial, f_date)
            ws.write_string(r, 1, voucher, f_center)
            ws.write_blank(r, 2, None, t)
            ws.write_blank(r, 3, None, t)
            ws.write_string(r, 4, summary, t)
            if d:
                ws.write_number(r, 5, d / 100, money)
            else:
                ws.write_blank(r, 5, None, money)
            if c:
                ws.write_number(r, 6, c / 100, money)
            else:
                ws.write_blank(r, 6, None, money)
            self._balance(r, bal, f_center, money)
            debit += d
            credit += c
            r += 1
        closing = entries[-1][5] if entries else opening
        for label, dd, cc in (("本月合计", debit, credit), ("本年累计", ytd[0], ytd[1])):
            for c in (0, 1, 2, 3):
                ws.write_blank(r, c, None, tt)
            ws.write_string(r, 4, label, tt)
            ws.write_number(r, 5, dd / 100, tmoney)
            ws.write_number(r, 6, cc / 100, tmoney)
            self._balance(r, closing, tt, tmoney)
            r += 1
        self.row = r + 1  # 用友 leaves a blank line between counterparties
        self.rows_written += len(entries)
        self.total_debit += debit
        self.total_credit += credit

    def close(self) -> None:
        ws, r, tt = self.ws, self.row, self.f_total_text
        for c in (0, 1, 2, 3, 7, 8):
            ws.write_blank(r, c, None, tt)
        ws.write_string(r, 4, "合计", tt)
        ws.write_number(r, 5, self.total_debit / 100, self.f_total_money)
        ws.write_number(r, 6, self.total_credit / 100, self.f_total_money)
        ws.freeze_panes(4, 0)
        ws.repeat_rows(3)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        self.wb.close()


def _sale(rng: random.Random, ticket: int) -> int:
    return max(100, int(ticket * rng.lognormvariate(0.0, 0.6)) // 100 * 100)  # whole yuan


def _pay_after(rng: random.Random, cp: Counterparty) -> int:
    """Days from invoice to payment: within the term (3 % a few days late), or 1–3 months late for a late payer."""
    if cp.behaviour == "late":
        return cp.term_days + rng.randint(30, 90)
    if rng.random() < 0.97:
        return max(0, cp.term_days - rng.randint(3, 12))
    return cp.term_days + rng.randint(1, 7)  # now and then a few days late


def opening_items(rng: random.Random, cp: Counterparty, first: date, per_month: float) -> None:
    """The unpaid invoices a customer brings into the first generated month (its opening balance)."""
    if cp.behaviour == "cash":
        return
    window = _pay_after(rng, cp) or 1
    count = max(1, round(per_month / 2 * min(window, 120) / 30))
    start = first.toordinal()
    for _ in range(min(count, 40)):
        day = start - rng.randint(1, window)
        heapq.heappush(cp.open_items, (day + _pay_after(rng, cp), day, _sale(rng, cp.ticket)))
    cp.balance = sum(it[2] for it in cp.open_items)


def _month_entries(rng: random.Random, cp: Counterparty, n: int, year: int, mon: int) -> list[tuple]:
    """``n`` entries of one counterparty's month: (excel serial, voucher, summary, debit, credit, balance).

    cash: sale and receipt of the same amount on the same day; credit/late:
    a line collects the invoices whose payment day has come (up to three),
    otherwise it is a new sale.
    """
    last = calendar.monthrange(year, mon)[1]
    first = date(year, mon, 1).toordinal()
    serial0 = (date(year, mon, 1) - EXCEL_EPOCH).days
    days = sorted(rng.randint(0, last - 1) for _ in range(n))
    out = []
    bal = cp.balance
    items = cp.open_items

    def line(day: int, d: int, c: int, summary: str) -> None:
        nonlocal bal
        bal += d - c
        out.append((serial0 + day, f"记-{rng.randint(1, 9999):04d}", summary, d, c, bal))

    def sale_summary() -> str:
        return f"{rng.choice(DEBIT_SUMMARIES)}，发票号{rng.randrange(10**8):08d}"

    if cp.behaviour == "cash":
        i = 0
        if items and n:  # last month's final delivery, paid on the first line
            line(days[0], 0, sum(it[2] for it in items), rng.choice(CREDIT_SUMMARIES))
            items.clear()
            i = 1
        while i < n:
            amount = _sale(rng, cp.ticket)
            line(days[i], amount, 0, sale_summary())
            if i + 1 < n:  # paid the same day
                line(days[i], 0, amount, rng.choice(CREDIT_SUMMARIES))
            else:  # an odd last delivery is paid next month
                items.append((first + days[i], first + days[i], amount))
            i += 2
        cp.balance = bal
        return out
    for day in days:
        today = first + day
        amount = 0
        for _ in range(3):
            if not items or items[0][0] > today:
                break
            amount += heapq.heappop(items)[2]
        if amount:
            line(day, 0, amount, rng.choice(CREDIT_SUMMARIES))
        else:
            amount = _sale(rng, cp.ticket)
            heapq.heappush(items, (today + _pay_after(rng, cp), today, amount))
            line(day, amount, 0, sale_summary())
    cp.balance = bal
    return out


def write_ledgers(root: Path, cps: list[Counterparty], periods: list[str], lines: int, company: str,
                  rng: random.Random) -> list[Path]:
    on_ledger = [cp for cp in cps if cp.on_ledger]
    total_weight = sum(c.weight for c in on_ledger)
    first = date(int(periods[0][:4]), int(periods[0][5:]), 1)
    for cp in on_ledger:
        per_month = max(1.0, lines * cp.weight / total_weight)
        cp.ticket = rng.randrange(2_000, 60_000) * 100  # 2,000–60,000 元 invoices
        opening_items(rng, cp, first, per_month)
    paths = []
    for period in periods:
        year, mon = int(period[:4]), int(period[5:])
        if mon == 1:
            for cp in on_ledger:
                cp.ytd_debit = cp.ytd_credit = 0
        counts = even_for_cash(on_ledger, allocate(lines, [cp.weight * rng.uniform(0.8, 1.2) for cp in on_ledger]))
        path = root / "inbox" / f"{ACCOUNT}明细账_{year}{mon:02d}.xlsx"
        last_day = date(year, mon, calendar.monthrange(year, mon)[1])
        writer = YonyouWriter(path, period, company, datetime.combine(last_day + timedelta(days=3),
                                                                      datetime.min.time()))
        for cp, n in zip(on_ledger, counts, strict=True):
            entries = _month_entries(rng, cp, n, year, mon)
            d = sum(e[3] for e in entries)
            c = sum(e[4] for e in entries)
            cp.ytd_debit += d
            cp.ytd_credit += c
            cp.month_debit.append(d)
            cp.month_credit.append(c)
            opening = entries[0][5] - entries[0][3] + entries[0][4] if entries else cp.balance
            if entries or cp.balance:  # 用友 prints a block for a balance without movements too
                writer.block(cp.code, cp.name, opening, entries, (cp.ytd_debit, cp.ytd_credit))
        writer.close()
        assert writer.rows_written == lines, (writer.rows_written, lines)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- register

def write_register_file(root: Path, cps: list[Counterparty], periods: list[str], company: str,
                        rng: random.Random) -> int:
    """Approve credit for ~40 % of the surveyed counterparties, as 总经理/董事长 signed it at the year start."""
    from credit_workbook.forms.register import write_register
    from credit_workbook.forms.rows import FormMeta, OverlimitRow, RegisterRow

    year = int(periods[-1][:4])
    start, end = date(year, 1, 1), date(year, 12, 31)
    approved = [cp for cp in cps if cp.approved]
    rows, overlimit = [], []
    for cp in approved:
        months = len(cp.month_debit) or 1
        avg_debit = Decimal(sum(cp.month_debit) // months) / 100
        avg_credit = Decimal(sum(cp.month_credit) // months) / 100
        # sized on what the customer owes over its term, with some headroom; a few end up too tight (R01)
        need = avg_debit * cp.term_days / 30
        limit = max(Decimal(10_000), (need * Decimal(rng.uniform(1.2, 2.0)) / 1000).quantize(Decimal(1)) * 1000)
        credit_type = "长期" if rng.random() < 0.7 else "临时"
        secured = cp.pattern.grade == "B" and rng.random() < 0.5
        # a few contracts end within 30 days of the period end (R06 reminders)
        contract_end = end if rng.random() > 0.05 else date(int(periods[-1][:4]), int(periods[-1][5:]), 1) + timedelta(days=40)
        rows.append(RegisterRow(
            code=cp.code, name=cp.name, counterparty_type="客户", grade=cp.pattern.grade, salesperson=cp.salesperson,
            avg_debit=avg_debit, avg_credit=avg_credit, proposed_type=credit_type, proposed_limit=limit,
            proposed_term_days=30, approved_type=credit_type, approved_limit=limit,
            approved_term_days=cp.term_days, collateral_type="抵押" if secured else "无",
            collateral_value=Decimal(rng.randrange(5, 30) * 100_000) if secured else None,
            contract_start=start, contract_end=contract_end, status="已批准", approved_on=date(year - 1, 12, 26),
        ))
        if rng.random() < 0.02:
            overlimit.append(OverlimitRow(cp.code, date(year, 3, 15), (limit / 2).quantize(Decimal(1)),
                                          f"华盛信〔{year}〕{len(overlimit) + 1}号"))
    meta = FormMeta(company=company, period=f"{year}-01", as_of=start, created=datetime(year - 1, 12, 31, 16, 30))
    write_register(root / "register.xlsx", rows, meta, None, overlimit)
    return len(rows)


# ---------------------------------------------------------------- main

def _company_name(root: Path) -> str:
    import tomllib

    with open(root / "credit.toml", "rb") as fh:
        cfg = tomllib.load(fh)
    return str(cfg.get("company", {}).get("name") or "示例有限公司")


def generate(root: Path, counterparties: int, lines: int, months: int, period: str, seed: int,
             arrears: float = 0.10, log=print) -> dict:
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root}: not empty; the generator only fills a new folder")
    t0 = time.perf_counter()
    init_workspace(root)
    company = _company_name(root)
    periods = months_back(period, months)
    rng = random.Random(seed)
    cps = make_counterparties(rng, counterparties, arrears)
    t1 = time.perf_counter()
    # Ledgers first: the register's limits are sized on the ledger volumes.
    ledgers = write_ledgers(root, cps, periods, lines, company, random.Random(rng.random()))
    t2 = time.perf_counter()
    last = periods[-1]
    period_end = date(int(last[:4]), int(last[5:]), calendar.monthrange(int(last[:4]), int(last[5:]))[1])
    patterns = write_surveys(root, cps, period_end, random.Random(rng.random()))
    t3 = time.perf_counter()
    approved = write_register_file(root, cps, periods, company, random.Random(rng.random()))
    t4 = time.perf_counter()
    manifest = {
        "period": last, "months": periods, "counterparties": counterparties, "lines_per_month": lines,
        "seed": seed, "surveys": sum(1 for c in cps if c.pattern is not None),
        "ledger_counterparties": sum(1 for c in cps if c.on_ledger),
        "ledger_only": sum(1 for c in cps if c.pattern is None), "approved": approved, "arrears": arrears,
        "behaviour": {b: sum(1 for c in cps if c.on_ledger and c.behaviour == b) for b in ("cash", "credit", "late")},
        "survey_patterns_filled_by_openpyxl": patterns,
        "ledger_files": [p.name for p in ledgers],
        "grades_from_forms": {g: sum(1 for c in cps if c.pattern and c.pattern.grade == g) for g in "ABC"},
        "generation_seconds": {"init": round(t1 - t0, 2), "ledgers": round(t2 - t1, 2),
                               "surveys": round(t3 - t2, 2), "register": round(t4 - t3, 2)},
    }
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    log(f"{root}: {manifest['surveys']} surveys ({patterns} patterns filled with openpyxl), "
        f"{len(ledgers)} ledger file(s) × {lines:,} lines, {approved} approved in register.xlsx; "
        f"period {last}; {t4 - t0:.1f} s ({manifest['generation_seconds']})")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path, help="new workspace folder (must not exist or be empty)")
    parser.add_argument("--counterparties", type=int, default=2000, help="surveys to generate (default 2000)")
    parser.add_argument("--lines", type=int, default=100_000, help="ledger entries per month (default 100000)")
    parser.add_argument("--months", type=int, default=1, help="months of ledger files (default 1)")
    parser.add_argument("--period", default="2026-10", help="the last month, YYYY-MM (default 2026-10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--arrears", type=float, default=0.10,
                        help="share of customers paying 1–3 months late, where the checks flag rows (default 0.10)")
    args = parser.parse_args(argv)
    if args.counterparties < 1 or args.lines < 1 or args.months < 1:
        parser.error("--counterparties, --lines and --months must be positive")
    generate(args.dir, args.counterparties, args.lines, args.months, args.period, args.seed, args.arrears)
    return 0


if __name__ == "__main__":
    sys.exit(main())
