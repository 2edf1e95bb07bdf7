"""The ABC credit grade of 第十三–十八条, with the reasons a manager signs off on.

Each numbered condition of 第十五条 (A) and 第十六条 (C) is judged on its own
and kept as a ``Condition`` with the facts behind it, so the result cells,
the summary form and the auditors all see why, not just the letter.

Form answers and ledger history are weighed together (第十一条): where they
disagree the worse answer counts and the disagreement is reported. Ledger
facts enter only through the small ``_ledger_*`` helpers and the
``CONTRADICTION_CHECKS`` tuple, so new kinds of ledger evidence plug in
there without touching the conditions themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.model import (
    Condition,
    Contradiction,
    Grade,
    GradeResult,
    LedgerEvidence,
    Survey,
)
from credit_workbook.forms.fields import BY_NAME
from credit_workbook.policy import GradingPolicy

A_ARTICLE = 15
C_ARTICLE = 16
B_ARTICLE = 17
KEY_DATA_ARTICLE = 18
CROSS_CHECK_ARTICLE = 11

BANKS = "banks"  # pseudo field name in key_data_fields: at least one bank row
BANKS_LABEL = "主要往来结算银行"
BLANK = "未填写"


@dataclass(frozen=True)
class _Case:
    """Everything one grading looks at."""

    survey: Survey
    evidence: LedgerEvidence | None
    policy: GradingPolicy
    as_of: date


def grade(survey: Survey, evidence: LedgerEvidence | None, policy: GradingPolicy,
          as_of: date) -> GradeResult:
    """Grade one counterparty at ``as_of`` (SPEC §5 "Grade")."""
    case = _Case(survey, evidence, policy, as_of)
    c_conditions = tuple(judge(case) for judge in C_JUDGES)
    a_conditions = tuple(judge(case) for judge in A_JUDGES)
    missing = _missing_data(case)
    found = [check(case) for check in CONTRADICTION_CHECKS]
    contradictions = tuple(c for c in found if c is not None)

    if any(c.met for c in c_conditions):
        letter = Grade.C
        reasons = [f"C级：{_cite(c)} {c.facts}" for c in c_conditions if c.met]
    elif all(a.met for a in a_conditions) and not missing:
        letter = Grade.A
        facts = "；".join(a.facts for a in a_conditions)
        reasons = [f"A级：符合{article(A_ARTICLE)}(1)–({len(a_conditions)})：{facts}；"
                   f"{article(KEY_DATA_ARTICLE)} 关键资料齐全"]
    else:
        letter = Grade.B
        reasons = [f"B级：不符合{_cite(a)} {a.facts}" for a in a_conditions if not a.met]
        if missing:
            labels = "、".join(_label(name) for name in missing)
            reasons.append(f"B级：{article(KEY_DATA_ARTICLE)} 关键资料不全（{labels}未填写），不列入A级")
        reasons.append(f"{article(B_ARTICLE)} 不符合A、C级条件")

    reasons += [_contradiction_reason(c) for c in contradictions]
    return GradeResult(
        grade=letter,
        reasons=tuple(reasons),
        conditions=c_conditions + a_conditions,
        contradictions=contradictions,
        missing_key_data=tuple(missing),
    )


# ---------------------------------------------------------------- formatting

def _ymd(d: date) -> str:
    return d.isoformat()


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


def _label(name: str) -> str:
    if name == BANKS:
        return BANKS_LABEL
    return BY_NAME[name].label


def _cite(condition: Condition) -> str:
    return f"{condition.article}({condition.code[1:]})"


def _yes_no(value: bool | None) -> str:
    return BLANK if value is None else ("是" if value else "否")


# ---------------------------------------------------------------- ledger facts

def _ledger_bad_debt(case: _Case) -> str | None:
    """``2025-03 逾期127天`` when the ledger shows 不良欠款 within the lookback, else None."""
    ev = case.evidence
    if ev is None or ev.worst_overdue_days_24m <= case.policy.bad_arrears_days:
        return None
    where = f"{ev.worst_overdue_month} " if ev.worst_overdue_month else ""
    return f"{where}逾期{ev.worst_overdue_days_24m}天"


def _ledger_first_month(case: _Case) -> date | None:
    return case.evidence.first_ledger_month if case.evidence is not None else None


def _ledger_trailing_credit(case: _Case) -> Decimal | None:
    """Trailing 12-month credit turnover, only when 12 months of history exist."""
    return case.evidence.trailing_12m_credit if case.evidence is not None else None


# ---------------------------------------------------------------- contradictions (第十一条)

def _bad_debt_contradiction(case: _Case) -> Contradiction | None:
    ledger = _ledger_bad_debt(case)
    if case.survey.no_bad_debt_2y is True and ledger is not None:
        return Contradiction(field="no_bad_debt_2y", form_says="是", ledger_says=ledger)
    return None


def _coop_start_contradiction(case: _Case) -> Contradiction | None:
    # first_ledger_month is the first day of a month whose entries may come
    # later in it, so only a later month contradicts the ledger.
    form, first = case.survey.coop_start, _ledger_first_month(case)
    if form is None or first is None or (form.year, form.month) <= (first.year, first.month):
        return None
    return Contradiction(field="coop_start", form_says=_ymd(form),
                         ledger_says=f"台账最早往来在{first:%Y-%m}")


CONTRADICTION_CHECKS: tuple[Callable[[_Case], Contradiction | None], ...] = (
    _bad_debt_contradiction,
    _coop_start_contradiction,
)

_CONSEQUENCE = {
    "no_bad_debt_2y": "按较差者评定",
    "coop_start": "合作年限按较早者计算",
}


def _contradiction_reason(c: Contradiction) -> str:
    consequence = _CONSEQUENCE.get(c.field, "按较差者评定")
    return (f"{article(CROSS_CHECK_ARTICLE)} 调查表与台账不符：“{_label(c.field)}”填“{c.form_says}”，"
            f"台账：{c.ledger_says}，{consequence}")


# ---------------------------------------------------------------- C conditions (第十六条)

def _c_condition(k: int, met: bool, facts: str) -> Condition:
    return Condition(code=f"C{k}", article=article(C_ARTICLE), met=met, facts=facts)


def _c1_bad_debt(case: _Case) -> Condition:
    form = case.survey.no_bad_debt_2y
    ledger = _ledger_bad_debt(case)
    sources = []
    if form is False:
        sources.append("调查表填“否”")
    if ledger is not None:
        sources.append(f"台账：{ledger}")
    if not sources:
        return _c_condition(1, False, f"{_label('no_bad_debt_2y')}：{_yes_no(form)}")
    what = "不良欠款、欠货或严重违约" if form is False else "不良欠款"
    return _c_condition(1, True, f"近两年有{what}({'；'.join(sources)})")


def _c4_weak_finances(case: _Case) -> Condition:
    s = case.survey
    bad = []
    if s.capital_strength == "不足":
        bad.append("资金实力不足")
    if s.solvency == "较差":
        bad.append("偿债能力较差")
    if bad:
        return _c_condition(4, True, "、".join(bad))
    return _c_condition(4, False, f"资金实力：{s.capital_strength or BLANK}，偿债能力：{s.solvency or BLANK}")


def _c_yes_no(k: int, name: str, statement: str) -> Callable[[_Case], Condition]:
    """A C condition that is a single yes/no answer on the form."""

    def judge(case: _Case) -> Condition:
        value = getattr(case.survey, name)
        if value is True:
            return _c_condition(k, True, statement)
        return _c_condition(k, False, f"{_label(name)}：{_yes_no(value)}")

    judge.__name__ = f"_c{k}_{name}"
    return judge


C_JUDGES: tuple[Callable[[_Case], Condition], ...] = (
    _c1_bad_debt,
    _c_yes_no(2, "breaks_promises", "经常不兑现承诺"),
    _c_yes_no(3, "debt_disputes", "出现不良债务纠纷或严重转移资产"),
    _c4_weak_finances,
    _c_yes_no(5, "poor_operation", "生产经营不良、严重亏损或营业额持续多月下滑"),
    _c_yes_no(6, "sales_decline", "产品生产、销售连续严重下滑或有不公正行为"),
    _c_yes_no(7, "illegal_operation", "有严重违法经营现象"),
    _c_yes_no(8, "ordered_closure", "被国家机关责令停业、整改"),
    _c_yes_no(9, "account_freeze_risk", "有被查封、冻结银行账户的危险"),
)


# ---------------------------------------------------------------- A conditions (第十五条)

def _a_condition(k: int, met: bool, facts: str) -> Condition:
    return Condition(code=f"A{k}", article=article(A_ARTICLE), met=met, facts=facts)


def _years_before(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 Feb falls back to 28 Feb."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _full_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def _duration(months: int) -> str:
    years, rest = divmod(months, 12)
    if months <= 0:
        return "不足1个月"
    return (f"{years}年" if years else "") + (f"{rest}个月" if rest else "")


def _cooperation_start(case: _Case) -> tuple[date | None, bool]:
    """The earlier of the form's coop_start and the first ledger month; True if from the ledger."""
    form, ledger = case.survey.coop_start, _ledger_first_month(case)
    if ledger is not None and (form is None or ledger < form):
        return ledger, True
    return form, False


def _a1_cooperation(case: _Case) -> Condition:
    start, from_ledger = _cooperation_start(case)
    years = case.policy.coop_min_years
    if start is None:
        return _a_condition(1, False, f"合作开始日期{BLANK}，台账也无往来记录")
    if start > case.as_of:
        return _a_condition(1, False, f"合作开始日期{_ymd(start)}晚于评定日期{_ymd(case.as_of)}")
    met = start <= _years_before(case.as_of, years)
    since = f"自{_ymd(start)}" + ("，台账首月" if from_ledger else "")
    facts = f"合作{_duration(_full_months(start, case.as_of))}（{since}）"
    return _a_condition(1, met, facts if met else f"{facts}，不足{years}年")


def _a2_no_bad_debt(case: _Case) -> Condition:
    form = case.survey.no_bad_debt_2y
    ledger = _ledger_bad_debt(case)
    if form is None:
        return _a_condition(2, False, f"{_label('no_bad_debt_2y')}{BLANK}")
    if form is False:
        return _a_condition(2, False, "近两年有不良欠款、欠货或严重违约（调查表填“否”）")
    if ledger is not None:
        return _a_condition(2, False, f"近两年有不良欠款（台账：{ledger}）")
    facts = "近两年无不良欠款、欠货及严重违约"
    ev = case.evidence
    if ev is not None and ev.worst_overdue_days_24m > 0:
        facts += (f"（台账近{case.policy.bad_arrears_lookback_months}个月最长逾期"
                  f"{ev.worst_overdue_days_24m}天，未超过{case.policy.bad_arrears_days}天）")
    return _a_condition(2, True, facts)


def _a3_lawful(case: _Case) -> Condition:
    value = case.survey.lawful_keeps_promises
    label = _label("lawful_keeps_promises")
    if value is True:
        return _a_condition(3, True, label)
    return _a_condition(3, False, f"{label}{BLANK}" if value is None else f"{label}填“否”")


def _a4_operation(case: _Case) -> Condition:
    value = case.survey.operation_2y
    if value == "良好":
        return _a_condition(4, True, "最近连续两年经营状况良好")
    if value is None:
        return _a_condition(4, False, f"最近连续两年经营状况{BLANK}")
    return _a_condition(4, False, f"最近连续两年经营状况为“{value}”")


def _a5_finances(case: _Case) -> Condition:
    s = case.survey
    if s.capital_strength == "雄厚" and s.solvency == "强":
        return _a_condition(5, True, "资金实力雄厚、偿债能力强")
    short = []
    for name, wanted in (("capital_strength", "雄厚"), ("solvency", "强")):
        value = getattr(s, name)
        if value != wanted:
            short.append(f"{_label(name)}{BLANK}" if value is None else f"{_label(name)}为“{value}”")
    return _a_condition(5, False, "、".join(short))


def _a6_annual_standard(case: _Case) -> Condition:
    credit = _ledger_trailing_credit(case)
    turnover = "到货" if case.survey.counterparty_type == "供应商" else "回款"
    if credit is not None:
        standard = case.policy.annual_standard
        met = credit >= standard
        verdict = "达到" if met else "未达到"
        return _a_condition(6, met, f"近12个月{turnover}{_yuan(credit)}，{verdict}公司标准{_yuan(standard)}（台账）")
    value = case.survey.annual_standard_met
    basis = ("无台账历史" if case.evidence is None else "台账历史不足12个月") + "，按调查表"
    if value is True:
        return _a_condition(6, True, f"年度回款、发货达到公司标准（{basis}）")
    if value is None:
        return _a_condition(6, False, f"{_label('annual_standard_met')}{BLANK}（{basis}）")
    return _a_condition(6, False, f"年度回款、发货未达到公司标准（{basis}，填“否”）")


A_JUDGES: tuple[Callable[[_Case], Condition], ...] = (
    _a1_cooperation,
    _a2_no_bad_debt,
    _a3_lawful,
    _a4_operation,
    _a5_finances,
    _a6_annual_standard,
)


# ---------------------------------------------------------------- completeness (第十八条)

# The form answers the C and A conditions are judged on: a blank one means
# the grade rests on a guess, so the form counts as incomplete.
ANSWER_FIELDS = (
    "no_bad_debt_2y", "breaks_promises", "debt_disputes", "capital_strength", "solvency",
    "poor_operation", "sales_decline", "illegal_operation", "ordered_closure",
    "account_freeze_risk", "lawful_keeps_promises", "operation_2y",
)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_data(case: _Case) -> list[str]:
    """Field names whose absence keeps the counterparty out of A, in form order."""
    s = case.survey
    missing: list[str] = []
    for name in case.policy.key_data_fields:
        if name == BANKS:
            if not s.banks:
                missing.append(name)
            continue
        if name not in BY_NAME or not hasattr(s, name):
            raise ValueError(f"关键资料字段“{name}”不是调查评定表的字段")
        if _is_blank(getattr(s, name)):
            missing.append(name)
    for name in ANSWER_FIELDS:
        if getattr(s, name) is None:
            missing.append(name)
    if s.coop_start is None and _ledger_first_month(case) is None:
        missing.append("coop_start")  # A(1) cannot be judged at all
    if s.annual_standard_met is None and _ledger_trailing_credit(case) is None:
        missing.append("annual_standard_met")  # A(6) needs the form when the ledger is short
    return list(dict.fromkeys(missing))
