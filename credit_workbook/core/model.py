"""Plain data passed between the core and its adapters.

The core never sees a file or a cell: readers turn a workbook into these
values (plus ``Problem``s carrying the ``file!sheet!cell`` place), the core
turns them into results, writers put the results back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum


class Grade(str, Enum):
    A = "A"
    B = "B"
    C = "C"


class ProblemLevel(str, Enum):
    """How bad an input problem is: an error makes the value unusable."""

    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, told the way a clerk understands it.

    ``place`` is ``file!sheet!cell`` (or ``file!sheet`` / ``file`` when no
    cell can be named); ``field`` is the defined name or column concerned.
    """

    level: ProblemLevel
    field: str
    place: str
    message: str

    def render(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass(frozen=True)
class Officer:
    name: str
    title: str | None = None
    share_pct: Decimal | None = None
    phone: str | None = None


@dataclass(frozen=True)
class BankAccount:
    bank: str
    account_no: str | None = None
    account_name: str | None = None
    account_kind: str | None = None


@dataclass(frozen=True)
class Survey:
    """A validated 《客户信用调查评定表》.

    A field the form left blank, or whose value was invalid (and reported as
    a Problem), is ``None``. Yes/no answers are ``True`` for 是.
    """

    customer_code: str
    customer_name: str
    counterparty_type: str | None = None  # 客户 / 供应商
    uscc: str | None = None
    legal_rep: str | None = None
    established_on: date | None = None
    registered_capital: Decimal | None = None  # 万元
    address: str | None = None
    ownership: str | None = None
    main_products: str | None = None
    salesperson: str | None = None
    department: str | None = None
    officers: tuple[Officer, ...] = ()
    banks: tuple[BankAccount, ...] = ()
    revenue_y1: Decimal | None = None
    revenue_y2: Decimal | None = None
    net_profit_y1: Decimal | None = None
    net_profit_y2: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    operation_2y: str | None = None  # 良好 / 一般 / 较差
    capital_strength: str | None = None  # 雄厚 / 一般 / 不足
    solvency: str | None = None  # 强 / 一般 / 较差
    coop_start: date | None = None
    prior_settlement: str | None = None  # 现款现货 / 赊销 / 预付
    prior_limit: Decimal | None = None
    annual_standard_met: bool | None = None
    no_bad_debt_2y: bool | None = None
    lawful_keeps_promises: bool | None = None
    breaks_promises: bool | None = None
    debt_disputes: bool | None = None
    poor_operation: bool | None = None
    sales_decline: bool | None = None
    illegal_operation: bool | None = None
    ordered_closure: bool | None = None
    account_freeze_risk: bool | None = None
    requested_type: str | None = None  # 无 / 临时 / 长期
    requested_limit: Decimal | None = None
    requested_term_days: int | None = None
    collateral_type: str | None = None  # 无/抵押/质押/保证/保证金
    collateral_value: Decimal | None = None
    surveyed_by: str | None = None
    surveyed_on: date | None = None
    reviewed_by: str | None = None
    filed_by: str | None = None


@dataclass(frozen=True)
class LedgerEvidence:
    """What the ledger history says about a counterparty at the evaluation date.

    Built by the ledger side (issue 3); ``None`` everywhere means "no history",
    and grading then relies on the form answers alone.
    """

    first_ledger_month: date | None = None  # first day of the first month with entries
    months_of_history: int = 0  # months from the company's history start to the evaluation month
    trailing_12m_credit: Decimal | None = None  # None unless 12 months of history exist
    worst_overdue_days_24m: int = 0  # longest overdue seen within 24 months
    worst_overdue_month: str | None = None  # "YYYY-MM" where it was seen
    had_exposure: bool = False  # any month-end exposure > 0 in history
    avg_debit: Decimal = Decimal("0.00")
    avg_credit: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Condition:
    """One numbered condition of 第15条 (A) or 第16条 (C), judged.

    ``code`` is e.g. "A1" or "C4"; ``met`` is whether the condition holds
    (for C conditions: whether the bad fact is present); ``facts`` is the
    Chinese sentence with the numbers and dates behind the verdict.
    """

    code: str
    article: str
    met: bool
    facts: str


@dataclass(frozen=True)
class Contradiction:
    """A form answer the ledger disagrees with (第11条, reported as R13)."""

    field: str
    form_says: str
    ledger_says: str


@dataclass(frozen=True)
class GradeResult:
    grade: Grade
    reasons: tuple[str, ...]  # Chinese, each citing its article and facts
    conditions: tuple[Condition, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    missing_key_data: tuple[str, ...] = ()  # field names, 第18条


@dataclass(frozen=True)
class Caps:
    """Limit caps and longest terms for one counterparty (第24–28条)."""

    cap_long: Decimal
    cap_temp: Decimal
    max_term_long_days: int
    max_term_temp_days: int
    proposed_type: str  # 无 / 临时 / 长期
    proposed_limit: Decimal
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """A breach, warning or reminder of a monthly check; always names its rule."""

    rule: str  # R01..R13
    severity: str  # 红 / 黄 / 蓝
    article: str  # e.g. 第三十二条
    message: str
    amount: Decimal | None = None
    extra: dict = field(default_factory=dict)
