"""``credit-workbook check``: may this shipment or prepayment go out now? (SPEC §6)

The grade in force is the one of the latest run; the exposure comes from
the ledger history up to the day; the limit, contract and over-limit
approvals from the register. The decision itself is pure
(``core.checks.shipment.decide``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credit_workbook.errors import UserError
from credit_workbook.results import money
from credit_workbook.workspace import Workspace


def check_shipment(ws: Workspace, code: str, amount: Decimal, day: date) -> dict:
    from credit_workbook.core.checks.shipment import decide
    from credit_workbook.forms.register_reader import read_register
    from credit_workbook.ledger.history_store import counterparty_names, load_histories
    from credit_workbook.store import Store

    with Store(ws.store_path) as store:
        rating = store.latest_rating(code)
        histories = load_histories(store, {code: rating["type"]} if rating and rating["type"] else {})
        names = counterparty_names(store)
        register = read_register(ws.register)
        approved = register.approved.get(code)
        if rating is None and code not in histories and approved is None:
            raise UserError(f"找不到客户编码“{code}”：台账、授信台账和评级记录中都没有；请核对编码，或先运行 credit-workbook run")
        decision = decide(grade=rating["grade"] if rating else None, history=histories.get(code), approved=approved,
                          overlimit=register.overlimit_for(code), day=day, amount=amount)
        store.audit("check", customer=code, amount=str(amount), day=day.isoformat(), decision=decision.code)
    name = (rating or {}).get("name") or (approved.name if approved else None) or names.get(code, "")
    reasons = [{"rule": r.rule, "article": r.article, "message": r.message} for r in decision.reasons]
    if rating is None:
        reasons.insert(0, {"rule": "R12", "article": "第十三条",
                           "message": "该客户尚无信用等级评定记录（所有交易客户均需评定），按未评定处理"})
    return {
        "customer": code, "name": name, "grade": rating["grade"] if rating else None,
        "graded_in": rating["period"] if rating else None, "date": day.isoformat(), "amount": money(amount),
        "decision": decision.code, "verdict": decision.verdict,
        "exposure_before": money(decision.exposure_before), "exposure_after": money(decision.exposure_after),
        "limit": money(decision.limit),
        "approval": ({"doc_no": decision.approval.doc_no, "approved_on": decision.approval.approved_on.isoformat(),
                      "amount": money(decision.approval.amount)} if decision.approval else None),
        "reasons": reasons,
    }
