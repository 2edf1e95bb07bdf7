"""All per-counterparty monthly checks in rule order (R11 is company-wide: ``r11_total_limit``)."""

from __future__ import annotations

from importlib import import_module

from credit_workbook.core.model import Flag

from .context import CheckContext

# One module per rule, named so a reader finds it; the order is the rule order of SPEC §5.
RULE_MODULES = (
    "r01_over_limit",
    "r02_no_credit_exposure",
    "r03_new_debit_with_overdue",
    "r04_overdue",
    "r05_contract_not_cleared",
    "r06_contract_ending",
    "r07_grade_c_exposure",
    "r08_grade_b_collateral",
    "r09_limit_above_cap",
    "r10_limit_raised",
    "r12_survey_stale",
    "r13_survey_contradicts_ledger",
)
RULES = tuple(import_module(f"{__package__}.{name}") for name in RULE_MODULES)


def run_checks(ctx: CheckContext) -> list[Flag]:
    return [flag for rule in RULES for flag in rule.check(ctx)]
