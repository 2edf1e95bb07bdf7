"""R07 (C with exposure), R08 (B without enough collateral), R09 (approval above this month's cap), R10 (raised)."""

from __future__ import annotations

from credit_workbook.core.checks import (
    r07_grade_c_exposure,
    r08_grade_b_collateral,
    r09_limit_above_cap,
    r10_limit_raised,
)

from .conftest import D, approved, ctx, history, mv

OWING = history(mv("2026-06-10", debit="30000.00"))
CLEAR = history(mv("2026-06-10", debit="30000.00"), mv("2026-06-20", credit="30000.00"))

# ---------------------------------------------------------------- R07


def test_r07_grade_c_owing_anything_is_red():
    c = ctx(OWING, breaks_promises=True)
    assert c.cp.rating.result.grade.value == "C"
    [flag] = r07_grade_c_exposure.check(c)
    assert (flag.rule, flag.severity, flag.article) == ("R07", "红", "第二十八条")
    assert flag.amount == D("30000.00") and "30,000.00 元" in flag.message and "第十六条" in flag.message


def test_r07_grade_c_owing_nothing_or_grade_a_owing_is_fine():
    assert r07_grade_c_exposure.check(ctx(CLEAR, breaks_promises=True)) == []
    assert r07_grade_c_exposure.check(ctx(OWING)) == []


# ---------------------------------------------------------------- R08

B = {"operation_2y": "一般"}  # not 良好 → not A, nothing C → B


def test_r08_grade_b_with_a_limit_and_no_collateral():
    c = ctx(OWING, **B)
    assert c.cp.rating.result.grade.value == "B"
    [flag] = r08_grade_b_collateral.check(c)
    assert (flag.rule, flag.severity, flag.article) == ("R08", "红", "第二十七条")
    assert flag.amount == D("100000.00") and "未提供抵押" in flag.message and "100,000.00 元" in flag.message


def test_r08_collateral_equal_to_the_limit_passes_one_fen_less_fails():
    assert r08_grade_b_collateral.check(ctx(OWING, approved(collateral_type="抵押", collateral_value="100000.00"),
                                            **B)) == []
    [flag] = r08_grade_b_collateral.check(ctx(OWING, approved(collateral_type="抵押", collateral_value="99999.99"),
                                              **B))
    assert flag.amount == D("0.01") and "99,999.99 元" in flag.message and "授信台账" in flag.message


def test_r08_survey_collateral_when_the_register_row_records_none():
    assert r08_grade_b_collateral.check(ctx(OWING, collateral_type="质押", collateral_value=D("150000.00"),
                                            **B)) == []
    [flag] = r08_grade_b_collateral.check(ctx(OWING, collateral_type="质押", collateral_value=None, **B))
    assert "调查评定表" in flag.message and "未填抵押资产价值" in flag.message


def test_r08_not_b_or_no_limit_is_not_judged():
    assert r08_grade_b_collateral.check(ctx(OWING)) == []  # A
    assert r08_grade_b_collateral.check(ctx(OWING, None, **B)) == []


# ---------------------------------------------------------------- R09


def _steady():
    """60,000 shipped on the 5th and collected on the 20th, January–June: averages 60,000 → cap 60,000."""
    moves = []
    for m in range(1, 7):
        moves += [mv(f"2026-{m:02d}-05", debit="60000.00"), mv(f"2026-{m:02d}-20", credit="60000.00")]
    return history(*moves)


def test_r09_limit_equal_to_the_cap_passes_one_fen_above_warns():
    c = ctx(_steady(), approved("60000.00"))
    assert c.cp.rating.caps.cap_long == D("60000.00")
    assert r09_limit_above_cap.check(c) == []
    [flag] = r09_limit_above_cap.check(ctx(_steady(), approved("60000.01")))
    assert (flag.rule, flag.severity, flag.article) == ("R09", "黄", "第二十六条")
    assert flag.amount == D("0.01") and "60,000.01 元" in flag.message and "60,000.00 元" in flag.message


def test_r09_term_beyond_the_grades_longest():
    [flag] = r09_limit_above_cap.check(ctx(_steady(), approved("50000.00", term=31)))
    assert flag.amount is None and "核定期限 31 天超过A级长期最长期限 30 天" in flag.message


def test_r09_temporary_credit_of_a_b_customer_is_held_to_15_days():
    b = {"operation_2y": "一般", "collateral_type": "抵押", "collateral_value": D("80000.00")}
    assert r09_limit_above_cap.check(ctx(_steady(), approved("50000.00", term=15, kind="临时"), **b)) == []
    [flag] = r09_limit_above_cap.check(ctx(_steady(), approved("50000.00", term=16, kind="临时"), **b))
    assert flag.article == "第二十七条" and "临时最长期限 15 天" in flag.message


# ---------------------------------------------------------------- R10


def test_r10_a_raise_warns_keeping_or_lowering_does_not():
    [flag] = r10_limit_raised.check(ctx(OWING, approved("120000.00"), previous=approved("100000.00")))
    assert (flag.rule, flag.severity, flag.article) == ("R10", "黄", "第四十二条")
    assert flag.amount == D("20000.00") and "100,000.00 元" in flag.message and "120,000.00 元" in flag.message
    assert r10_limit_raised.check(ctx(OWING, approved("100000.00"), previous=approved("100000.00"))) == []
    assert r10_limit_raised.check(ctx(OWING, approved("99999.99"), previous=approved("100000.00"))) == []


def test_r10_no_previous_register_no_flag_and_from_none_to_credit_is_a_raise():
    assert r10_limit_raised.check(ctx(OWING, approved("120000.00"))) == []
    [flag] = r10_limit_raised.check(ctx(OWING, approved("50000.00"), previous=approved("0.00", kind="无")))
    assert flag.amount == D("50000.00")
