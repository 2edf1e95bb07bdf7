"""Exposure (占用我方资金) per month and per day, and the averages the caps rest on (SPEC §5).

All balances here are signed (+ = money of ours the counterparty holds; −
= it holds a prepayment from us, i.e. 预收 for a customer). The checks use
``max(balance, 0)``; keeping the sign here lets a report show a customer's
prepayment instead of a silent zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from credit_workbook.core.history import (
    CENT,
    ZERO,
    CounterpartyHistory,
    add_months,
    flows,
    last_day,
    month_range,
    months_between,
    opening_balance,
    parse_month,
)


@dataclass(frozen=True)
class MonthPosition:
    """One counterparty's exposure in one month.

    ``detail`` is False when any of the month came from a 余额表 only: then
    ``peak`` is max(opening, closing) — the best a month total can say, and
    possibly lower than the true intra-month peak — and ``daily_closing`` is empty.
    """

    month: str
    opening: Decimal
    debit: Decimal  # 发货 / 预付 turnover
    credit: Decimal  # 回款 / 到货 turnover
    closing: Decimal
    peak: Decimal  # max end-of-day balance, the opening included
    detail: bool = True
    daily_closing: tuple[tuple[date, Decimal], ...] = ()  # end-of-day balance, days with movements

    @property
    def exposure(self) -> Decimal:
        """Month-end exposure as the checks use it."""
        return max(self.closing, ZERO)

    @property
    def peak_exposure(self) -> Decimal:
        return max(self.peak, ZERO)


def positions_series(history: CounterpartyHistory, first_month: str,
                     last_month: str) -> tuple[MonthPosition, ...]:
    """Positions of every month ``first_month``..``last_month``.

    Months before the company's history start cannot be known and are refused.
    """
    parse_month(first_month)
    parse_month(last_month)
    if first_month < history.start_month:
        raise ValueError(f"{first_month} 早于台账历史起点 {history.start_month}，无法计算")
    if months_between(first_month, last_month) == 0:
        return ()
    return _series_from_start(history, last_month)[months_between(history.start_month, first_month) - 1:]


def _series_from_start(history: CounterpartyHistory, last_month: str) -> tuple[MonthPosition, ...]:
    """Every month from the history's start through ``last_month``, from one replay of the flows.

    A month's position does not depend on which month a report starts from,
    so the evaluation's position, averages, 12-month window and month-end
    exposures all slice this one series, kept on the (immutable) history.
    """
    cache = history.__dict__.setdefault("_series", {})
    if last_month not in cache:
        cache[last_month] = _replay_months(history, month_range(history.start_month, last_month))
    return cache[last_month]


def _replay_months(history: CounterpartyHistory, months: tuple[str, ...]) -> tuple[MonthPosition, ...]:
    stream = flows(history)
    balance = opening_balance(history)
    i = 0
    out = []
    for month in months:
        end = last_day(month)
        opening = balance
        debit = credit = ZERO
        detail = True
        daily: list[tuple[date, Decimal]] = []
        while i < len(stream) and stream[i].day <= end:
            f = stream[i]
            debit += f.debit
            credit += f.credit
            balance += f.debit - f.credit
            detail = detail and f.detail
            if daily and daily[-1][0] == f.day:
                daily[-1] = (f.day, balance)
            else:
                daily.append((f.day, balance))
            i += 1
        if detail:
            peak = max([opening] + [b for _, b in daily])
        else:
            peak, daily = max(opening, balance), []
        out.append(MonthPosition(month, opening, debit, credit, balance, peak, detail, tuple(daily)))
    return tuple(out)


def month_positions(history: CounterpartyHistory, month: str) -> MonthPosition:
    return positions_series(history, month, month)[0]


def averages(history: CounterpartyHistory, eval_month: str,
             window_months: int = 12) -> tuple[Decimal, Decimal]:
    """平均月发货额 and 平均月回款额 (avg_debit, avg_credit) over the window ending with ``eval_month``.

    The divisor is the number of window months the company's history covers:
    a month without entries is a real 0, but a month before the ledgers
    began is unknown, and dividing by it would punish a young history.
    """
    if window_months <= 0:
        raise ValueError("平均月数必须大于0")
    first = max(add_months(eval_month, 1 - window_months), history.start_month)
    series = positions_series(history, first, eval_month) if first <= eval_month else ()
    if not series:
        return ZERO, ZERO
    n = Decimal(len(series))
    debit = sum((p.debit for p in series), ZERO)
    credit = sum((p.credit for p in series), ZERO)
    return ((debit / n).quantize(CENT, rounding=ROUND_HALF_UP),
            (credit / n).quantize(CENT, rounding=ROUND_HALF_UP))


def exposure_on(history: CounterpartyHistory, day: date) -> Decimal | None:
    """Signed balance at the end of ``day``; None when the history does not reach back that far.

    The end of the day before ``history_start`` is known: it is the opening.
    Inside a 余额表 month the balance follows that month's replay (debit on
    the 1st, credit on the last day); it is exact at the month's end.
    """
    if day < history.history_start - timedelta(days=1):
        return None
    balance = opening_balance(history)
    for f in flows(history):
        if f.day > day:
            break
        balance += f.debit - f.credit
    return balance


def jan1_exposure(history: CounterpartyHistory, year: int) -> Decimal | None:
    """The exposure "at 1 January" of ``year`` (第24条第2款①): the balance at the start of 1 January.

    That is the end of 31 December before it, i.e. last year's closing — the
    figure finance reads off the year-end 余额表, with nothing of January in it.
    """
    return exposure_on(history, date(year - 1, 12, 31))


def total_exposure_on(histories: list[CounterpartyHistory] | tuple[CounterpartyHistory, ...],
                      day: date) -> Decimal | None:
    """Sum of exposures (each max(balance, 0)) at the end of ``day``; None if any history is too short.

    Clamped per counterparty: one customer's prepayment does not reduce the
    money another one holds.
    """
    total = ZERO
    for h in histories:
        balance = exposure_on(h, day)
        if balance is None:
            return None
        total += max(balance, ZERO)
    return total


def month_end_exposures(history: CounterpartyHistory, last_month: str) -> tuple[tuple[str, Decimal], ...]:
    """(month, closing) from the month before history start (the opening) through ``last_month``."""
    before = add_months(history.start_month, -1)
    out = [(before, opening_balance(history))]
    if last_month >= history.start_month:
        out += [(p.month, p.closing) for p in positions_series(history, history.start_month, last_month)]
    return tuple(out)


__all__ = [
    "MonthPosition",
    "averages",
    "exposure_on",
    "jan1_exposure",
    "month_end_exposures",
    "month_positions",
    "positions_series",
    "total_exposure_on",
]
