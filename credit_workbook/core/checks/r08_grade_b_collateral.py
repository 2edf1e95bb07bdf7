"""R08 — B级授信缺抵押 (第二十七条: B级……必须严格办理完备的财产抵押等法律手续……同时不超过抵押资产额度).

A B counterparty may hold an approved limit only against collateral worth
at least that limit. The collateral is the one the register row records
(what was approved); when the row records none, the survey's (what the
salesperson reported) — a row left blank must not hide collateral the form
shows, and a form must not override what the approvers wrote. Missing means
担保方式 无/blank or 抵押资产价值 blank; a value below the limit is short by
the difference, which is the amount at stake.
"""

from __future__ import annotations

from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag, Grade

from .common import ZERO, make_flag, yuan
from .context import CheckContext

RULE, ARTICLE = "R08", article(27)


def collateral(ctx: CheckContext) -> tuple[str | None, Decimal | None, str]:
    """(担保方式, 抵押资产价值, where it was read)."""
    ap, survey = ctx.cp.approved, ctx.cp.survey
    if ap is not None and (ap.collateral_type not in (None, "", "无") or ap.collateral_value is not None):
        return ap.collateral_type, ap.collateral_value, "授信台账"
    if survey is not None:
        return survey.collateral_type, survey.collateral_value, "调查评定表"
    return None, None, "授信台账"


def check(ctx: CheckContext) -> list[Flag]:
    rating, limit = ctx.cp.rating, ctx.approved_limit
    if rating is None or rating.result.grade is not Grade.B or limit is None or limit <= 0:
        return []
    kind, value, source = collateral(ctx)
    if kind in (None, "", "无") or value is None:
        what = "未提供抵押等担保" if kind in (None, "", "无") else f"担保方式为“{kind}”但未填抵押资产价值"
        short = limit
        detail = f"{source}：{what}"
    elif value < limit:
        short = limit - value
        detail = f"{source}：{kind}，抵押资产价值 {yuan(value)}，低于额度 {yuan(short)}"
    else:
        return []
    message = (f"B级客户核定额度 {yuan(limit)}，{detail}。第二十七条：B级客户须办理完备的财产抵押等法律手续，"
               f"信用额度不得超过抵押资产额度")
    return [make_flag(ctx, RULE, ARTICLE, message, max(short, ZERO),
                      register_place=getattr(ctx.cp.approved, "place", ""), collateral_source=source)]
