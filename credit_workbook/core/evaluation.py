"""The month's evaluation of every counterparty: survey, ledger history and register together.

Pure: surveys already checked, histories already loaded, the register
already read. For each counterparty it brings the ledger's evidence into
the grade (第十一条: the worse answer counts), the register's approved limit
into the caps (从低), and the period's position and aging beside them; for
the company it totals approved limits against the 1 January exposure
(第二十四条第2款①).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core.aging import Aging, age, age_and_episodes, overdue_episodes
from credit_workbook.core.evidence import build_evidence
from credit_workbook.core.history import CounterpartyHistory, month_of
from credit_workbook.core.model import LedgerEvidence, Problem, Survey
from credit_workbook.core.positions import MonthPosition, month_positions, total_exposure_on
from credit_workbook.core.rating import Rating, rate
from credit_workbook.policy import Policy

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CounterpartyMonth:
    code: str
    name: str
    counterparty_type: str | None
    survey: Survey | None  # None: active in the ledger but no survey (第十三条 all must be rated)
    problems: tuple[Problem, ...]
    rating: Rating | None
    evidence: LedgerEvidence | None
    approved: object | None  # register_checks.ApprovedCredit
    position: MonthPosition | None
    aging: Aging | None

    @property
    def exposure(self) -> Decimal:
        return max(self.position.closing, ZERO) if self.position else ZERO


@dataclass(frozen=True)
class CompanyTotal:
    approved: Decimal  # sum of approved limits
    jan1_exposure: Decimal | None  # None: history does not reach 1 January
    exceeded: bool | None


def approved_term(approved) -> int:
    """Due dates use the approved term; without approved credit every debit is due at once."""
    if approved is None or approved.credit_type in (None, "无") or not approved.term_days:
        return 0
    return approved.term_days


def evaluate_counterparty(code: str, survey: Survey | None, problems: tuple[Problem, ...],
                          history: CounterpartyHistory | None, approved, policy: Policy,
                          period: str, as_of: date, name: str = "") -> CounterpartyMonth:
    term = approved_term(approved)
    evidence = position = aging = None
    if history is not None:
        # Aging replays the whole history up to as_of, the evidence the history cut at as_of: the same
        # replay when nothing lies after as_of (the usual month end), so it is done once for both.
        cut = history.until(as_of)
        if cut is history:
            whole_aging, episodes = age_and_episodes(history, as_of, term)
        else:
            whole_aging, episodes = None, overdue_episodes(cut, term, as_of)
        evidence = build_evidence(history, as_of, policy.grading, term, episodes)
        if period >= history.start_month:
            position = month_positions(cut, period)
            aging = whole_aging if whole_aging is not None else age(history, as_of, term)
    rating = None
    if survey is not None:
        limit = approved.limit if approved is not None and approved.credit_type not in (None, "无") else None
        rating = rate(survey, problems, evidence, policy, as_of, limit)
    kind = survey.counterparty_type if survey else (history.counterparty_type if history else None)
    return CounterpartyMonth(code, survey.customer_name if survey else name, kind, survey, problems, rating,
                             evidence, approved, position, aging)


def company_total(histories: list[CounterpartyHistory], approved: list, as_of: date) -> CompanyTotal:
    total = sum((a.limit for a in approved if a.credit_type not in (None, "无")), ZERO)
    jan1 = total_exposure_on(histories, date(as_of.year - 1, 12, 31)) if histories else None
    return CompanyTotal(total, jan1, None if jan1 is None else total > jan1)


def default_period(latest: str | None, today: date) -> str:
    return latest or month_of(today)
