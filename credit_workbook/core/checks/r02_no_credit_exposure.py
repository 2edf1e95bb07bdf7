"""R02 — 无信用额度却占用资金 (第三十四条): without approved credit the money owed may only go down.

第三十四条: 对于原来已有预付款、赊销欠款的不享有信用额度的客户……确保预付款、
欠款额只能减少不能增加. "Not holding a limit" is read from the register as
it stands for the month (``ctx.approved_limit`` is None: no row, 核定类型 无,
not approved, or a contract that does not reach into the month).

Any exposure left is a warning (黄: keep collecting); a closing above last
month's closing is a breach (红: it grew). The comparison is on the signed
balances, so a customer that moved from holding our prepayment to owing us
counts as an increase too. Equal is not an increase.
"""

from __future__ import annotations

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag

from .common import debit_places, exposure, item_places, make_flag, yuan
from .context import CheckContext

RULE, ARTICLE = "R02", article(34)


def check(ctx: CheckContext) -> list[Flag]:
    pos = ctx.cp.position
    if ctx.approved_limit is not None or pos is None or exposure(pos.closing) <= 0:
        return []
    closing = exposure(pos.closing)
    grew = pos.closing > pos.opening
    why = _no_credit_text(ctx)
    if grew:
        message = (f"{why}，月末占用 {yuan(closing)}，比上月末 {yuan(exposure(pos.opening))}"
                   f"增加 {yuan(closing - exposure(pos.opening))}（本月借方 {yuan(pos.debit)}、贷方 {yuan(pos.credit)}）；"
                   f"第三十四条：不享有信用额度的客户，欠款、预付款只能减少不能增加")
        places = [p for day, _ in pos.daily_closing for p in debit_places(ctx.history, day)]
    else:
        message = (f"{why}，月末仍占用 {yuan(closing)}（上月末 {yuan(exposure(pos.opening))}）；"
                   f"第三十四条：应加大清收力度，并采取担保、抵押等资产保全措施")
        places = item_places(ctx.history, ctx.cp.aging.open_items if ctx.cp.aging else ())
    return [make_flag(ctx, RULE, ARTICLE, message, closing, worse=grew, places=places,
                      opening=pos.opening, closing=pos.closing)]


def _no_credit_text(ctx: CheckContext) -> str:
    ap = ctx.cp.approved
    if ap is None:
        return "授信台账中无已批准的信用额度"
    if ap.credit_type in (None, "无"):
        return "授信台账核定类型为“无”（不授信）"
    if ap.contract_end and ap.contract_end < ctx.month_start:
        return f"合同已于 {ap.contract_end:%Y-%m-%d} 到期，信用额度不再有效"
    if ap.contract_start and ap.contract_start > ctx.month_end:
        return f"合同 {ap.contract_start:%Y-%m-%d} 才开始，本月尚无信用额度"
    return "本月无有效的信用额度"
