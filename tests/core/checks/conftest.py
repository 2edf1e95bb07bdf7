"""Factories for the monthly checks: hand-built ledger histories, register rows and a CheckContext.

The context is built through the real ``evaluate_counterparty`` (grade with
ledger evidence, caps with 从低, position, aging), so a rule is tested on the
same inputs the month pipeline gives it. The default counterparty is the
A-grade customer of ``tests/core/conftest.make_survey`` (form filled
2026-06-01), checked for June 2026 with a 长期 100,000.00 元 / 30-day limit
on a calendar-year contract.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from credit_workbook.core.checks.context import CheckContext
from credit_workbook.core.evaluation import evaluate_counterparty
from credit_workbook.core.history import CounterpartyHistory, MonthSummary, Movement, first_day, last_day
from credit_workbook.core.register_checks import ApprovedCredit, OverlimitApproval
from credit_workbook.policy import CheckPolicy, Policy

from ..conftest import make_survey

D = Decimal
AR = "应收账款"
PERIOD = "2026-06"
HISTORY_START = date(2026, 1, 1)
LEDGER = "明细账.xlsx!明细账!"
REGISTER_PLACE = "register.xlsx!预付赊销客户汇总表!B8"
_DEFAULT = object()

__all__ = [
    "AR",
    "LEDGER",
    "PERIOD",
    "D",
    "approved",
    "ctx",
    "day",
    "history",
    "mv",
    "overlimit",
    "place",
    "policy",
    "summary",
]


def day(text: str) -> date:
    return date.fromisoformat(text)


def place(ref: str) -> str:
    """Where the test ledger row with voucher ``ref`` sits."""
    return LEDGER + ref


def mv(when: str, debit: str = "0", credit: str = "0", ref: str = "", account: str = AR) -> Movement:
    """One ledger row; the voucher defaults to 记-MMDD plus 借/贷, its place to LEDGER + voucher."""
    ref = ref or f"记-{when[5:7]}{when[8:10]}{'借' if D(debit) else '贷'}"
    return Movement(day(when), D(debit), D(credit), account, ref, place(ref))


def summary(month: str, opening: str, debit: str, credit: str, account: str = AR) -> MonthSummary:
    closing = D(opening) + D(debit) - D(credit)
    return MonthSummary(month, account, D(opening), D(debit), D(credit), closing)


def history(*moves: Movement, opening: str = "0", start: date = HISTORY_START, kind: str = "客户",
            summaries=(), code: str = "C001") -> CounterpartyHistory:
    account = AR if kind == "客户" else "预付账款"
    return CounterpartyHistory(code, kind, {account: D(opening)}, tuple(moves), tuple(summaries), start)


def approved(limit: str = "100000.00", term: int = 30, kind: str = "长期", start: date | None = date(2026, 1, 1),
             end: date | None = date(2026, 12, 31), collateral_type: str = "无",
             collateral_value: str | None = None, approved_on: date | None = date(2025, 12, 20),
             code: str = "C001") -> ApprovedCredit:
    return ApprovedCredit(code=code, name="北京示例商贸有限公司", counterparty_type="客户", credit_type=kind,
                          limit=D(limit), term_days=term, collateral_type=collateral_type,
                          collateral_value=None if collateral_value is None else D(collateral_value),
                          contract_start=start, contract_end=end, approved_on=approved_on, place=REGISTER_PLACE)


def overlimit(amount: str, on: str, doc_no: str = "超审〔2026〕1号", code: str = "C001") -> OverlimitApproval:
    return OverlimitApproval(code, day(on), D(amount), doc_no, "register.xlsx!超额审批!A2")


def policy(**checks) -> Policy:
    return Policy(checks=CheckPolicy(**checks)) if checks else Policy()


def ctx(hist: CounterpartyHistory | None = None, credit=_DEFAULT, *, survey=_DEFAULT, period: str = PERIOD,
        as_of: date | None = None, approvals=(), previous=None, pol: Policy | None = None,
        **survey_overrides) -> CheckContext:
    """A CheckContext for the default counterparty; ``credit=None`` means no approved credit."""
    pol = pol or Policy()
    credit = approved() if credit is _DEFAULT else credit
    if survey is _DEFAULT:
        survey = make_survey(**survey_overrides)
    elif survey_overrides:
        survey = replace(survey, **survey_overrides)
    as_of = as_of or last_day(period)
    cp = evaluate_counterparty("C001", survey, (), hist, credit, pol, period, as_of, name="北京示例商贸有限公司")
    return CheckContext(period, first_day(period), last_day(period), as_of, cp, hist, tuple(approvals),
                        previous, pol)
