"""One counterparty's ledger history, and how it reads as a single exposure account.

The ledger side (parsers, the store) hands the core this plain data; the
core never sees a file. Everything downstream — monthly positions, FIFO
aging, grade evidence — replays the same stream of ``Flow``s built here, so
the three always agree on what the balance was on any day.

Decisions taken here, because SPEC §5 is silent on them:

- Exposure accounts. A 客户 ties up our money on 应收账款 *and* 预收账款
  (a 贷方 balance on 预收 is money the customer has already paid us, so the
  two are netted; a 贷方 balance on 应收账款 itself is 预收 too and nets by
  its sign). A 供应商 ties it up on 预付账款 only. Movements on any other
  account (a customer that is also a supplier) belong to the other role's
  history and are ignored here. An empty ``account`` means the role's main
  account (应收账款 / 预付账款): some exports do not say.
- Transfers between 应收 and 预收 of the same customer on one voucher
  (借 预收账款 / 贷 应收账款: "预收冲应收") move nothing: counted as 发货 and
  回款 they would inflate both averages, and replayed in FIFO they would
  settle an old item and open a new one dated today, hiding the arrears.
  Within one (day, ref) group the amount that passes from one exposure
  account to the other is removed from both sides. A ref that is a cell
  place rather than a voucher number never groups, which errs towards
  keeping turnover, never towards hiding it.
- Months known only from a 余额表 (``MonthSummary``) are replayed as one
  debit on the month's first day and one credit on its last day: the debit
  ages from the earliest day it can have happened (never younger than it
  is), the credit settles as late as it can have happened (never earlier).
  Where an account has daily movements in a month, its summary for that
  month is ignored: the detail is the better source.
- Amounts are quantized to 0.01 on the way in; floats are refused, since a
  float amount has already lost cents.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

RECEIVABLE = "应收账款"
PREPAYMENT = "预付账款"
ADVANCE_RECEIVED = "预收账款"
ACCOUNTS = (RECEIVABLE, PREPAYMENT, ADVANCE_RECEIVED)

CUSTOMER = "客户"
SUPPLIER = "供应商"

# Per role: the accounts whose signed balances (+ = 借) add up to the exposure,
# the first being the role's main account.
EXPOSURE_ACCOUNTS: dict[str, tuple[str, ...]] = {
    CUSTOMER: (RECEIVABLE, ADVANCE_RECEIVED),
    SUPPLIER: (PREPAYMENT,),
}


def money(value: Decimal) -> Decimal:
    """2-place Decimal; a float is refused because it has already lost the cents.

    Every ledger line passes here twice, so the common cases cost little and
    share memory: an amount already in cents is returned as it is (equal
    amounts decoded once stay one object), and a zero made here is the one
    shared ``ZERO`` (Decimals are immutable).
    """
    if type(value) is Decimal and value.same_quantum(CENT):
        return value
    if type(value) is not Decimal:
        if isinstance(value, float) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"金额必须是Decimal（不能是浮点数），收到 {value!r}")
        value = Decimal(value)
    value = value.quantize(CENT, ROUND_HALF_UP)
    return ZERO if not value and not value.is_signed() else value


# ---------------------------------------------------------------- months and days

def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(month: str) -> tuple[int, int]:
    try:
        year_text, month_text = month.split("-")
        year, mon = int(year_text), int(month_text)
    except (AttributeError, ValueError):
        raise ValueError(f"月份应为YYYY-MM格式，收到“{month}”") from None
    if len(year_text) != 4 or len(month_text) != 2 or not 1 <= mon <= 12:
        raise ValueError(f"月份应为YYYY-MM格式，收到“{month}”")
    return year, mon


def first_day(month: str) -> date:
    year, mon = parse_month(month)
    return date(year, mon, 1)


def last_day(month: str) -> date:
    year, mon = parse_month(month)
    return date(year, mon, calendar.monthrange(year, mon)[1])


def add_months(month: str, n: int) -> str:
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months ``first``..``last`` spans, both included (0 when last < first)."""
    y1, m1 = parse_month(first)
    y2, m2 = parse_month(last)
    return max((y2 - y1) * 12 + (m2 - m1) + 1, 0)


def month_range(first: str, last: str) -> tuple[str, ...]:
    return tuple(add_months(first, i) for i in range(months_between(first, last)))


def shift_months(day: date, n: int) -> date:
    """The same calendar day ``n`` months later (earlier if negative), clamped to the month's end."""
    end = last_day(add_months(month_of(day), n))
    return end.replace(day=min(day.day, end.day))


# ---------------------------------------------------------------- the input model

_ACCOUNT_OR_MAIN = frozenset(ACCOUNTS + ("",))


@dataclass(frozen=True, slots=True)
class Movement:
    """One posted ledger line of the counterparty (a 明细账 row).

    Slotted: a million-line history holds a million of them.
    """

    day: date
    debit: Decimal
    credit: Decimal
    account: str  # 应收账款 / 预付账款 / 预收账款; "" = the role's main account
    ref: str = ""  # voucher number or file!sheet!cell, for messages
    place: str = ""  # file!sheet!cell of the ledger row: where a flag highlights it

    def __post_init__(self) -> None:
        object.__setattr__(self, "debit", money(self.debit))
        object.__setattr__(self, "credit", money(self.credit))
        if self.account not in _ACCOUNT_OR_MAIN:
            raise ValueError(f"科目应为{'/'.join(ACCOUNTS)}之一，收到“{self.account}”")


@dataclass(frozen=True)
class MonthSummary:
    """One account's month totals for a month known only from a 余额表 (no daily detail)."""

    month: str  # "YYYY-MM"
    account: str
    opening: Decimal  # signed: + = 借
    debit: Decimal
    credit: Decimal
    closing: Decimal  # signed: + = 借

    def __post_init__(self) -> None:
        parse_month(self.month)
        for name in ("opening", "debit", "credit", "closing"):
            object.__setattr__(self, name, money(getattr(self, name)))
        if self.account not in _ACCOUNT_OR_MAIN:
            raise ValueError(f"科目应为{'/'.join(ACCOUNTS)}之一，收到“{self.account}”")


@dataclass(frozen=True)
class CounterpartyHistory:
    """Everything the ledgers say about one counterparty since the company's history starts.

    ``history_start`` is the first day of the *company's* first ledger month:
    averages and "months of history" count from it, so a counterparty that
    first trades in month 5 has had four silent months, not none.
    ``openings`` are the signed balances (+ = 借) at ``history_start``.
    """

    code: str
    counterparty_type: str  # 客户 / 供应商
    openings: dict[str, Decimal]
    movements: tuple[Movement, ...]
    summaries: tuple[MonthSummary, ...]
    history_start: date

    def __post_init__(self) -> None:
        if self.counterparty_type not in EXPOSURE_ACCOUNTS:
            raise ValueError(f"往来类型应为客户或供应商，收到“{self.counterparty_type}”")
        if self.history_start.day != 1:
            raise ValueError(f"台账历史起点应为某月1日，收到{self.history_start.isoformat()}")
        object.__setattr__(self, "openings", {k: money(v) for k, v in self.openings.items()})
        object.__setattr__(self, "movements", tuple(self.movements))
        object.__setattr__(self, "summaries", tuple(self.summaries))
        for m in self.movements:
            if m.day < self.history_start:
                raise ValueError(f"{self.code} {m.ref} 日期{m.day.isoformat()}早于台账历史起点"
                                 f"{self.history_start.isoformat()}")
        for s in self.summaries:
            if s.month < self.start_month:
                raise ValueError(f"{self.code} 余额表月份{s.month}早于台账历史起点{self.start_month}")

    @property
    def start_month(self) -> str:
        return month_of(self.history_start)

    @property
    def main_account(self) -> str:
        return EXPOSURE_ACCOUNTS[self.counterparty_type][0]

    @property
    def exposure_accounts(self) -> tuple[str, ...]:
        return EXPOSURE_ACCOUNTS[self.counterparty_type]

    def account_of(self, account: str) -> str:
        return account or self.main_account

    def until(self, day: date) -> CounterpartyHistory:
        """The history as it stood at the end of ``day``.

        A 余额表 month cannot be cut, so a summary of the month containing
        ``day`` is kept whole; its replay (debit on the 1st, credit on the
        last day) then drops the credit if ``day`` is earlier — the cautious side.
        """
        last_day_known, last_month_known = self._last_known()
        if last_day_known <= day and last_month_known <= month_of(day):
            return self  # nothing to cut: positions, aging and evidence then share one replay of it
        cache = self.__dict__.setdefault("_until", {})  # the month's evaluation asks for the same cut often
        if day not in cache:
            cache[day] = replace(
                self,
                movements=tuple(m for m in self.movements if m.day <= day),
                summaries=tuple(s for s in self.summaries if s.month <= month_of(day)),
            )
        return cache[day]

    def _last_known(self) -> tuple[date, str]:
        """The latest movement day and 余额表 month (the history start when there are none)."""
        cached = self.__dict__.get("_last")
        if cached is None:
            day = max((m.day for m in self.movements), default=self.history_start)
            month = max((s.month for s in self.summaries), default=self.start_month)
            cached = self.__dict__["_last"] = (day, month)
        return cached


# ---------------------------------------------------------------- the exposure stream

@dataclass(frozen=True, slots=True)
class Flow:
    """One change of the exposure: debit raises it (发货/预付), credit lowers it (回款/到货)."""

    day: date
    debit: Decimal
    credit: Decimal
    ref: str = ""
    detail: bool = True  # False: replayed from a 余额表 summary


def opening_balance(history: CounterpartyHistory) -> Decimal:
    """Signed exposure at ``history_start``.

    An exposure account missing from ``openings`` takes the opening of its
    summary for the first month, if there is one: a history that begins with
    a 余额表 month carries its opening there and nowhere else.
    """
    accounts = history.exposure_accounts
    given = {history.account_of(k) for k in history.openings}
    total = sum((v for k, v in history.openings.items() if history.account_of(k) in accounts), ZERO)
    for s in history.summaries:
        account = history.account_of(s.account)
        if account in accounts and account not in given and s.month == history.start_month:
            total += s.opening
    return total


def flows(history: CounterpartyHistory) -> tuple[Flow, ...]:
    """The exposure's changes in day order (stable: same-day lines keep their order).

    Kept on the (immutable) history once computed: positions, aging, evidence
    and every check replay the same stream.
    """
    cached = history.__dict__.get("_flows")
    if cached is None:
        cached = history.__dict__["_flows"] = _flows(history)
    return cached


def _flows(history: CounterpartyHistory) -> tuple[Flow, ...]:
    accounts = history.exposure_accounts
    main = history.main_account
    relevant = [m for m in history.movements if (m.account or main) in accounts]

    out: list[Flow] = _netted(history, relevant)
    if history.summaries:
        detailed = {((m.day.year, m.day.month), m.account or main) for m in relevant}
    for s in history.summaries:
        account = history.account_of(s.account)
        if account not in accounts or (parse_month(s.month), account) in detailed:
            continue
        out.append(Flow(first_day(s.month), s.debit, ZERO, f"{s.month} 余额表本期借方", detail=False))
        out.append(Flow(last_day(s.month), ZERO, s.credit, f"{s.month} 余额表本期贷方", detail=False))
    out.sort(key=lambda f: f.day)  # stable
    return tuple(out)


def _netted(history: CounterpartyHistory, movements: list[Movement]) -> list[Flow]:
    """Movements as flows, with 应收↔预收 transfers inside one voucher taken out."""
    main = history.main_account
    if len(history.exposure_accounts) < 2 or len({m.account or main for m in movements}) < 2:
        return [Flow(m.day, m.debit, m.credit, m.ref) for m in movements]  # one account: nothing to net

    groups: dict[tuple[date, str], list[Movement]] = defaultdict(list)
    for m in movements:
        groups[(m.day, m.ref)].append(m)
    mixed = {key for key, group in groups.items() if len({g.account or main for g in group}) > 1}
    out: list[Flow] = []
    done: set[tuple[date, str]] = set()
    for m in movements:
        key = (m.day, m.ref)
        if key not in mixed:
            out.append(Flow(m.day, m.debit, m.credit, m.ref))
            continue
        group = groups[key]
        if key in done:
            continue
        done.add(key)
        debit = defaultdict(lambda: ZERO)
        credit = defaultdict(lambda: ZERO)
        for g in group:
            debit[history.account_of(g.account)] += g.debit
            credit[history.account_of(g.account)] += g.credit
        a, b = history.exposure_accounts
        transfer = max(min(debit[b], credit[a]), ZERO) + max(min(debit[a], credit[b]), ZERO)
        out.append(Flow(m.day, sum(debit.values(), ZERO) - transfer, sum(credit.values(), ZERO) - transfer,
                        m.ref))
    return out

