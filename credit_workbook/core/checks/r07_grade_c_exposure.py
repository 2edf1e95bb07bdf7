"""R07 — C级客户占用资金 (第二十八条: 对于评为C级的客户，公司不予授信，不给予任何预付款和赊销).

Any month-end exposure of a C counterparty is a breach, whatever the
register says: a limit approved before the downgrade does not survive it.
A counterparty without a survey has no grade and is left to R02/R12.
"""

from __future__ import annotations

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag, Grade

from .common import item_places, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R07", article(28)


def check(ctx: CheckContext) -> list[Flag]:
    rating = ctx.cp.rating
    if rating is None or rating.result.grade is not Grade.C or ctx.cp.exposure <= 0:
        return []
    owed = ctx.cp.exposure
    why = "；".join(rating.result.reasons[:2])
    message = (f"C级客户截至 {ymd(ctx.as_of)} 仍占用 {yuan(owed)}（评定依据：{why}）。"
               f"第二十八条：C级客户不予授信，不给予任何预付款和赊销，应立即清收")
    return [make_flag(ctx, RULE, ARTICLE, message, owed,
                      places=item_places(ctx.history, ctx.cp.aging.open_items if ctx.cp.aging else ()))]
