"""R04 — 月末逾期 (第三十五条: 必须定期对帐、清帐): what is past its due date at the evaluation date.

A short delay is a warning to chase (黄); beyond ``overdue_red_after_days``
(30: a whole term again) it is a breach (红). The boundary follows the aging
buckets: exactly 30 days overdue is still "1-30" and 黄, 31 days is 红.
Due dates use the approved term (0 days without approved credit), the same
aging the 执行评价表 shows, so the flag and the table never disagree.
"""

from __future__ import annotations

from credit_workbook.core.aging import BUCKET_KEYS, NOT_DUE
from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag

from .common import item_places, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R04", article(35)


def bucket_label(key: str) -> str:
    return "逾期360天以上" if key == ">360" else f"逾期{key}天"


def check(ctx: CheckContext) -> list[Flag]:
    aging = ctx.cp.aging
    if aging is None or aging.overdue <= 0:
        return []
    red_after = ctx.policy.checks.overdue_red_after_days
    worse = aging.max_overdue_days > red_after
    overdue_items = [i for i in aging.open_items if i.days_overdue(ctx.as_of) > 0]
    oldest = overdue_items[0]
    buckets = "、".join(f"{bucket_label(k)} {yuan(aging.buckets[k])}" for k in BUCKET_KEYS
                        if k != NOT_DUE and aging.buckets[k] > 0)
    message = (f"截至 {ymd(ctx.as_of)} 逾期未收回 {yuan(aging.overdue)}（{buckets}），最长逾期 "
               f"{aging.max_overdue_days} 天：{ymd(oldest.day)} {oldest.ref or '(无凭证号)'} 尚欠 {yuan(oldest.amount)}，"
               f"{ymd(oldest.due)} 到期；"
               + (f"逾期超过 {red_after} 天" if worse else f"逾期未超过 {red_after} 天，请及时催收")
               + "。第三十五条：预付、赊销客户必须定期对帐、清帐")
    return [make_flag(ctx, RULE, ARTICLE, message, aging.overdue, worse=worse,
                      places=item_places(ctx.history, overdue_items),
                      max_overdue_days=aging.max_overdue_days,
                      buckets={k: aging.buckets[k] for k in BUCKET_KEYS if k != NOT_DUE})]
