"""Limit caps, terms and the proposed limit (第二十四–二十八条)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credit_workbook.core.caps import compute_caps
from credit_workbook.core.model import Grade
from credit_workbook.policy import LimitPolicy

from .conftest import make_evidence, make_survey

LIMITS = LimitPolicy()
D = Decimal


def caps_of(grade, survey=None, evidence="default", limits=LIMITS, approved=None):
    ev = make_evidence() if evidence == "default" else evidence
    return compute_caps(grade, survey or make_survey(), ev, limits, approved)


def numbers(c):
    return (c.cap_long, c.cap_temp, c.max_term_long_days, c.max_term_temp_days, c.proposed_type, c.proposed_limit)


# ---------------------------------------------------------------- A

def test_a_with_prior_credit_from_the_ledger():
    ev = make_evidence(avg_debit=D("130000.00"), avg_credit=D("125000.00"), had_exposure=True)
    c = caps_of(Grade.A, make_survey(prior_settlement="现款现货"), ev)
    assert numbers(c) == (D("125000.00"), D("125000.00"), 30, 30, "长期", D("100000.00"))
    assert c.reasons[0].startswith("A级：第二十六条(2) 原来已有预付、赊销行为（台账曾有月末占用我方资金）")
    assert "125,000.00元" in c.reasons[0] and "130,000.00元" in c.reasons[0]


@pytest.mark.parametrize("settlement", ["赊销", "预付"])
def test_a_with_prior_credit_from_the_form(settlement):
    ev = make_evidence(had_exposure=False, avg_debit=D("90000.00"), avg_credit=D("95000.00"))
    c = caps_of(Grade.A, make_survey(prior_settlement=settlement, requested_limit=None), ev)
    assert numbers(c) == (D("90000.00"), D("90000.00"), 30, 30, "长期", D("90000.00"))
    assert f"以往结算方式为“{settlement}”" in c.reasons[0]


def test_a_terms_follow_the_policy():
    limits = LimitPolicy(a_long_term_days=20, a_temp_term_days=10)
    c = caps_of(Grade.A, limits=limits)
    assert (c.max_term_long_days, c.max_term_temp_days) == (20, 10)


def test_a_without_prior_credit_gets_temporary_only():
    ev = make_evidence(had_exposure=False, avg_debit=D("50000.00"), avg_credit=D("80500.00"))
    survey = make_survey(prior_settlement="现款现货", requested_type="临时", requested_limit=D("60000"))
    c = caps_of(Grade.A, survey, ev)
    assert numbers(c) == (D("0.00"), D("80000.00"), 0, 30, "临时", D("60000.00"))
    assert c.reasons[0].startswith("A级：第二十六条(1) 原来没有预付、赊销行为，不给予长期授信")
    assert "营销副总、财务总监、总经理审批" in c.reasons[0]
    assert "平均月回款额80,500.00元" in c.reasons[0]


def test_a_without_prior_credit_asking_for_long_term_gets_nothing():
    ev = make_evidence(had_exposure=False)
    c = caps_of(Grade.A, make_survey(prior_settlement=None, requested_type="长期"), ev)
    assert (c.proposed_type, c.proposed_limit) == ("无", D("0.00"))
    assert c.reasons[-1] == "第二十六条 申请长期授信，但长期额度上限为0，建议为“无”"


def test_no_ledger_history_means_zero_averages():
    c = caps_of(Grade.A, make_survey(prior_settlement="赊销"), None)
    assert numbers(c) == (D("0.00"), D("0.00"), 0, 0, "无", D("0.00"))
    assert c.reasons[0].startswith("无台账历史，平均月发货额、回款额按0计")
    assert "第二十六条" in c.reasons[0]


# ---------------------------------------------------------------- B

def test_b_with_collateral_is_capped_by_the_lowest_of_three():
    survey = make_survey(collateral_type="抵押", collateral_value=D("60000.00"), requested_type="临时",
                         requested_limit=None)
    c = caps_of(Grade.B, survey)
    assert numbers(c) == (D("60000.00"), D("60000.00"), 30, 15, "临时", D("60000.00"))
    assert c.reasons[0].startswith("B级：第二十七条 已办理抵押（价值60,000.00元）")


def test_b_with_collateral_above_turnover_is_capped_by_turnover():
    ev = make_evidence(avg_debit=D("40000.00"), avg_credit=D("45000.00"))
    survey = make_survey(collateral_type="质押", collateral_value=D("1000000.00"))
    c = caps_of(Grade.B, survey, ev)
    assert (c.cap_long, c.cap_temp) == (D("40000.00"), D("40000.00"))
    assert (c.proposed_type, c.proposed_limit) == ("长期", D("40000.00"))


@pytest.mark.parametrize("kind, value, why", [
    ("无", D("100000"), "未提供抵押等担保"),
    (None, None, "未提供抵押等担保"),
    ("抵押", None, "担保方式为“抵押”但抵押资产价值未填或为0"),
    ("保证", D("0"), "担保方式为“保证”但抵押资产价值未填或为0"),
])
def test_b_without_collateral_gets_nothing(kind, value, why):
    c = caps_of(Grade.B, make_survey(collateral_type=kind, collateral_value=value))
    assert numbers(c) == (D("0.00"), D("0.00"), 0, 0, "无", D("0.00"))
    assert c.reasons[0] == f"B级：第二十七条 原则上不予授信：{why}"


# ---------------------------------------------------------------- C

def test_c_gets_nothing_whatever_it_has():
    survey = make_survey(collateral_type="抵押", collateral_value=D("1000000"), prior_settlement="赊销")
    c = caps_of(Grade.C, survey, make_evidence(had_exposure=True), approved=D("50000"))
    assert numbers(c) == (D("0.00"), D("0.00"), 0, 0, "无", D("0.00"))
    assert c.reasons[0] == "C级：第二十八条 不予授信，不给予任何预付款和赊销"
    assert "无台账历史" not in "".join(caps_of(Grade.C, evidence=None).reasons)


# ---------------------------------------------------------------- rounding and 从低

def test_caps_round_down_to_the_thousand():
    ev = make_evidence(avg_debit=D("123456.78"), avg_credit=D("200000.00"))
    c = caps_of(Grade.A, make_survey(requested_limit=None), ev)
    assert (c.cap_long, c.cap_temp) == (D("123000.00"), D("123000.00"))
    assert "第二十六条 长期、临时额度上限123,456.78元按1,000元向下取整为123,000.00元" in c.reasons


def test_rounding_never_goes_up():
    ev = make_evidence(avg_debit=D("999.99"), avg_credit=D("5000"))
    assert caps_of(Grade.A, evidence=ev).cap_long == D("0.00")


def test_rounding_is_a_parameter():
    ev = make_evidence(avg_debit=D("123456.78"), avg_credit=D("200000.00"))
    assert caps_of(Grade.A, evidence=ev, limits=LimitPolicy(limit_rounding=D("10000"))).cap_long == D("120000.00")
    assert caps_of(Grade.A, evidence=ev, limits=LimitPolicy(limit_rounding=D("0"))).cap_long == D("123456.78")


def test_an_exact_multiple_is_not_reported_as_rounded():
    c = caps_of(Grade.A, evidence=make_evidence(avg_debit=D("125000.00"), avg_credit=D("130000.00")))
    assert not any("取整" in r for r in c.reasons)


def test_negative_averages_give_zero_caps():
    c = caps_of(Grade.A, evidence=make_evidence(avg_debit=D("-5000"), avg_credit=D("10000")))
    assert (c.cap_long, c.cap_temp) == (D("0.00"), D("0.00"))


def test_lower_approved_limit_wins_after_rounding():
    ev = make_evidence(avg_debit=D("123456.78"), avg_credit=D("200000.00"))
    c = caps_of(Grade.A, make_survey(requested_limit=None), ev, approved=D("80500.50"))
    assert numbers(c) == (D("80500.50"), D("80500.50"), 30, 30, "长期", D("80500.50"))
    assert ("第二十六条 按从低标准执行：已核定额度80,500.50元低于计算的长期、临时额度上限，"
            "长期、临时额度上限按80,500.50元执行") in c.reasons


def test_higher_approved_limit_changes_nothing():
    c = caps_of(Grade.A, approved=D("500000"))
    assert (c.cap_long, c.cap_temp) == (D("125000.00"), D("125000.00"))
    assert not any("从低" in r for r in c.reasons)


def test_lower_of_applies_only_to_caps_above_the_approval():
    ev = make_evidence(had_exposure=False, avg_credit=D("90000"))
    c = caps_of(Grade.A, make_survey(prior_settlement=None, requested_type="临时"), ev, approved=D("50000"))
    assert (c.cap_long, c.cap_temp) == (D("0.00"), D("50000.00"))
    assert any(r.startswith("第二十六条 按从低标准执行") and "计算的临时额度上限" in r for r in c.reasons)


def test_lower_of_for_b_cites_article_27():
    survey = make_survey(collateral_type="抵押", collateral_value=D("100000"))
    c = caps_of(Grade.B, survey, approved=D("30000"))
    assert (c.cap_long, c.cap_temp) == (D("30000.00"), D("30000.00"))
    assert any(r.startswith("第二十七条 按从低标准执行") for r in c.reasons)


def test_zero_approved_limit_leaves_no_credit_and_no_term():
    c = caps_of(Grade.A, approved=D("0"))
    assert numbers(c) == (D("0.00"), D("0.00"), 0, 0, "无", D("0.00"))


# ---------------------------------------------------------------- proposal

def test_proposal_is_the_request_when_under_the_cap():
    c = caps_of(Grade.A, make_survey(requested_limit=D("100000")))
    assert (c.proposed_type, c.proposed_limit) == ("长期", D("100000.00"))
    assert c.reasons[-1] == ("第二十六条 建议长期额度100,000.00元：按申请额度100,000.00元"
                             "（未超过长期额度上限125,000.00元）")


def test_proposal_is_the_cap_when_the_request_is_higher():
    c = caps_of(Grade.A, make_survey(requested_limit=D("300000")))
    assert (c.proposed_type, c.proposed_limit) == ("长期", D("125000.00"))
    assert "超过长期额度上限，按上限125,000.00元" in c.reasons[-1]


def test_proposal_without_amount_is_the_cap():
    c = caps_of(Grade.A, make_survey(requested_type="临时", requested_limit=None))
    assert (c.proposed_type, c.proposed_limit) == ("临时", D("125000.00"))
    assert "未填申请额度" in c.reasons[-1]


def test_proposal_is_not_rounded():
    c = caps_of(Grade.A, make_survey(requested_limit=D("12345.675")))
    assert c.proposed_limit == D("12345.68")


@pytest.mark.parametrize("kind", [None, "无"])
def test_no_request_no_proposal(kind):
    c = caps_of(Grade.A, make_survey(requested_type=kind, requested_limit=D("50000")))
    assert (c.proposed_type, c.proposed_limit) == ("无", D("0.00"))
    assert c.cap_long == D("125000.00")  # the cap is still shown
    assert c.reasons[-1] == "第二十四条(1) 坚持现款现货：未申请授信，建议为“无”"


def test_zero_request_is_no_proposal():
    c = caps_of(Grade.A, make_survey(requested_limit=D("0")))
    assert (c.proposed_type, c.proposed_limit) == ("无", D("0.00"))
    assert c.reasons[-1] == "第二十六条 申请长期授信，但申请额度为0，建议为“无”"


def test_requested_term_longer_than_allowed_is_noted():
    survey = make_survey(collateral_type="抵押", collateral_value=D("100000"), requested_type="临时",
                         requested_term_days=30)
    c = caps_of(Grade.B, survey)
    assert c.reasons[-1] == "第二十七条 申请期限30天超过最长期限15天，按15天"


def test_unknown_requested_type_is_refused():
    with pytest.raises(ValueError, match="申请授信类型应为无/临时/长期之一"):
        caps_of(Grade.A, make_survey(requested_type="短期"))


def test_every_reason_cites_an_article():
    scenarios = [
        caps_of(Grade.A, evidence=make_evidence(avg_debit=D("123456.78")), approved=D("100000")),
        caps_of(Grade.A, make_survey(prior_settlement=None, requested_type="长期"), None),
        caps_of(Grade.B, make_survey(collateral_type="抵押", collateral_value=D("10500"), requested_term_days=90)),
        caps_of(Grade.B),
        caps_of(Grade.C, make_survey(requested_type="无")),
    ]
    for c in scenarios:
        assert c.reasons
        for reason in c.reasons:
            assert "第二十" in reason, reason


def test_amounts_are_money():
    ev = make_evidence(avg_debit=D("5000.5"), avg_credit=D("6000"))
    c = caps_of(Grade.A, make_survey(requested_limit=D("1")), ev)
    for amount in (c.cap_long, c.cap_temp, c.proposed_limit):
        assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2
