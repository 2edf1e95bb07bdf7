"""R06 — 合同即将到期 (第三十六条: 合同到期前一个月内……确定下一个年度的合作方式，并对客户欠货、欠款全部进行清收).

A reminder (蓝) in the month whose end falls within ``contract_notice_days``
before the contract end, i.e. the contract ends after this month end and at
most that many days later. A contract ending inside this month is past the
point of a reminder: R05 judges it.
"""

from __future__ import annotations

from datetime import timedelta

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag

from .common import item_places, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R06", article(36)


def check(ctx: CheckContext) -> list[Flag]:
    ap = ctx.cp.approved
    if ap is None or ap.credit_type in (None, "无") or ap.contract_end is None:
        return []
    end = ap.contract_end
    if not ctx.month_end < end <= ctx.month_end + timedelta(days=ctx.policy.checks.contract_notice_days):
        return []
    owed = ctx.cp.exposure
    message = (f"合同将于 {ymd(end)} 到期（月末后 {(end - ctx.month_end).days} 天），当前占用 {yuan(owed)}：请与客户"
               f"确定下一年度的合作方式，并在到期前清收全部欠款、欠货（第三十六条）")
    return [make_flag(ctx, RULE, ARTICLE, message, owed,
                      places=item_places(ctx.history, ctx.cp.aging.open_items if ctx.cp.aging else ()),
                      contract_end=end, register_place=ap.place)]
