"""The demo company's monthly ledger exports, 2025-10..2026-10, written from the ledger stories.

Finance drops one export per account and month into ``inbox/``; these are
those files for 浙江江南华盛实业有限公司, so the demo, the acceptance run and
a credit manager's walk-through all read the same thirteen months. The
stories in ``company.py`` fix each counterparty's monthly debit, credit and
closing; this module invents the days in between the way a real book looks:
several 发货 a month with invoice numbers, 回款 by 电汇 or 银行承兑 on bank
days, prepayments to suppliers and the deliveries set against them, a
red-ink reversal now and then, a customer who pays into 预收账款 before it is
shipped.

The days are not decoration: the checks read them. A customer paid on
terms must never show an item past its due date (R03/R04 would fire on a
good customer), must stay within its approved limit day by day (R01), and a
contract that is meant to end without the balance ever reaching 0 (R05)
must not touch 0 by accident. So each on-terms month is built to a plan —
what the month's credit settles (FIFO) is shipped early and paid by its due
date, what stays open at month end is shipped late enough to be not yet
due — and then replayed and checked; a plan that misses is redrawn with the
next salt (deterministically: the same inputs always give the same book).

The company changed ERP at the start of 2026, which is why the styles
change (用友 from 2026-01, 金蝶 before; the purchasing clerk sent only a
余额表 for 2025-10, and the 2026-03 receivables came as a GBK CSV). One
extra file is a hand-edited re-export that the ingest must quarantine.

Run: ``python -m credit_workbook.samples.ledgers [OUT_DIR]``.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from credit_workbook.samples.company import (
    COMPANY,
    COUNTERPARTIES,
    HISTORY_MONTHS,
    LEDGER_ONLY,
    PREPAYMENT,
    RECEIVABLE,
    LedgerStory,
)
from credit_workbook.samples.exports import (
    BALANCE,
    GBK_CSV,
    KINGDEE,
    WRITERS,
    YONYOU,
    Block,
    Entry,
    MonthLedger,
    write_yonyou,
)

ADVANCE = "预收账款"
ACCOUNT_CODES = {RECEIVABLE: "1122", PREPAYMENT: "1123", ADVANCE: "2203"}
CUSTOMER, SUPPLIER = "客户", "供应商"

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT_DIR = ROOT / "sample_workbooks" / "ledgers"

D = Decimal
ZERO = D("0.00")
CENT = D("0.01")


# ---------------------------------------------------------------- calendar

def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# 国务院办公厅 holiday schedules 2025/2026: banks are shut and the mill rests.
HOLIDAYS = frozenset(
    _span(date(2025, 10, 1), date(2025, 10, 8)) | _span(date(2026, 1, 1), date(2026, 1, 3))
    | _span(date(2026, 2, 15), date(2026, 2, 23)) | _span(date(2026, 4, 4), date(2026, 4, 6))
    | _span(date(2026, 5, 1), date(2026, 5, 5)) | _span(date(2026, 6, 19), date(2026, 6, 21))
    | _span(date(2026, 9, 25), date(2026, 9, 27)) | _span(date(2026, 10, 1), date(2026, 10, 7))
)
# 调休: weekend days that are working days (banks open).
MAKEUP_WORKDAYS = frozenset({
    date(2025, 9, 28), date(2025, 10, 11), date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
    date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
})


def bank_day(d: date) -> bool:
    """电汇 and 承兑 go through on bank days only."""
    return d not in HOLIDAYS and (d.weekday() < 5 or d in MAKEUP_WORKDAYS)


def work_day(d: date) -> bool:
    """The warehouse ships (and receives) Monday to Saturday, except on holidays."""
    return d not in HOLIDAYS and (d.weekday() < 6 or d in MAKEUP_WORKDAYS)


def month_days(month: str) -> list[date]:
    year, mon = int(month[:4]), int(month[5:])
    return [date(year, mon, d) for d in range(1, calendar.monthrange(year, mon)[1] + 1)]


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year - (mon == 1):04d}-{(mon - 2) % 12 + 1:02d}"


def _next_matching(day: date, pred: Callable[[date], bool]) -> date:
    day += timedelta(days=1)
    while not pred(day):
        day += timedelta(days=1)
    return day


# ---------------------------------------------------------------- deterministic dice

class Dice:
    """Random draws from a hash of a key: the same key gives the same draws on any Python.

    ``random.Random`` would do, but its derived methods have changed between
    Python versions; the committed files must rebuild byte for byte.
    """

    def __init__(self, *key: object) -> None:
        self._key = "|".join(str(k) for k in key)
        self._n = 0

    def random(self) -> float:
        digest = hashlib.sha256(f"{self._key}#{self._n}".encode()).hexdigest()
        self._n += 1
        return int(digest[:13], 16) / float(16 ** 13)

    def randint(self, low: int, high: int) -> int:
        return low + min(int(self.random() * (high - low + 1)), high - low)

    def choice(self, seq):
        return seq[self.randint(0, len(seq) - 1)]


def split_amount(total: Decimal, n: int, dice: Dice, spread: float = 0.3) -> list[Decimal]:
    """``total`` as ``n`` invoice-like amounts (cents and all) that add up exactly."""
    if n <= 1 or total <= 0:
        return [total] if total != 0 else []
    weights = [1 + spread * (2 * dice.random() - 1) for _ in range(n)]
    s = sum(weights)
    parts = [(total * D(f"{w / s:.6f}")).quantize(CENT, ROUND_DOWN) for w in weights[:-1]]
    parts.append(total - sum(parts, ZERO))
    if min(parts) <= 0:  # only for absurdly small totals; keep the books valid
        return [total]
    return parts


def pick_days(candidates: list[date], n: int, dice: Dice) -> list[date]:
    """``n`` distinct days spread over ``candidates``: one from each of ``n`` equal stretches."""
    n = min(n, len(candidates))
    if n <= 0:
        return []
    out = []
    for i in range(n):
        lo = (i * len(candidates)) // n
        hi = ((i + 1) * len(candidates)) // n - 1
        out.append(candidates[dice.randint(lo, max(lo, hi))])
    return sorted(set(out))


# ---------------------------------------------------------------- what the book holds

# kinds of line, in the order they post on one day for one counterparty
ADVANCE_IN = "advance"  # 预收账款 贷: the customer pays before shipment
SHIP = "ship"  # 应收 借 发货 / 预付 借 预付货款
REVERSAL = "reversal"  # red ink on the debit side
TRANSFER = "transfer"  # 预收冲应收: 借 预收账款 / 贷 应收账款 on one voucher
SETTLE = "settle"  # 应收 贷 回款 / 预付 贷 到货
_KIND_ORDER = {ADVANCE_IN: 0, SHIP: 1, REVERSAL: 2, TRANSFER: 3, SETTLE: 4}


@dataclass(frozen=True)
class Line:
    """One posted line of the company's books on a counterparty's 往来 account."""

    day: date
    code: str
    name: str
    account: str  # 应收账款 / 预付账款 / 预收账款
    summary: str
    debit: Decimal  # negative = red ink
    credit: Decimal
    voucher: str  # 记-0123; both lines of a 预收冲应收 share one

    @property
    def month(self) -> str:
        return f"{self.day.year:04d}-{self.day.month:02d}"


@dataclass(frozen=True)
class _Draft:
    day: date
    account: str
    kind: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    note: str = ""  # e.g. 银行承兑, the reason of a reversal
    pair: int = 0  # lines with the same non-zero pair share a voucher


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    role: str  # 客户 / 供应商
    salesperson: str
    story: LedgerStory


def parties() -> tuple[Party, ...]:
    out = [Party(cp.code, cp.name, cp.counterparty_type, str(cp.values["salesperson"]), cp.ledger_story)
           for cp in COUNTERPARTIES]
    out += [Party(lo.code, lo.name, lo.counterparty_type, lo.salesperson, lo.ledger_story) for lo in LEDGER_ONLY]
    return tuple(sorted(out, key=lambda p: p.code))


# ---------------------------------------------------------------- the stories' days
# What a story's note says in words, said here in days. Keyed (code, month).

@dataclass(frozen=True)
class MonthDetail:
    ship_days: tuple[int, ...] = ()  # exact days of the month for the debits (free and cash months)
    settle_days: tuple[int, ...] = ()  # exact days for the credits (free months)
    lump: tuple[int, Decimal] | None = None  # (day, amount): one debit of this size among the others
    excess_from: date | None = None  # the limit may be exceeded (approved excess) only from this day
    advance: tuple[int, int] | None = None  # 款到发货: (day paid into 预收账款, day shipped and applied)
    reversal: str = ""  # a red-ink reversal of part of the month's last shipment, for this reason
    clear_first: bool = False  # no credit: clear the old balance before anything new goes out (no 前欠未清)


DETAILS: dict[tuple[str, str], MonthDetail] = {
    ("KH004", "2025-10"): MonthDetail(ship_days=(31,)),  # 首单2025-10-31发货，当日收款
    ("KH010", "2026-04"): MonthDetail(ship_days=(15, 24)),  # 4月中旬首单
    ("KH018", "2026-10"): MonthDetail(advance=(12, 16)),  # 新客户款到发货：先付预收，发货冲预收
    ("KH005", "2026-10"): MonthDetail(excess_from=date(2026, 10, 15)),  # 10月15日后超额发货（已批）
    ("GY002", "2026-10"): MonthDetail(lump=(20, D("900000"))),  # 一次性多付90万元锁价
    ("GY004", "2025-11"): MonthDetail(ship_days=(12,)),  # 新棉上市预付80万元
    ("GY004", "2025-12"): MonthDetail(settle_days=(8, 16, 23)),  # 三车皮棉到货验收
    ("GY004", "2026-03"): MonthDetail(ship_days=(10,)),  # 预付50万元
    ("GY004", "2026-05"): MonthDetail(settle_days=(20,)),  # 只到货30万元
    ("KH038", "2026-09"): MonthDetail(ship_days=(8, 22), settle_days=(22,)),  # 先付一半
    ("KH038", "2026-10"): MonthDetail(ship_days=(19,)),  # 又拿货，未付款
    ("KH030", "2026-09"): MonthDetail(settle_days=(4, 11)),  # 9月停产整改前后零星回款
    ("KH024", "2026-07"): MonthDetail(settle_days=(10, 24)),  # 对方涉诉后停止发货
    # Without approved credit every open item is due at once (0 days), so a
    # standing balance makes each new shipment a 前欠未清 (R03, 红). These two
    # stories mean only 黄 (R02, R04): in the evaluation month the old balance
    # is cleared first, then it is 现款现货 until one last unpaid lot.
    ("KH015", "2026-10"): MonthDetail(clear_first=True),
    ("GY005", "2026-10"): MonthDetail(clear_first=True),
    ("KH001", "2025-11"): MonthDetail(reversal="色差退货"),
    ("KH013", "2025-12"): MonthDetail(reversal="规格不符退货"),
}

PRODUCTS = ("涤纶春亚纺", "涤塔夫", "雪纺面料", "仿真丝面料", "涤棉府绸", "家纺印花布", "针织汗布", "麂皮绒",
            "牛津布", "仿记忆面料", "涤纶弹力布", "色丁布")
MATERIALS = {
    "GY001": "涤纶长丝FDY", "GY002": "涤纶低弹丝DTY", "GY003": "分散染料", "GY004": "皮棉",
    "GY005": "织机配件", "GY006": "涤棉坯布",
}


@dataclass
class _Item:
    """An open debit (an invoice, a prepayment) in FIFO order, as the aging will see it."""

    day: date
    due: date
    amount: Decimal


class PlanMissed(Exception):
    """A drawn plan broke one of the story's promises; redraw with another salt."""


class _Counterparty:
    """Writes one counterparty's thirteen months, then checks them against its story."""

    def __init__(self, party: Party, salt: int):
        self.p = party
        self.s = party.story
        self.salt = salt
        self.drafts: list[_Draft] = []
        self.open: list[_Item] = []
        self.balance = ZERO  # of the main account
        self.lag = self.s.term_days or 30  # practised: 月结 where no term is agreed
        approved = self.s.approved
        self.limit = approved.limit if approved is not None else None
        self.approved_term = approved.term_days if approved is not None else 0
        self.main = self.s.account
        self.on_terms: set[str] = set()  # months planned to stay within term and limit
        self.pairs = 0
        if self.s.opening_balance:
            # The opening is one item dated the first day (SPEC §5 aging).
            start = date(2025, 10, 1)
            self.open.append(_Item(start, start + timedelta(days=self.lag), self.s.opening_balance))
            self.balance = self.s.opening_balance

    # ---------------------------------------------------------------- roles
    def debit_day(self, d: date) -> bool:
        """Customers are shipped on working days; suppliers are prepaid by bank transfer."""
        return work_day(d) if self.p.role == CUSTOMER else bank_day(d)

    def credit_day(self, d: date) -> bool:
        """Customers pay on bank days; suppliers deliver on working days."""
        return bank_day(d) if self.p.role == CUSTOMER else work_day(d)

    def dice(self, month: str, what: str) -> Dice:
        return Dice(self.p.code, month, what, self.salt)

    # ---------------------------------------------------------------- posting
    def _post_debit(self, day: date, amount: Decimal, kind: str = SHIP, note: str = "") -> None:
        self.drafts.append(_Draft(day, self.main, kind, debit=amount, note=note))
        self.balance += amount
        if amount > 0:
            self.open.append(_Item(day, day + timedelta(days=self.lag), amount))
        else:  # red ink: the newest open amounts were never owed
            cut = -amount
            while cut > 0:
                item = self.open[-1]
                take = min(cut, item.amount)
                item.amount -= take
                cut -= take
                if item.amount == 0:
                    self.open.pop()

    def _post_credit(self, day: date, amount: Decimal, note: str = "") -> None:
        if amount <= 0:
            return
        self.drafts.append(_Draft(day, self.main, SETTLE, credit=amount, note=note))
        self.balance -= amount
        left = amount
        while left > 0 and self.open:
            item = self.open[0]
            take = min(left, item.amount)
            item.amount -= take
            left -= take
            if item.amount == 0:
                self.open.pop(0)
        if left > 0:
            raise PlanMissed(f"{self.p.code} {day}: 回款超过欠款")

    def _receipt_note(self, amount: Decimal, dice: Dice) -> str:
        if self.p.role == SUPPLIER:
            return ""
        return "银行承兑" if amount >= D("100000") and dice.random() < 0.4 else "电汇"

    # ---------------------------------------------------------------- months
    def build(self) -> list[_Draft]:
        for month, debit, credit, closing in self.s.months():
            detail = DETAILS.get((self.p.code, month), MonthDetail())
            if self.s.cash_on_delivery:
                self._cash_month(month, debit, detail)
            elif detail.clear_first:
                self._clear_first_month(month, debit, credit, closing)
            elif self._can_keep_terms(credit):
                self.on_terms.add(month)
                self._terms_month(month, debit, credit, closing, detail)
            else:
                self._free_month(month, debit, credit, detail)
            if self.balance != closing:
                raise AssertionError(f"{self.p.code} {month}: 余额 {self.balance} ≠ 故事 {closing}")
        return self.drafts

    def _can_keep_terms(self, credit: Decimal) -> bool:
        """On terms: approved credit, and the month's credit clears everything already open.

        A month whose credit cannot even clear what is open is a story of
        arrears (鑫达 from 2026-05, 恒美 after its closure): no terms to keep.
        """
        return self.s.approved is not None and credit >= sum((i.amount for i in self.open), ZERO)

    def _limit_on(self, month: str, closing: Decimal, detail: MonthDetail) -> Callable[[date], Decimal | None]:
        """The end-of-day ceiling a month is planned under (None: nothing to keep).

        An over-limit approval of the month raises it from its date (or the
        story's later day); a closing above even that means the story wants
        the breach, so the month is not shaped at all.
        """
        if self.limit is None:
            return lambda _d: None
        approvals = [a for a in self.s.over_limit_approvals if f"{a.approved_on:%Y-%m}" == month]
        extra = sum((a.amount for a in approvals), ZERO)
        base = self.limit
        if closing > base + extra:
            return lambda _d: None
        start = detail.excess_from or min((a.approved_on for a in approvals), default=None)
        return lambda d: base + extra if start is not None and d >= start else base

    def _cash_month(self, month: str, debit: Decimal, detail: MonthDetail) -> None:
        """现款现货: each shipment (or prepayment) is settled the same day."""
        days = month_days(month)
        if detail.advance is not None:
            self._advance_sale(month, debit, detail)
            return
        candidates = [d for d in days if bank_day(d)]
        dice = self.dice(month, "cash")
        if detail.ship_days:
            chosen = [days[i - 1] for i in detail.ship_days]
        else:
            n = max(2, min(5, round(debit / D("60000"))))
            chosen = pick_days(candidates, n, dice)
        for day, amount in zip(chosen, split_amount(debit, len(chosen), dice), strict=True):
            self._post_debit(day, amount)
            self._post_credit(day, amount, self._receipt_note(amount, dice) if self.p.role == CUSTOMER else "")

    def _advance_sale(self, month: str, amount: Decimal, detail: MonthDetail) -> None:
        """款到发货: paid into 预收账款, shipped later, and 预收冲应收 on the shipping day."""
        days = month_days(month)
        paid_on, shipped_on = (days[i - 1] for i in detail.advance)
        self.drafts.append(_Draft(paid_on, ADVANCE, ADVANCE_IN, credit=amount, note="电汇"))
        self._post_debit(shipped_on, amount)
        self.pairs += 1
        self.drafts.append(_Draft(shipped_on, ADVANCE, TRANSFER, debit=amount, pair=self.pairs))
        self.drafts.append(_Draft(shipped_on, self.main, TRANSFER, credit=amount, pair=self.pairs))
        self.balance -= amount
        self.open = [i for i in self.open if i.day != shipped_on]  # applied at once

    def _terms_month(self, month, debit, credit, closing, detail: MonthDetail) -> None:
        """Ship what the month's credit settles early, what stays open late; pay each item by its due date."""
        days = month_days(month)
        nxt = month_days(next_month(month))
        credit_days = [d for d in days if self.credit_day(d)]
        # Nothing goes out before the month's first payment day: the limit
        # could not be made room for (last month's payments are posted).
        debit_days = [d for d in days if self.debit_day(d) and d >= credit_days[0]]
        first_credit_next = next(d for d in nxt if self.credit_day(d)) if any(map(self.credit_day, nxt)) \
            else _next_matching(nxt[-1], self.credit_day)
        open_now = sum((i.amount for i in self.open), ZERO)
        head = credit - open_now  # settled within the month (FIFO after what is open)
        tail = debit - head  # still open at month end = closing
        tail_start = first_credit_next - timedelta(days=self.lag)
        tail_days = [d for d in debit_days if d >= tail_start]
        head_days = [d for d in debit_days if d < tail_start and d <= credit_days[-1]]
        if head > 0 and not head_days:  # a term as long as the month: split it
            usable = [d for d in debit_days if d <= credit_days[-1]]
            cut = max(1, len(usable) // 2)
            head_days, tail_days = usable[:cut], [d for d in debit_days if d > usable[cut - 1]]
        dice = self.dice(month, "terms")
        n = max(3, min(14, round(debit / D("60000"))))
        n_head = max(1, round(n * head / debit)) if head > 0 else 0
        n_tail = max(1, n - n_head) if tail > 0 else 0
        if tail > 0 and not tail_days:
            raise PlanMissed(f"{self.p.code} {month}: 没有可发货的日子")
        ships: list[tuple[date, Decimal]] = []
        if head > 0:
            chosen = pick_days(head_days, n_head, dice)
            ships += zip(chosen, split_amount(head, len(chosen), dice))
        if tail > 0:
            lump_day = None
            rest = tail
            if detail.lump is not None:
                lump_day, lump = days[detail.lump[0] - 1], detail.lump[1]
                rest = tail - lump
            chosen = [d for d in pick_days(tail_days, n_tail, dice) if d != lump_day]
            ships += zip(chosen, split_amount(rest, len(chosen), dice))
            if lump_day is not None:
                ships.append((lump_day, detail.lump[1]))
        ships.sort(key=lambda s: s[0])
        reversal = None
        if detail.reversal:
            last_day, last_amount = ships[-1]
            later = [d for d in days if d > last_day and work_day(d)][:3]
            if not later:
                raise PlanMissed(f"{self.p.code} {month}: 红字冲销没有日子")
            cut = (last_amount * D(f"{0.04 + 0.06 * dice.random():.4f}")).quantize(CENT)
            ships[-1] = (last_day, last_amount + cut)
            reversal = (later[dice.randint(0, len(later) - 1)], -cut)
        self._settle(month, ships, reversal, credit, credit_days, first_credit_next,
                     self._limit_on(month, closing, detail), dice)

    def _settle(self, month, ships, reversal, budget, credit_days, first_credit_next, limit_on, dice) -> None:
        """Day by day: pay what falls due before the next payment day, and enough to stay within the limit."""
        early = timedelta(days=dice.randint(0, 3))
        by_day: dict[date, list[Decimal]] = defaultdict(list)
        for day, amount in ships:
            by_day[day].append(amount)
        if reversal is not None:
            by_day[reversal[0]].append(reversal[1])
        paid = ZERO
        for day in month_days(month):
            for amount in by_day.get(day, ()):
                self._post_debit(day, amount, REVERSAL if amount < 0 else SHIP,
                                 DETAILS[(self.p.code, month)].reversal if amount < 0 else "")
            if not self.credit_day(day) or paid >= budget:
                continue
            later = [d for d in credit_days if d > day]
            nb = later[0] if later else first_credit_next
            horizon = nb - timedelta(days=1) + early
            must = ZERO
            running = ZERO
            for item in self.open:
                running += item.amount
                if item.due <= horizon:
                    must = running
            over = None  # how far the balance would reach past the limit before the next payment day
            limit_values = [limit_on(day + timedelta(days=k)) for k in range((nb - day).days)]
            if limit_values and limit_values[0] is not None:
                coming = sum((a for d, lst in by_day.items() if day < d < nb for a in lst), ZERO)
                over = self.balance + coming - min(limit_values)
            pay = must
            if over is not None and over >= 0:  # the customer sends a round sum to make room under the limit
                cushion = D(5000 * dice.randint(1, 4))
                step = ((over + cushion) / D(10000)).to_integral_value(ROUND_CEILING) * D(10000)
                pay = max(must, step.quantize(CENT))
            if not later:
                pay = budget - paid
            pay = min(pay, budget - paid, sum((it.amount for it in self.open), ZERO))
            if not later and pay != budget - paid:
                raise PlanMissed(f"{self.p.code} {month}: 月末应回款未发货")
            if pay > 0:
                self._post_credit(day, pay, self._receipt_note(pay, dice))
                paid += pay
        if paid != budget:
            raise PlanMissed(f"{self.p.code} {month}: 回款 {paid} ≠ {budget}")

    def _clear_first_month(self, month, debit, credit, closing) -> None:
        """Pay off what is open, then settle each lot the day it goes out, except the last ones."""
        days = month_days(month)
        dice = self.dice(month, "clear")
        open_now = self.balance
        paired = credit - open_now
        if paired < 0 or debit - closing != paired:
            raise AssertionError(f"{self.p.code} {month}: 回款不足以先清旧欠")
        credit_days = [d for d in days if self.credit_day(d)]
        both = [d for d in days if self.credit_day(d) and self.debit_day(d)]
        clear_on = credit_days[dice.randint(0, 2)]
        self._post_credit(clear_on, open_now, self._receipt_note(open_now, dice))
        usable = [d for d in both if d > clear_on]
        last_lot = usable[-dice.randint(3, 5)]  # the unpaid lot goes out a few days before month end
        lots = pick_days([d for d in usable if d < last_lot], max(1, min(4, round(paired / D("40000")))), dice)
        for day, amount in zip(lots, split_amount(paired, len(lots), dice), strict=True):
            self._post_debit(day, amount)
            self._post_credit(day, amount, self._receipt_note(amount, dice))
        self._post_debit(last_lot, closing)

    def _free_month(self, month, debit, credit, detail: MonthDetail) -> None:
        """No terms to keep (no approved credit, or a story of arrears): ship and pay as the story says."""
        days = month_days(month)
        dice = self.dice(month, "free")
        debit_days = [d for d in days if self.debit_day(d)]
        credit_days = [d for d in days if self.credit_day(d)]
        if detail.ship_days:
            ship_on = [days[i - 1] for i in detail.ship_days]
        else:
            ship_on = pick_days(debit_days, max(1, min(6, round(debit / D("50000")))), dice) if debit > 0 else []
        ships = dict(zip(ship_on, split_amount(debit, len(ship_on), dice))) if debit > 0 else {}
        if detail.settle_days:
            pay_on = [days[i - 1] for i in detail.settle_days]
        else:
            pay_on = pick_days(credit_days, max(1, min(3, round(credit / D("60000"))))
                               , dice) if credit > 0 else []
        plan = dict(zip(pay_on, split_amount(credit, len(pay_on), dice))) if credit > 0 else {}
        carry = ZERO
        for day in days:
            if day in ships:
                self._post_debit(day, ships[day])
            if day in plan:
                want = plan[day] + carry
                pay = min(want, max(self.balance, ZERO))
                carry = want - pay
                self._post_credit(day, pay, self._receipt_note(pay, dice))
        if carry > 0:
            last = [d for d in credit_days if d >= max(ships, default=days[0])]
            if not last:
                raise PlanMissed(f"{self.p.code} {month}: 回款无处安排")
            self._post_credit(last[-1], carry, self._receipt_note(carry, dice))

    # ---------------------------------------------------------------- the promises
    def verify(self) -> None:
        """Replay with the approved term (as the aging does) and hold the story to its promises."""
        term = timedelta(days=self.approved_term)
        start = date(2025, 10, 1)
        items: list[list] = []  # [day, due, open]
        if self.s.opening_balance:
            items.append([start, start + term, self.s.opening_balance])
        by_day: dict[date, list[_Draft]] = defaultdict(list)
        for dr in self.drafts:
            by_day[dr.day].append(dr)
        balance = self.s.opening_balance
        approved = self.s.approved
        zero_watch = approved is not None and "R05" in self.s.intended_flags
        for month, *_rest in self.s.months():
            keep = month in self.on_terms
            detail = DETAILS.get((self.p.code, month), MonthDetail())
            limit_on = self._limit_on(month, _rest[2], detail)
            for day in month_days(month):
                lines = sorted(by_day.get(day, ()), key=lambda x: _KIND_ORDER[x.kind])
                overdue_at_start = any(due < day and left > 0 for _d, due, left in items)
                for dr in lines:
                    if dr.account != self.main:
                        continue
                    if dr.debit > 0:
                        if keep and overdue_at_start:
                            raise PlanMissed(f"{self.p.code} {day}: 前欠逾期仍发货")
                        items.append([day, day + term, dr.debit])
                    elif dr.debit < 0:
                        cut = -dr.debit
                        for it in reversed(items):
                            take = min(cut, it[2])
                            it[2] -= take
                            cut -= take
                    left = dr.credit
                    for it in items:
                        take = min(left, it[2])
                        it[2] -= take
                        left -= take
                    balance += dr.debit - dr.credit
                if keep:
                    limit = limit_on(day)
                    if limit is not None and balance >= limit:  # equal is allowed, but no knife edges
                        raise PlanMissed(f"{self.p.code} {day}: 余额 {balance} 超过额度 {limit}")
                if zero_watch and approved.contract_start <= day and balance <= 0:
                    raise PlanMissed(f"{self.p.code} {day}: 合同期内余额清零，与故事不符")
            if keep and any(due < day and left > 0 for _d, due, left in items):
                raise PlanMissed(f"{self.p.code} {month}: 月末有逾期")


def _drafts_for(party: Party) -> list[_Draft]:
    last = None
    for salt in range(60):
        cp = _Counterparty(party, salt)
        try:
            drafts = cp.build()
            cp.verify()
            return drafts
        except PlanMissed as exc:
            last = exc
    raise AssertionError(f"{party.code}: 无法按故事排出日记账：{last}")


# ---------------------------------------------------------------- the book

@dataclass(frozen=True)
class Book:
    """Every line posted on the demo company's 往来 accounts, 2025-10..2026-10."""

    parties: tuple[Party, ...]
    lines: tuple[Line, ...]
    openings: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (code, account) at 2025-10-01

    @cached_property
    def by_code(self) -> dict[str, Party]:
        return {p.code: p for p in self.parties}

    @cached_property
    def _moves(self) -> dict[tuple[str, str], dict[str, list[Line]]]:
        """(month, account) -> code -> lines: every export reads the book by month and account."""
        out: dict = defaultdict(lambda: defaultdict(list))
        for ln in self.lines:
            out[(ln.month, ln.account)][ln.code].append(ln)
        return out

    def accounts(self) -> tuple[str, ...]:
        used = {account for _month, account in self._moves}
        return tuple(a for a in (RECEIVABLE, PREPAYMENT, ADVANCE) if a in used)

    def months_of(self, account: str) -> list[str]:
        return sorted(month for month, a in self._moves if a == account)

    def lines_of(self, month: str, account: str) -> dict[str, list[Line]]:
        return self._moves.get((month, account), {})

    def totals(self, code: str, account: str, first: str, last: str) -> tuple[Decimal, Decimal]:
        """Debit and credit of ``first``..``last`` (both included)."""
        debit = credit = ZERO
        for (month, a), by_code in self._moves.items():
            if a == account and first <= month <= last:
                for ln in by_code.get(code, ()):
                    debit += ln.debit
                    credit += ln.credit
        return debit, credit

    def opening(self, code: str, account: str, month: str) -> Decimal:
        """Signed balance (+ = 借) at the first day of ``month``."""
        debit, credit = self.totals(code, account, HISTORY_MONTHS[0], previous_month(month))
        return self.openings.get((code, account), ZERO) + debit - credit

    def codes_in(self, month: str, account: str) -> list[str]:
        """Who an export of ``month`` shows: anyone with a balance or a movement."""
        moving = self.lines_of(month, account)
        return sorted(p.code for p in self.parties
                      if p.code in moving or self.opening(p.code, account, month) != 0)


def _summary(kind: str, draft: _Draft, party: Party, invoice: int) -> str:
    if party.role == SUPPLIER:
        material = MATERIALS.get(party.code, "原料")
        if kind == SHIP:
            return f"预付{material}货款（电汇）"
        return f"{material}到货冲预付 入库单RK{invoice}"
    if kind == SHIP:
        product = PRODUCTS[int(hashlib.sha256(party.code.encode()).hexdigest(), 16) % len(PRODUCTS)]
        return f"销售发货 {product} 发票号{invoice:08d}"
    if kind == REVERSAL:
        return f"销售退回 红字冲销（{draft.note}）"
    if kind == ADVANCE_IN:
        return f"收到预收货款（{draft.note}）"
    if kind == TRANSFER:
        return "预收冲应收"
    if draft.note == "银行承兑":
        return "收到货款（银行承兑汇票）"
    return f"收到货款（{draft.note or '电汇'}）"


@lru_cache(maxsize=1)
def build_book() -> Book:
    """The whole book, the same on every call and every machine."""
    ps = parties()
    drafts = [(p, d) for p in ps for d in _drafts_for(p)]
    lines: list[Line] = []
    invoice = 4512300
    by_month: dict[str, list] = defaultdict(list)
    for p, dr in drafts:
        by_month[f"{dr.day:%Y-%m}"].append((p, dr))
    for month in HISTORY_MONTHS:
        dice = Dice("vouchers", month)
        number = dice.randint(3, 12)  # the month's first vouchers are payroll and expenses
        posted = sorted(by_month.get(month, ()), key=lambda t: (t[1].day, t[0].code, _KIND_ORDER[t[1].kind]))
        pair_numbers: dict[tuple[str, int], int] = {}
        receipt_no = dice.randint(20, 60)  # 入库单 numbering restarts every month
        for p, dr in posted:
            if dr.pair and (p.code, dr.pair) in pair_numbers:
                voucher = pair_numbers[(p.code, dr.pair)]
            else:
                number += 1 + dice.randint(0, 2)  # other vouchers of the day in between
                voucher = number
                if dr.pair:
                    pair_numbers[(p.code, dr.pair)] = voucher
            if dr.kind == SHIP and p.role == CUSTOMER:
                invoice += 1 + dice.randint(0, 3)
                ref = invoice
            elif dr.kind == SETTLE and p.role == SUPPLIER:
                receipt_no += 1 + dice.randint(0, 2)
                ref = int(month.replace("-", "")) * 1000 + receipt_no
            else:
                ref = 0
            lines.append(Line(dr.day, p.code, p.name, dr.account, _summary(dr.kind, dr, p, ref),
                              dr.debit.quantize(CENT), dr.credit.quantize(CENT), f"记-{voucher:04d}"))
    openings = {(p.code, p.story.account): p.story.opening_balance for p in ps if p.story.opening_balance}
    return Book(ps, tuple(lines), openings)


# ---------------------------------------------------------------- the files finance drops

@dataclass(frozen=True)
class Export:
    file_name: str
    month: str
    account: str
    style: str
    broken: str = ""  # why the ingest must quarantine it; "" for a good file


BROKEN_FILE = "应收账款明细账_202610_手工修改.xlsx"
# The hand edit: 鑫达纺织 made to look within its 60万 limit in a re-export of October.
BROKEN_CODE = "KH022"
BROKEN_BALANCE = D("550000.00")


def style_of(month: str, account: str) -> str:
    """用友 from 2026-01; 金蝶 before; the purchasing clerk's 2025-10 is a 余额表; 2026-03 receivables a GBK CSV."""
    if account == PREPAYMENT and month == HISTORY_MONTHS[0]:
        return BALANCE
    if month < "2026-01":
        return KINGDEE
    if account == RECEIVABLE and month == "2026-03":
        return GBK_CSV
    return YONYOU


def file_name(month: str, account: str, style: str) -> str:
    """Each clerk's own naming habit."""
    y, m = month[:4], int(month[5:])
    if style == BALANCE:
        return f"往来余额表_{y}年{m}月.xlsx"
    if style == GBK_CSV:
        return f"应收明细_{y}{m:02d}.csv"
    if account == PREPAYMENT:
        return f"预付账款明细账{y}年{m}月.xlsx"
    return f"{account}明细账_{y}{m:02d}.xlsx"


def plan(book: Book | None = None) -> tuple[Export, ...]:
    book = book or build_book()
    out = []
    for account in book.accounts():
        # 应收/预付 every month (a month without movements is still exported);
        # 预收 only when a story uses it.
        months = list(HISTORY_MONTHS) if account in (RECEIVABLE, PREPAYMENT) else book.months_of(account)
        for month in months:
            style = style_of(month, account)
            out.append(Export(file_name(month, account, style), month, account, style))
    out.append(Export(BROKEN_FILE, HISTORY_MONTHS[-1], RECEIVABLE, YONYOU,
                      broken=f"{BROKEN_CODE} 本月合计余额被手工改为 {BROKEN_BALANCE:,.2f}"))
    return tuple(out)


def export_created(month: str) -> datetime:
    """When finance exported the month: the first working day after it, 09:30."""
    day = _next_matching(month_days(month)[-1], bank_day)
    return datetime(day.year, day.month, day.day, 9, 30)


def month_ledger(book: Book, month: str, account: str):
    """The month's blocks as every export style prints them."""
    moves = book.lines_of(month, account)
    blocks = []
    for code in book.codes_in(month, account):
        party = book.by_code[code]
        opening = book.opening(code, account, month)
        balance = opening
        entries = []
        for ln in sorted(moves.get(code, ()), key=lambda x: (x.day, x.voucher)):
            balance += ln.debit - ln.credit
            entries.append(Entry(ln.day, ln.voucher, ln.summary, ln.debit, ln.credit, balance))
        ytd_debit, ytd_credit = book.totals(code, account, f"{month[:4]}-01", month)
        blocks.append(Block(
            code=code, name=party.name, opening=opening, entries=tuple(entries),
            debit=sum((e.debit for e in entries), ZERO), credit=sum((e.credit for e in entries), ZERO),
            closing=balance, ytd_debit=ytd_debit, ytd_credit=ytd_credit,
        ))
    role = SUPPLIER if account == PREPAYMENT else CUSTOMER
    return MonthLedger(month=month, account=account, account_code=ACCOUNT_CODES[account], role=role,
                       blocks=tuple(blocks), company=str(COMPANY["name"]), created=export_created(month))


def build_ledgers(out_dir: Path = DEFAULT_OUT_DIR) -> list[Path]:
    """Write every export of the plan into ``out_dir``; the same book gives the same bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    book = build_book()
    paths = []
    for ex in plan(book):
        ledger = month_ledger(book, ex.month, ex.account)
        path = out_dir / ex.file_name
        if ex.broken:
            write_yonyou(path, ledger, balance_edits={
                (BROKEN_CODE, "本月合计"): BROKEN_BALANCE, (BROKEN_CODE, "本年累计"): BROKEN_BALANCE})
        else:
            WRITERS[ex.style](path, ledger)
        paths.append(path)
    return paths


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m credit_workbook.samples.ledgers",
        description="按演示公司的台账故事生成 2025-10 至 2026-10 的往来明细账/余额表导出文件。")
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"输出目录（默认 {DEFAULT_OUT_DIR}）")
    args = parser.parse_args(list(argv) if argv is not None else None)
    paths = build_ledgers(args.out_dir)
    print(f"已生成 {len(paths)} 个账表文件：{args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
