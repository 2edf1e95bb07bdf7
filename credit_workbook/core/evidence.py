"""What the ledger history says for grading (第十一、十五、十六条) and caps (第二十六、二十七条).

Grading consumes only ``LedgerEvidence``; this module is the one place that
turns a ``CounterpartyHistory`` into it, so positions, aging and evidence
cannot drift apart. Nothing after ``as_of`` is looked at: a rating redone
for a past date must come out as it would have then.
"""

from __future__ import annotations

from datetime import date

from credit_workbook.core.aging import Episode, overdue_episodes
from credit_workbook.core.history import (
    ZERO,
    CounterpartyHistory,
    add_months,
    first_day,
    month_of,
    months_between,
    shift_months,
)
from credit_workbook.core.model import LedgerEvidence
from credit_workbook.core.positions import (
    averages,
    month_end_exposures,
    positions_series,
)
from credit_workbook.policy import GradingPolicy

ANNUAL_MONTHS = 12  # 第十五条(6): 年度回款 is a 12-month figure, whatever the averaging window


def build_evidence(history: CounterpartyHistory, as_of: date, policy: GradingPolicy,
                   term_days: int, episodes: list[Episode] | None = None) -> LedgerEvidence:
    """The ledger's testimony at ``as_of``; ``term_days`` is the approved term (0 without credit).

    ``episodes``: ``overdue_episodes(history.until(as_of), term_days, as_of)``
    when the caller has them already (the evaluation replays once for aging and evidence).
    """
    h = history.until(as_of)
    eval_month = month_of(as_of)
    months = months_between(h.start_month, eval_month)
    if months == 0:
        return LedgerEvidence()

    trailing = None
    if months >= ANNUAL_MONTHS:
        window = positions_series(h, add_months(eval_month, 1 - ANNUAL_MONTHS), eval_month)
        trailing = sum((p.credit for p in window), ZERO)

    worst = worst_overdue(h, as_of, term_days, policy.bad_arrears_lookback_months, episodes)
    worst_days, worst_month = 0, None
    if worst is not None:
        worst_days = worst.days_overdue_max
        crossed = worst.crossed_on(policy.bad_arrears_days)
        worst_month = month_of(crossed if crossed is not None else (worst.settled_on or as_of))

    avg_debit, avg_credit = averages(h, eval_month, policy.window_months)
    return LedgerEvidence(
        first_ledger_month=first_ledger_month(h),
        months_of_history=months,
        trailing_12m_credit=trailing,
        worst_overdue_days_24m=worst_days,
        worst_overdue_month=worst_month,
        had_exposure=any(balance > 0 for _, balance in month_end_exposures(h, eval_month)),
        avg_debit=avg_debit,
        avg_credit=avg_credit,
    )


def first_ledger_month(history: CounterpartyHistory) -> date | None:
    """First day of the first month this counterparty appears with money, on any account.

    Cooperation (第十五条(1)) is shown by any dealing, so the other role's
    accounts count here even though they are not this role's exposure. A
    non-zero opening means the dealings predate the ledgers: the history's
    first month is then the earliest the data can vouch for.
    """
    months = []
    if any(v != 0 for v in history.openings.values()):
        months.append(history.start_month)
    first_move = min((m.day for m in history.movements if m.debit or m.credit), default=None)
    if first_move is not None:
        months.append(month_of(first_move))
    months += [s.month for s in history.summaries
               if any(v != 0 for v in (s.opening, s.debit, s.credit, s.closing))]
    return first_day(min(months)) if months else None


def worst_overdue(history: CounterpartyHistory, as_of: date, term_days: int,
                  lookback_months: int, episodes: list[Episode] | None = None) -> Episode | None:
    """The longest overdue episode that was still overdue on some day of the lookback.

    The lookback is the days after ``as_of`` − ``lookback_months`` (same
    calendar day) up to ``as_of``. An item's overdue days run from due + 1
    to the day it was paid (or ``as_of``), so an item paid on the first
    day of the lookback counts, with all its days — it was that late then —
    and one paid on the day before does not. Ties go to the most recent.
    """
    window_start = shift_months(as_of, -lookback_months)
    best: Episode | None = None
    best_key: tuple[int, date] | None = None
    for ep in overdue_episodes(history, term_days, as_of) if episodes is None else episodes:
        end = ep.settled_on or as_of
        if ep.days_overdue_max <= 0 or end <= window_start:
            continue
        key = (ep.days_overdue_max, end)
        if best_key is None or key > best_key:
            best, best_key = ep, key
    return best

