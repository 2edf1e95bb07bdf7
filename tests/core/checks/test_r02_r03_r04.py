"""R02 (no credit: may only decrease), R03 (new debit while arrears are open), R04 (overdue at month end)."""

from __future__ import annotations

from datetime import date

from credit_workbook.core.checks import r02_no_credit_exposure, r03_new_debit_with_overdue, r04_overdue

from .conftest import D, approved, ctx, history, mv, place, policy

# ---------------------------------------------------------------- R02


def test_r02_growth_without_credit_is_red():
    h = history(mv("2026-06-05", debit="10000.00", ref="记-5"), opening="50000.00")
    [flag] = r02_no_credit_exposure.check(ctx(h, None))
    assert (flag.rule, flag.severity, flag.article) == ("R02", "红", "第三十四条")
    assert flag.amount == D("60000.00")
    assert "60,000.00 元" in flag.message and "增加 10,000.00 元" in flag.message and "无已批准的信用额度" in flag.message
    assert flag.extra["places"] == (place("记-5"),)


def test_r02_a_decrease_is_only_a_warning():
    h = history(mv("2026-06-05", credit="10000.00"), opening="50000.00")
    [flag] = r02_no_credit_exposure.check(ctx(h, None))
    assert flag.severity == "黄" and flag.amount == D("40000.00") and "40,000.00 元" in flag.message


def test_r02_unchanged_is_not_an_increase():
    h = history(mv("2026-06-05", debit="10000.00"), mv("2026-06-06", credit="10000.00"), opening="50000.00")
    [flag] = r02_no_credit_exposure.check(ctx(h, None))
    assert flag.severity == "黄"


def test_r02_moving_from_our_prepayment_to_owing_us_is_an_increase():
    h = history(mv("2026-06-05", debit="8000.00"), opening="-5000.00")
    [flag] = r02_no_credit_exposure.check(ctx(h, None))
    assert flag.severity == "红" and flag.amount == D("3000.00")


def test_r02_nothing_owed_or_credit_in_force_raises_nothing():
    assert r02_no_credit_exposure.check(ctx(history(mv("2026-06-05", debit="10000.00"),
                                                    mv("2026-06-25", credit="10000.00")), None)) == []
    assert r02_no_credit_exposure.check(ctx(history(mv("2026-06-05", debit="10000.00")))) == []


def test_r02_an_expired_contract_is_no_credit():
    h = history(mv("2026-06-05", debit="10000.00"), opening="50000.00")
    [flag] = r02_no_credit_exposure.check(ctx(h, approved(end=date(2026, 5, 31))))
    assert flag.severity == "红" and "合同已于 2026-05-31 到期" in flag.message


# ---------------------------------------------------------------- R03


def _arrears(*june):
    # 05-02 shipment 50,000 on a 30-day term: due 06-01
    return history(mv("2026-05-02", debit="50000.00", ref="记-0502"), *june)


def test_r03_a_shipment_on_the_due_day_is_allowed():
    assert r03_new_debit_with_overdue.check(ctx(_arrears(mv("2026-06-01", debit="10000.00")))) == []


def test_r03_a_shipment_the_day_after_the_due_day_is_a_breach():
    [flag] = r03_new_debit_with_overdue.check(ctx(_arrears(mv("2026-06-02", debit="10000.00", ref="记-7"))))
    assert (flag.rule, flag.severity, flag.article) == ("R03", "红", "第三十五条")
    assert flag.amount == D("10000.00")
    assert flag.extra["places"] == (place("记-7"),)
    [d] = flag.extra["debits"]
    assert (d["ref"], d["oldest_item_ref"], d["days_overdue"]) == ("记-7", "记-0502", 1)
    for text in ("2026-06-02 记-7 借方 10,000.00 元", "2026-05-02 记-0502 尚欠 50,000.00 元", "2026-06-01 到期",
                 "已逾期 1 天"):
        assert text in flag.message


def test_r03_a_receipt_the_same_day_does_not_excuse_it_but_the_day_before_does():
    same_day = _arrears(mv("2026-06-02", credit="50000.00", ref="收-1"), mv("2026-06-02", debit="10000.00", ref="记-7"))
    assert len(r03_new_debit_with_overdue.check(ctx(same_day))) == 1
    day_before = _arrears(mv("2026-06-01", credit="50000.00", ref="收-1"), mv("2026-06-02", debit="10000.00"))
    assert r03_new_debit_with_overdue.check(ctx(day_before)) == []


def test_r03_without_credit_everything_is_due_at_once():
    h = history(mv("2026-06-02", debit="1000.00", ref="记-1"), mv("2026-06-03", debit="2000.00", ref="记-2"),
                mv("2026-06-04", debit="3000.00", ref="记-3"))
    [flag] = r03_new_debit_with_overdue.check(ctx(h, None))
    assert [d["ref"] for d in flag.extra["debits"]] == ["记-2", "记-3"]
    assert flag.amount == D("5000.00") and "2 笔，共 5,000.00 元" in flag.message
    assert flag.extra["places"] == (place("记-2"), place("记-3"))


# ---------------------------------------------------------------- R04


def test_r04_thirty_days_overdue_is_yellow():
    # 05-01 + 30 days = due 05-31; at 06-30 overdue 30 days
    [flag] = r04_overdue.check(ctx(history(mv("2026-05-01", debit="8000.00", ref="记-1"))))
    assert (flag.rule, flag.severity, flag.article) == ("R04", "黄", "第三十五条")
    assert flag.amount == D("8000.00") and flag.extra["max_overdue_days"] == 30
    assert "最长逾期 30 天" in flag.message and "逾期1-30天 8,000.00 元" in flag.message
    assert flag.extra["places"] == (place("记-1"),)


def test_r04_thirty_one_days_overdue_is_red():
    h = history(mv("2026-04-30", debit="8000.00", ref="记-1"), mv("2026-06-20", debit="3000.00", ref="记-2"))
    [flag] = r04_overdue.check(ctx(h))
    assert flag.severity == "红" and flag.extra["max_overdue_days"] == 31
    assert flag.amount == D("8000.00")  # the 06-20 shipment is not due yet
    assert "逾期31-60天 8,000.00 元" in flag.message and "最长逾期 31 天" in flag.message
    assert flag.extra["places"] == (place("记-1"),)


def test_r04_the_red_threshold_is_the_policy_parameter():
    h = history(mv("2026-04-30", debit="8000.00"))
    [flag] = r04_overdue.check(ctx(h, pol=policy(overdue_red_after_days=60)))
    assert flag.severity == "黄"


def test_r04_nothing_overdue_nothing_flagged():
    assert r04_overdue.check(ctx(history(mv("2026-06-01", debit="8000.00")))) == []
