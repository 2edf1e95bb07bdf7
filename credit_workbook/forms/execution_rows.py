"""The rows of Form 4 《客户授信额度执行评价表》 from the month's evaluation and checks.

财务部 fills Form 4 every month (第四十条) and the 营销部经理 signs an opinion
on it (第四十一条); the breach list and the per-salesperson sums carry the
回收责任制 (第三十六条) and the 罚则 (第四十三条). This module turns the core's
``CounterpartyMonth`` and the monthly checks' ``Flag``s into plain rows; the
writer (``execution_review``) only lays them out. Everything is Decimal.

Decisions where SPEC is silent (the writer prints them in the form's 说明):

- **Who is on the form**: a counterparty with approved credit in force this
  month, with exposure at month end, or with any movement in the month.
  Flags of others still go to the breach list and the salesperson sums.
- **额度使用率** = closing exposure (期末余额, a prepayment counting 0) ÷ the
  approved limit in force: the month-end state the manager acts on; the
  intra-month peak shows up in 超限金额 / 超限天数 instead.
- **超限金额** = the R01 flag's amount when R01 fired, else
  max(本期最高占用 − 核定额度, 0) (blank without approved credit); an excess
  that R01 did not flag was covered by an over-limit approval (第三十二条).
  **超限天数** = the days R01 counted (``extra["days"]``), else the days
  whose end-of-day exposure was over the limit, replayed from the month's
  daily balances; blank when the month is known only from a 余额表.
- **回款率** = 本期贷方 ÷ (期初余额 + 本期借方) when that is > 0.
- **执行评价**, the worst that applies: 逾期 > 超限 > 关注 > 正常. Overdue
  comes first because it is money at risk, not only authority exceeded
  (over 90 days it turns the customer into C, 第十六条(1)).
  逾期 = R03 (新发货时前欠未清, 第三十五条) or R04 红 (逾期超过30天);
  超限 = R01 (超过核定额度), R02 红 (无额度且占用增加, 第三十四条) or R07
  (C级仍有占用, 第二十八条: a C customer's allowed limit is 0);
  关注 = any other 红 or 黄 flag; 正常 = no flag, or reminders (蓝) only.
  建议措施 lists the measure of every rule that fired, worst first.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from credit_workbook.core.aging import BUCKET_KEYS
from credit_workbook.core.evaluation import CounterpartyMonth
from credit_workbook.core.model import Flag
from credit_workbook.forms.rows import ExecutionRow, FlagRow, SalespersonRow

__all__ = [
    "ASSESSMENTS",
    "BLUE",
    "COMPANY_CODE",
    "MEASURES",
    "RED",
    "UNASSIGNED",
    "UNGRADED",
    "YELLOW",
    "assess",
    "execution_rows",
    "measures",
]

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")  # ratios kept to 0.01 %
RED, YELLOW, BLUE = "红", "黄", "蓝"
SEVERITY_RANK = {RED: 0, YELLOW: 1, BLUE: 2}

OVERDUE, OVER_LIMIT, WATCH, NORMAL = "逾期", "超限", "关注", "正常"
ASSESSMENTS = (OVERDUE, OVER_LIMIT, WATCH, NORMAL)  # worst first: the precedence

UNASSIGNED = "未指定"  # no 经办业务员 on the survey: a gap in 回收责任制 (第三十六条), shown, not hidden
UNGRADED = "未评"  # active in the ledger without a survey (第十三条)
COMPANY_CODE = "全公司"  # flags not of one counterparty (R11) are keyed "" in ``flags``

# What the form advises per rule: short, citing the article it rests on.
MEASURES: dict[str, str] = {
    "R01": "限期压缩至核定额度内（第三十三条），超额发货须有正式批准文书（第三十二条）",
    "R02": "无信用额度：欠款只减不增，加大清收并采取担保、抵押等保全措施（第三十四条）",
    "R03": "前欠未清：暂停新的发货、预付，先清旧欠（第三十五条）",
    "R04": "暂停发货、预付，限期催收逾期款项（第三十五条）",
    "R05": "合同期内欠款须清零一次：立即组织清收（第三十六条）",
    "R06": "合同到期前一个月内确定下年度合作方式，全部清收（第三十六条）",
    "R07": "C级不予授信：停止赊销、预付并全额清收（第二十八条）",
    "R08": "B级授信须办妥抵押：补足抵押或压缩额度（第二十七条）",
    "R09": "核定额度或期限超过上限：报批调减（第四十一、四十二条）",
    "R10": "调增额度须说明理由重新报批，原则上只减不增（第四十二条）",
    "R11": "授信总额超过1月1日余额：压缩授信总额（第二十四条）",
    "R12": "每季度更新《客户信用调查评定表》（第十二条）",
    "R13": "核实调查表与台账不符之处（第十一条）",
}
NORMAL_WITH_CREDIT = "按核定额度、期限执行，按月对账清账（第三十五条）"
NORMAL_NO_CREDIT = "坚持现款现货（第二十四条）"
NORMAL_COVERED = "最高占用超过核定额度：核对超额审批文书（第三十二条）"

# Where R01 reports its days in ``Flag.extra``: "days" holds the dates over
# the limit (None when the month has no daily detail); an int is taken as a count.
R01_DAYS_KEYS = ("days", "days_over_limit")


def _is(flag: Flag, rule: str, severity: str | None = None) -> bool:
    return flag.rule == rule and (severity is None or flag.severity == severity)


def assess(flags: Iterable[Flag]) -> str:
    """执行评价 by the precedence 逾期 > 超限 > 关注 > 正常 (module docstring)."""
    flags = list(flags)
    if any(_is(f, "R03") or _is(f, "R04", RED) for f in flags):
        return OVERDUE
    if any(_is(f, "R01") or _is(f, "R02", RED) or _is(f, "R07") for f in flags):
        return OVER_LIMIT
    if any(f.severity in (RED, YELLOW) for f in flags):
        return WATCH
    return NORMAL


def _flag_order(flag: Flag) -> tuple:
    return (SEVERITY_RANK.get(flag.severity, 9), flag.rule)


def measures(flags: Iterable[Flag], *, has_credit: bool, covered_excess: bool = False) -> str:
    """建议措施: the measure of each rule that fired, worst first; the normal course otherwise."""
    seen: list[str] = []
    for flag in sorted(flags, key=_flag_order):
        text = MEASURES.get(flag.rule)
        if text and text not in seen:
            seen.append(text)
    if seen:
        return "\n".join(seen)
    if covered_excess:
        return NORMAL_COVERED
    return NORMAL_WITH_CREDIT if has_credit else NORMAL_NO_CREDIT


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    return (numerator / denominator).quantize(RATIO, rounding=ROUND_HALF_UP)


def _month_bounds(month: str | None) -> tuple[date, date] | None:
    if not month:
        return None
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def limit_in_force(cp: CounterpartyMonth, month: str | None) -> Decimal | None:
    """The approved limit that governs this month, or None without approved credit.

    A 无 row, or a contract that ends before / starts after the month, gives
    no credit: its balance is judged as a no-credit customer's (第三十四条).
    """
    ap = cp.approved
    if ap is None or getattr(ap, "credit_type", None) in (None, "无"):
        return None
    bounds = _month_bounds(month)
    if bounds is not None:
        start, end = bounds
        if ap.contract_start and end < ap.contract_start:
            return None
        if ap.contract_end and start > ap.contract_end:
            return None
    return ap.limit


def days_over_limit(position, limit: Decimal) -> int | None:
    """Days of the month whose end-of-day exposure was over ``limit``.

    ``daily_closing`` lists only days with movements; a day without one keeps
    the balance of the day before (the opening before the first). A month
    known only from a 余额表 has no days: None, unless nothing was ever over.
    """
    if position is None:
        return None
    if not position.detail:
        return 0 if max(position.peak, ZERO) <= limit else None
    bounds = _month_bounds(position.month)
    if bounds is None:  # pragma: no cover - positions always carry their month
        return None
    start, end = bounds
    changes = dict(position.daily_closing)
    balance, days, day = position.opening, 0, start
    while day <= end:
        balance = changes.get(day, balance)
        if balance > limit:
            days += 1
        day += timedelta(days=1)
    return days


def _r01_days(flags: Sequence[Flag]) -> tuple[bool, int | None]:
    """(R01 reported its days, how many): a tuple of dates counts its length,
    None means the month had no daily detail (a 余额表), so nobody can count."""
    for flag in flags:
        if flag.rule != "R01":
            continue
        extra = flag.extra if isinstance(flag.extra, dict) else {}
        for key in R01_DAYS_KEYS:
            if key not in extra:
                continue
            value = extra[key]
            if value is None:
                return True, None
            if isinstance(value, int) and not isinstance(value, bool):
                return True, value
            if isinstance(value, (tuple, list, set, frozenset)):
                return True, len(value)
    return False, None


def _infer_month(cps: Sequence[CounterpartyMonth]) -> str | None:
    months = Counter(cp.position.month for cp in cps if cp.position is not None)
    return months.most_common(1)[0][0] if months else None


def _salesperson(cp: CounterpartyMonth) -> str:
    name = cp.survey.salesperson if cp.survey is not None else None
    return (name or "").strip() or UNASSIGNED


def _on_form(cp: CounterpartyMonth, limit: Decimal | None) -> bool:
    pos = cp.position
    moved = pos is not None and (pos.debit != 0 or pos.credit != 0)
    return limit is not None or cp.exposure > 0 or moved


def _row(cp: CounterpartyMonth, flags: Sequence[Flag], limit: Decimal | None) -> ExecutionRow:
    pos, aging, ap = cp.position, cp.aging, cp.approved
    opening = pos.opening if pos else ZERO
    debit = pos.debit if pos else ZERO
    credit = pos.credit if pos else ZERO
    closing = pos.closing if pos else ZERO
    peak = pos.peak if pos else ZERO
    r01 = [f for f in flags if f.rule == "R01" and f.amount is not None]
    if r01:
        over = max(f.amount for f in r01)
    elif limit is not None:
        over = max(max(peak, ZERO) - limit, ZERO)
    else:
        over = None
    reported, over_days = _r01_days(flags)
    if not reported and limit is not None:
        over_days = days_over_limit(pos, limit) if pos is not None else 0
    buckets = aging.buckets if aging else {}
    b = [buckets.get(key, ZERO) for key in BUCKET_KEYS]
    grade = cp.rating.result.grade.value if cp.rating is not None else UNGRADED
    has_credit = limit is not None
    covered = bool(over) and not r01
    return ExecutionRow(
        code=cp.code, name=cp.name, counterparty_type=cp.counterparty_type, grade=grade,
        salesperson=_salesperson(cp),
        approved_limit=limit, approved_term_days=ap.term_days if has_credit else None,
        opening=opening, debit=debit, credit=credit, closing=closing, peak=peak,
        utilization=_ratio(cp.exposure, limit) if limit is not None else None,
        over_limit_amount=over, over_limit_days=over_days,
        aging_current=b[0], aging_1_30=b[1], aging_31_60=b[2], aging_61_90=b[3],
        aging_91_180=b[4], aging_181_360=b[5], aging_over_360=b[6],
        overdue=aging.overdue if aging else ZERO,
        max_overdue_days=aging.max_overdue_days if aging else 0,
        collection_rate=_ratio(credit, opening + debit),
        assessment=assess(flags),
        measures=measures(flags, has_credit=has_credit, covered_excess=covered),
        department_note=None,
    )


def execution_rows(cps: Sequence[CounterpartyMonth], flags: Mapping[str, Sequence[Flag]], *,
                   period: str | None = None
                   ) -> tuple[list[ExecutionRow], list[FlagRow], list[SalespersonRow]]:
    """Form 4's three tables: the form rows (by code), the breach list, the salesperson sums.

    ``flags`` maps a counterparty code to its flags; company-wide flags (R11)
    go under "" and are listed as 全公司, outside every salesperson's sums.
    ``period`` ("YYYY-MM") decides which contracts are in force; by default
    it is the month of the positions.
    """
    month = period or _infer_month(cps)
    by_code = {cp.code: cp for cp in cps}
    rows: list[ExecutionRow] = []
    for cp in sorted(cps, key=lambda c: c.code):
        limit = limit_in_force(cp, month)
        if _on_form(cp, limit):
            rows.append(_row(cp, flags.get(cp.code, ()), limit))
    return rows, flag_rows(by_code, flags), salesperson_rows(rows, by_code, flags)


def flag_rows(by_code: Mapping[str, CounterpartyMonth], flags: Mapping[str, Sequence[Flag]]) -> list[FlagRow]:
    """Every flag, 红 before 黄 before 蓝, then by rule, then by code."""
    out = []
    for code, items in flags.items():
        cp = by_code.get(code)
        shown = code or COMPANY_CODE
        for f in items:
            out.append(FlagRow(rule=f.rule, severity=f.severity, article=f.article, code=shown,
                               name=cp.name if cp else None, salesperson=_salesperson(cp) if cp else None,
                               amount=f.amount, message=f.message))
    out.sort(key=lambda r: (SEVERITY_RANK.get(r.severity, 9), r.rule or "", r.code or ""))
    return out


def salesperson_rows(rows: Sequence[ExecutionRow], by_code: Mapping[str, CounterpartyMonth],
                     flags: Mapping[str, Sequence[Flag]]) -> list[SalespersonRow]:
    """回收责任制 (第三十六条) and 罚则 (第四十三条): each salesperson's customers and breaches.

    客户数 and the money sums are over the form's rows (期末占用 = exposure,
    a prepayment counting 0); 红/黄 count every flag of the salesperson's
    counterparties, on the form or not. Worst first (most 红, then 黄), so
    the sheet reads as an accountability list; 未指定 always last.
    """
    acc: dict[str, dict] = {}

    def slot(name: str) -> dict:
        return acc.setdefault(name, {"customers": 0, "approved": ZERO, "closing": ZERO, "overdue": ZERO,
                                     "red": 0, "yellow": 0})

    for r in rows:
        s = slot(r.salesperson or UNASSIGNED)
        s["customers"] += 1
        s["approved"] += r.approved_limit or ZERO
        s["closing"] += max(r.closing or ZERO, ZERO)
        s["overdue"] += r.overdue or ZERO
    for code, items in flags.items():
        cp = by_code.get(code)
        if cp is None:
            continue  # company-wide: nobody's in particular
        counted = [f for f in items if f.severity in (RED, YELLOW)]
        if not counted:
            continue
        s = slot(_salesperson(cp))
        s["red"] += sum(1 for f in counted if f.severity == RED)
        s["yellow"] += sum(1 for f in counted if f.severity == YELLOW)
    ordered = sorted(acc.items(), key=lambda kv: (kv[0] == UNASSIGNED, -kv[1]["red"], -kv[1]["yellow"], kv[0]))
    return [SalespersonRow(name, s["customers"], s["approved"], s["closing"], s["overdue"], s["red"], s["yellow"])
            for name, s in ordered]
