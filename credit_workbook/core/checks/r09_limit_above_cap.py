"""R09 — 核定额度或期限超过本月可授信上限 (第二十六条 A级, 第二十七条 B级, 第二十八条 C级).

The register is approved once; the grade and the averages move every
month. When the approved limit now exceeds this month's cap for its type
(长期 → cap_long, 临时 → cap_temp) or the approved term exceeds the grade's
longest term for that type, the approvers should lower it (第三十八条 动态管理,
第二十六、二十七条 按从低标准执行并应逐步减少): a warning, not a breach, because
nothing was advanced beyond what was approved. The excess over the cap is
the amount at stake (none when only the term is too long).
"""

from __future__ import annotations

from credit_workbook.core.articles import article
from credit_workbook.core.caps import GRADE_ARTICLE
from credit_workbook.core.model import Flag

from .common import make_flag, yuan
from .context import CheckContext

RULE = "R09"


def check(ctx: CheckContext) -> list[Flag]:
    rating, limit, ap = ctx.cp.rating, ctx.approved_limit, ctx.cp.approved
    if rating is None or limit is None:
        return []
    caps, grade = rating.caps, rating.result.grade
    kind = ap.credit_type
    cap, max_term = ((caps.cap_long, caps.max_term_long_days) if kind == "长期"
                     else (caps.cap_temp, caps.max_term_temp_days))
    problems, amount = [], None
    if limit > cap:
        amount = limit - cap
        problems.append(f"核定{kind}额度 {yuan(limit)}，超过本月{grade.value}级{kind}额度上限 {yuan(cap)}，"
                        f"超出 {yuan(amount)}")
    if ap.term_days > max_term:
        problems.append(f"核定期限 {ap.term_days} 天超过{grade.value}级{kind}最长期限 {max_term} 天")
    if not problems:
        return []
    art = article(GRADE_ARTICLE[grade])
    message = "；".join(problems) + f"。{art}：应按从低标准执行并报批调整"
    return [make_flag(ctx, RULE, art, message, amount, register_place=ap.place, cap=cap, max_term_days=max_term)]
