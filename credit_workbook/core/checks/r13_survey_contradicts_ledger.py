"""R13 — 调查表与台账不符 (第十一条: 对客户资信资料的真实性负责).

The grading already counts the worse of the two answers; this flag tells
the salesperson which answer the ledger contradicts so the form gets
corrected. One flag per contradiction, in the order the grading found them.
"""

from __future__ import annotations

from credit_workbook.core.articles import article
from credit_workbook.core.model import Flag
from credit_workbook.forms.fields import BY_NAME

from .common import make_flag
from .context import CheckContext

RULE, ARTICLE = "R13", article(11)


def _label(name: str) -> str:
    spec = BY_NAME.get(name)
    return spec.label if spec is not None else name


def check(ctx: CheckContext) -> list[Flag]:
    rating = ctx.cp.rating
    if rating is None:
        return []
    return [make_flag(ctx, RULE, ARTICLE,
                      f"调查表“{_label(c.field)}”填“{c.form_says}”，台账：{c.ledger_says}；评定按较差者计算，"
                      f"请核实并更正调查表（第十一条）", None, field=c.field)
            for c in rating.result.contradictions]
