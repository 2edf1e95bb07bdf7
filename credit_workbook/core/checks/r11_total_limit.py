"""R11 — 授信总额控制 (第二十四条第2款①): approved limits together may not exceed the 1 January exposure.

An unknown 1 January exposure (history too short) is not a breach: the
company total then says 未知 and no flag is raised.
"""

from __future__ import annotations

from decimal import Decimal

from credit_workbook.core.model import Flag

RULE, ARTICLE = "R11", "第二十四条"


def check_total_limit(approved_total: Decimal, jan1_exposure: Decimal | None, severity: str = "红") -> list[Flag]:
    if jan1_exposure is None or approved_total <= jan1_exposure:
        return []
    excess = approved_total - jan1_exposure
    return [Flag(RULE, severity, ARTICLE,
                 f"授信总额 {approved_total:,.2f} 元超过1月1日应收/预付余额 {jan1_exposure:,.2f} 元，"
                 f"超出 {excess:,.2f} 元（第二十四条：授信总额原则上不能超过1月1日余额）", excess)]
