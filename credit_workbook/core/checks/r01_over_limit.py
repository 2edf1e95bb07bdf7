"""R01 — 超额度占用 (第三十二条, 第三十三条): the month's peak exposure above the approved limit.

The limit is 客户占用我公司资金的最高额度 (第二十二条), so it binds every
day, not only the month end: the peak is the highest end-of-day exposure of
the month, the opening (last month's closing) included, and equal to the
limit is still within it (最高不超过).

"Covered" (第三十二条: 超出信用额度的预付款和发货，必须在得到上级相关部门的正式
批准文书之后，方可办理) means: one 超额审批 of this counterparty whose 批准日期
is on or before the first day of the breach and whose 批准金额 is at least
the month's biggest excess. An approval signed after the goods left, or for
less than was actually advanced, does not cover it. A covered breach raises
no flag: it was done the way the policy allows.

The first day of the breach is the first day whose end-of-day exposure
exceeded the limit. When the month opens already over the limit, the breach
began earlier: it is followed back, day by day, to where it started (but
not before the contract started — there was no limit to exceed before), so
an approval dated inside a breach that was already running does not cover it.

Without daily detail (a month known only from a 余额表) the days over the
limit cannot be counted; the breach is then taken to start on the month's
first day, the cautious side, as the history replays such a month's debit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag
from credit_workbook.core.positions import MonthPosition

from .common import ONE_DAY, day_ranges, debit_places, end_of_day_balances, exposure, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R01", article(32)


def check(ctx: CheckContext) -> list[Flag]:
    limit, pos = ctx.approved_limit, ctx.cp.position
    if limit is None or pos is None or pos.peak_exposure <= limit:
        return []
    peak = pos.peak_exposure
    excess = peak - limit
    carried = exposure(pos.opening) > limit
    over_days: tuple[date, ...] | None = None
    if pos.detail:
        days = list(_month_days(pos, ctx.month_start, min(ctx.month_end, ctx.as_of)))
        over_days = tuple(d for d, balance in days if exposure(balance) > limit)
    if carried:
        start = _carried_breach_start(ctx, limit)
    else:
        start = over_days[0] if over_days else ctx.month_start
    if any(a.approved_on <= start and a.amount >= excess for a in ctx.overlimit):
        return []

    if over_days is None:
        days_text = "本月仅有余额表，无逐日明细，超额天数无法计算"
    elif over_days:
        days_text = f"日终占用超过额度 {len(over_days)} 天：{day_ranges(over_days)}"
    else:
        days_text = "本月各日日终占用已回到额度以内"
    peak_at = "月初余额" if exposure(pos.opening) == peak else _peak_day_text(pos, peak)
    message = (f"本月最高占用 {yuan(peak)}（{peak_at}），超过核定额度 {yuan(limit)}，超出 {yuan(excess)}；"
               f"{days_text}；首次超额 {ymd(start)}{'（上月结转）' if start < ctx.month_start else ''}；"
               f"{_approvals_text(ctx, start, excess)}。"
               f"第三十二条：超出信用额度的预付款和发货须先取得正式批准文书方可办理；"
               f"第三十三条：应在较短期间内压缩至信用额度之内")
    places = [p for d in over_days or () for p in debit_places(ctx.history, d)]
    ap = ctx.cp.approved
    return [make_flag(ctx, RULE, ARTICLE, message, excess, places=places, limit=limit, peak=peak,
                      excess=excess, days=over_days, first_breach=start,
                      register_place=getattr(ap, "place", ""))]


def _month_days(pos: MonthPosition, first: date, last: date) -> Iterator[tuple[date, Decimal]]:
    """Every day's end-of-day balance: ``daily_closing`` lists only days with movements."""
    closing = dict(pos.daily_closing)
    balance = pos.opening
    day = first
    while day <= last:
        balance = closing.get(day, balance)
        yield day, balance
        day += ONE_DAY


def _carried_breach_start(ctx: CheckContext, limit: Decimal) -> date:
    """The first day of the over-limit spell the month opened in."""
    history = ctx.history
    first = history.history_start
    contract_start = getattr(ctx.cp.approved, "contract_start", None)
    if contract_start is not None and contract_start > first:
        first = contract_start
    start = ctx.month_start  # a contract that starts this month: the breach starts with it
    if first < ctx.month_start:
        spell = None
        for day, balance in end_of_day_balances(history, first, ctx.month_start - ONE_DAY):
            if exposure(balance) > limit:
                spell = spell or day
            else:
                spell = None
        start = spell or ctx.month_start
    return start


def _peak_day_text(pos: MonthPosition, peak: Decimal) -> str:
    day = next((d for d, balance in pos.daily_closing if exposure(balance) == peak), None)
    return f"{ymd(day)}日终" if day else "月末余额"


def _approvals_text(ctx: CheckContext, start: date, excess: Decimal) -> str:
    if not ctx.overlimit:
        return "无超额审批"
    parts = []
    for a in ctx.overlimit:
        why = []
        if a.approved_on > start:
            why.append("批准日期晚于首次超额日")
        if a.amount < excess:
            why.append(f"批准金额少于超出额 {yuan(excess)}")
        parts.append(f"超额审批 {a.doc_no}（{ymd(a.approved_on)} 批准，{yuan(a.amount)}）{'、'.join(why)}")
    return "；".join(parts) + "，不能覆盖本次超额"
