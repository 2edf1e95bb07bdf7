"""The policy parameters, typed, with the numbers of the 《客户信用管理制度》 as defaults.

These are plain frozen dataclasses so the pure core can take them as input;
``credit_workbook.config`` reads them from a workspace's credit.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from credit_workbook.forms.fields import DEFAULT_KEY_DATA
from credit_workbook.guard.limits import InputLimits

RULE_IDS = tuple(f"R{i:02d}" for i in range(1, 14))


@dataclass(frozen=True)
class GradingPolicy:
    window_months: int = 12  # averages: 平均月发货额 / 平均月回款额
    bad_arrears_days: int = 90  # C(1): overdue longer than this is 不良欠款
    bad_arrears_lookback_months: int = 24  # 第15条(2)/第16条(1): 过去2年
    coop_min_years: int = 1  # 第15条(1)
    annual_standard: Decimal = Decimal("1000000.00")  # 第15条(6), 元 of credit turnover in 12 months
    survey_stale_months: int = 3  # 第12条: 每季度全面更新
    key_data_fields: tuple[str, ...] = DEFAULT_KEY_DATA  # 第18条


@dataclass(frozen=True)
class LimitPolicy:
    limit_rounding: Decimal = Decimal("1000")  # caps rounded down to this many 元
    a_long_term_days: int = 30  # 第26条: 1个月以内
    a_temp_term_days: int = 30
    b_long_term_days: int = 30  # 第27条: 长期 1个月
    b_temp_term_days: int = 15  # 第27条: 临时 15天


@dataclass(frozen=True)
class CheckPolicy:
    overdue_red_after_days: int = 30  # R04: 黄 up to this, 红 beyond
    contract_notice_days: int = 30  # R05/R06: 合同到期前一个月内
    # rule id -> severities it may carry, worst first (R02/R04/R05 have two)
    severities: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "R01": ("红",), "R02": ("红", "黄"), "R03": ("红",), "R04": ("红", "黄"),
        "R05": ("红", "黄"), "R06": ("蓝",), "R07": ("红",), "R08": ("红",),
        "R09": ("黄",), "R10": ("黄",), "R11": ("红",), "R12": ("黄",), "R13": ("黄",),
    })


DEFAULT_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "业务日期", "凭证日期", "记账日期"),
    "voucher": ("凭证号", "凭证字号", "凭证编号"),
    "code": ("客户编码", "往来单位编码", "单位编码", "供应商编码", "客商编码"),
    "name": ("客户名称", "往来单位", "单位名称", "供应商名称", "客商名称", "往来单位名称"),
    "summary": ("摘要",),
    "debit": ("借方", "借方金额", "本币借方"),
    "credit": ("贷方", "贷方金额", "本币贷方"),
    "direction": ("方向", "余额方向"),
    "balance": ("余额", "余额金额", "本币余额"),
    "account": ("科目", "科目名称", "会计科目"),
    "opening": ("期初余额",),
    "period_debit": ("本期借方", "本期发生借方", "借方发生额", "本期借方发生额"),
    "period_credit": ("本期贷方", "本期发生贷方", "贷方发生额", "本期贷方发生额"),
    "closing": ("期末余额",),
}


@dataclass(frozen=True)
class LedgerPolicy:
    header_aliases: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_HEADER_ALIASES))


MANAGER_ROLES = ("营销副总", "财务总监", "总经理", "董事长", "营销部经理")


@dataclass(frozen=True)
class MailPolicy:
    enabled: bool = False
    smtp_host: str = ""
    smtp_port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password_env: str = "CREDIT_SMTP_PASSWORD"  # the password itself never lives in the workspace
    sender: str = ""
    recipients: dict[str, tuple[str, ...]] = field(default_factory=lambda: {r: () for r in MANAGER_ROLES})


@dataclass(frozen=True)
class PrivacyPolicy:
    mask_outgoing: bool = False  # mail attachments and CSV exports: 统一社会信用代码 / 账号 as 9133****123X


@dataclass(frozen=True)
class Policy:
    company: str = "示例有限公司"  # 编制单位 on every generated form
    grading: GradingPolicy = field(default_factory=GradingPolicy)
    limits: LimitPolicy = field(default_factory=LimitPolicy)
    checks: CheckPolicy = field(default_factory=CheckPolicy)
    ledger: LedgerPolicy = field(default_factory=LedgerPolicy)
    mail: MailPolicy = field(default_factory=MailPolicy)
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    inputs: InputLimits = field(default_factory=InputLimits)  # the guard's ceilings for received files
