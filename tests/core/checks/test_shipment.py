"""The check command's decision: 0 yes, 3 only with the named 超额审批, 4 no; every reason names rule and article."""

from __future__ import annotations

from datetime import date

import pytest

from credit_workbook.core.checks.shipment import decide

from .conftest import D, approved, history, mv, overlimit

DAY = date(2026, 6, 15)
# 06-10 shipment 60,000 on a 30-day term (due 07-10): 40,000 of the 100,000 limit left
OWING = history(mv("2026-06-10", debit="60000.00", ref="记-1"))


def _decide(amount: str, *, grade="A", hist=OWING, credit=None, approvals=(), day=DAY):
    return decide(grade=grade, history=hist, approved=approved() if credit is None else credit,
                  overlimit=tuple(approvals), day=day, amount=D(amount))


def test_exactly_up_to_the_limit_goes_out():
    d = _decide("40000.00")
    assert (d.code, d.verdict) == (0, "可以发货/付款")
    assert (d.exposure_before, d.exposure_after, d.limit) == (D("60000.00"), D("100000.00"), D("100000.00"))
    [reason] = d.reasons
    assert reason.code == 0 and "尚余 0.00 元" in reason.message


def test_one_fen_over_without_approval_is_refused():
    d = _decide("40000.01")
    assert (d.code, d.verdict) == (4, "不可以")
    [reason] = d.reasons
    assert (reason.rule, reason.article, reason.code) == ("R01", "第三十二条", 4)
    assert "超出 0.01 元" in reason.message and "无超额审批" in reason.message


def test_within_an_approval_dated_on_or_before_the_day_it_needs_that_approval():
    approvals = [overlimit("5000.00", "2026-06-15", "超审〔2026〕3号"), overlimit("9000.00", "2026-06-01", "超审〔2026〕2号")]
    d = _decide("45000.00", approvals=approvals)
    assert (d.code, d.verdict) == (3, "须凭超额审批办理")
    assert d.approval.doc_no == "超审〔2026〕3号"  # the smallest that covers the 5,000 excess
    assert "超审〔2026〕3号" in d.reasons[0].message and d.reasons[0].render().startswith("R01（第三十二条）")


def test_an_approval_dated_after_the_day_or_short_by_a_fen_does_not_help():
    assert _decide("45000.00", approvals=[overlimit("5000.00", "2026-06-16")]).code == 4
    d = _decide("45000.00", approvals=[overlimit("4999.99", "2026-06-01")])
    assert d.code == 4 and "批准金额少于超出额 5,000.00 元" in d.reasons[0].message


def test_grade_c_is_refused():
    d = _decide("1000.00", grade="C")
    assert d.code == 4 and [(r.rule, r.article) for r in d.reasons] == [("R07", "第二十八条")]


def test_an_item_past_due_refuses_the_shipment():
    # 05-01 shipment 10,000 due 05-31, still open on 06-15
    h = history(mv("2026-05-01", debit="10000.00", ref="记-0501"))
    d = _decide("1000.00", hist=h)
    assert d.code == 4
    [reason] = d.reasons
    assert (reason.rule, reason.article) == ("R03", "第三十五条")
    assert "记-0501" in reason.message and "已逾期 15 天" in reason.message
    # due today is not past due
    assert _decide("1000.00", hist=h, day=date(2026, 5, 31)).code == 0


def test_after_the_contract_ended_or_without_credit_debt_may_only_go_down():
    d = _decide("1000.00", credit=approved(end=date(2026, 5, 31)))
    assert d.code == 4 and d.limit is None
    [reason] = d.reasons
    assert (reason.rule, reason.article) == ("R02", "第三十四条") and "合同已于 2026-05-31 到期" in reason.message
    none = decide(grade="A", history=OWING, approved=None, overlimit=(), day=DAY, amount=D("1000.00"))
    assert none.code == 4 and "无已批准的信用额度" in none.reasons[0].message


def test_a_shipment_paid_by_the_customers_own_prepayment_is_cash_not_credit():
    prepaid = history(mv("2026-06-01", credit="5000.00", ref="收-1"))
    kw = {"grade": "C", "history": prepaid, "approved": None, "overlimit": (), "day": DAY}
    assert decide(amount=D("5000.00"), **kw).code == 0
    over = decide(amount=D("5000.01"), **kw)
    assert over.code == 4 and [r.rule for r in over.reasons] == ["R07", "R02"]
    assert over.exposure_after == D("0.01")


def test_all_reasons_are_listed_in_order_and_the_worst_code_wins():
    h = history(mv("2026-05-01", debit="90000.00", ref="记-0501"))
    d = _decide("20000.00", grade="C", hist=h, approvals=[overlimit("10000.00", "2026-06-01")])
    assert [(r.rule, r.code) for r in d.reasons] == [("R07", 4), ("R03", 4), ("R01", 3)]
    assert d.code == 4 and d.approval is None


def test_the_amount_is_counted_once_including_what_was_posted_that_day():
    h = history(mv("2026-06-15", debit="60000.00", ref="记-1"))
    d = _decide("40000.00", hist=h)
    assert (d.exposure_before, d.exposure_after, d.code) == (D("60000.00"), D("100000.00"), 0)


def test_money_must_be_decimal_and_positive():
    with pytest.raises(TypeError):
        decide(grade="A", history=OWING, approved=approved(), overlimit=(), day=DAY, amount=1000.0)
    with pytest.raises(ValueError):
        _decide("0")
