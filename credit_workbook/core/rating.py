"""One counterparty's rating: the grade (第十三–十八条) and its caps (第二十四–二十八条) together.

Pure: the caller brings the checked survey, the ledger evidence (or None)
and the register's approved limit; what comes back is everything the forms,
results.json and the store need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core.caps import compute_caps
from credit_workbook.core.grading import grade
from credit_workbook.core.model import Caps, GradeResult, LedgerEvidence, Problem, Survey
from credit_workbook.policy import Policy


@dataclass(frozen=True)
class Rating:
    survey: Survey
    result: GradeResult
    caps: Caps
    problems: tuple[Problem, ...]
    as_of: date

    @property
    def headline_cap(self) -> tuple[Decimal, int]:
        """The cap and term shown on Form 1: those of the requested type.

        With nothing requested, the long-term cap when there is one, else the
        temporary cap (an A customer without prior credit has only that).
        """
        kind = self.survey.requested_type
        if kind == "临时" or (kind in (None, "无") and self.caps.cap_long == 0 and self.caps.cap_temp > 0):
            return self.caps.cap_temp, self.caps.max_term_temp_days
        return self.caps.cap_long, self.caps.max_term_long_days


def rate(survey: Survey, problems: tuple[Problem, ...], evidence: LedgerEvidence | None,
         policy: Policy, as_of: date, approved_limit: Decimal | None = None) -> Rating:
    result = grade(survey, evidence, policy.grading, as_of)
    caps = compute_caps(result.grade, survey, evidence, policy.limits, approved_limit)
    return Rating(survey, result, caps, problems, as_of)
