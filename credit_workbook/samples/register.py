"""The demo company's credit register: Form 3 with the approvers' decisions, and 超额审批.

营销部 compiled the 2026 《预付、赊销客户汇总表》 at the turn of the year; 总经理
and 董事长 filled the 核定 columns (第二十九、三十条), and the signed file is the
register every monthly check reads. It is a living document: a proposal
still waiting for 总经理 (待批), one that 财务总监 turned down (驳回), and the
over-limit approval KH005 obtained in October (第三十二条) were added during
the year. Every approved row is exactly what the counterparty's ledger story
says the approvers granted, so the checks of 2026-10 find what the stories
intend (R01 for 鑫达 and 华翔, R05/R06 for the contracts that end, R08/R09
for the under-secured and over-generous limits).

Run: ``python -m credit_workbook.samples.register [OUT_PATH]``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from credit_workbook.fileio import atomic_target
from credit_workbook.forms.register import write_register
from credit_workbook.forms.rows import FormMeta, OverlimitRow, RegisterRow
from credit_workbook.samples.company import (
    BY_CODE,
    COMPANY,
    COUNTERPARTIES,
    LEDGER_ONLY,
    SampleCounterparty,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "sample_workbooks" / "register.xlsx"
INITIAL_NAME = "register_2026年初.xlsx"  # the version signed at the turn of the year

# The mid-year change the approvers signed on 2026-07-15: 锦绣服饰 asked for more
# room for the autumn season and got it, against 第四十二条 (调整后应低于原额度),
# above today's cap (R09) and pushing the company total past the 1 January
# exposure (R11) — the October checks must say all three.
RAISES: dict[str, tuple[Decimal, date, str]] = {
    "KH001": (Decimal("800000.00"), date(2026, 7, 15),
              "2026-07-15总经理批准调高至80万元（原50万元），秋冬旺季备货"),
}

PERIOD = "2026-01"  # the contract year the register was compiled for
AS_OF = date(2026, 1, 1)  # exposures as at 1 January (第二十四条 total control)
CREATED = datetime(2025, 12, 31, 16, 30)
YEAR_END = "2025-12"

ZERO = Decimal("0.00")
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class Pending:
    """A proposal in the register without (or against) the approvers' signature."""

    code: str
    status: str  # 待批 / 驳回
    note: str


UNDECIDED: tuple[Pending, ...] = (
    Pending("KH003", "待批",
            "2026-08-05营销部报临时额度（首次赊销），须营销副总、财务总监、总经理共同审批（第二十六条），总经理尚未签批；"
            "未批前仍现款现货"),
    Pending("GY003", "驳回",
            "2026-10-20财务总监钱慧芳驳回：对方要求预付款打入法定代表人个人银行卡，违反公司资金管理规定；继续款到发货"),
)

NOTES: dict[str, str] = {
    "KH002": "2025-11-20续签，合同期2025-11-25至2026-11-24",
    "KH005": "外贸旺季超额发货须事先报批（第三十二条）",
    "KH006": "合同期2026-03-01至2027-02-28",
    "KH008": "2025-11-16起一年",
    "KH013": "厂房抵押，评估价值120万元",
    "KH014": "织机设备抵押，评估价值20万元",
    "GY006": "2025-09-25批准，合同期2025-10-01至2026-09-30",
}


def _floor(value: Decimal) -> Decimal:
    return (value / THOUSAND).to_integral_value(ROUND_DOWN) * THOUSAND


def grade_at_approval(cp: SampleCounterparty) -> str:
    """The grade the approvers saw: nobody approves credit for a C (第二十八条).

    Where the demo's grade is C today, the C came later (鑫达's arrears are a
    2026 story, 恒美 was ordered to close in 2026-09), and the form grade, or A,
    is what stood at the turn of the year.
    """
    grade = cp.grade_from_form
    return "A" if grade == "C" else grade


def _caps(cp: SampleCounterparty, grade: str, collateral: Decimal | None) -> tuple[Decimal, Decimal]:
    """(长期, 临时) caps of 第二十六–二十八条 from the story's typical month, as 营销部 proposed them."""
    s = cp.ledger_story
    avg_debit, avg_credit = s.monthly_debit, s.monthly_credit
    if grade == "A":
        if cp.values.get("prior_settlement") in ("赊销", "预付"):
            cap = _floor(min(avg_debit, avg_credit))
            return cap, cap
        return ZERO, _floor(avg_credit)
    if grade == "B" and collateral:
        cap = _floor(min(avg_debit, avg_credit, collateral))
        return cap, cap
    return ZERO, ZERO


def _year_end_exposure(story) -> Decimal:
    """The balance finance read off at 31 December (0 for a counterparty that came later)."""
    closing = {m: b for m, _d, _c, b in story.months()}
    return max(closing.get(YEAR_END, ZERO), ZERO)


def jan1_exposure() -> Decimal:
    """Σ max(balance, 0) of everyone at the start of 1 January (第二十四条第2款①)."""
    stories = [cp.ledger_story for cp in COUNTERPARTIES] + [lo.ledger_story for lo in LEDGER_ONLY]
    return sum((_year_end_exposure(s) for s in stories), ZERO)


def register_rows(raised: bool = True) -> list[RegisterRow]:
    """The register's rows; ``raised=False`` gives the version before the mid-year raises."""
    from dataclasses import replace

    rows = []
    for cp in COUNTERPARTIES:
        a = cp.ledger_story.approved
        if a is None:
            continue
        note = NOTES.get(cp.code)
        if raised and cp.code in RAISES:
            limit, approved_on, note = RAISES[cp.code]
            a = replace(a, limit=limit, approved_on=approved_on)
        grade = grade_at_approval(cp)
        cap_long, cap_temp = _caps(cp, grade, a.collateral_value)
        exposure = _year_end_exposure(cp.ledger_story)
        rows.append(RegisterRow(
            code=cp.code, name=cp.name, counterparty_type=cp.counterparty_type, grade=grade,
            salesperson=str(cp.values["salesperson"]),
            avg_debit=cp.ledger_story.monthly_debit, avg_credit=cp.ledger_story.monthly_credit,
            cap_long=cap_long, cap_temp=cap_temp,
            proposed_type=a.credit_type, proposed_limit=a.limit, proposed_term_days=a.term_days,
            exposure=exposure, utilization=(exposure / a.limit).quantize(Decimal("0.0001"), ROUND_HALF_UP),
            approved_type=a.credit_type, approved_limit=a.limit, approved_term_days=a.term_days,
            collateral_type=a.collateral_type, collateral_value=a.collateral_value,
            contract_start=a.contract_start, contract_end=a.contract_end,
            status=a.status, approved_on=a.approved_on, note=note,
        ))
    for pending in UNDECIDED:
        cp = BY_CODE[pending.code]
        grade = grade_at_approval(cp)
        cap_long, cap_temp = _caps(cp, grade, None)
        requested = cp.values.get("requested_limit")
        proposed = min(requested, cap_temp) if requested is not None else cap_temp
        rows.append(RegisterRow(
            code=cp.code, name=cp.name, counterparty_type=cp.counterparty_type, grade=grade,
            salesperson=str(cp.values["salesperson"]),
            avg_debit=cp.ledger_story.monthly_debit, avg_credit=cp.ledger_story.monthly_credit,
            cap_long=cap_long, cap_temp=cap_temp,
            proposed_type=str(cp.values["requested_type"]), proposed_limit=proposed,
            proposed_term_days=cp.values.get("requested_term_days"),
            exposure=_year_end_exposure(cp.ledger_story), status=pending.status, note=pending.note,
        ))
    return rows


def overlimit_rows() -> list[OverlimitRow]:
    return [OverlimitRow(cp.code, o.approved_on, o.amount, o.reference)
            for cp in COUNTERPARTIES for o in cp.ledger_story.over_limit_approvals]


def build_register(path: Path = DEFAULT_PATH, raised: bool = True) -> Path:
    """Write the register (current, or the initial version); the same dataset gives the same bytes."""
    path = Path(path)
    meta = FormMeta(company=str(COMPANY["name"]), period=PERIOD, as_of=AS_OF, created=CREATED)
    with atomic_target(path) as tmp:
        write_register(tmp, register_rows(raised), meta, jan1_exposure(), overlimit_rows())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m credit_workbook.samples.register",
        description="生成演示公司已审批的《预付、赊销客户汇总表》（授信台账）及超额审批记录。")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH,
                        help=f"输出文件（默认 {DEFAULT_PATH}）")
    args = parser.parse_args(argv)
    build_register(args.path)
    initial = args.path.with_name(INITIAL_NAME)
    build_register(initial, raised=False)
    print(f"已生成授信台账：{args.path}（年初版本：{initial}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
