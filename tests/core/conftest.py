"""Factories for the pure core's inputs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from credit_workbook.core.model import BankAccount, LedgerEvidence, Officer, Survey
from credit_workbook.core.uscc import make_uscc

AS_OF = date(2026, 6, 30)


def make_survey(**overrides) -> Survey:
    """A complete form that earns grade A on its own (no ledger) at AS_OF."""
    survey = Survey(
        customer_code="C001",
        customer_name="北京示例商贸有限公司",
        counterparty_type="客户",
        uscc=make_uscc("91110105MA01ABCD2"),
        legal_rep="王五",
        established_on=date(2010, 5, 18),
        registered_capital=Decimal("5000"),
        address="北京市朝阳区建国路1号",
        ownership="有限责任公司",
        main_products="建材",
        salesperson="张三",
        department="华北销售部",
        officers=(Officer("王五", "董事长", Decimal("0.6"), "13800000000"),),
        banks=(BankAccount("中国工商银行北京朝阳支行", "0200001234567890123", "北京示例商贸有限公司", "基本户"),),
        revenue_y1=Decimal("12000"),
        revenue_y2=Decimal("11000"),
        net_profit_y1=Decimal("800"),
        net_profit_y2=Decimal("700"),
        operation_2y="良好",
        capital_strength="雄厚",
        solvency="强",
        coop_start=date(2023, 9, 1),
        prior_settlement="赊销",
        prior_limit=Decimal("200000.00"),
        annual_standard_met=True,
        no_bad_debt_2y=True,
        lawful_keeps_promises=True,
        breaks_promises=False,
        debt_disputes=False,
        poor_operation=False,
        sales_decline=False,
        illegal_operation=False,
        ordered_closure=False,
        account_freeze_risk=False,
        requested_type="长期",
        requested_limit=Decimal("100000.00"),
        requested_term_days=30,
        collateral_type="无",
        collateral_value=None,
        surveyed_by="张三",
        surveyed_on=date(2026, 6, 1),
        reviewed_by="李四",
        filed_by="赵六",
    )
    return replace(survey, **overrides)


def make_evidence(**overrides) -> LedgerEvidence:
    """Clean ledger history: 24 months, no arrears, turnover above the standard."""
    evidence = LedgerEvidence(
        first_ledger_month=date(2024, 7, 1),
        months_of_history=24,
        trailing_12m_credit=Decimal("1500000.00"),
        worst_overdue_days_24m=0,
        worst_overdue_month=None,
        had_exposure=True,
        avg_debit=Decimal("130000.00"),
        avg_credit=Decimal("125000.00"),
    )
    return replace(evidence, **overrides)


@pytest.fixture
def survey() -> Survey:
    return make_survey()
