"""``out/YYYY-MM/results.json``: the machine-readable contract of SPEC §6.

Amounts are strings with exactly two decimals; the key order is fixed so the
file is the same bytes for the same run. Keys beyond SPEC's (``survey_file``,
``problems``) are additions, never renamings.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from credit_workbook.core.rating import Rating

AGING_BUCKETS = ("未到期", "1-30", "31-60", "61-90", "91-180", "181-360", ">360")
CENT = Decimal("0.01")
ZERO = Decimal("0")


def money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def counterparty_entry(rating: Rating, survey_file: str) -> dict:
    s, caps = rating.survey, rating.caps
    return {
        "code": s.customer_code,
        "name": s.customer_name,
        "type": s.counterparty_type,
        "grade": rating.result.grade.value,
        "grade_reasons": list(rating.result.reasons),
        "avg_debit": money(ZERO),
        "avg_credit": money(ZERO),
        "cap_long": money(caps.cap_long),
        "cap_temp": money(caps.cap_temp),
        "max_term_long_days": caps.max_term_long_days,
        "max_term_temp_days": caps.max_term_temp_days,
        "proposed_type": caps.proposed_type,
        "proposed_limit": money(caps.proposed_limit),
        "approved_type": None,
        "approved_limit": None,
        "approved_term_days": None,
        "opening": money(ZERO),
        "debit": money(ZERO),
        "credit": money(ZERO),
        "closing": money(ZERO),
        "peak": money(ZERO),
        "overdue": money(ZERO),
        "max_overdue_days": 0,
        "aging": {bucket: money(ZERO) for bucket in AGING_BUCKETS},
        "flags": [],
        "survey_file": survey_file,
        "problems": [{"level": p.level.value, "field": p.field, "place": p.place, "message": p.message}
                     for p in rating.problems],
    }


def build_results(period: str, as_of: str, entries: list[dict], rejected: list[dict],
                  approved_total: Decimal = ZERO, jan1_exposure: Decimal | None = None,
                  total_flags: list[dict] | None = None) -> dict:
    return {
        "period": period,
        "as_of": as_of,
        "counterparties": sorted(entries, key=lambda e: e["code"]),
        "total": {
            "approved": money(approved_total),
            "jan1_exposure": money(jan1_exposure),
            "flags": total_flags or [],
        },
        "rejected_inputs": rejected,
    }


def dumps(results: dict) -> bytes:
    return (json.dumps(results, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
