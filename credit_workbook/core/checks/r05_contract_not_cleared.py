"""R05 — 合同期内未清零 (第三十六条: 合同期内……欠款要回收清零一次).

The balance must have been brought to zero (an end-of-day balance ≤ 0) at
least once on some day since the contract started. When the contract ended
in or before this month without that, it is a breach (红); when it ends within
``contract_notice_days`` after the month end and it has not happened yet, a
warning (黄) while there is still time.

The search runs up to the evaluation date, not only to the contract end: once
the money is back the flag stops, because there is nothing left to chase (the
months in which it was missing already reported it). Before the ledger
history began nothing can be seen, so a contract older than the history is
judged from the history's start. Without a contract start the history's
start is used too. Rows without approved credit (核定类型 无) or without a
contract end are not judged: the register already warns about the latter.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.history import CounterpartyHistory
from credit_workbook.core.model import Flag

from .common import end_of_day_balances, item_places, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R05", article(36)


def first_zero_day(history: CounterpartyHistory, first: date, last: date) -> tuple[date | None, date, Decimal]:
    """(first day with end-of-day balance ≤ 0 or None, the lowest day, its balance) over ``first``..``last``."""
    low_day, low = first, None
    for day, balance in end_of_day_balances(history, first, last):
        if balance <= 0:
            return day, day, balance
        if low is None or balance < low:
            low_day, low = day, balance
    return None, low_day, low


def check(ctx: CheckContext) -> list[Flag]:
    ap, history = ctx.cp.approved, ctx.history
    if ap is None or ap.credit_type in (None, "无") or ap.contract_end is None or history is None:
        return []
    end = ap.contract_end
    notice = ctx.policy.checks.contract_notice_days
    if end <= ctx.month_end:
        worse = True
    elif end <= ctx.month_end + timedelta(days=notice):
        worse = False
    else:
        return []
    first = max(ap.contract_start or history.history_start, history.history_start)
    if first > ctx.as_of:
        return []
    zero_day, low_day, low = first_zero_day(history, first, ctx.as_of)
    if zero_day is not None:
        return []

    current = ctx.cp.exposure
    period = f"合同期 {ymd(ap.contract_start)} 至 {ymd(end)}" if ap.contract_start else f"合同 {ymd(end)} 到期"
    seen = f"（台账自 {ymd(first)} 起）" if ap.contract_start is None or ap.contract_start < first else ""
    if worse:
        head = f"{period}，已于 {ymd(end)} 到期，合同期内余额从未清零{seen}"
    else:
        head = (f"{period}，将于 {ymd(end)} 到期（月末后 {(end - ctx.month_end).days} 天），"
                f"合同开始以来余额尚未清零{seen}")
    message = (f"{head}：期间最低日终余额 {yuan(low)}（{ymd(low_day)}），截至 {ymd(ctx.as_of)} 仍占用 "
               f"{yuan(current)}。第三十六条：合同期内预付款发货、赊销欠款要回收清零一次")
    return [make_flag(ctx, RULE, ARTICLE, message, current, worse=worse,
                      places=item_places(history, ctx.cp.aging.open_items if ctx.cp.aging else ()),
                      contract_start=ap.contract_start, contract_end=end, lowest=low, lowest_on=low_day,
                      register_place=ap.place)]
