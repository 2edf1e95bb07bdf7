"""What Forms 2–4 are written from: plain rows, no workbook in sight.

The core builds these; the form writers only lay them out. Kept free of
XlsxWriter so the core (and tests) can import them cheaply. Money is Decimal;
it becomes a float only when it reaches a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

FIXED_CREATED = datetime(2026, 1, 1, 0, 0, 0)  # templates: the same bytes on every build


@dataclass(frozen=True)
class FormMeta:
    """The header block of a generated form.

    ``period`` is "YYYY-MM" ("" on a blank template); ``created`` is stamped
    into the file's properties so the same inputs give the same bytes.
    """

    company: str
    period: str
    as_of: date | None
    created: datetime = FIXED_CREATED


# -- Form 2 《客户信用等级分类汇总表》 ---------------------------------------
@dataclass(frozen=True)
class GradeSummaryRow:
    code: str
    name: str
    counterparty_type: str
    salesperson: str | None
    department: str | None
    grade: str  # A / B / C
    previous_grade: str | None  # None = 首次评定
    reasons: str  # short Chinese text citing the articles
    requested_type: str | None
    requested_limit: Decimal | None
    cap: Decimal
    max_term_days: int
    surveyed_on: date | None


# -- Form 3 《预付、赊销客户汇总表》 = the credit register -------------------
@dataclass(frozen=True)
class RegisterRow:
    """One counterparty of the register; one attribute per column but 序号."""

    code: str  # 客户编码
    name: str  # 客户名称
    counterparty_type: str | None = None  # 往来类型: 客户 / 供应商
    grade: str | None = None  # 信用等级
    salesperson: str | None = None  # 经办业务员
    avg_debit: Decimal | None = None  # 平均月发货额
    avg_credit: Decimal | None = None  # 平均月回款额
    cap_long: Decimal | None = None  # 长期额度上限
    cap_temp: Decimal | None = None  # 临时额度上限
    proposed_type: str | None = None  # 建议授信类型
    proposed_limit: Decimal | None = None  # 建议额度
    proposed_term_days: int | None = None  # 建议期限(天)
    exposure: Decimal | None = None  # 当前占用
    utilization: Decimal | None = None  # 额度使用率 (ratio, 0.5 = 50%)
    approved_type: str | None = None  # 核定类型
    approved_limit: Decimal | None = None  # 核定额度
    approved_term_days: int | None = None  # 核定期限(天)
    collateral_type: str | None = None  # 担保方式
    collateral_value: Decimal | None = None  # 抵押资产价值
    contract_start: date | None = None  # 合同开始日期
    contract_end: date | None = None  # 合同结束日期
    status: str | None = None  # 审批状态: 已批准 / 待批 / 驳回
    approved_on: date | None = None  # 批准日期
    note: str | None = None  # 备注


@dataclass(frozen=True)
class OverlimitRow:
    """An over-limit approval (第三十二条: 正式批准文书)."""

    code: str
    approved_on: date
    amount: Decimal
    doc_no: str


# -- Form 4 《客户授信额度执行评价表》 ---------------------------------------
@dataclass(frozen=True)
class ExecutionRow:
    """One counterparty's month, built by ``forms.execution_rows`` from the
    evaluation and the checks; every field optional so the blank form and
    a 余额表-only month (no daily detail) fit the same row."""

    code: str | None = None
    name: str | None = None
    counterparty_type: str | None = None
    grade: str | None = None
    salesperson: str | None = None
    approved_limit: Decimal | None = None
    approved_term_days: int | None = None
    opening: Decimal | None = None
    debit: Decimal | None = None
    credit: Decimal | None = None
    closing: Decimal | None = None
    peak: Decimal | None = None
    utilization: Decimal | None = None  # 额度使用率: closing exposure / approved limit (ratio); None without a limit
    over_limit_amount: Decimal | None = None  # 超限金额: R01's amount, else max(peak - limit, 0)
    over_limit_days: int | None = None  # 超限天数: days with end-of-day exposure over the limit
    aging_current: Decimal | None = None  # 未到期
    aging_1_30: Decimal | None = None
    aging_31_60: Decimal | None = None
    aging_61_90: Decimal | None = None
    aging_91_180: Decimal | None = None
    aging_181_360: Decimal | None = None
    aging_over_360: Decimal | None = None
    overdue: Decimal | None = None
    max_overdue_days: int | None = None
    collection_rate: Decimal | None = None  # 回款率: credit / (opening + debit) (ratio)
    assessment: str | None = None  # 执行评价: 正常 / 关注 / 超限 / 逾期
    measures: str | None = None  # 建议措施
    department_note: str | None = None  # 业务部门说明


@dataclass(frozen=True)
class FlagRow:
    """One line of 超限逾期清单."""

    rule: str | None = None
    severity: str | None = None
    article: str | None = None
    code: str | None = None
    name: str | None = None
    salesperson: str | None = None
    amount: Decimal | None = None
    message: str | None = None


@dataclass(frozen=True)
class SalespersonRow:
    """One line of 业务员汇总 (回收责任制, 第三十六条; 罚则, 第四十三条).

    ``closing_total`` sums exposures (a prepayment counts 0); ``red`` and
    ``yellow`` count the flags of the salesperson's counterparties.
    """

    salesperson: str | None = None
    customers: int | None = None
    approved_total: Decimal | None = None
    closing_total: Decimal | None = None
    overdue_total: Decimal | None = None
    red: int | None = None
    yellow: int | None = None
