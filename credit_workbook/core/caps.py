"""Limit caps and longest terms by grade (第二十四–二十八条), and the proposed limit.

The cap is the most the policy lets the approvers grant; what they actually
grant is theirs to decide. The steps are kept in the policy's order (what
the grade allows, rounding down, 从低 against an existing approval, then the
proposal against what the salesperson asked for) and each leaves a reason
citing its article, because the approvers sign the proposal on that basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from credit_workbook.core.articles import article, clause
from credit_workbook.core.model import Caps, Grade, LedgerEvidence, Survey
from credit_workbook.policy import LimitPolicy

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NONE = "无"
LONG = "长期"
TEMP = "临时"
CREDIT_SETTLEMENTS = ("赊销", "预付")  # prior_settlement values that are prior credit behaviour
GRADE_ARTICLE = {Grade.A: 26, Grade.B: 27, Grade.C: 28}


@dataclass(frozen=True)
class _Allowance:
    """What the grade allows before rounding; None = that type is not allowed."""

    long: Decimal | None
    temp: Decimal | None
    term_long: int
    term_temp: int
    reason: str


def compute_caps(grade: Grade, survey: Survey, evidence: LedgerEvidence | None, limits: LimitPolicy,
                 approved_limit: Decimal | None = None) -> Caps:
    """Caps, terms and the proposed limit for one counterparty of grade ``grade``."""
    reasons: list[str] = []
    if grade is Grade.C:
        allowance = _Allowance(None, None, 0, 0, f"C级：{article(28)} 不予授信，不给予任何预付款和赊销")
    else:
        avg_debit, avg_credit = _averages(evidence, reasons)
        if grade is Grade.A:
            allowance = _a_allowance(survey, evidence, limits, avg_debit, avg_credit)
        else:
            allowance = _b_allowance(survey, limits, avg_debit, avg_credit)
    reasons.append(allowance.reason)

    art = article(GRADE_ARTICLE[grade])
    cap_long, cap_temp = _settle(allowance, limits, art, reasons)
    cap_long, cap_temp = _lower_of(cap_long, cap_temp, approved_limit, art, reasons)

    # A term without an amount means nothing: no credit of a type, no term.
    term_long = allowance.term_long if cap_long > 0 else 0
    term_temp = allowance.term_temp if cap_temp > 0 else 0

    proposed_type, proposed = _propose(survey, grade, cap_long, cap_temp, term_long, term_temp, reasons)
    return Caps(
        cap_long=cap_long,
        cap_temp=cap_temp,
        max_term_long_days=term_long,
        max_term_temp_days=term_temp,
        proposed_type=proposed_type,
        proposed_limit=proposed,
        reasons=tuple(reasons),
    )


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def _averages(evidence: LedgerEvidence | None, reasons: list[str]) -> tuple[Decimal, Decimal]:
    if evidence is None:
        reasons.append(f"无台账历史，平均月发货额、回款额按0计（{article(26)}、{article(27)}以其为额度上限）")
        return ZERO, ZERO
    return evidence.avg_debit, evidence.avg_credit


def _prior_credit(survey: Survey, evidence: LedgerEvidence | None) -> str | None:
    """Why the counterparty counts as 原来已有预付、赊销行为, or None."""
    if evidence is not None and evidence.had_exposure:
        return "台账曾有月末占用我方资金"
    if survey.prior_settlement in CREDIT_SETTLEMENTS:
        return f"以往结算方式为“{survey.prior_settlement}”"
    return None


def _a_allowance(survey: Survey, evidence: LedgerEvidence | None, limits: LimitPolicy,
                 avg_debit: Decimal, avg_credit: Decimal) -> _Allowance:
    why = _prior_credit(survey, evidence)
    if why is not None:
        cap = min(avg_debit, avg_credit)
        return _Allowance(
            cap, cap, limits.a_long_term_days, limits.a_temp_term_days,
            f"A级：{clause(26, 2)} 原来已有预付、赊销行为（{why}），长期、临时额度上限为平均月发货额"
            f"{_yuan(avg_debit)}与平均月回款额{_yuan(avg_credit)}中的较低者，"
            f"期限{limits.a_long_term_days}天以内，须营销副总、财务总监、总经理审批",
        )
    return _Allowance(
        None, avg_credit, 0, limits.a_temp_term_days,
        f"A级：{clause(26, 1)} 原来没有预付、赊销行为，不给予长期授信；非常必要时经营销副总、财务总监、"
        f"总经理审批可给予临时授信，额度最高为平均月回款额{_yuan(avg_credit)}，"
        f"期限{limits.a_temp_term_days}天以内",
    )


def _b_allowance(survey: Survey, limits: LimitPolicy, avg_debit: Decimal,
                 avg_credit: Decimal) -> _Allowance:
    kind, value = survey.collateral_type, survey.collateral_value
    if kind in (None, NONE) or value is None or value <= 0:
        missing = "未提供抵押等担保" if kind in (None, NONE) else f"担保方式为“{kind}”但抵押资产价值未填或为0"
        return _Allowance(None, None, 0, 0, f"B级：{article(27)} 原则上不予授信：{missing}")
    cap = min(avg_debit, avg_credit, value)
    return _Allowance(
        cap, cap, limits.b_long_term_days, limits.b_temp_term_days,
        f"B级：{article(27)} 已办理{kind}（价值{_yuan(value)}），长期、临时额度上限为平均月发货额"
        f"{_yuan(avg_debit)}、平均月回款额{_yuan(avg_credit)}与抵押资产价值中的最低者；"
        f"长期期限{limits.b_long_term_days}天、临时期限{limits.b_temp_term_days}天，"
        f"须营销部经理上报营销副总、财务总监、总经理审批",
    )


def _round_down(amount: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return amount.quantize(CENT, rounding=ROUND_DOWN)
    return _money((amount / step).to_integral_value(rounding=ROUND_DOWN) * step)


def _settle(allowance: _Allowance, limits: LimitPolicy, art: str, reasons: list[str]) -> tuple[Decimal, Decimal]:
    """The allowed amounts as caps (long, temp): never negative, rounded down."""
    caps: dict[str, Decimal] = {}
    rounded: dict[tuple[Decimal, Decimal], list[str]] = {}
    for kind, raw in ((LONG, allowance.long), (TEMP, allowance.temp)):
        if raw is None:
            caps[kind] = ZERO
            continue
        exact = _money(max(raw, ZERO))
        caps[kind] = _round_down(exact, limits.limit_rounding)
        if caps[kind] != exact:
            rounded.setdefault((exact, caps[kind]), []).append(kind)
    for (exact, cap), kinds in rounded.items():
        reasons.append(f"{art} {'、'.join(kinds)}额度上限{_yuan(exact)}按{limits.limit_rounding:,}元"
                       f"向下取整为{_yuan(cap)}")
    return caps[LONG], caps[TEMP]


def _lower_of(cap_long: Decimal, cap_temp: Decimal, approved: Decimal | None, art: str,
              reasons: list[str]) -> tuple[Decimal, Decimal]:
    """从低: an existing approved limit below a computed cap replaces that cap."""
    if approved is None:
        return cap_long, cap_temp
    approved = _money(max(approved, ZERO))
    lowered = [kind for kind, cap in ((LONG, cap_long), (TEMP, cap_temp)) if cap > approved]
    if not lowered:
        return cap_long, cap_temp
    reasons.append(f"{art} 按从低标准执行：已核定额度{_yuan(approved)}低于计算的"
                   f"{'、'.join(lowered)}额度上限，{'、'.join(lowered)}额度上限按{_yuan(approved)}执行")
    return min(cap_long, approved), min(cap_temp, approved)


def _propose(survey: Survey, grade: Grade, cap_long: Decimal, cap_temp: Decimal, term_long: int,
             term_temp: int, reasons: list[str]) -> tuple[str, Decimal]:
    kind = survey.requested_type
    if kind in (None, NONE):
        reasons.append(f"{clause(24, 1)} 坚持现款现货：未申请授信，建议为“无”")
        return NONE, ZERO
    if kind not in (LONG, TEMP):
        raise ValueError(f"申请授信类型应为无/临时/长期之一，填的是“{kind}”")
    cap, term = (cap_long, term_long) if kind == LONG else (cap_temp, term_temp)
    art = article(GRADE_ARTICLE[grade])
    requested = survey.requested_limit
    if requested is None:
        proposed = cap
        basis = f"未填申请额度，按{kind}额度上限{_yuan(cap)}"
    else:
        requested = _money(requested)
        proposed = max(min(requested, cap), ZERO)
        if requested <= cap:
            basis = f"按申请额度{_yuan(requested)}（未超过{kind}额度上限{_yuan(cap)}）"
        else:
            basis = f"申请额度{_yuan(requested)}超过{kind}额度上限，按上限{_yuan(cap)}"
    if proposed <= 0:
        why = f"{kind}额度上限为0" if cap <= 0 else "申请额度为0"
        reasons.append(f"{art} 申请{kind}授信，但{why}，建议为“无”")
        return NONE, ZERO
    reasons.append(f"{art} 建议{kind}额度{_yuan(proposed)}：{basis}")
    if survey.requested_term_days is not None and survey.requested_term_days > term:
        reasons.append(f"{art} 申请期限{survey.requested_term_days}天超过最长期限{term}天，按{term}天")
    return kind, proposed
