"""Plain data a parsed ledger export turns into.

Every figure keeps the cell it came from (``place``) so a later stage can
point a clerk at it, and balances are signed once here (+ = 借, − = 贷) so
nobody downstream has to know about 方向 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit_workbook.core.model import Problem, ProblemLevel

SHAPE_DETAIL = "明细账"
SHAPE_BALANCE = "余额表"

ACCOUNTS = ("应收账款", "预付账款", "预收账款")


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One posted line of a 明细账 (not a 期初, 合计 or 累计 row)."""

    date: date
    voucher: str | None
    code: str | None
    name: str | None
    summary: str | None
    debit: Decimal
    credit: Decimal
    balance: Decimal | None  # signed running balance as printed: + = 借, − = 贷
    account: str | None  # 应收账款 / 预付账款 / 预收账款, None when the file does not say
    place: str  # "file!sheet!B12": the row's first mapped cell
    row: int  # 1-based sheet row


@dataclass(frozen=True, slots=True)
class OpeningRow:
    """A 期初余额 / 上月结转 row: where a counterparty's running balance starts.

    ``inferred`` is True when the file printed no opening rows at all and the
    opening was worked back from the first entry (balance − debit + credit).
    """

    code: str | None
    name: str | None
    account: str | None
    balance: Decimal  # signed: + = 借
    place: str
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One counterparty line of a 余额表: month totals only."""

    code: str | None
    name: str | None
    account: str | None
    opening: Decimal  # signed: + = 借
    debit: Decimal
    credit: Decimal
    closing: Decimal  # signed: + = 借
    place: str
    row: int = 0


@dataclass(frozen=True)
class ParsedLedger:
    """One export file, parsed.

    ``shape`` and ``period`` are None only when the file could not be read
    that far; such a ledger always carries an ERROR problem saying why.
    ``entries`` is empty when the file was streamed (``stream_ledger``):
    they went to the caller one by one.
    ``columns`` maps canonical keys (``policy.DEFAULT_HEADER_ALIASES``, plus
    ``opening_debit``/``opening_credit``/``closing_debit``/``closing_credit``/
    ``opening_direction``/``closing_direction`` for 余额表 layouts) to
    column letters.
    """

    file_name: str
    shape: str | None
    period: str | None  # "YYYY-MM"
    entries: tuple[LedgerEntry, ...] = ()
    openings: tuple[OpeningRow, ...] = ()
    balances: tuple[BalanceRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    sheet: str | None = None
    header_row: int = 0  # 1-based; the lower row of a two-level header
    columns: dict[str, str] = field(default_factory=dict)
    file_format: str | None = None  # xlsx / xls / csv as recognised by content
    encoding: str | None = None  # CSV only: utf-8-sig / utf-8 / gb18030

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is ProblemLevel.ERROR)

    @property
    def trusted(self) -> bool:
        """Only a ledger without ERROR problems may enter the history."""
        return not self.errors
