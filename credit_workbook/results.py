"""``out/YYYY-MM/results.json``: the machine-readable contract of SPEC §6.

Amounts are strings with exactly two decimals; the key order is fixed so the
file is the same bytes for the same run. Keys beyond SPEC's (``survey_file``,
``problems``) are additions, never renamings.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from credit_workbook.core.evaluation import CompanyTotal, CounterpartyMonth

AGING_BUCKETS = ("未到期", "1-30", "31-60", "61-90", "91-180", "181-360", ">360")
CENT = Decimal("0.01")
ZERO = Decimal("0")
NO_SURVEY = "无《客户信用调查评定表》，未评定（第十三条：所有交易客户均需进行信用等级评定）"


def money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def _flag(flag) -> dict:
    return {"rule": flag.rule, "severity": flag.severity, "article": flag.article,
            "message": flag.message, "amount": money(flag.amount)}


def counterparty_entry(cp: CounterpartyMonth, survey_file: str | None, flags=()) -> dict:
    r, ev, pos, aging, ap = cp.rating, cp.evidence, cp.position, cp.aging, cp.approved
    caps = r.caps if r else None
    credit = ap is not None and ap.credit_type not in (None, "无")
    return {
        "code": cp.code,
        "name": cp.name,
        "type": cp.counterparty_type,
        "grade": r.result.grade.value if r else None,
        "grade_reasons": list(r.result.reasons) if r else [NO_SURVEY],
        "avg_debit": money(ev.avg_debit if ev else ZERO),
        "avg_credit": money(ev.avg_credit if ev else ZERO),
        "cap_long": money(caps.cap_long if caps else ZERO),
        "cap_temp": money(caps.cap_temp if caps else ZERO),
        "max_term_long_days": caps.max_term_long_days if caps else 0,
        "max_term_temp_days": caps.max_term_temp_days if caps else 0,
        "proposed_type": caps.proposed_type if caps else "无",
        "proposed_limit": money(caps.proposed_limit if caps else ZERO),
        "approved_type": ap.credit_type if ap else None,
        "approved_limit": money(ap.limit) if credit else None,
        "approved_term_days": ap.term_days if credit else None,
        "opening": money(pos.opening if pos else ZERO),
        "debit": money(pos.debit if pos else ZERO),
        "credit": money(pos.credit if pos else ZERO),
        "closing": money(pos.closing if pos else ZERO),
        "peak": money(pos.peak if pos else ZERO),
        "overdue": money(aging.overdue if aging else ZERO),
        "max_overdue_days": aging.max_overdue_days if aging else 0,
        "aging": {b: money(aging.buckets[b] if aging else ZERO) for b in AGING_BUCKETS},
        "flags": [_flag(f) for f in flags],
        "survey_file": survey_file,
        "problems": [{"level": p.level.value, "field": p.field, "place": p.place, "message": p.message}
                     for p in cp.problems],
    }


def build_results(period: str, as_of: str, entries: list[dict], rejected: list[dict],
                  total: CompanyTotal | None = None, total_flags=()) -> dict:
    return {
        "period": period,
        "as_of": as_of,
        "counterparties": sorted(entries, key=lambda e: e["code"]),
        "total": {
            "approved": money(total.approved if total else ZERO),
            "jan1_exposure": money(total.jan1_exposure) if total else None,
            "flags": [_flag(f) for f in total_flags],
        },
        "rejected_inputs": rejected,
    }


def dumps(results: dict) -> bytes:
    return (json.dumps(results, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
