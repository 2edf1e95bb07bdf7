"""run_checks: every per-counterparty rule in rule order; what every flag carries, whichever rule raised it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from credit_workbook.core.checks.run import RULES, run_checks
from credit_workbook.policy import RULE_IDS, Policy

from .conftest import approved, ctx, history, mv, overlimit, policy

# A month that trips many rules at once: a May shipment overdue, a June shipment over the limit on top of it.
BUSY = history(mv("2026-05-01", debit="8000.00", ref="记-1"), mv("2026-06-10", debit="120000.00", ref="记-2"),
               mv("2026-06-20", credit="30000.00", ref="收-1"))


def _contexts():
    yield ctx(BUSY, approved(end=date(2026, 7, 20)), approvals=[overlimit("10000.00", "2026-06-20")],
              previous=approved("90000.00"), surveyed_on=date(2026, 1, 1))
    yield ctx(BUSY, None, survey=None)
    yield ctx(BUSY, breaks_promises=True, operation_2y="一般")
    never_cleared = history(*BUSY.movements, opening="5000.00")
    yield ctx(never_cleared, approved(start=date(2025, 7, 1), end=date(2026, 6, 30)), operation_2y="一般",
              coop_start=date(2026, 3, 1))
    yield ctx(BUSY, operation_2y="一般")  # B without collateral
    yield ctx(BUSY, None, pol=policy(severities={**Policy().checks.severities, "R02": ("黄", "蓝")}))


def test_rules_run_in_rule_order_and_r11_is_not_among_them():
    names = [m.__name__.rsplit(".", 1)[-1][:3].upper() for m in RULES]
    assert names == [r for r in RULE_IDS if r != "R11"]
    flags = run_checks(next(_contexts()))
    assert [f.rule for f in flags] == ["R01", "R03", "R06", "R09", "R10", "R12"]


def test_every_flag_names_rule_article_severity_numbers_and_places():
    seen = set()
    for c in _contexts():
        for flag in run_checks(c):
            seen.add(flag.rule)
            assert flag.severity in c.policy.checks.severities[flag.rule]
            assert re.fullmatch(r"第[一二三四五六七八九十]+条", flag.article)
            assert flag.amount is None or (isinstance(flag.amount, Decimal) and flag.amount >= 0)
            assert isinstance(flag.extra["places"], tuple)
            assert all(p.startswith("明细账.xlsx!") for p in flag.extra["places"])
            assert not re.search(r"\d{4}/\d|\d\.\d{3}\b", flag.message)  # yyyy-mm-dd dates, 2-place amounts
            if flag.amount is not None and flag.amount > 0:
                assert f"{flag.amount:,.2f} 元" in flag.message
    assert seen >= {"R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R12", "R13"}


def test_the_configured_severity_is_used():
    *_, light = _contexts()
    [r02] = [f for f in run_checks(light) if f.rule == "R02"]
    assert r02.severity == "黄"  # grew: the worse of ("黄", "蓝")


def test_a_clean_month_raises_nothing():
    moves = []
    for m in range(1, 7):  # 60,000 shipped on the 5th, collected on the 20th: cap 60,000
        moves += [mv(f"2026-{m:02d}-05", debit="60000.00"), mv(f"2026-{m:02d}-20", credit="60000.00")]
    assert run_checks(ctx(history(*moves), approved("60000.00"))) == []
    assert run_checks(ctx(None, None)) == []  # no ledger, no credit, fresh survey
