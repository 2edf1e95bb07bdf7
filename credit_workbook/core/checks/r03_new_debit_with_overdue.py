"""R03 — 前欠未清又发货/预付 (第三十五条): a new debit on a day that began with an overdue item.

第三十五条: 上次欠款未结清前，原则上不再进行新的预付款、赊销. "上次欠款未结清"
is read as an item already past its due date (due before the day): an item
not yet due is the credit the limit allows, not arrears.

The test is made on the day as it *began* (the history up to the day
before): a ledger does not say whether a receipt posted the same day came
before or after the shipment, so a same-day receipt does not excuse it. The
``check`` command (``shipment.decide``) asks the same question, so what it
lets through this rule never flags.

Due dates follow the approved term (0 days without approved credit: every
shipment is due at once), as in the month's aging. Debits of a month known
only from a 余额表 have no real day and are not judged here.
"""

from __future__ import annotations

from datetime import date

from credit_workbook.core.aging import OpenItem, age, overdue_at_day_starts
from credit_workbook.core.articles import article
from credit_workbook.core.evaluation import approved_term
from credit_workbook.core.history import CounterpartyHistory, flows
from credit_workbook.core.model import Flag

from .common import ONE_DAY, ZERO, debit_places, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R03", article(35)


def overdue_at_start(history: CounterpartyHistory, day: date, term_days: int) -> tuple[OpenItem, ...]:
    """The items still open when ``day`` began that were already past their due date, oldest first."""
    return tuple(i for i in age(history, day - ONE_DAY, term_days).open_items if i.due < day)


def check(ctx: CheckContext) -> list[Flag]:
    history = ctx.history
    if history is None:
        return []
    term = approved_term(ctx.cp.approved)
    last = min(ctx.month_end, ctx.as_of)
    shipments = [f for f in flows(history)
                 if ctx.month_start <= f.day <= last and f.debit > 0 and f.detail]
    overdue = overdue_at_day_starts(history, term, (f.day for f in shipments))
    offenders = [(f, overdue[f.day]) for f in shipments if overdue[f.day]]
    if not offenders:
        return []

    total = sum((f.debit for f, _ in offenders), ZERO)
    owed = {day: sum((i.amount for i in items), ZERO) for day, items in overdue.items() if items}  # once a day
    lines, places, debits = [], [], []
    for f, overdue in offenders:
        oldest = overdue[0]
        days = (f.day - oldest.due).days
        lines.append(f"{ymd(f.day)} {f.ref or '(无凭证号)'} 借方 {yuan(f.debit)}（当日前欠未清：{ymd(oldest.day)} "
                     f"{oldest.ref or '(无凭证号)'} 尚欠 {yuan(oldest.amount)}，{ymd(oldest.due)} 到期，已逾期 {days} 天；"
                     f"逾期合计 {yuan(owed[f.day])}）")
        places += debit_places(history, f.day, f.ref)
        debits.append({"day": f.day, "ref": f.ref, "amount": f.debit, "oldest_item_day": oldest.day,
                       "oldest_item_ref": oldest.ref, "oldest_item_amount": oldest.amount, "days_overdue": days})
    message = (f"前欠未清又新增预付/赊销 {len(offenders)} 笔，共 {yuan(total)}：{'；'.join(lines)}。"
               f"第三十五条：上次欠款未结清前，原则上不再进行新的预付款、赊销")
    return [make_flag(ctx, RULE, ARTICLE, message, total, places=places, debits=tuple(debits))]
