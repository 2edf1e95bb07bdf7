"""The demo company, its counterparties, their survey forms and ledger stories.

One believable company, 浙江江南华盛实业有限公司 (a fabric and synthetic-fibre
trader and weaver in 绍兴柯桥), evaluated at 2026-10-31 for the period 2026-10.
Every counterparty exists to show one path of the policy (SPEC §5) or one
mistake a clerk really makes, and says so in ``path``, ``expected_grade`` and
``expected_problems``: the dataset is the demo, the acceptance fixture and the
story a credit manager is walked through, so it must be coherent as a whole
(volumes, terms, limits and dates agree with each other and with the rules).

Conventions
- ``values`` holds what the clerk typed, raw: dates as ``date`` (or the text
  the clerk typed instead), money as ``Decimal``, 万元 for the financial
  fields and registered capital, 元 for limits. A key that is absent or
  ``None`` is a blank cell.
- ``expected_problems``: ``"field:级别"`` with 级别 错误 or 警告, as the form
  check reports them; a table column is ``"tbl_banks.account_name"``.
- ``expected_grade`` is the grade at 2026-10-31 with the ledger evidence of
  the ledger story; ``form_grade`` is the grade from the form alone when that
  differs (a contradiction the ledger reveals, 第十一条).
- ``ledger_story`` describes 2025-10..2026-10 in 元 so the ledger generator
  can produce it: typical monthly debit/credit, settlement term, the approved
  credit the register will hold, and month overrides for the story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

D = Decimal
ZERO = D("0")

EVALUATION_DATE = date(2026, 10, 31)
PERIOD = "2026-10"
HISTORY_START = "2025-10"  # first month of the company's ledger history
HISTORY_MONTHS = tuple(
    f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(13)
)  # 2025-10 .. 2026-10

RECEIVABLE = "应收账款"
PREPAYMENT = "预付账款"

# ---------------------------------------------------------------- the company

COMPANY: dict[str, object] = {
    "name": "浙江江南华盛实业有限公司",
    "short_name": "江南华盛",
    "uscc": "91330603774274494R",
    "legal_rep": "沈国华",
    "established_on": date(2006, 4, 18),
    "registered_capital": D("8000"),  # 万元
    "ownership": "有限责任公司（自然人投资或控股）",
    "address": "浙江省绍兴市柯桥区柯桥街道鉴湖路1288号",
    "postcode": "312030",
    "phone": "0575-84128866",
    "main_products": "化纤面料、家纺面料的织造与印染加工；化纤原料及纺织品贸易",
    "bank": "中国工商银行股份有限公司绍兴柯桥支行",
    "account_no": "1211021109004567815",
    "email_domain": "jnhuasheng.example.com",
    # Roles the policy names (第十条、第十九条、第二十九条、第三十二条).
    "people": {
        "董事长": "沈国华",
        "总经理": "沈嘉诚",
        "营销副总": "吴建平",
        "财务总监": "钱慧芳",
        "营销部经理": "孙伟东",
        "采购部经理": "马立新",
        "财务部信用控制主管": "何晓燕",
    },
}

CREDIT_CONTROLLER = "何晓燕"  # 财务备案 on every form
SALES_MANAGER = "孙伟东"  # 部门经理审核 for 营销一部/二部
PURCHASE_MANAGER = "马立新"  # 部门经理审核 for 采购部


@dataclass(frozen=True)
class Salesperson:
    """A person accountable for collections (回收责任制, 第三十六条; 罚则, 第四十三条)."""

    name: str
    department: str
    title: str
    phone: str
    region: str


SALESPEOPLE: tuple[Salesperson, ...] = (
    Salesperson("陈建国", "营销一部", "业务主管", "13905751268", "江浙沪大客户"),
    Salesperson("王丽娟", "营销一部", "业务员", "13867583412", "绍兴、湖嘉、上海、南通"),
    Salesperson("徐浩", "营销一部", "业务员", "15157562091", "温台、义乌、海宁"),
    Salesperson("李志强", "营销二部", "业务主管", "13967591135", "华南、华中、华北"),
    Salesperson("赵敏", "营销二部", "业务员", "18857536627", "西南、福建、新客户开发"),
    Salesperson("周海峰", "采购部", "采购主管", "13757588930", "化纤原料、坯布、染料、棉花"),
)
_SP = {s.name: s for s in SALESPEOPLE}


# ---------------------------------------------------------------- data shapes

@dataclass(frozen=True)
class ApprovedCredit:
    """A row the register (approved 《预付、赊销客户汇总表》) will hold."""

    credit_type: str  # 临时 / 长期
    limit: Decimal  # 元
    term_days: int
    contract_start: date
    contract_end: date
    approved_on: date
    status: str = "已批准"
    collateral_type: str = "无"
    collateral_value: Decimal | None = None


@dataclass(frozen=True)
class OverLimitApproval:
    """A row of the register's 超额审批 sheet (第三十二条)."""

    approved_on: date
    amount: Decimal
    reference: str  # 批准文号


@dataclass(frozen=True)
class MonthOverride:
    """A month that differs from the typical debit/credit (None keeps the typical)."""

    month: str  # YYYY-MM
    debit: Decimal | None = None
    credit: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class LedgerStory:
    """What 2025-10..2026-10 will look like for one counterparty, in 元.

    Debit is 发货 (客户) or 预付 (供应商); credit is 回款 or 到货. A month from
    ``first_month`` on has the typical amounts unless overridden; months
    before it have none. ``opening_balance`` is brought forward at the first
    day of ``first_month`` and, with debit = credit, is also the typical
    month-end balance, so it is set to about debit x term / 30 days.
    ``cash_on_delivery``: each debit is settled the same day (现款现货), so no
    month end ever shows exposure. ``intended_flags`` are the checks of
    2026-10 the story is meant to raise (at least these).
    """

    account: str  # 应收账款 / 预付账款
    first_month: str | None  # None: no entries in the history
    monthly_debit: Decimal
    monthly_credit: Decimal
    opening_balance: Decimal = ZERO
    term_days: int = 0  # practised settlement term
    cash_on_delivery: bool = False
    approved: ApprovedCredit | None = None
    over_limit_approvals: tuple[OverLimitApproval, ...] = ()
    overrides: tuple[MonthOverride, ...] = ()
    intended_flags: tuple[str, ...] = ()
    story: str = ""

    def months(self) -> tuple[tuple[str, Decimal, Decimal, Decimal], ...]:
        """(month, debit, credit, closing) for every history month from ``first_month``."""
        if self.first_month is None:
            return ()
        by_month = {o.month: o for o in self.overrides}
        out = []
        balance = self.opening_balance
        for month in HISTORY_MONTHS:
            if month < self.first_month:
                continue
            o = by_month.get(month)
            debit = o.debit if o is not None and o.debit is not None else self.monthly_debit
            credit = o.credit if o is not None and o.credit is not None else self.monthly_credit
            balance = balance + debit - credit
            out.append((month, debit, credit, balance))
        return tuple(out)


@dataclass(frozen=True)
class SampleCounterparty:
    code: str
    short_name: str  # 简称, used in the file name
    values: dict[str, object]
    officers: tuple[dict, ...]
    banks: tuple[dict, ...]
    expected_grade: str
    path: str  # the grading path it demonstrates, e.g. "A", "B:A4", "C5", "B:第18条新客户"
    ledger_story: LedgerStory
    expected_problems: tuple[str, ...] = ()
    form_grade: str = ""  # grade from the form alone, when the ledger changes it
    limit_path: str = ""  # A有授信史 / A无授信史 / B有抵押 / B无抵押 / C不授信
    missing_key_data: tuple[str, ...] = ()  # 第十八条 fields the grading should name
    note: str = ""  # Chinese: why this counterparty is in the demo

    @property
    def name(self) -> str:
        return str(self.values["customer_name"])

    @property
    def counterparty_type(self) -> str:
        return str(self.values["counterparty_type"])

    @property
    def grade_from_form(self) -> str:
        return self.form_grade or self.expected_grade

    @property
    def file_stem(self) -> str:
        return f"{self.code}_{self.short_name}"


@dataclass(frozen=True)
class LedgerOnlyCounterparty:
    """Appears in finance's ledger but nobody filed a survey (R12: 缺调查表)."""

    code: str
    name: str
    counterparty_type: str
    salesperson: str
    ledger_story: LedgerStory


# ---------------------------------------------------------------- helpers

_CLEAN_RECORD = {
    "no_bad_debt_2y": "是",
    "lawful_keeps_promises": "是",
    "breaks_promises": "否",
    "debt_disputes": "否",
    "poor_operation": "否",
    "sales_decline": "否",
    "illegal_operation": "否",
    "ordered_closure": "否",
    "account_freeze_risk": "否",
}


def _form(code: str, name: str, kind: str, salesperson: str, **fields: object) -> dict[str, object]:
    """A form as the salesperson fills it: identity, a clean record, then the specifics.

    The nine record questions default to the clean answers because that is
    how most forms arrive; each counterparty overrides what makes its story.
    """
    sp = _SP[salesperson]
    values: dict[str, object] = {
        "customer_code": code,
        "customer_name": name,
        "counterparty_type": kind,
        "salesperson": salesperson,
        "department": sp.department,
        **_CLEAN_RECORD,
        "collateral_type": "无",
        "surveyed_by": salesperson,
        "reviewed_by": PURCHASE_MANAGER if sp.department == "采购部" else SALES_MANAGER,
        "filed_by": CREDIT_CONTROLLER,
    }
    values.update(fields)
    return values


def _o(name: str, title: str, share: str | None, phone: str) -> dict:
    return {"name": name, "title": title, "share_pct": D(share) if share else None, "phone": phone}


def _b(bank: str, account_no: str, account_name: str, kind: str | None = "基本户") -> dict:
    return {"bank": bank, "account_no": account_no, "account_name": account_name, "account_kind": kind}


def _cash(amount: str, first_month: str = HISTORY_START, **kw) -> LedgerStory:
    """现款现货: debit and credit on the same day, no month-end exposure."""
    return LedgerStory(account=kw.pop("account", RECEIVABLE), first_month=first_month,
                       monthly_debit=D(amount), monthly_credit=D(amount), cash_on_delivery=True, **kw)


def _m(month: str, debit: str | None = None, credit: str | None = None, note: str = "") -> MonthOverride:
    return MonthOverride(month, D(debit) if debit is not None else None,
                         D(credit) if credit is not None else None, note)


def _year_contract(limit: str, term: int, *, credit_type: str = "长期", start: date = date(2026, 1, 1),
                   end: date = date(2026, 12, 31), approved_on: date = date(2025, 12, 26),
                   collateral_type: str = "无", collateral_value: str | None = None) -> ApprovedCredit:
    return ApprovedCredit(credit_type, D(limit), term, start, end, approved_on,
                          collateral_type=collateral_type,
                          collateral_value=D(collateral_value) if collateral_value else None)


# Dec 2025 stocking before 春节 (2026-02-17) and the January collection that
# follows: realistic, and it keeps the 1 January exposures above the total
# of approved limits (第二十四条第2款①, R11).
def _year_end(stock_debit: str) -> tuple[MonthOverride, ...]:
    return (_m("2025-12", debit=stock_debit, note="年前备货"),
            _m("2026-01", credit=stock_debit, note="年前回款/到货"))


# ---------------------------------------------------------------- customers: A

_A_CUSTOMERS = (
    SampleCounterparty(
        code="KH001", short_name="锦绣服饰",
        values=_form(
            "KH001", "杭州锦绣服饰有限公司", "客户", "陈建国",
            uscc="9133010977698027X0", legal_rep="王建华", established_on=date(2009, 6, 18),
            registered_capital=D("3000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省杭州市萧山区衙前镇项漾村工业园区58号", main_products="女装、衬衫、职业装",
            revenue_y1=D("26850.00"), revenue_y2=D("24310.00"), net_profit_y1=D("1612.40"),
            net_profit_y2=D("1405.80"), total_assets=D("18600.00"), total_liabilities=D("7420.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2019, 4, 1), prior_settlement="赊销", prior_limit=D("500000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("600000"),
            requested_term_days=30, surveyed_on=date(2026, 9, 18),
        ),
        officers=(
            _o("王建华", "董事长", "0.60", "13905712218"),
            _o("王丽芬", "监事", "0.40", "13588026471"),
            _o("张伟", "财务负责人", None, "0571-82736615"),
        ),
        banks=(
            _b("中国工商银行杭州萧山衙前支行", "1202090709900123456", "杭州锦绣服饰有限公司"),
            _b("中国农业银行杭州萧山支行", "19085101040023871", "杭州锦绣服饰有限公司", "一般户"),
            _b("杭州联合农村商业银行衙前支行", "2010000456712390815", "杭州锦绣服饰有限公司", "一般户"),
            _b("招商银行杭州萧山支行", "5719061234108012", "杭州锦绣服饰有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("650000"),
            monthly_credit=D("650000"), opening_balance=D("430000"), term_days=20,
            approved=_year_contract("500000", 20),
            overrides=_year_end("700000"),
            story="老客户，长期赊销，额度内周转，回款及时（20天账期）。",
        ),
        note="标准A级：六个条件全部满足，以往赊销，申请长期额度。银行账户4个，超过模板3行，用于检验表格自动扩展。",
    ),
    SampleCounterparty(
        code="KH002", short_name="云锦纺织",
        values=_form(
            "KH002", "苏州盛泽云锦纺织贸易有限公司", "客户", "陈建国",
            uscc="91320509569047719Y", legal_rep="沈建林", established_on=date(2011, 3, 8),
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省苏州市吴江区盛泽镇市场东路168号", main_products="真丝面料、化纤面料批发",
            revenue_y1=D("31200.00"), revenue_y2=D("29540.00"), net_profit_y1=D("1380.50"),
            net_profit_y2=D("1266.00"), total_assets=D("14200.00"), total_liabilities=D("6100.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2017, 9, 1), prior_settlement="赊销", prior_limit=D("1000000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("1000000"),
            requested_term_days=20, surveyed_on=date(2026, 10, 12),
        ),
        officers=(
            _o("沈建林", "执行董事兼总经理", "0.70", "13906256138"),
            _o("沈晓红", "监事", "0.30", "13962577204"),
        ),
        banks=(
            _b("中国工商银行苏州盛泽支行", "1102285109000367214", "苏州盛泽云锦纺织贸易有限公司"),
            _b("江苏吴江农村商业银行盛泽支行", "7060312011200004513", "苏州盛泽云锦纺织贸易有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("1200000"),
            monthly_credit=D("1200000"), opening_balance=D("800000"), term_days=20,
            approved=_year_contract("1000000", 20, start=date(2025, 11, 25), end=date(2026, 11, 24),
                                    approved_on=date(2025, 11, 20)),
            overrides=(
                _m("2025-12", debit="1350000", note="年前备货"),
                _m("2026-01", debit="600000", credit="1550000", note="春节前全部结清（合同期内清零一次）"),
                _m("2026-02", credit="400000", note="节后恢复"),
            ),
            intended_flags=("R06",),
            story="合同2026-11-24到期（30天内）：需商定下一年度合作方式并清收（第三十六条）；合同期内已于2026-01清零一次。",
        ),
        note="A级大客户；合同即将到期提醒（蓝）。",
    ),
    SampleCounterparty(
        code="KH003", short_name="鸿泰制衣",
        values=_form(
            "KH003", "广州鸿泰制衣有限公司", "客户", "李志强",
            uscc="9144011367319505XF", legal_rep="梁志鸿", established_on=date(2007, 9, 12),
            registered_capital=D("1500"), ownership="有限责任公司（自然人投资或控股）",
            address="广东省广州市番禺区南村镇兴业大道东12号", main_products="牛仔服装、休闲裤",
            revenue_y1=D("18600.00"), revenue_y2=D("17250.00"), net_profit_y1=D("980.00"),
            net_profit_y2=D("905.00"), total_assets=D("9800.00"), total_liabilities=D("3900.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2018, 3, 20), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="临时", requested_limit=D("300000"),
            requested_term_days=30, surveyed_on=date(2026, 7, 31),
        ),
        officers=(
            _o("梁志鸿", "董事长", "0.55", "13802731596"),
            _o("何丽萍", "总经理", "0.45", "13710468825"),
            _o("罗晓东", "财务经理", None, "020-84763312"),
        ),
        banks=(
            _b("中国工商银行广州番禺支行", "3602064509200178356", "广州鸿泰制衣有限公司"),
            _b("广州农村商业银行南村支行", "0558001200004739", "广州鸿泰制衣有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A无授信史",
        ledger_story=_cash("280000", story="一直现款现货，月末无余额：A级但原无赊销行为，只能申请临时额度（第二十六条第1款）。"),
        note="A级无授信史：申请临时30万元，可授信上限＝平均月回款额。填表日期2026-07-31恰好3个月，不算过期。",
    ),
    SampleCounterparty(
        code="KH004", short_name="雅菲家纺",
        values=_form(
            "KH004", "上海雅菲家纺有限公司", "客户", "王丽娟",
            uscc="91310117054715423Q", legal_rep="顾永明", established_on=date(2015, 5, 20),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="上海市松江区车墩镇香闵路518号3幢", main_products="床上用品、窗帘布艺",
            revenue_y1=D("12480.00"), revenue_y2=D("11020.00"), net_profit_y1=D("760.00"),
            net_profit_y2=D("690.00"), total_assets=D("7300.00"), total_liabilities=D("2650.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2025, 10, 31), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="长期", requested_limit=D("400000"),
            requested_term_days=30, surveyed_on=date(2026, 10, 15),
        ),
        officers=(
            _o("顾永明", "执行董事", "0.80", "13801763354"),
            _o("顾佳怡", "监事", "0.20", "13917025586"),
        ),
        banks=(
            _b("上海浦东发展银行松江支行", "98060154740012345", "上海雅菲家纺有限公司"),
            _b("上海农村商业银行车墩支行", "50131000400321876", "上海雅菲家纺有限公司", "一般户"),
        ),
        expected_grade="A", path="A:A1边界", limit_path="A无授信史",
        ledger_story=_cash("180000", overrides=(_m("2025-10", note="首单2025-10-31发货，当日收款"),),
                           story="2025-10-31首单，此后每月现款现货。"),
        note="合作开始2025-10-31，到评定日2026-10-31恰好满一年：A(1)满足。申请长期额度，但原无赊销行为，长期上限为0。",
    ),
    SampleCounterparty(
        code="KH005", short_name="甬达进出口",
        values=_form(
            "KH005", "宁波甬达进出口有限公司", "客户", "陈建国",
            uscc="9133021273349727X2", legal_rep="周立军", established_on=date(2004, 11, 2),
            registered_capital=D("5000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省宁波市鄞州区首南街道天童南路588号宁波环球航运中心1801室",
            main_products="纺织面料、服装进出口",
            revenue_y1=D("58900.00"), revenue_y2=D("52300.00"), net_profit_y1=D("2310.00"),
            net_profit_y2=D("2050.00"), total_assets=D("31500.00"), total_liabilities=D("14800.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2014, 6, 10), prior_settlement="赊销", prior_limit=D("1000000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("1200000"),
            requested_term_days=15, surveyed_on=date(2026, 9, 25),
        ),
        officers=(
            _o("周立军", "董事长", "0.35", "13805740912"),
            _o("周立新", "董事", "0.20", "13906618843"),
            _o("陈海燕", "董事", "0.15", "13586521107"),
            _o("宁波甬达投资管理有限公司", "法人股东", "0.20", "0574-87203316"),
            _o("林国平", "总经理", "0.10", "13968260375"),
            _o("许静", "财务总监", None, "0574-87203318"),
        ),
        banks=(
            _b("中国银行宁波鄞州分行", "356458350123456789", "宁波甬达进出口有限公司"),
            _b("宁波银行鄞州支行", "5101012200034567", "宁波甬达进出口有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("1600000"),
            monthly_credit=D("1600000"), opening_balance=D("800000"), term_days=15,
            approved=_year_contract("1000000", 15, approved_on=date(2025, 12, 28)),
            over_limit_approvals=(OverLimitApproval(date(2026, 10, 12), D("300000"), "华盛信审〔2026〕017号"),),
            overrides=(
                *_year_end("1780000"),
                _m("2026-10", debit="2200000", credit="1900000",
                   note="10月15日后外贸旺季超额发货，超额部分已于10月12日经总经理批准"),
            ),
            story="10月余额约110万元，超过核定额度100万元，但有超额审批（30万元，批准在超额之前）：不应报R01。",
        ),
        note="A级大客户；股东及负责人6人，超过模板5行，检验表格自动扩展；有超额审批记录。",
    ),
    SampleCounterparty(
        code="KH006", short_name="东瓯服饰",
        values=_form(
            "KH006", "温州东瓯服饰有限公司", "客户", "徐浩",
            uscc="91330304MA6NGLE88B", legal_rep="林海波", established_on="2019年3月15日",
            registered_capital=D("800"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省温州市瓯海区娄桥街道古岸头工业区7号", main_products="男装、夹克",
            revenue_y1=D("9650.00"), revenue_y2=D("8120.00"), net_profit_y1=D("610.00"),
            net_profit_y2=D("480.00"), total_assets=D("5400.00"), total_liabilities=D("2100.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start="2020.6.8", prior_settlement="赊销", prior_limit=D("350000"),
            annual_standard_met="是", requested_type="长期", requested_term_days=20,
            surveyed_on=date(2026, 9, 8),
        ),
        officers=(
            _o("林海波", "执行董事兼总经理", "0.90", "13857788021"),
            _o("林美玲", "监事", "0.10", "13968891754"),
        ),
        banks=(
            _b("温州银行瓯海支行", "9051001200003456", "温州东瓯服饰有限公司"),
            _b("中国工商银行温州瓯海支行", "1203281109100045672", "温州东瓯服饰有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("400000"),
            monthly_credit=D("400000"), opening_balance=D("270000"), term_days=20,
            approved=_year_contract("350000", 20, start=date(2026, 3, 1), end=date(2027, 2, 28),
                                    approved_on=date(2026, 2, 25)),
            overrides=_year_end("460000"),
            story="正常赊销，合同2026-03-01起一年。",
        ),
        note="日期以文字录入但有效：成立日期“2019年3月15日”、合作开始“2020.6.8”——不是错误。申请长期额度未填金额（按上限）。",
    ),
    SampleCounterparty(
        code="KH007", short_name="恒越电商",
        values=_form(
            "KH007", "义乌市恒越电子商务有限公司", "客户", "徐浩",
            # transposed "0Q" -> "Q0" when copying from the licence photo: check digit fails
            uscc="91330782MA6C16Q03D", legal_rep="吴晓峰", established_on=date(2016, 8, 9),
            registered_capital=D("500"), ownership="有限责任公司（自然人独资）",
            address="浙江省义乌市稠江街道贝村路99号电商园B座5楼", main_products="家纺用品网络零售",
            revenue_y1=D("15200.00"), revenue_y2=D("12800.00"), net_profit_y1=D("920.00"),
            net_profit_y2=D("760.00"), total_assets=D("6100.00"), total_liabilities=D("2700.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2021, 3, 15), prior_settlement="赊销", prior_limit=D("200000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("250000"),
            requested_term_days=15, surveyed_on=date(2026, 8, 21),
        ),
        officers=(
            _o("吴晓峰", "执行董事兼总经理", "1", "15967920368"),
            _o("楼佳丽", "财务负责人", None, "0579-85327760"),
        ),
        banks=(_b("浙江义乌农村商业银行稠江支行", "201000198765432101", "义乌市恒越电子商务有限公司"),),
        expected_grade="A", path="A", limit_path="A有授信史",
        expected_problems=("uscc:警告",),
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("300000"),
            monthly_credit=D("300000"), opening_balance=D("150000"), term_days=15,
            approved=_year_contract("200000", 15),
            overrides=_year_end("340000"),
            story="正常赊销，15天账期。",
        ),
        note="统一社会信用代码抄错两位（校验位不符）：警告，不影响评级（原代码91330782MA6C160Q3D）。",
    ),
    SampleCounterparty(
        code="KH008", short_name="锦程服装",
        values=_form(
            "KH008", "晋江市锦程服装织造有限公司", "客户", "李志强",
            uscc="913505827886694382", legal_rep="陈振辉", established_on=date(2006, 7, 21),
            registered_capital="500万", ownership="有限责任公司（自然人投资或控股）",
            address="福建省晋江市陈埭镇江头村工业区", main_products="运动服装、针织面料加工",
            revenue_y1=D("21300.00"), revenue_y2=D("19850.00"), net_profit_y1=D("1150.00"),
            net_profit_y2=D("1020.00"), total_assets=D("11200.00"), total_liabilities=D("4600.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2016, 5, 1), prior_settlement="赊销", prior_limit=D("400000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("400000"),
            requested_term_days=20, surveyed_on=date(2026, 10, 9),
        ),
        officers=(
            _o("陈振辉", "董事长", "0.51", "13906098127"),
            _o("许丽芳", "董事", "0.49", "13860791342"),
            _o("蔡明辉", "财务经理", None, "0595-85163327"),
        ),
        banks=(
            _b("兴业银行晋江陈埭支行", "155580100100123456", "晋江市锦程服装织造有限公司"),
            _b("中国农业银行晋江陈埭支行", "13545101040008762", "晋江市锦程服装织造有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("500000"),
            monthly_credit=D("500000"), opening_balance=D("340000"), term_days=20,
            approved=_year_contract("400000", 20, start=date(2025, 11, 16), end=date(2026, 11, 15),
                                    approved_on=date(2025, 11, 10)),
            overrides=_year_end("550000"),
            intended_flags=("R05", "R06"),
            story="合同2026-11-15到期，合同期内余额从未清零：R05黄（到期前30天内仍未清零一次）及R06蓝。",
        ),
        note="注册资本填“500万”：单位已是万元，按500万元接受，不报错。",
    ),
    SampleCounterparty(
        code="KH009", short_name="华纶针织",
        values=_form(
            "KH009", "青岛城阳华纶针织有限公司", "客户", "赵敏",
            uscc="91370214069815697X", legal_rep="王志刚", established_on=date(2012, 4, 16),
            registered_capital=D("1200"), ownership="有限责任公司（自然人投资或控股）",
            address="山东省青岛市城阳区棘洪滩街道锦盛二路15号", main_products="针织内衣、T恤",
            revenue_y1=D("16400.00"), revenue_y2=D("15100.00"), net_profit_y1=D("870.00"),
            net_profit_y2=D("790.00"), total_assets=D("8900.00"), total_liabilities=D("3600.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2026, 1, 5), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 8, 20),
        ),
        officers=(
            _o("王志刚", "执行董事", "0.65", "13864213378"),
            _o("刘红梅", "监事", "0.35", "13708973265"),
        ),
        banks=(_b("青岛农村商业银行城阳支行", "802450200123456789", "青岛城阳华纶针织有限公司"),),
        expected_grade="A", form_grade="B", path="A:台账合作更早", limit_path="A无授信史",
        ledger_story=_cash("220000", intended_flags=("R13",),
                           story="台账自2025-10起每月都有往来，调查表却写合作始于2026-01-05：合作年限按较早者（台账首月）计算，并报矛盾。"),
        note="调查表与台账矛盾（第十一条）：仅凭调查表为B(A1)，结合台账满一年为A。",
    ),
)

# ---------------------------------------------------------------- customers: B

_B_CUSTOMERS = (
    SampleCounterparty(
        code="KH010", short_name="蓉锦服饰",
        values=_form(
            "KH010", "成都蓉锦服饰有限公司", "客户", "赵敏",
            uscc="91510107597998626P", legal_rep="张明亮", established_on=date(2013, 10, 10),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="四川省成都市武侯区武兴四路166号", main_products="女装、旗袍",
            revenue_y1=D("11900.00"), revenue_y2=D("10600.00"), net_profit_y1=D("720.00"),
            net_profit_y2=D("640.00"), total_assets=D("6800.00"), total_liabilities=D("2500.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2026, 4, 15), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="临时", requested_limit=D("200000"),
            requested_term_days=30, surveyed_on=date(2026, 8, 28),
        ),
        officers=(
            _o("张明亮", "执行董事兼总经理", "0.75", "13908172245"),
            _o("杨雪", "监事", "0.25", "13678015526"),
        ),
        banks=(_b("成都银行武侯支行", "1001300000567812", "成都蓉锦服饰有限公司"),),
        expected_grade="B", path="B:A1", limit_path="B无抵押",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month="2026-04", monthly_debit=D("260000"),
            monthly_credit=D("260000"),
            overrides=(
                _m("2026-04", debit="130000", credit="0", note="4月中旬首单，业务员口头同意月结"),
                _m("2026-10", debit="320000", credit="200000", note="旺季多发货，回款跟不上"),
            ),
            intended_flags=("R02", "R03", "R04"),
            story="无核定额度却按月结发货（业务员赵敏未经审批）：10月末欠款由13万元增至25万元（只能减少不能增加，第三十四条）。",
        ),
        note="合作不足一年（2026-04-15起），其余A级条件均满足：B级。无担保，申请临时额度可授信为0。",
    ),
    SampleCounterparty(
        code="KH011", short_name="凯瑞家纺",
        values=_form(
            "KH011", "南通凯瑞家纺有限公司", "客户", "王丽娟",
            uscc="91320612586312609M", legal_rep="黄建军", established_on=date(2014, 2, 25),
            registered_capital=D("600"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省南通市通州区川姜镇叠石桥国际家纺城二期3号楼", main_products="床品四件套、被芯",
            revenue_y1=D("8750.00"), revenue_y2=D("8100.00"), net_profit_y1=D("540.00"),
            net_profit_y2=D("500.00"), total_assets=D("4900.00"), total_liabilities=D("1800.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2025, 11, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 10, 16),
        ),
        officers=(
            _o("黄建军", "执行董事", "0.60", "13962878653"),
            _o("黄晓燕", "监事", "0.40", "13776993210"),
        ),
        banks=(_b("江苏南通农村商业银行川姜支行", "3206120101201000456", "南通凯瑞家纺有限公司"),),
        expected_grade="B", path="B:A1边界", limit_path="B无抵押",
        ledger_story=_cash("150000", first_month="2025-11",
                           story="首笔往来2025-11（不早于11月1日），之后每月现款现货。"),
        note="合作开始2025-11-01，到评定日差一天满一年：A(1)不满足，B级。",
    ),
    SampleCounterparty(
        code="KH012", short_name="豫丰纺织",
        values=_form(
            "KH012", "郑州豫丰纺织品贸易有限公司", "客户", "李志强",
            uscc="914101050853012310", legal_rep="刘国庆", established_on=date(2010, 8, 30),
            registered_capital=D("800"), ownership="有限责任公司（自然人投资或控股）",
            address="河南省郑州市金水区花园路与东风路交叉口国基大厦2106室", main_products="服装面料批发",
            revenue_y1=D("10300.00"), revenue_y2=D("9700.00"), net_profit_y1=D("430.00"),
            net_profit_y2=D("410.00"), total_assets=D("5200.00"), total_liabilities=D("2300.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2019, 8, 15), prior_settlement="赊销",
            annual_standard_met="是", lawful_keeps_promises="否",
            requested_type="临时", requested_limit=D("150000"), requested_term_days=30,
            surveyed_on=date(2026, 5, 18),
        ),
        officers=(
            _o("刘国庆", "执行董事兼总经理", "0.80", "13838216659"),
            _o("刘晓华", "监事", "0.20", "13703847712"),
        ),
        banks=(_b("中原银行郑州金水支行", "411010100100987654", "郑州豫丰纺织品贸易有限公司"),),
        expected_grade="B", path="B:A3", limit_path="B无抵押",
        ledger_story=_cash("200000", intended_flags=("R12",),
                           story="2024年纠纷后改为现款现货；调查表2026-05-18填写，已超过3个月未更新（第十二条）。"),
        note="“守法经营、严格履约、信守承诺”填否（2024年以质量异议为由拖延提货、拒付，经调解结案）：B级。",
    ),
    SampleCounterparty(
        code="KH013", short_name="宏达布艺",
        values=_form(
            "KH013", "佛山市南海区宏达布艺有限公司", "客户", "李志强",
            uscc="914406056702802673", legal_rep="何志坚", established_on=date(2005, 12, 6),
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="广东省佛山市南海区西樵镇西樵纺织产业基地8号", main_products="窗帘布、沙发布",
            revenue_y1=D("15800.00"), revenue_y2=D("16900.00"), net_profit_y1=D("210.00"),
            net_profit_y2=D("480.00"), total_assets=D("12500.00"), total_liabilities=D("5600.00"),
            operation_2y="一般", capital_strength="雄厚", solvency="强",
            coop_start=date(2015, 10, 20), prior_settlement="赊销", prior_limit=D("400000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("500000"),
            requested_term_days=30, collateral_type="抵押", collateral_value=D("1200000"),
            surveyed_on=date(2026, 9, 12),
        ),
        officers=(
            _o("何志坚", "董事长", "0.70", "13902812376"),
            _o("何国强", "董事", "0.30", "13809277104"),
            _o("梁小燕", "财务负责人", None, "0757-86852210"),
        ),
        banks=(
            _b("广东南海农村商业银行西樵支行", "80020000004567891", "佛山市南海区宏达布艺有限公司"),
            _b("中国工商银行佛山西樵支行", "2013022309024567831", "佛山市南海区宏达布艺有限公司", "一般户"),
        ),
        expected_grade="B", path="B:A4", limit_path="B有抵押",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("550000"),
            monthly_credit=D("550000"), opening_balance=D("370000"), term_days=20,
            approved=_year_contract("400000", 30, collateral_type="抵押", collateral_value="1200000"),
            story="B级但以厂房抵押（评估120万元）办理了长期赊销40万元，额度内周转。",
        ),
        note="经营状况“一般”（利润下滑）：B级；有抵押，可授信＝min(月均发货, 月均回款, 抵押价值)。",
    ),
    SampleCounterparty(
        code="KH014", short_name="恒丰纺织",
        values=_form(
            "KH014", "常州市武进区恒丰纺织品有限公司", "客户", "陈建国",
            uscc="91320412792260563Y", legal_rep="蒋国强", established_on=date(2008, 5, 15),
            registered_capital=D("1500"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省常州市武进区湖塘镇纺织工业园长虹路22号", main_products="色织布、衬衫面料",
            revenue_y1=D("9200.00"), revenue_y2=D("9050.00"), net_profit_y1=D("380.00"),
            net_profit_y2=D("360.00"), total_assets=D("6900.00"), total_liabilities=D("2800.00"),
            operation_2y="良好", capital_strength="一般", solvency="强",
            coop_start=date(2018, 6, 1), prior_settlement="赊销", prior_limit=D("300000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("300000"),
            requested_term_days=15, collateral_type="抵押", collateral_value=D("200000"),
            surveyed_on=date(2026, 8, 15),
        ),
        officers=(
            _o("蒋国强", "执行董事", "0.55", "13915098836"),
            _o("蒋文", "监事", "0.45", "13861273019"),
        ),
        banks=(_b("江南农村商业银行湖塘支行", "89801201200012345", "常州市武进区恒丰纺织品有限公司"),),
        expected_grade="B", path="B:A5资金", limit_path="B有抵押",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("350000"),
            monthly_credit=D("350000"), opening_balance=D("180000"), term_days=15,
            approved=_year_contract("300000", 15, collateral_type="抵押", collateral_value="200000"),
            overrides=_year_end("400000"),
            intended_flags=("R08", "R09"),
            story="核定30万元，但设备抵押仅评估20万元：抵押不足（第二十七条），额度应压到20万元以内。",
        ),
        note="资金实力“一般”：B级；抵押价值低于核定额度。",
    ),
    SampleCounterparty(
        code="KH015", short_name="徽韵服饰",
        values=_form(
            "KH015", "合肥徽韵服饰有限公司", "客户", "赵敏",
            uscc="91340104566751401B", legal_rep="汪东升", established_on=date(2012, 11, 20),
            registered_capital=D("600"), ownership="有限责任公司（自然人投资或控股）",
            address="安徽省合肥市蜀山区经济开发区湖光路1201号", main_products="职业装、校服",
            revenue_y1=D("7800.00"), revenue_y2=D("7300.00"), net_profit_y1=D("350.00"),
            net_profit_y2=D("330.00"), total_assets=D("6200.00"), total_liabilities=D("4150.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="一般",
            coop_start=date(2017, 4, 10), prior_settlement="赊销",
            annual_standard_met="是", requested_type="临时", requested_limit=D("100000"),
            requested_term_days=30, surveyed_on=date(2026, 9, 3),
        ),
        officers=(
            _o("汪东升", "董事长", "0.60", "13965023378"),
            _o("汪丽", "董事", "0.40", "13856078811"),
            _o("方明", "财务经理", None, "0551-65327719"),
        ),
        banks=(_b("徽商银行合肥蜀山支行", "1020501021000567834", "合肥徽韵服饰有限公司"),),
        expected_grade="B", path="B:A5偿债", limit_path="B无抵押",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("150000"),
            monthly_credit=D("165000"), opening_balance=D("240000"),
            intended_flags=("R02", "R04"),
            story="以往赊销遗留欠款24万元，无核定额度，每月回款略多于发货，余额逐月下降至4.5万元：R02黄（只减不增）。",
        ),
        note="偿债能力“一般”（负债率67%）：B级，无担保，不予授信。",
    ),
    SampleCounterparty(
        code="KH016", short_name="童乐服饰",
        values=_form(
            "KH016", "湖州织里童乐服饰有限公司", "客户", "王丽娟",
            uscc="91330502MA783GQL42", legal_rep="沈小平", established_on=date(2017, 3, 9),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省湖州市吴兴区织里镇大港路1888号", main_products="童装",
            revenue_y1=D("6800.00"), revenue_y2=D("6200.00"), net_profit_y1=D("380.00"),
            net_profit_y2=D("350.00"), total_assets=D("4200.00"), total_liabilities=D("1500.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2022, 5, 10), prior_settlement="现款现货",
            annual_standard_met="否", requested_type="无", surveyed_on=date(2026, 10, 6),
        ),
        officers=(
            _o("沈小平", "执行董事", "0.70", "13735120968"),
            _o("钱美华", "监事", "0.30", "13567253314"),
        ),
        banks=(_b("浙江湖州吴兴农村商业银行织里支行", "201000234567812309", "湖州织里童乐服饰有限公司"),),
        expected_grade="B", path="B:A6", limit_path="B无抵押",
        ledger_story=_cash("45000", story="小客户，每月约4.5万元现款现货，全年回款约54万元，达不到100万元标准。"),
        note="年度回款未达公司标准（调查表填否，台账近12个月回款54万元）：B级。",
    ),
    SampleCounterparty(
        code="KH017", short_name="伟达经编",
        values=_form(
            "KH017", "海宁市伟达经编有限公司", "客户", "徐浩",
            uscc="913304815998696766", legal_rep="许建明", established_on=date(2010, 1, 15),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省海宁市马桥街道经编园区经都二路8号", main_products="经编面料、沙发布",
            revenue_y1=D("8600.00"), revenue_y2=D("8100.00"), net_profit_y1=D("520.00"),
            net_profit_y2=D("470.00"), total_assets=D("5600.00"), total_liabilities=D("2100.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2020, 2, 18), prior_settlement="赊销", prior_limit=D("100000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("100000"),
            requested_term_days=30, surveyed_on=date(2026, 8, 24),
        ),
        officers=(
            _o("许建明", "董事长", "0.65", "13819031126"),
            _o("许红英", "董事", "0.35", "13706732258"),
        ),
        banks=(_b("浙江海宁农村商业银行马桥支行", "201000087654321098", "海宁市伟达经编有限公司"),),
        expected_grade="B", form_grade="A", path="B:A6台账", limit_path="B无抵押",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("70000"),
            monthly_credit=D("70000"), opening_balance=D("70000"), term_days=30,
            approved=_year_contract("100000", 30, approved_on=date(2025, 12, 20)),
            intended_flags=("R08", "R09"),
            story="调查表称年度回款达标，台账近12个月回款仅84万元（<100万元）：降为B级；而登记簿仍有无担保长期额度10万元。",
        ),
        note="纸面A级，台账回款不达标：A(6)按台账判定为不满足。",
    ),
    SampleCounterparty(
        code="KH018", short_name="优品汇",
        values=_form(
            "KH018", "深圳市优品汇电子商务有限公司", "客户", "赵敏",
            uscc="91440306MA4U3QWE7E", legal_rep="罗俊杰", established_on=date(2020, 7, 1),
            registered_capital=D("300"), ownership="有限责任公司（自然人投资或控股）",
            address="广东省深圳市宝安区新安街道宝兴路6号海纳百川总部大厦B座1205",
            main_products="家纺用品电商销售",
            revenue_y1=D("4300.00"), revenue_y2=D("3100.00"), net_profit_y1=D("260.00"),
            net_profit_y2=D("150.00"), total_assets=D("2200.00"), total_liabilities=D("900.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            annual_standard_met="否", requested_type="临时", requested_limit=D("150000"),
            requested_term_days=15, collateral_type="保证", surveyed_on=date(2026, 10, 20),
            filed_by=None,
        ),
        officers=(
            _o("罗俊杰", "执行董事兼总经理", "0.85", "13828764452"),
            _o("陈思雨", "监事", "0.15", "13631597706"),
        ),
        banks=(_b("招商银行深圳宝安支行", "7559327788100012", "深圳市优品汇电子商务有限公司"),),
        expected_grade="B", path="B:第18条新客户", limit_path="B无抵押",
        expected_problems=("collateral_value:警告",),
        missing_key_data=("coop_start",),
        ledger_story=_cash("80000", first_month="2026-10", story="2026-10首单，现款现货。"),
        note="新开发客户：无合作开始日期（第十八条），以法定代表人个人保证申请临时额度——保证不是抵押，按无担保处理。财务尚未备案。",
    ),
    SampleCounterparty(
        code="KH019", short_name="楚天服装",
        values=_form(
            "KH019", "武汉楚天服装有限公司", "客户", "李志强",
            uscc="91420105785889646F", legal_rep="胡卫东", established_on=date(2009, 4, 27),
            registered_capital=D("1500"), ownership="有限责任公司（自然人投资或控股）",
            address="湖北省武汉市汉阳区龙阳大道特8号", main_products="男女休闲服装",
            revenue_y1=D("13500.00"), revenue_y2=D("12600.00"), net_profit_y1=D("810.00"),
            net_profit_y2=D("740.00"), total_assets=D("7900.00"), total_liabilities=D("3100.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2016, 9, 12), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 9, 22),
        ),
        officers=(
            _o("胡卫东", "董事长", "0.60", "13907168823"),
            _o("胡静", "董事", "0.40", "13554129876"),
        ),
        banks=(),
        expected_grade="B", path="B:第18条无银行", limit_path="B无抵押",
        missing_key_data=("banks",),
        ledger_story=_cash("200000"),
        note="结算银行一行未填（关键资料不全，第十八条）：其余条件均符合A级，仍只能评B。",
    ),
    SampleCounterparty(
        code="KH020", short_name="卓越制衣",
        values=_form(
            "KH020", "东莞市卓越制衣有限公司", "客户", "李志强",
            uscc=None, legal_rep="叶伟强", established_on=date(2011, 6, 13),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="广东省东莞市虎门镇龙眼工业路28号", main_products="女装",
            revenue_y1=D("14200.00"), revenue_y2=D("13100.00"), net_profit_y1=D("860.00"),
            net_profit_y2=D("790.00"), total_assets=D("8300.00"), total_liabilities=D("3300.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2017, 11, 6), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 10, 5),
        ),
        officers=(
            _o("叶伟强", "执行董事", "0.70", "13922908137"),
            _o("叶嘉欣", "监事", "0.30", "13650088214"),
        ),
        banks=(_b("东莞农村商业银行虎门支行", "130010190010012345", "东莞市卓越制衣有限公司"),),
        expected_grade="B", path="B:第18条无代码", limit_path="B无抵押",
        missing_key_data=("uscc",),
        ledger_story=_cash("240000"),
        note="统一社会信用代码空白（营业执照复印件未收回）：关键资料不全，B级。",
    ),
)

# ---------------------------------------------------------------- customers: C

_C_CUSTOMERS = (
    SampleCounterparty(
        code="KH021", short_name="金凯服装",
        values=_form(
            "KH021", "石狮市金凯服装有限公司", "客户", "赵敏",
            uscc="913505816696096198", legal_rep="蔡志明", established_on=date(2008, 9, 9),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="福建省石狮市灵秀镇钞坑工业区", main_products="休闲男装",
            revenue_y1=D("6900.00"), revenue_y2=D("7400.00"), net_profit_y1=D("180.00"),
            net_profit_y2=D("260.00"), total_assets=D("4800.00"), total_liabilities=D("2500.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2016, 3, 1), prior_settlement="赊销", prior_limit=D("200000"),
            annual_standard_met="是", no_bad_debt_2y="否",
            requested_type="临时", requested_term_days=30, surveyed_on=date(2026, 9, 16),
        ),
        officers=(
            _o("蔡志明", "执行董事兼总经理", "0.80", "13905959372"),
            _o("蔡淑华", "监事", "0.20", "13799536621"),
        ),
        banks=(_b("石狮农村商业银行灵秀支行", "9010119010010034567", "石狮市金凯服装有限公司"),),
        expected_grade="C", path="C1", limit_path="C不授信",
        ledger_story=_cash("120000", story="2025年3月货款20万元逾期127天（台账历史之前），此后只做现款现货。"),
        note="近两年有不良欠款（调查表如实填否）：C级，不予授信；申请临时额度未填金额。",
    ),
    SampleCounterparty(
        code="KH022", short_name="鑫达纺织",
        values=_form(
            "KH022", "昆山市鑫达纺织品有限公司", "客户", "陈建国",
            uscc="913205837723907744", legal_rep="顾建新", established_on=date(2007, 3, 19),
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省昆山市周市镇长江北路1099号", main_products="服装面料、里布",
            revenue_y1=D("16800.00"), revenue_y2=D("15900.00"), net_profit_y1=D("820.00"),
            net_profit_y2=D("760.00"), total_assets=D("10300.00"), total_liabilities=D("4200.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2015, 5, 6), prior_settlement="赊销", prior_limit=D("600000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("600000"),
            requested_term_days=30, surveyed_on=date(2026, 8, 12),
        ),
        officers=(
            _o("顾建新", "董事长", "0.60", "13913208817"),
            _o("顾建平", "董事", "0.40", "13962627045"),
            _o("朱琳", "财务经理", None, "0512-57663318"),
        ),
        banks=(_b("昆山农村商业银行周市支行", "3052250012012000789", "昆山市鑫达纺织品有限公司"),),
        expected_grade="C", form_grade="A", path="C1:台账", limit_path="C不授信",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("500000"),
            monthly_credit=D("500000"), opening_balance=D("500000"), term_days=30,
            approved=_year_contract("600000", 30),
            overrides=(
                _m("2026-05", credit="300000", note="回款开始放缓"),
                _m("2026-06", debit="400000", credit="200000", note="6月货款大部分未回"),
                _m("2026-07", debit="300000", credit="200000"),
                _m("2026-08", debit="200000", credit="150000"),
                _m("2026-09", debit="100000", credit="100000"),
                _m("2026-10", debit="100000", credit="100000", note="仍在发货"),
            ),
            intended_flags=("R01", "R03", "R04", "R07", "R09", "R13"),
            story="从2026-05起回款放缓，6月发货40万元中35万元至10月末未回，逾期超过90天；余额105万元超额度60万元；前欠未清仍继续发货。",
        ),
        note="调查表（8月填）称近两年无不良欠款，台账显示逾期超过90天：按较差者评C级并报矛盾（第十一条）。",
    ),
    SampleCounterparty(
        code="KH023", short_name="冀华服饰",
        values=_form(
            "KH023", "石家庄冀华服饰有限公司", "客户", "李志强",
            uscc="911301025640075156", legal_rep="赵建军", established_on=date(2013, 7, 8),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="河北省石家庄市长安区胜利北街新华集贸中心市场3区", main_products="服装批发",
            revenue_y1=D("5600.00"), revenue_y2=D("5900.00"), net_profit_y1=D("120.00"),
            net_profit_y2=D("180.00"), total_assets=D("2900.00"), total_liabilities=D("1500.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2019, 10, 15), prior_settlement="现款现货",
            annual_standard_met="否", breaks_promises="是",
            requested_type="无", surveyed_on=date(2026, 4, 10),
        ),
        officers=(
            _o("赵建军", "执行董事", "0.90", "13933016652"),
            _o("赵丽", "监事", "0.10", "13582180943"),
        ),
        banks=(_b("河北银行石家庄长安支行", "0010100001234567", "石家庄冀华服饰有限公司"),),
        expected_grade="C", path="C2", limit_path="C不授信",
        ledger_story=_cash("90000", intended_flags=("R12",), story="现款现货；调查表2026-04-10填写，已过期。"),
        note="经常不兑现承诺（多次承诺付款日期后拖延）：C级。",
    ),
    SampleCounterparty(
        code="KH024", short_name="津滨纺织",
        values=_form(
            "KH024", "天津津滨纺织贸易有限公司", "客户", "赵敏",
            uscc="91120116087985200E", legal_rep="刘卫国", established_on=date(2014, 9, 1),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="天津市滨海新区塘沽街道新华路3208号", main_products="面料贸易",
            revenue_y1=D("8900.00"), revenue_y2=D("12300.00"), net_profit_y1=D("60.00"),
            net_profit_y2=D("410.00"), total_assets=D("7600.00"), total_liabilities=D("5300.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2018, 5, 20), prior_settlement="赊销", prior_limit=D("300000"),
            annual_standard_met="是", debt_disputes="是", no_bad_debt_2y="否",
            requested_type="长期", requested_limit=D("300000"), requested_term_days=30,
            surveyed_on=date(2026, 9, 29),
        ),
        officers=(
            _o("刘卫国", "董事长", "0.70", "13902098813"),
            _o("孙立红", "董事", "0.30", "13820561147"),
        ),
        banks=(_b("天津农村商业银行塘沽支行", "9230100200000123456", "天津津滨纺织贸易有限公司"),),
        expected_grade="C", path="C3", limit_path="C不授信",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("200000"),
            monthly_credit=D("200000"), opening_balance=D("480000"),
            overrides=(
                _m("2026-07", debit="0", credit="100000", note="对方涉诉，停止发货"),
                _m("2026-08", debit="0", credit="60000"),
                _m("2026-09", debit="0", credit="40000"),
                _m("2026-10", debit="0", credit="0", note="本月无回款"),
            ),
            intended_flags=("R02", "R04", "R07"),
            story="2025年授信到期未续批仍按月结发货；2026年6月被其他供应商起诉（涉诉860万元）后停止发货，尚欠28万元。",
        ),
        note="出现不良债务纠纷（同时欠款逾期已超过90天，调查表如实填否）：C级，业务员仍申请续批长期额度——不予授信。",
    ),
    SampleCounterparty(
        code="KH025", short_name="赣鑫针织",
        values=_form(
            "KH025", "南昌赣鑫针织有限公司", "客户", "赵敏",
            uscc="91360111MA21JQCJ8X", legal_rep="熊国华", established_on=date(2016, 5, 12),
            registered_capital=D("300"), ownership="有限责任公司（自然人独资）",
            address="江西省南昌市青山湖区罗家镇针织服装创业园12栋", main_products="针织服装",
            revenue_y1=D("2600.00"), revenue_y2=D("2900.00"), net_profit_y1=D("40.00"),
            net_profit_y2=D("85.00"), total_assets=D("1700.00"), total_liabilities=D("1150.00"),
            operation_2y="一般", capital_strength="不足", solvency="一般",
            coop_start=date(2020, 7, 1), prior_settlement="现款现货",
            annual_standard_met="否", requested_type="无", surveyed_on=date(2026, 8, 6),
        ),
        officers=(_o("熊国华", "执行董事兼总经理", "1", "13970012583"),),
        banks=(_b("江西银行南昌青山湖支行", "7919081234000123", "南昌赣鑫针织有限公司"),),
        expected_grade="C", path="C4资金", limit_path="C不授信",
        ledger_story=_cash("60000"),
        note="资金实力不足：C级。",
    ),
    SampleCounterparty(
        code="KH026", short_name="湘锦家居",
        values=_form(
            "KH026", "长沙湘锦家居用品有限公司", "客户", "李志强",
            uscc="91430104055748139J", legal_rep="谭志勇", established_on=date(2015, 3, 3),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="湖南省长沙市岳麓区麓谷大道668号", main_products="家居布艺、抱枕",
            revenue_y1=D("4800.00"), revenue_y2=D("5200.00"), net_profit_y1=D("45.00"),
            net_profit_y2=D("110.00"), total_assets=D("3900.00"), total_liabilities=D("3430.00"),
            operation_2y="一般", capital_strength="一般", solvency="较差",
            coop_start=date(2019, 5, 8), prior_settlement="现款现货",
            annual_standard_met="否", requested_type="无", surveyed_on=date(2026, 9, 9),
        ),
        officers=(
            _o("谭志勇", "执行董事", "0.75", "13974810236"),
            _o("谭晓玲", "监事", "0.25", "13807317825"),
        ),
        banks=(_b("长沙银行麓谷支行", "800012345600012345", "长沙湘锦家居用品有限公司"),),
        expected_grade="C", path="C4偿债", limit_path="C不授信",
        ledger_story=_cash("80000"),
        note="偿债能力较差（负债率88%）：C级。",
    ),
    SampleCounterparty(
        code="KH027", short_name="海韵服装",
        values=_form(
            "KH027", "大连海韵服装有限公司", "客户", "李志强",
            uscc="91210211747923815T", legal_rep="孙立新", established_on=date(2003, 10, 22),
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="辽宁省大连市甘井子区革镇堡街道工业园区18号", main_products="外贸服装加工",
            revenue_y1=D("9800.00"), revenue_y2=D("14600.00"), net_profit_y1=D("-820.00"),
            net_profit_y2=D("150.00"), total_assets=D("11000.00"), total_liabilities=D("6900.00"),
            operation_2y="较差", capital_strength="一般", solvency="一般",
            coop_start=date(2012, 8, 1), prior_settlement="现款现货",
            annual_standard_met="否", poor_operation="是",
            requested_type="无", surveyed_on=date(2026, 10, 8),
        ),
        officers=(
            _o("孙立新", "董事长", "0.55", "13904113327"),
            _o("于海涛", "总经理", "0.45", "13842606618"),
        ),
        banks=(_b("大连银行甘井子支行", "800201200004567890", "大连海韵服装有限公司"),),
        expected_grade="C", path="C5", limit_path="C不授信",
        ledger_story=_cash("100000"),
        note="外贸订单流失，上年亏损820万元：生产经营不良，C级。",
    ),
    SampleCounterparty(
        code="KH028", short_name="润泽纺织",
        values=_form(
            "KH028", "高阳县润泽纺织有限公司", "客户", "赵敏",
            uscc="911306285947229743", legal_rep="李宝华", established_on=date(2010, 12, 1),
            registered_capital=D("300"), ownership="有限责任公司（自然人投资或控股）",
            address="河北省保定市高阳县庞口镇纺织工业园", main_products="毛巾、浴巾",
            revenue_y1=D("3200.00"), revenue_y2=D("4900.00"), net_profit_y1=D("30.00"),
            net_profit_y2=D("210.00"), total_assets=D("2400.00"), total_liabilities=D("1200.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2017, 3, 10), prior_settlement="现款现货",
            annual_standard_met="否", sales_decline="是",
            requested_type="无", surveyed_on=date(2026, 8, 26),
        ),
        officers=(
            _o("李宝华", "执行董事", "0.80", "13931251198"),
            _o("李红霞", "监事", "0.20", "15833275506"),
        ),
        banks=(_b("河北高阳农村商业银行庞口支行", "0101201000012345678", "高阳县润泽纺织有限公司"),),
        expected_grade="C", path="C6", limit_path="C不授信",
        ledger_story=_cash("50000"),
        note="产品销售连续严重下滑（营业收入降35%）：C级。",
    ),
    SampleCounterparty(
        code="KH029", short_name="恒泰商贸",
        values=_form(
            "KH029", "济南泉城恒泰商贸有限公司", "客户", "李志强",
            uscc="91370102MA7MXE657X", legal_rep="张振国", established_on=date(2017, 11, 15),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="山东省济南市历下区泉城路180号齐鲁国际大厦10层", main_products="纺织品贸易",
            revenue_y1=D("12000.00"), revenue_y2=D("10800.00"), net_profit_y1=D("380.00"),
            net_profit_y2=D("420.00"), total_assets=D("5800.00"), total_liabilities=D("3100.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="一般",
            coop_start=date(2020, 4, 20), prior_settlement="现款现货",
            annual_standard_met="是", illegal_operation="是",
            requested_type="临时", requested_limit=D("200000"), requested_term_days=30,
            surveyed_on=date(2026, 9, 30),
        ),
        officers=(
            _o("张振国", "执行董事兼总经理", "0.90", "13806412275"),
            _o("张颖", "监事", "0.10", "13953108864"),
        ),
        banks=(_b("齐鲁银行济南历下支行", "86611201210012345", "济南泉城恒泰商贸有限公司"),),
        expected_grade="C", path="C7", limit_path="C不授信",
        ledger_story=_cash("120000"),
        note="2026年6月因虚开增值税专用发票被税务机关立案稽查：严重违法经营，C级。",
    ),
    SampleCounterparty(
        code="KH030", short_name="恒美印染",
        values=_form(
            "KH030", "绍兴柯桥恒美印染有限公司", "客户", "陈建国",
            uscc="91330603679538009J", legal_rep="钱国良", established_on=date(2005, 5, 18),
            registered_capital=D("3000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省绍兴市柯桥区滨海工业区马海路12号", main_products="印染加工、坯布",
            revenue_y1=D("21000.00"), revenue_y2=D("22500.00"), net_profit_y1=D("350.00"),
            net_profit_y2=D("900.00"), total_assets=D("19800.00"), total_liabilities=D("10900.00"),
            operation_2y="一般", capital_strength="雄厚", solvency="一般",
            coop_start=date(2011, 7, 1), prior_settlement="赊销", prior_limit=D("300000"),
            annual_standard_met="是", ordered_closure="是",
            requested_type="长期", requested_limit=D("300000"), requested_term_days=20,
            surveyed_on=date(2026, 10, 10),
        ),
        officers=(
            _o("钱国良", "董事长", "0.60", "13905851127"),
            _o("钱晓峰", "总经理", "0.40", "13857596612"),
            _o("俞红", "财务经理", None, "0575-84881236"),
        ),
        banks=(
            _b("浙江绍兴瑞丰农村商业银行滨海支行", "2010000567890123456", "绍兴柯桥恒美印染有限公司"),
            _b("中国工商银行绍兴柯桥支行", "1211021109008876543", "绍兴柯桥恒美印染有限公司", "一般户"),
        ),
        expected_grade="C", path="C8", limit_path="C不授信",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month=HISTORY_START, monthly_debit=D("400000"),
            monthly_credit=D("400000"), opening_balance=D("260000"), term_days=20,
            approved=_year_contract("300000", 20),
            overrides=(
                _m("2026-09", debit="0", credit="140000", note="9月环保督察责令停产整改，停止发货"),
                _m("2026-10", debit="0", credit="0", note="停产，未回款"),
            ),
            intended_flags=("R04", "R07", "R09"),
            story="年初核定长期额度30万元；9月被责令停产整改，尚欠12万元未回。",
        ),
        note="被国家机关责令停业整改：C级，原额度应收回。",
    ),
    SampleCounterparty(
        code="KH031", short_name="渝新服饰",
        values=_form(
            "KH031", "重庆渝新服饰有限公司", "客户", "赵敏",
            uscc="91500112MA78T42L00", legal_rep="冉建平", established_on=date(2018, 6, 20),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="重庆市渝北区龙溪街道金龙路266号", main_products="服装",
            revenue_y1=D("4100.00"), revenue_y2=D("4500.00"), net_profit_y1=D("60.00"),
            net_profit_y2=D("150.00"), total_assets=D("2800.00"), total_liabilities=D("1900.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2021, 9, 1), prior_settlement="现款现货",
            annual_standard_met="否", account_freeze_risk="是",
            requested_type="无", surveyed_on=date(2026, 10, 14),
        ),
        officers=(
            _o("冉建平", "执行董事", "0.70", "13908316654"),
            _o("冉小梅", "监事", "0.30", "13594082271"),
        ),
        banks=(_b("重庆农村商业银行渝北支行", "0101010120010012345", "重庆渝新服饰有限公司"),),
        expected_grade="C", path="C9", limit_path="C不授信",
        ledger_story=_cash("70000"),
        note="2026年9月被债权人申请诉讼保全，基本户有被冻结的危险：C级。",
    ),
)

# ---------------------------------------------------------------- customers: clerk mistakes

_MISTAKE_CUSTOMERS = (
    SampleCounterparty(
        code="KH032", short_name="恒信纺织",
        values=_form(
            "KH032", "福州长乐恒信纺织有限公司", "客户", "赵敏",
            uscc="91350112MA3XX6R94X", legal_rep="陈国栋", established_on="2019年13月1日",
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="福建省福州市长乐区金峰镇华阳纺织工业区", main_products="针织面料",
            revenue_y1=D("13800.00"), revenue_y2=D("12100.00"), net_profit_y1=D("690.00"),
            net_profit_y2=D("600.00"), total_assets=D("9200.00"), total_liabilities=D("3700.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2021, 5, 10), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 9, 21),
        ),
        officers=(
            _o("陈国栋", "董事长", "0.60", "13905016638"),
            _o("林秀英", "董事", "0.40", "13859123307"),
        ),
        banks=(_b("福建长乐农村商业银行金峰支行", "9050111010010012345", "福州长乐恒信纺织有限公司"),),
        expected_grade="B", path="B:第18条成立日期无效", limit_path="B无抵押",
        expected_problems=("established_on:错误",),
        missing_key_data=("established_on",),
        ledger_story=_cash("300000"),
        note="成立日期填成不存在的“2019年13月1日”：错误，按未填处理，关键资料不全，B级（其余均符合A级）。",
    ),
    SampleCounterparty(
        code="KH033", short_name="澄江服饰",
        values=_form(
            "KH033", "江阴市澄江服饰有限公司", "客户", "陈建国",
            # one digit dropped when typing 91320281664963782F
            uscc="9132028164963782F", legal_rep="缪建华", established_on=date(2009, 2, 16),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省江阴市周庄镇长寿工业园", main_products="毛纺服装",
            revenue_y1=D("10600.00"), revenue_y2=D("9800.00"), net_profit_y1=D("640.00"),
            net_profit_y2=D("590.00"), total_assets=D("6700.00"), total_liabilities=D("2600.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2014, 9, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 9, 2),
        ),
        officers=(
            _o("缪建华", "执行董事", "0.70", "13906164416"),
            _o("缪晓东", "监事", "0.30", "13861656602"),
        ),
        banks=(_b("江苏江阴农村商业银行周庄支行", "018801200012345678", "江阴市澄江服饰有限公司"),),
        expected_grade="B", path="B:第18条代码位数错", limit_path="B无抵押",
        expected_problems=("uscc:错误",),
        missing_key_data=("uscc",),
        ledger_story=_cash("260000"),
        note="统一社会信用代码只录了17位：错误，按未填处理，B级。",
    ),
    SampleCounterparty(
        code="KH034", short_name="鹭海贸易",
        values=_form(
            "KH034", "厦门鹭海贸易有限公司", "客户", "李志强",
            uscc="91350206MA39XR5G72", legal_rep="黄志伟", established_on=date(2021, 6, 1),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="福建省厦门市湖里区金山街道云顶北路16号鹭海大厦", main_products="服装面料贸易",
            revenue_y1=D("6300.00"), revenue_y2=D("4800.00"), net_profit_y1=D("210.00"),
            net_profit_y2=D("160.00"), total_assets=D("3400.00"), total_liabilities=D("1300.00"),
            operation_2y="一般", capital_strength="雄厚", solvency="强",
            coop_start=date(2018, 3, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 9, 15),
        ),
        officers=(
            _o("黄志伟", "执行董事兼总经理", "0.85", "13906021175"),
            _o("黄雅婷", "监事", "0.15", "13860198843"),
        ),
        banks=(_b("厦门银行湖里支行", "80110120000012345", "厦门鹭海贸易有限公司"),),
        expected_grade="B", path="B:A4", limit_path="B无抵押",
        expected_problems=("coop_start:错误",),
        missing_key_data=("coop_start",),
        ledger_story=_cash("150000"),
        note="合作开始日期2018-03-01早于成立日期2021-06-01（应为2023-03-01）：资料矛盾，按未填处理；经营一般本就是B级。",
    ),
    SampleCounterparty(
        code="KH035", short_name="金泰服装",
        values=_form(
            "KH035", "台州市路桥区金泰服装有限公司", "客户", "徐浩",
            uscc="91331004589614872A", legal_rep="林建华", established_on=date(2012, 8, 8),
            registered_capital="五百万", ownership="有限责任公司（自然人投资或控股）",
            address="浙江省台州市路桥区峰江街道工业园", main_products="工装、劳保服",
            revenue_y1=D("7300.00"), revenue_y2=D("6900.00"), net_profit_y1=D("410.00"),
            net_profit_y2=D("380.00"), total_assets=D("4100.00"), total_liabilities=D("1500.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2018, 12, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 10, 19),
        ),
        officers=(
            _o("林建华", "执行董事", "0.60", "13906581142"),
            _o("林海燕", "监事", "0.40", "13758673319"),
        ),
        banks=(_b("浙江泰隆商业银行路桥支行", "33010012000123456", "台州市路桥区金泰服装有限公司"),),
        expected_grade="B", path="B:第18条注册资本无效", limit_path="B无抵押",
        expected_problems=("registered_capital:错误",),
        missing_key_data=("registered_capital",),
        ledger_story=_cash("130000"),
        note="注册资本写成汉字“五百万”：不是数字，错误，按未填处理，B级。",
    ),
    SampleCounterparty(
        code="KH036", short_name="锦华家纺",
        values=_form(
            "KH036", "绍兴市柯桥区锦华家纺有限公司", "客户", "王丽娟",
            uscc="91330603581654351A", legal_rep="俞国祥", established_on=date(2013, 4, 2),
            registered_capital=D("1000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省绍兴市柯桥区柯北工业园兴滨路58号", main_products="家纺、窗帘",
            revenue_y1=D("11200.00"), revenue_y2=D("10300.00"), net_profit_y1=D("650.00"),
            net_profit_y2=D("590.00"), total_assets=D("6900.00"), total_liabilities=D("2700.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2016, 6, 1), prior_settlement="现款现货",
            annual_standard_met="是", lawful_keeps_promises=None,
            requested_type="无", surveyed_on=date(2026, 10, 22),
        ),
        officers=(
            _o("俞国祥", "董事长", "0.55", "13957528816"),
            _o("俞佳", "董事", "0.45", "13819510274"),
        ),
        banks=(_b("浙江绍兴瑞丰农村商业银行柯北支行", "2010000345678901234", "绍兴市柯桥区锦华家纺有限公司"),),
        expected_grade="B", path="B:A3", limit_path="B无抵押",
        expected_problems=("lawful_keeps_promises:错误",),
        missing_key_data=("lawful_keeps_promises",),
        ledger_story=_cash("260000"),
        note="必答的“守法经营、严格履约、信守承诺”漏填：错误；A(3)无法确认，B级。",
    ),
    SampleCounterparty(
        code="KH037", short_name="宏远毛衫",
        values=_form(
            "KH037", "桐乡市濮院宏远毛衫有限公司", "客户", "王丽娟",
            uscc="91330483058030608X", legal_rep="朱卫明", established_on=date(2011, 9, 19),
            registered_capital=D("800"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省桐乡市濮院镇新联路88号", main_products="羊毛衫、针织衫",
            revenue_y1=D("9500.00"), revenue_y2=D("8800.00"), net_profit_y1=D("570.00"),
            net_profit_y2=D("520.00"), total_assets=D("5600.00"), total_liabilities=D("2200.00"),
            operation_2y="良", capital_strength="雄厚", solvency="强",
            coop_start=date(2017, 10, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="无", surveyed_on=date(2026, 10, 26),
        ),
        officers=(
            _o("朱卫明", "执行董事", "0.65", "13905731128"),
            _o("沈红", "监事", "0.35", "13587305516"),
        ),
        banks=(_b("浙江桐乡农村商业银行濮院支行", "201000456789012345", "桐乡市濮院宏远毛衫有限公司"),),
        expected_grade="B", path="B:A4", limit_path="B无抵押",
        expected_problems=("operation_2y:错误",),
        missing_key_data=("operation_2y",),
        ledger_story=_cash("180000"),
        note="经营状况录成“良”（应为“良好”）：不在下拉选项内，错误；A(4)不满足，B级。",
    ),
)

# ---------------------------------------------------------------- suppliers

_SUPPLIERS = (
    SampleCounterparty(
        code="GY001", short_name="新宇化纤",
        values=_form(
            "GY001", "苏州吴江新宇化纤有限公司", "供应商", "周海峰",
            uscc="91320509729694289Q", legal_rep="姚建国", established_on=date(2003, 8, 12),
            registered_capital=D("20000"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省苏州市吴江区盛泽镇南麻工业区新宇路1号", main_products="涤纶长丝（FDY、DTY、POY）",
            revenue_y1=D("186000.00"), revenue_y2=D("172500.00"), net_profit_y1=D("6800.00"),
            net_profit_y2=D("5900.00"), total_assets=D("142000.00"), total_liabilities=D("61000.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2012, 3, 1), prior_settlement="预付", prior_limit=D("1500000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("1800000"),
            requested_term_days=15, surveyed_on=date(2026, 9, 10),
        ),
        officers=(
            _o("姚建国", "董事长", "0.45", "13906255521"),
            _o("姚振宇", "总经理", "0.30", "13962523318"),
            _o("苏州新宇投资有限公司", "法人股东", "0.25", "0512-63552201"),
            _o("吴秀琴", "财务总监", None, "0512-63552206"),
        ),
        banks=(
            _b("中国工商银行苏州盛泽支行", "1102285109000412356", "苏州吴江新宇化纤有限公司"),
            _b("中国农业银行吴江盛泽支行", "10545201040009871", "苏州吴江新宇化纤有限公司", "一般户"),
        ),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=PREPAYMENT, first_month=HISTORY_START, monthly_debit=D("2400000"),
            monthly_credit=D("2400000"), opening_balance=D("1200000"), term_days=15,
            approved=_year_contract("1500000", 15),
            overrides=_year_end("2650000"),
            story="主要原料供应商，按月预付锁价，15天内到货验收。",
        ),
        note="A级供应商，以往预付：可给长期预付额度。",
    ),
    SampleCounterparty(
        code="GY002", short_name="华翔化纤",
        values=_form(
            "GY002", "杭州萧山华翔化纤有限公司", "供应商", "周海峰",
            uscc="913301097720030840", legal_rep="李国华", established_on=date(2006, 2, 28),
            registered_capital=D("12000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省杭州市萧山区衙前镇衙前路1166号", main_products="涤纶低弹丝、锦纶丝",
            revenue_y1=D("98000.00"), revenue_y2=D("91000.00"), net_profit_y1=D("3100.00"),
            net_profit_y2=D("2750.00"), total_assets=D("76000.00"), total_liabilities=D("33000.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2013, 5, 15), prior_settlement="预付", prior_limit=D("800000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("800000"),
            requested_term_days=15, surveyed_on=date(2026, 8, 18),
        ),
        officers=(
            _o("李国华", "董事长", "0.60", "13905813362"),
            _o("李晓明", "总经理", "0.40", "13857125509"),
        ),
        banks=(_b("浙江萧山农村商业银行衙前支行", "201000123456789012", "杭州萧山华翔化纤有限公司"),),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=PREPAYMENT, first_month=HISTORY_START, monthly_debit=D("1000000"),
            monthly_credit=D("1000000"), opening_balance=D("500000"), term_days=15,
            approved=_year_contract("800000", 15),
            overrides=(
                *_year_end("1250000"),
                _m("2026-10", debit="1800000", credit="900000",
                   note="为锁定双十一前原料价格，一次性多付90万元，未申请超额审批"),
            ),
            intended_flags=("R01",),
            story="预付过多：10月末预付余额140万元，超过核定额度80万元且无超额审批（第三十二条）。责任人周海峰。",
        ),
        note="A级供应商，本月预付超额（红）。",
    ),
    SampleCounterparty(
        code="GY003", short_name="宏宇染料",
        values=_form(
            "GY003", "绍兴上虞宏宇染料化工有限公司", "供应商", "周海峰",
            uscc="91330604MA4YFFHF9J", legal_rep="杜伟宏", established_on=date(2016, 1, 6),
            registered_capital=D("2000"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省绍兴市上虞区杭州湾上虞经济技术开发区纬三路36号", main_products="分散染料、活性染料",
            revenue_y1=D("28600.00"), revenue_y2=D("25400.00"), net_profit_y1=D("1420.00"),
            net_profit_y2=D("1260.00"), total_assets=D("21000.00"), total_liabilities=D("8900.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2023, 2, 1), prior_settlement="现款现货",
            annual_standard_met="是", requested_type="临时", requested_limit=D("300000"),
            requested_term_days=15, surveyed_on=date(2026, 10, 13),
        ),
        officers=(
            _o("杜伟宏", "执行董事兼总经理", "0.80", "13957566208"),
            _o("杜丽君", "监事", "0.20", "13735315527"),
        ),
        banks=(
            _b("中国农业银行绍兴上虞支行", "19525101040012768", "绍兴上虞宏宇染料化工有限公司"),
            _b("中国工商银行绍兴上虞支行", "6222021211001234567", "杜伟宏", None),
        ),
        expected_grade="A", path="A", limit_path="A无授信史",
        expected_problems=("tbl_banks.account_name:警告",),
        ledger_story=_cash("350000", account=PREPAYMENT,
                           story="款到发货、当日入库，无预付余额。对方本次要求临时预付30万元打入老板个人卡。"),
        note="结算账户之一是法定代表人个人银行卡（账户名称≠单位名称）：警告，真实的风险信号——预付款不得打入个人账户。",
    ),
    SampleCounterparty(
        code="GY004", short_name="新棉棉业",
        values=_form(
            "GY004", "阿克苏新棉棉业有限公司", "供应商", "周海峰",
            uscc="91652901595215763Q", legal_rep="买买提·吐尔逊", established_on=date(2012, 9, 18),
            registered_capital=D("3000"), ownership="有限责任公司（自然人投资或控股）",
            address="新疆维吾尔自治区阿克苏地区阿克苏市纺织工业城棉纺路9号", main_products="皮棉收购、加工及销售",
            revenue_y1=D("42000.00"), revenue_y2=D("46500.00"), net_profit_y1=D("380.00"),
            net_profit_y2=D("1250.00"), total_assets=D("35000.00"), total_liabilities=D("21000.00"),
            operation_2y="一般", capital_strength="一般", solvency="一般",
            coop_start=date(2021, 10, 1), prior_settlement="预付",
            annual_standard_met="是", no_bad_debt_2y="否",
            requested_type="临时", requested_limit=D("500000"), requested_term_days=30,
            surveyed_on=date(2026, 9, 26),
        ),
        officers=(
            _o("买买提·吐尔逊", "董事长", "0.51", "13899612275"),
            _o("王新民", "总经理", "0.49", "13909973318"),
            _o("阿依古丽·艾力", "财务负责人", None, "0997-2135526"),
        ),
        banks=(_b("新疆阿克苏农村商业银行纺织城支行", "880102012000123456", "阿克苏新棉棉业有限公司"),),
        expected_grade="C", path="C1", limit_path="C不授信",
        ledger_story=LedgerStory(
            account=PREPAYMENT, first_month="2025-11", monthly_debit=D("0"), monthly_credit=D("0"),
            overrides=(
                _m("2025-11", debit="800000", note="新棉上市预付"),
                _m("2025-12", credit="800000", note="到货验收"),
                _m("2026-03", debit="500000", note="预付50万元"),
                _m("2026-05", credit="300000", note="只到货30万元，余20万元欠货至今"),
            ),
            intended_flags=("R02", "R04", "R07"),
            story="2026-03预付50万元只到货30万元，欠货20万元超过90天（欠货即不良），调查表如实填否。",
        ),
        note="供应商欠货：C级，不再预付。",
    ),
    SampleCounterparty(
        code="GY005", short_name="精工纺机",
        values=_form(
            "GY005", "宁波北仑精工纺机配件有限公司", "供应商", "周海峰",
            uscc="91330206MA5LXBXJ02", legal_rep="乐建平", established_on=date(2017, 4, 18),
            registered_capital=D("500"), ownership="有限责任公司（自然人投资或控股）",
            address="浙江省宁波市北仑区大碶街道灵山路288号", main_products="纺织机械配件、织机零部件",
            revenue_y1=D("3600.00"), revenue_y2=D("3300.00"), net_profit_y1=D("210.00"),
            net_profit_y2=D("190.00"), total_assets=D("2600.00"), total_liabilities=D("900.00"),
            operation_2y="良好", capital_strength="一般", solvency="强",
            coop_start=date(2021, 4, 1), prior_settlement="预付",
            annual_standard_met="是", requested_type="临时", requested_limit=D("100000"),
            requested_term_days=30, surveyed_on=date(2026, 8, 31),
        ),
        officers=(
            _o("乐建平", "执行董事", "0.70", "13805869917"),
            _o("乐静", "监事", "0.30", "13566381204"),
        ),
        banks=(_b("宁波银行北仑支行", "5301012200056789", "宁波北仑精工纺机配件有限公司"),),
        expected_grade="B", path="B:A5资金", limit_path="B无抵押",
        ledger_story=LedgerStory(
            account=PREPAYMENT, first_month=HISTORY_START, monthly_debit=D("110000"),
            monthly_credit=D("110000"), opening_balance=D("60000"),
            intended_flags=("R02", "R04"),
            story="配件按合同预付定金，常年挂着约6万元预付款，未核定额度：R02黄。",
        ),
        note="供应商资金实力一般：B级，无担保，预付不予授信。",
    ),
    SampleCounterparty(
        code="GY006", short_name="荣泰织造",
        values=_form(
            "GY006", "南通通州荣泰织造有限公司", "供应商", "周海峰",
            uscc="913206127743298549", legal_rep="施建军", established_on=date(2009, 10, 26),
            registered_capital=D("1500"), ownership="有限责任公司（自然人投资或控股）",
            address="江苏省南通市通州区先锋街道纺织工业园3号", main_products="涤纶、涤棉坯布织造",
            revenue_y1=D("12800.00"), revenue_y2=D("12100.00"), net_profit_y1=D("760.00"),
            net_profit_y2=D("700.00"), total_assets=D("8600.00"), total_liabilities=D("3500.00"),
            operation_2y="良好", capital_strength="雄厚", solvency="强",
            coop_start=date(2016, 1, 10), prior_settlement="预付", prior_limit=D("250000"),
            annual_standard_met="是", requested_type="长期", requested_limit=D("300000"),
            requested_term_days=20, surveyed_on=date(2026, 6, 28),
        ),
        officers=(
            _o("施建军", "执行董事", "0.75", "13962928841"),
            _o("施燕", "监事", "0.25", "13814715526"),
        ),
        banks=(_b("江苏南通农村商业银行先锋支行", "3206120201201000789", "南通通州荣泰织造有限公司"),),
        expected_grade="A", path="A", limit_path="A有授信史",
        ledger_story=LedgerStory(
            account=PREPAYMENT, first_month=HISTORY_START, monthly_debit=D("250000"),
            monthly_credit=D("250000"), opening_balance=D("170000"), term_days=20,
            approved=_year_contract("250000", 20, start=date(2025, 10, 1), end=date(2026, 9, 30),
                                    approved_on=date(2025, 9, 25)),
            overrides=_year_end("300000"),
            intended_flags=("R05", "R12"),
            story="合同2026-09-30已到期，合同期内预付余额从未清零（第三十六条）；调查表2026-06-28填写，已过期。",
        ),
        note="A级坯布供应商；合同到期未清零（红）、调查表未按季更新（黄）。",
    ),
)

COUNTERPARTIES: tuple[SampleCounterparty, ...] = (
    _A_CUSTOMERS + _B_CUSTOMERS + _C_CUSTOMERS + _MISTAKE_CUSTOMERS + _SUPPLIERS
)

LEDGER_ONLY: tuple[LedgerOnlyCounterparty, ...] = (
    LedgerOnlyCounterparty(
        code="KH038", name="绍兴市柯桥区张记布行", counterparty_type="客户", salesperson="王丽娟",
        ledger_story=LedgerStory(
            account=RECEIVABLE, first_month="2026-09", monthly_debit=D("0"), monthly_credit=D("0"),
            overrides=(
                _m("2026-09", debit="60000", credit="30000", note="个体户拿货，先付一半"),
                _m("2026-10", debit="45000", credit="0", note="又拿货，未付款"),
            ),
            intended_flags=("R02", "R03", "R04", "R12"),
            story="个体工商户，没有调查表也没有核定额度，却已欠7.5万元且本月还在增加。",
        ),
    ),
)

BY_CODE: dict[str, SampleCounterparty] = {c.code: c for c in COUNTERPARTIES}

# Grading paths the dataset must demonstrate (SPEC §5, 第十五–十八条).
REQUIRED_PATHS = frozenset({
    "A", "A:A1边界", "A:台账合作更早",
    "B:A1", "B:A1边界", "B:A3", "B:A4", "B:A5资金", "B:A5偿债", "B:A6", "B:A6台账",
    "B:第18条新客户", "B:第18条无银行", "B:第18条无代码",
    "C1", "C1:台账", "C2", "C3", "C4资金", "C4偿债", "C5", "C6", "C7", "C8", "C9",
})
REQUIRED_LIMIT_PATHS = frozenset({"A有授信史", "A无授信史", "B有抵押", "B无抵押", "C不授信"})
