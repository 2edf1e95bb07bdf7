"""R10 — 调高信用额度 (第四十二条: 原则上调整后的信用额度应低于原信用额度).

Compares the approved limit with the one in the previous register version
(``ctx.previous_approved``). No previous version: nothing to compare, no
flag. A previous 核定类型 无 counts as 0, so granting credit where there was
none is a raise too; a row that disappeared (no approved credit now) is not.
"原则上" makes it a warning: the approvers may raise a limit, but should
know they are departing from the rule.
"""

from __future__ import annotations

from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag

from .common import ZERO, make_flag, ymd, yuan
from .context import CheckContext

RULE, ARTICLE = "R10", article(42)


def _limit(ap) -> Decimal:
    return ZERO if ap.credit_type in (None, "无") else ap.limit


def check(ctx: CheckContext) -> list[Flag]:
    now, before = ctx.cp.approved, ctx.previous_approved
    if now is None or before is None or _limit(now) <= _limit(before):
        return []
    raised = _limit(now) - _limit(before)
    when = f"（{ymd(now.approved_on)} 批准）" if now.approved_on else ""
    message = (f"核定额度由 {yuan(_limit(before))}（{before.credit_type}）调高至 {yuan(_limit(now))}"
               f"（{now.credit_type}）{when}，增加 {yuan(raised)}。第四十二条：原则上调整后的信用额度应低于原信用额度")
    return [make_flag(ctx, RULE, ARTICLE, message, raised, register_place=now.place,
                      previous_limit=_limit(before), limit=_limit(now))]
