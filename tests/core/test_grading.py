"""ABC grading (第十三–十八条) and the reasons it gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from credit_workbook.core.grading import ANSWER_FIELDS, grade
from credit_workbook.core.model import Contradiction, Grade
from credit_workbook.forms.fields import BY_NAME, DEFAULT_KEY_DATA
from credit_workbook.policy import GradingPolicy

from .conftest import AS_OF, make_evidence, make_survey

POLICY = GradingPolicy()
B_FOOTER = "第十七条 不符合A、C级条件"


def unmet_a(result) -> list[str]:
    return [c.code for c in result.conditions if c.code.startswith("A") and not c.met]


def met_c(result) -> list[str]:
    return [c.code for c in result.conditions if c.code.startswith("C") and c.met]


def facts(result, code: str) -> str:
    return next(c.facts for c in result.conditions if c.code == code)


# ---------------------------------------------------------------- A

def test_complete_good_form_without_ledger_is_a():
    result = grade(make_survey(), None, POLICY, AS_OF)
    assert result.grade is Grade.A
    assert result.missing_key_data == () and result.contradictions == ()
    assert result.reasons == (
        "A级：符合第十五条(1)–(6)：合作2年9个月（自2023-09-01）；近两年无不良欠款、欠货及严重违约；"
        "守法经营、严格履约、信守承诺；最近连续两年经营状况良好；资金实力雄厚、偿债能力强；"
        "年度回款、发货达到公司标准（无台账历史，按调查表）；第十八条 关键资料齐全",
    )


def test_conditions_are_all_reported_with_their_articles():
    result = grade(make_survey(), make_evidence(), POLICY, AS_OF)
    assert [c.code for c in result.conditions] == [f"C{i}" for i in range(1, 10)] + [f"A{i}" for i in range(1, 7)]
    assert {c.article for c in result.conditions if c.code[0] == "C"} == {"第十六条"}
    assert {c.article for c in result.conditions if c.code[0] == "A"} == {"第十五条"}
    assert not any(c.met for c in result.conditions if c.code[0] == "C")
    assert all(c.met for c in result.conditions if c.code[0] == "A")


@pytest.mark.parametrize("overrides, code, reason", [
    ({"coop_start": date(2025, 12, 1)}, "A1", "B级：不符合第十五条(1) 合作6个月（自2025-12-01），不足1年"),
    ({"lawful_keeps_promises": False}, "A3", "B级：不符合第十五条(3) 守法经营、严格履约、信守承诺填“否”"),
    ({"operation_2y": "一般"}, "A4", "B级：不符合第十五条(4) 最近连续两年经营状况为“一般”"),
    ({"operation_2y": "较差"}, "A4", "B级：不符合第十五条(4) 最近连续两年经营状况为“较差”"),
    ({"capital_strength": "一般"}, "A5", "B级：不符合第十五条(5) 资金实力为“一般”"),
    ({"solvency": "一般"}, "A5", "B级：不符合第十五条(5) 偿债能力为“一般”"),
    ({"capital_strength": "一般", "solvency": "一般"}, "A5",
     "B级：不符合第十五条(5) 资金实力为“一般”、偿债能力为“一般”"),
    ({"annual_standard_met": False}, "A6",
     "B级：不符合第十五条(6) 年度回款、发货未达到公司标准（无台账历史，按调查表，填“否”）"),
])
def test_each_a_condition_failing_alone_gives_b(overrides, code, reason):
    result = grade(make_survey(**overrides), None, POLICY, AS_OF)
    assert result.grade is Grade.B
    assert unmet_a(result) == [code]
    assert met_c(result) == []
    assert result.reasons == (reason, B_FOOTER)


def test_blank_bad_debt_answer_fails_a2_and_completeness():
    result = grade(make_survey(no_bad_debt_2y=None), None, POLICY, AS_OF)
    assert result.grade is Grade.B
    assert unmet_a(result) == ["A2"]
    assert result.missing_key_data == ("no_bad_debt_2y",)
    assert result.reasons == (
        "B级：不符合第十五条(2) 近两年无不良欠款、欠货及严重违约未填写",
        "B级：第十八条 关键资料不全（近两年无不良欠款、欠货及严重违约未填写），不列入A级",
        B_FOOTER,
    )


# ---------------------------------------------------------------- C

@pytest.mark.parametrize("overrides, code, reason", [
    ({"no_bad_debt_2y": False}, "C1", "C级：第十六条(1) 近两年有不良欠款、欠货或严重违约(调查表填“否”)"),
    ({"breaks_promises": True}, "C2", "C级：第十六条(2) 经常不兑现承诺"),
    ({"debt_disputes": True}, "C3", "C级：第十六条(3) 出现不良债务纠纷或严重转移资产"),
    ({"capital_strength": "不足"}, "C4", "C级：第十六条(4) 资金实力不足"),
    ({"solvency": "较差"}, "C4", "C级：第十六条(4) 偿债能力较差"),
    ({"capital_strength": "不足", "solvency": "较差"}, "C4", "C级：第十六条(4) 资金实力不足、偿债能力较差"),
    ({"poor_operation": True}, "C5", "C级：第十六条(5) 生产经营不良、严重亏损或营业额持续多月下滑"),
    ({"sales_decline": True}, "C6", "C级：第十六条(6) 产品生产、销售连续严重下滑或有不公正行为"),
    ({"illegal_operation": True}, "C7", "C级：第十六条(7) 有严重违法经营现象"),
    ({"ordered_closure": True}, "C8", "C级：第十六条(8) 被国家机关责令停业、整改"),
    ({"account_freeze_risk": True}, "C9", "C级：第十六条(9) 有被查封、冻结银行账户的危险"),
])
def test_each_c_condition_alone_gives_c(overrides, code, reason):
    result = grade(make_survey(**overrides), make_evidence(), POLICY, AS_OF)
    assert result.grade is Grade.C
    assert met_c(result) == [code]
    assert result.reasons == (reason,)


def test_several_c_conditions_are_all_cited_in_order():
    result = grade(make_survey(account_freeze_risk=True, breaks_promises=True), None, POLICY, AS_OF)
    assert result.reasons == ("C级：第十六条(2) 经常不兑现承诺", "C级：第十六条(9) 有被查封、冻结银行账户的危险")


def test_c_beats_a_missing_data_and_everything_else():
    result = grade(make_survey(illegal_operation=True, uscc=None, operation_2y="一般"), None, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert result.missing_key_data == ("uscc",)  # still reported for the clerk
    assert result.reasons == ("C级：第十六条(7) 有严重违法经营现象",)


def test_c_answer_no_is_stated_as_fact():
    result = grade(make_survey(), None, POLICY, AS_OF)
    assert facts(result, "C2") == "经常不兑现承诺：否"
    assert facts(result, "C4") == "资金实力：雄厚，偿债能力：强"


# ---------------------------------------------------------------- ledger arrears (C1, 第十一条)

def test_ledger_arrears_over_limit_gives_c_and_contradiction():
    ev = make_evidence(worst_overdue_days_24m=127, worst_overdue_month="2025-03")
    result = grade(make_survey(), ev, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert result.reasons[0] == "C级：第十六条(1) 近两年有不良欠款(台账：2025-03 逾期127天)"
    assert result.contradictions == (
        Contradiction(field="no_bad_debt_2y", form_says="是", ledger_says="2025-03 逾期127天"),
    )
    assert result.reasons[1] == ("第十一条 调查表与台账不符：“近两年无不良欠款、欠货及严重违约”填“是”，"
                                 "台账：2025-03 逾期127天，按较差者评定")
    assert not next(c for c in result.conditions if c.code == "A2").met


def test_overdue_91_days_is_c():
    ev = make_evidence(worst_overdue_days_24m=91, worst_overdue_month="2026-02")
    result = grade(make_survey(), ev, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert met_c(result) == ["C1"]
    assert [c.field for c in result.contradictions] == ["no_bad_debt_2y"]


def test_overdue_90_days_is_not_c():
    ev = make_evidence(worst_overdue_days_24m=90, worst_overdue_month="2026-02")
    result = grade(make_survey(), ev, POLICY, AS_OF)
    assert result.grade is Grade.A
    assert result.contradictions == ()
    assert facts(result, "A2") == "近两年无不良欠款、欠货及严重违约（台账近24个月最长逾期90天，未超过90天）"


def test_bad_arrears_days_is_a_parameter():
    ev = make_evidence(worst_overdue_days_24m=61, worst_overdue_month="2026-02")
    assert grade(make_survey(), ev, GradingPolicy(bad_arrears_days=60), AS_OF).grade is Grade.C
    assert grade(make_survey(), ev, POLICY, AS_OF).grade is Grade.A


def test_form_and_ledger_agreeing_on_bad_debt_is_no_contradiction():
    ev = make_evidence(worst_overdue_days_24m=200, worst_overdue_month="2025-01")
    result = grade(make_survey(no_bad_debt_2y=False), ev, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert result.contradictions == ()
    assert result.reasons == ("C级：第十六条(1) 近两年有不良欠款、欠货或严重违约(调查表填“否”；台账：2025-01 逾期200天)",)


def test_blank_form_answer_with_ledger_arrears_is_c_without_contradiction():
    ev = make_evidence(worst_overdue_days_24m=120, worst_overdue_month=None)
    result = grade(make_survey(no_bad_debt_2y=None), ev, POLICY, AS_OF)
    assert result.grade is Grade.C
    assert result.contradictions == ()
    assert result.reasons == ("C级：第十六条(1) 近两年有不良欠款(台账：逾期120天)",)


# ---------------------------------------------------------------- cooperation (A1)

@pytest.mark.parametrize("coop_start, as_of, expected", [
    (date(2025, 6, 30), date(2026, 6, 30), Grade.A),   # exactly one year
    (date(2025, 7, 1), date(2026, 6, 30), Grade.B),    # one day short
    (date(2027, 2, 28), date(2028, 2, 29), Grade.A),   # 29 Feb looks back to 28 Feb
    (date(2027, 3, 1), date(2028, 2, 29), Grade.B),
    (date(2024, 2, 29), date(2025, 2, 28), Grade.B),
    (date(2024, 2, 29), date(2025, 3, 1), Grade.A),
])
def test_cooperation_of_one_year(coop_start, as_of, expected):
    result = grade(make_survey(coop_start=coop_start, surveyed_on=as_of), None, POLICY, as_of)
    assert result.grade is expected
    assert unmet_a(result) == ([] if expected is Grade.A else ["A1"])


def test_cooperation_facts():
    exactly = grade(make_survey(coop_start=date(2025, 6, 30)), None, POLICY, AS_OF)
    assert facts(exactly, "A1") == "合作1年（自2025-06-30）"
    short = grade(make_survey(coop_start=date(2025, 7, 1)), None, POLICY, AS_OF)
    assert facts(short, "A1") == "合作11个月（自2025-07-01），不足1年"
    new = grade(make_survey(coop_start=date(2026, 6, 20)), None, POLICY, AS_OF)
    assert facts(new, "A1") == "合作不足1个月（自2026-06-20），不足1年"


def test_coop_min_years_is_a_parameter():
    policy = GradingPolicy(coop_min_years=3)
    assert grade(make_survey(coop_start=date(2023, 6, 30)), None, policy, AS_OF).grade is Grade.A
    result = grade(make_survey(coop_start=date(2023, 7, 1)), None, policy, AS_OF)
    assert result.grade is Grade.B
    assert facts(result, "A1") == "合作2年11个月（自2023-07-01），不足3年"


def test_coop_start_after_evaluation_date():
    result = grade(make_survey(coop_start=date(2026, 8, 1)), None, POLICY, AS_OF)
    assert result.grade is Grade.B
    assert facts(result, "A1") == "合作开始日期2026-08-01晚于评定日期2026-06-30"


def test_first_ledger_month_earlier_than_coop_start_makes_a1_pass():
    ev = make_evidence(first_ledger_month=date(2025, 1, 1), months_of_history=18,
                       trailing_12m_credit=Decimal("1200000.00"))
    result = grade(make_survey(coop_start=date(2025, 12, 1)), ev, POLICY, AS_OF)
    assert result.grade is Grade.A
    assert facts(result, "A1") == "合作1年5个月（自2025-01-01，台账首月）"
    assert result.contradictions == (
        Contradiction(field="coop_start", form_says="2025-12-01", ledger_says="台账最早往来在2025-01"),
    )
    assert result.reasons[-1] == ("第十一条 调查表与台账不符：“合作开始日期”填“2025-12-01”，"
                                  "台账：台账最早往来在2025-01，合作年限按较早者计算")


def test_without_ledger_the_same_form_is_b():
    assert grade(make_survey(coop_start=date(2025, 12, 1)), None, POLICY, AS_OF).grade is Grade.B


def test_coop_start_within_the_first_ledger_month_is_no_contradiction():
    ev = make_evidence(first_ledger_month=date(2024, 7, 1))
    result = grade(make_survey(coop_start=date(2024, 7, 20)), ev, POLICY, AS_OF)
    assert result.contradictions == ()
    assert facts(result, "A1") == "合作1年11个月（自2024-07-01，台账首月）"


def test_coop_start_earlier_than_ledger_keeps_form_date():
    ev = make_evidence(first_ledger_month=date(2024, 7, 1))
    result = grade(make_survey(coop_start=date(2023, 9, 1)), ev, POLICY, AS_OF)
    assert result.contradictions == ()
    assert facts(result, "A1") == "合作2年9个月（自2023-09-01）"


def test_blank_coop_start_uses_ledger_when_not_key_data():
    policy = GradingPolicy(key_data_fields=tuple(n for n in DEFAULT_KEY_DATA if n != "coop_start"))
    ev = make_evidence(first_ledger_month=date(2024, 7, 1))
    result = grade(make_survey(coop_start=None), ev, policy, AS_OF)
    assert result.grade is Grade.A
    no_ledger = grade(make_survey(coop_start=None), None, policy, AS_OF)
    assert no_ledger.grade is Grade.B
    assert no_ledger.missing_key_data == ("coop_start",)
    assert facts(no_ledger, "A1") == "合作开始日期未填写，台账也无往来记录"


# ---------------------------------------------------------------- key data (第十八条)

def _blank_of(name: str):
    return () if name == "banks" else None


@pytest.mark.parametrize("name", DEFAULT_KEY_DATA)
def test_missing_key_data_one_at_a_time(name):
    result = grade(make_survey(**{name: _blank_of(name)}), make_evidence(), POLICY, AS_OF)
    assert result.grade is Grade.B
    assert result.missing_key_data == (name,)
    label = "主要往来结算银行" if name == "banks" else BY_NAME[name].label
    assert f"B级：第十八条 关键资料不全（{label}未填写），不列入A级" in result.reasons
    assert result.reasons[-1] == B_FOOTER


def test_blank_text_counts_as_missing():
    result = grade(make_survey(customer_name="  "), None, POLICY, AS_OF)
    assert result.grade is Grade.B
    assert result.missing_key_data == ("customer_name",)


def test_several_missing_fields_listed_in_one_reason():
    result = grade(make_survey(uscc=None, established_on=None), None, POLICY, AS_OF)
    assert result.reasons == ("B级：第十八条 关键资料不全（统一社会信用代码、成立日期未填写），不列入A级", B_FOOTER)
    assert result.missing_key_data == ("uscc", "established_on")


def test_key_data_fields_follow_the_policy():
    policy = GradingPolicy(key_data_fields=("customer_name", "address"))
    result = grade(make_survey(address=None, uscc=None), None, policy, AS_OF)
    assert result.missing_key_data == ("address",)
    assert grade(make_survey(uscc=None), None, policy, AS_OF).grade is Grade.A


def test_unknown_key_data_field_is_refused():
    with pytest.raises(ValueError, match="关键资料字段“nonsense”不是调查评定表的字段"):
        grade(make_survey(), None, GradingPolicy(key_data_fields=("nonsense",)), AS_OF)


@pytest.mark.parametrize("name", ANSWER_FIELDS)
def test_blank_condition_answer_makes_form_incomplete(name):
    result = grade(make_survey(**{name: None}), make_evidence(), POLICY, AS_OF)
    assert result.grade is Grade.B
    assert name in result.missing_key_data
    assert f"（{BY_NAME[name].label}未填写）" in result.reasons[-2]


def test_blank_annual_standard_matters_only_without_12_months_of_ledger():
    short = grade(make_survey(annual_standard_met=None), None, POLICY, AS_OF)
    assert short.grade is Grade.B
    assert short.missing_key_data == ("annual_standard_met",)
    full = grade(make_survey(annual_standard_met=None), make_evidence(), POLICY, AS_OF)
    assert full.grade is Grade.A
    assert full.missing_key_data == ()


# ---------------------------------------------------------------- annual standard (A6)

def test_annual_standard_from_ledger_at_the_boundary_passes():
    ev = make_evidence(trailing_12m_credit=Decimal("1000000.00"))
    result = grade(make_survey(annual_standard_met=False), ev, POLICY, AS_OF)  # the ledger decides
    assert result.grade is Grade.A
    assert facts(result, "A6") == "近12个月回款1,000,000.00元，达到公司标准1,000,000.00元（台账）"


def test_annual_standard_from_ledger_one_cent_short_fails():
    ev = make_evidence(trailing_12m_credit=Decimal("999999.99"))
    result = grade(make_survey(annual_standard_met=True), ev, POLICY, AS_OF)
    assert result.grade is Grade.B
    assert unmet_a(result) == ["A6"]
    assert result.reasons == (
        "B级：不符合第十五条(6) 近12个月回款999,999.99元，未达到公司标准1,000,000.00元（台账）", B_FOOTER,
    )


def test_short_ledger_history_falls_back_to_the_form():
    ev = make_evidence(months_of_history=8, trailing_12m_credit=None)
    passed = grade(make_survey(annual_standard_met=True), ev, POLICY, AS_OF)
    assert passed.grade is Grade.A
    assert facts(passed, "A6") == "年度回款、发货达到公司标准（台账历史不足12个月，按调查表）"
    assert grade(make_survey(annual_standard_met=False), ev, POLICY, AS_OF).grade is Grade.B


def test_supplier_turnover_is_called_goods_received():
    ev = make_evidence(trailing_12m_credit=Decimal("2000000.00"))
    result = grade(make_survey(counterparty_type="供应商"), ev, POLICY, AS_OF)
    assert facts(result, "A6") == "近12个月到货2,000,000.00元，达到公司标准1,000,000.00元（台账）"


def test_annual_standard_is_a_parameter():
    ev = make_evidence(trailing_12m_credit=Decimal("600000.00"))
    policy = GradingPolicy(annual_standard=Decimal("500000.00"))
    assert grade(make_survey(), ev, policy, AS_OF).grade is Grade.A
    assert grade(make_survey(), ev, POLICY, AS_OF).grade is Grade.B


# ---------------------------------------------------------------- B combinations

def test_b_lists_every_unmet_condition_then_missing_then_article_17():
    survey = make_survey(operation_2y="一般", solvency="一般", uscc=None, coop_start=date(2026, 1, 1))
    result = grade(survey, None, POLICY, AS_OF)
    assert result.reasons == (
        "B级：不符合第十五条(1) 合作5个月（自2026-01-01），不足1年",
        "B级：不符合第十五条(4) 最近连续两年经营状况为“一般”",
        "B级：不符合第十五条(5) 偿债能力为“一般”",
        "B级：第十八条 关键资料不全（统一社会信用代码未填写），不列入A级",
        B_FOOTER,
    )
