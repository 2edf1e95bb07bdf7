"""What every monthly check of one counterparty may look at (plain data, built by the month pipeline).

Each rule module (``r01_over_limit.py`` …) exposes one function
``check(ctx: CheckContext) -> list[Flag]``; ``run_checks`` calls them in rule
order. A flag names its rule, severity, article, the numbers behind it and,
in ``extra["places"]``, the ledger rows (``file!sheet!cell``) that show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core.evaluation import CounterpartyMonth
from credit_workbook.core.history import CounterpartyHistory
from credit_workbook.policy import Policy


@dataclass(frozen=True)
class CheckContext:
    period: str  # "YYYY-MM", the month checked
    month_start: date
    month_end: date
    as_of: date  # evaluation date (normally month_end)
    cp: CounterpartyMonth  # survey, rating, evidence, approved credit, position, aging
    history: CounterpartyHistory | None  # the whole ledger history of this counterparty
    overlimit: tuple  # register_checks.OverlimitApproval of this counterparty (第三十二条)
    previous_approved: object | None  # ApprovedCredit in the previous register version (R10)
    policy: Policy

    def severity(self, rule: str, worse: bool = True) -> str:
        """The configured severity: the worse one, or the lighter of a two-level rule."""
        levels = self.policy.checks.severities[rule]
        return levels[0] if worse or len(levels) == 1 else levels[1]

    @property
    def approved_limit(self) -> Decimal | None:
        """The approved limit in force, or None without approved credit (无, not approved, or outside the contract)."""
        ap = self.cp.approved
        if ap is None or ap.credit_type in (None, "无"):
            return None
        if ap.contract_start and self.month_end < ap.contract_start:
            return None
        if ap.contract_end and self.month_start > ap.contract_end:
            return None
        return ap.limit
