"""R12 — 调查表过期或缺失 (第十二条: 《客户信用调查评定表》每季度要全面更新一次; 第十三条: 所有交易客户都要评定).

Staleness is read the way a clerk keeps a renewal calendar: a form filled
on day D is next due on the same calendar day ``survey_stale_months`` later
(clamped to the month's end: filled 11-30 → due 02-28). On the due day it is
still current — it is due, not late; from the next day it is stale. So with
3 months a form dated 2026-03-31 is current through 2026-06-30 and stale on
2026-07-01. A form without a 填表日期 cannot show that it was renewed and is
treated as stale.

A counterparty with activity (a debit or credit this month, or money still
owed) but no survey at all is flagged too: it is trading unrated.
"""

from __future__ import annotations

from credit_workbook.core.articles import article
from credit_workbook.core.history import shift_months
from credit_workbook.core.model import Flag

from .common import make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R12", article(12)


def check(ctx: CheckContext) -> list[Flag]:
    survey, pos = ctx.cp.survey, ctx.cp.position
    months = ctx.policy.grading.survey_stale_months
    if survey is None:
        active = pos is not None and (pos.debit != 0 or pos.credit != 0 or ctx.cp.exposure > 0)
        if not active:
            return []
        message = (f"无《客户信用调查评定表》，本月借方 {yuan(pos.debit)}、贷方 {yuan(pos.credit)}，"
                   f"月末占用 {yuan(ctx.cp.exposure)}：请补填调查表并评定信用等级（第十二条、第十三条）")
        return [make_flag(ctx, RULE, ARTICLE, message, ctx.cp.exposure, missing=True)]
    if survey.surveyed_on is None:
        message = f"调查评定表未填写填表日期，无法确认是否每{months}个月全面更新一次（第十二条）"
        return [make_flag(ctx, RULE, ARTICLE, message, None, missing=False)]
    due = shift_months(survey.surveyed_on, months)
    if ctx.as_of <= due:
        return []
    message = (f"调查评定表填表日期 {ymd(survey.surveyed_on)}，应于 {ymd(due)} 前更新，截至 {ymd(ctx.as_of)} "
               f"已超过 {(ctx.as_of - due).days} 天未更新。第十二条：调查评定表每季度要全面更新一次")
    return [make_flag(ctx, RULE, ARTICLE, message, None, missing=False, due=due)]
