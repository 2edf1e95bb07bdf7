"""The ``check`` command's decision (SPEC §6): may this shipment / prepayment go out on ``day``?

Pure: the caller brings the grade, the ledger history, the register's
approved credit and over-limit approvals of one counterparty. The answer is
an exit code — 0 yes, 3 only with the over-limit approval named, 4 no — and
every reason behind it, each naming its rule and article.

The amount is counted once: exposure after = the balance at the end of
``day`` (everything already posted, that day's entries included) plus the
amount, floored at 0 (a prepayment the customer holds absorbs the shipment
first). Exactly at the limit passes (最高不超过).

Reasons are listed in the order a credit controller asks the questions, and
every question is asked, so the clerk sees everything to fix at once:

1. R07 第二十八条 — is the counterparty grade C? Then no credit at all.
2. R02 第三十四条 — is there approved credit in force on ``day`` (approved
   row, type 临时/长期, inside the contract period)? Without it the money
   owed may only go down.
3. R03 第三十五条 — did ``day`` begin with an item past its due date? The
   same test as the monthly R03 (a receipt posted the same day does not
   excuse it), so what this lets through the audit never flags.
4. R01 第三十二条 — does the exposure after the shipment exceed the limit?
   Then only with a 超额审批 dated on or before ``day`` for at least the
   excess (the smallest such approval is named, the latest of equals).

1–3 refuse (4) only when the shipment adds to the exposure: one paid for
by the customer's own prepayment is 现款现货, not credit. 4 asks for the
approval (3) or refuses (4). The worst code wins; with no objection the
answer is 0 with the headroom as its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core.articles import article
from credit_workbook.core.evaluation import approved_term
from credit_workbook.core.history import CounterpartyHistory, money
from credit_workbook.core.model import Grade
from credit_workbook.core.positions import exposure_on
from credit_workbook.core.register_checks import ApprovedCredit, OverlimitApproval

from .common import ZERO, exposure, ymd, yuan
from .r03_new_debit_with_overdue import overdue_at_start

OK, WITH_APPROVAL, REFUSED = 0, 3, 4
VERDICTS = {OK: "可以发货/付款", WITH_APPROVAL: "须凭超额审批办理", REFUSED: "不可以"}


@dataclass(frozen=True)
class Reason:
    rule: str
    article: str
    code: int  # what this reason alone allows: 0, 3 or 4
    message: str

    def render(self) -> str:
        return f"{self.rule}（{self.article}）{self.message}"


@dataclass(frozen=True)
class Decision:
    code: int  # 0 yes, 3 only with approval, 4 no
    verdict: str
    reasons: tuple[Reason, ...]
    exposure_before: Decimal
    exposure_after: Decimal
    limit: Decimal | None  # in force on the day; None without approved credit
    approval: OverlimitApproval | None = None  # the 超额审批 to act on (code 3)


def limit_on(approved: ApprovedCredit | None, day: date) -> Decimal | None:
    """The approved limit in force on ``day``: an approved credit row whose contract covers the day."""
    if approved is None or approved.credit_type in (None, "无"):
        return None
    if approved.contract_start and day < approved.contract_start:
        return None
    if approved.contract_end and day > approved.contract_end:
        return None
    return approved.limit


def decide(*, grade: Grade | str | None, history: CounterpartyHistory | None, approved: ApprovedCredit | None,
           overlimit: tuple[OverlimitApproval, ...] | list[OverlimitApproval], day: date,
           amount: Decimal) -> Decision:
    amount = money(amount)
    if amount <= 0:
        raise ValueError(f"发货/付款金额应大于0，收到 {amount}")
    grade = Grade(grade) if grade is not None else None
    balance = (exposure_on(history, day) if history is not None else None) or ZERO
    before, after = exposure(balance), exposure(balance + amount)
    adds = after > before
    limit = limit_on(approved, day)
    reasons: list[Reason] = []

    if grade is Grade.C and adds:
        reasons.append(Reason("R07", article(28), REFUSED,
                              f"C级客户不予授信，不给予任何预付款和赊销；本次 {yuan(amount)} 将使占用增至 {yuan(after)}"))
    if limit is None and adds:
        reasons.append(Reason("R02", article(34), REFUSED,
                              f"{_no_credit(approved, day)}，欠款、预付款只能减少不能增加；"
                              f"本次 {yuan(amount)} 将使占用由 {yuan(before)} 增至 {yuan(after)}"))
    if history is not None:
        overdue = overdue_at_start(history, day, approved_term(approved))
        if overdue:
            oldest = overdue[0]
            reasons.append(Reason("R03", article(35), REFUSED,
                                  f"前欠未清：{ymd(oldest.day)} {oldest.ref or '(无凭证号)'} 尚欠 {yuan(oldest.amount)}，"
                                  f"{ymd(oldest.due)} 到期，至 {ymd(day)} 已逾期 {(day - oldest.due).days} 天"
                                  f"（逾期合计 {yuan(sum((i.amount for i in overdue), ZERO))}），结清前不再预付、赊销"))
    approval = None
    if limit is not None and after > limit:
        excess = after - limit
        approval = _covering(overlimit, day, excess)
        head = f"本次 {yuan(amount)} 后占用 {yuan(after)}，超过核定额度 {yuan(limit)}，超出 {yuan(excess)}"
        if approval is not None:
            reasons.append(Reason("R01", article(32), WITH_APPROVAL,
                                  f"{head}；须凭超额审批 {approval.doc_no}（{ymd(approval.approved_on)} 批准，"
                                  f"{yuan(approval.amount)}）办理"))
        else:
            reasons.append(Reason("R01", article(32), REFUSED,
                                  f"{head}；{_no_approval(overlimit, day, excess)}，须先取得正式批准文书"))

    if not reasons:
        if limit is not None:
            note = f"本次 {yuan(amount)} 后占用 {yuan(after)}，未超过核定额度 {yuan(limit)}（尚余 {yuan(limit - after)}）"
            reasons.append(Reason("R01", article(32), OK, note))
        else:
            reasons.append(Reason("R02", article(34), OK,
                                  f"预收款足以抵扣本次 {yuan(amount)}，占用不增加（现款现货）"))
    code = max(r.code for r in reasons)
    return Decision(code, VERDICTS[code], tuple(reasons), before, after, limit,
                    approval if code == WITH_APPROVAL else None)


def _no_credit(approved: ApprovedCredit | None, day: date) -> str:
    if approved is None:
        return "授信台账中无已批准的信用额度"
    if approved.credit_type in (None, "无"):
        return "授信台账核定类型为“无”（不授信）"
    if approved.contract_end and day > approved.contract_end:
        return f"合同已于 {ymd(approved.contract_end)} 到期"
    return f"合同 {ymd(approved.contract_start)} 才开始"


def _covering(overlimit, day: date, excess: Decimal) -> OverlimitApproval | None:
    fits = [a for a in overlimit if a.approved_on <= day and a.amount >= excess]
    if not fits:
        return None
    return min(fits, key=lambda a: (a.amount, -a.approved_on.toordinal()))


def _no_approval(overlimit, day: date, excess: Decimal) -> str:
    if not overlimit:
        return "无超额审批"
    parts = []
    for a in overlimit:
        why = "批准日期晚于发货日" if a.approved_on > day else f"批准金额少于超出额 {yuan(excess)}"
        parts.append(f"超额审批 {a.doc_no}（{ymd(a.approved_on)} 批准，{yuan(a.amount)}）{why}")
    return "；".join(parts)
