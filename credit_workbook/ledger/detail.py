"""One pass over a 明细账: entries, openings, and every figure checked against its neighbours.

用友 prints a detail ledger in counterparty blocks — 上月结转, the entries,
本月合计, 本年累计 — with the code and name often only on the block's
first row; 金蝶 prints one flat table with a 合计 at the bottom. Both are
read by the same loop: the counterparty is carried down until a subtotal
closes the block, and the running balance is recomputed per counterparty
and account so that one wrong figure is reported once, at its cell.

Rows stream in and entries stream out (``on_entry``): what stays behind is
per counterparty (running balances, openings) or per entry but tiny (its
row number and day, for the period check once the period is known), so a
million-line export costs megabytes here, not a gigabyte.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit_workbook.core.parse import ValueParseError, clean_code, parse_date
from credit_workbook.ledger.common import (
    CARRY,
    CUMULATIVE,
    OPENING,
    SUBTOTAL,
    TOTAL,
    ZERO,
    Sheet,
    amount,
    cell_text,
    direction_sign,
    first_filled,
    is_blank_row,
    label_of,
    money,
    normalise_account,
    row_label,
)
from credit_workbook.ledger.model import OpeningRow

_LABELS = {"debit": "借方", "credit": "贷方", "balance": "余额"}
_MEMO_LIMIT = 4_096  # distinct amounts remembered: a sale and its balance repeat within a few lines

# on_entry(day, voucher, code, name, summary, debit, credit, balance, account, place, row):
# the fields of ``LedgerEntry`` in its order, positional (a frozen dataclass per line costs 2 µs).
EntrySink = Callable[..., None]
_BLANK = (None, True)  # an empty amount cell: no value, nothing wrong


def _looks_like_date(value: object) -> bool:
    """A row with no amounts is still an entry if its date cell holds a date (a zero-amount line)."""
    try:
        return parse_date(value) is not None
    except ValueParseError:
        return False


@dataclass
class _Running:
    """A counterparty+account balance, recomputed from its last trusted base.

    After a mismatch the file's own figure is kept as an alternative chain:
    a mistyped balance is then reported once (the next row agrees with the
    computed chain again), and so is a mistyped amount (the next rows agree
    with the file's chain, which takes over).
    """

    base: Decimal
    base_label: str  # 期初 or 第N行余额: how the message explains the base
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    alt: _Running | None = None
    known: bool = True  # False when the opening was unreadable: nothing to check against yet

    @property
    def expected(self) -> Decimal:
        return self.base + self.debit - self.credit

    def add(self, debit: Decimal, credit: Decimal) -> None:
        self.debit += debit
        self.credit += credit
        if self.alt is not None:
            self.alt.add(debit, credit)

    def rebase(self, value: Decimal, label: str) -> None:
        self.base, self.base_label, self.debit, self.credit, self.alt = value, label, ZERO, ZERO, None
        self.known = True


@dataclass
class _Sums:
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    count: int = 0
    keys: set = field(default_factory=set)
    unreadable: bool = False  # an amount in scope was not a number: the sum is unknown


@dataclass
class DetailResult:
    openings: list[OpeningRow]
    months: Counter  # (year, month) -> entries
    count: int  # entries handed to on_entry
    days: tuple[array, array]  # every entry's 0-based row and date ordinal, in row order

    def outside(self, period: str) -> list[tuple[int, date]]:
        """(0-based row, day) of the entries not in ``period`` (YYYY-MM), in row order."""
        year, month = int(period[:4]), int(period[5:7])
        first = date(year, month, 1).toordinal()
        after = date(year + month // 12, month % 12 + 1, 1).toordinal()
        rows, ordinals = self.days
        return [(r, date.fromordinal(o)) for r, o in zip(rows, ordinals) if not first <= o < after]


class DetailReader:
    """Reads data rows below the header of one 明细账 sheet."""

    def __init__(self, sheet: Sheet, columns: dict[str, int], default_account: str | None,
                 on_entry: EntrySink):
        self.sheet = sheet
        self.cols = columns
        self.default_account = default_account
        self.on_entry = on_entry
        self.openings: list[OpeningRow] = []
        self.rows = array("l")  # every entry's 0-based row and day: the period is known only at the end
        self.ordinals = array("l")
        self.running: dict[tuple, _Running] = {}
        self.block = _Sums()
        self.whole = _Sums()
        self.block_labels: set[str] = set()  # labels used to close counterparty blocks
        self.code: str | None = None
        self.name: str | None = None
        self.account: str | None = default_account
        self.unknown_accounts: set[str] = set()
        self.inferred_warned = False
        self.width = max(columns.values()) + 1
        # last raw cell -> cleaned value: 金蝶 repeats code, name and 科目 on every row
        self._raw_code: object = None
        self._raw_name: object = None
        self._accounts: dict[object, tuple[str | None, str | None]] = {}
        self._amounts: dict[float, Decimal] = {}  # calamine float -> amount: debit and balance repeat
        # "file!sheet!A": the date cell's place without its row number, built once
        self._date_place = sheet.place(0, columns["date"])[:-1]
        self._c_date = columns["date"]
        self._c_debit, self._c_credit = columns.get("debit"), columns.get("credit")
        self._c_balance, self._c_direction = columns.get("balance"), columns.get("direction")
        self._c_voucher, self._c_summary = columns.get("voucher"), columns.get("summary")
        self._c_code, self._c_name, self._c_account = columns.get("code"), columns.get("name"), columns.get("account")

    # ------------------------------------------------------------ helpers

    def _cell(self, row, key):
        c = self.cols.get(key)
        return None if c is None else row[c]

    def _amount(self, row, r, key) -> tuple[Decimal | None, bool]:
        """(value, ok): a cell that is not a number is reported, and is not ok."""
        return self._amount_at(row, r, self.cols.get(key), key)

    def _amount_at(self, row, r, c, key) -> tuple[Decimal | None, bool]:
        """``_amount`` with the column already looked up: three calls on every line."""
        if c is None:
            return _BLANK
        value = row[c]
        if value == "" or value is None:
            return _BLANK
        if type(value) is float:
            found = self._amounts.get(value)
            if found is not None:
                return found, True
        try:
            parsed = amount(value)
        except ValueParseError as exc:
            self.sheet.error(key, self.sheet.place(r, c), f"{_LABELS.get(key, key)}{exc}")
            return None, False
        if type(value) is float:
            if len(self._amounts) >= _MEMO_LIMIT:
                self._amounts.clear()
            self._amounts[value] = parsed
        return parsed, True

    def _signed_balance(self, row, r) -> tuple[Decimal | None, bool]:
        value, ok = self._amount_at(row, r, self._c_balance, "balance")
        if self._c_direction is None:
            return value, ok
        # A balance whose sign is unknown is left out of the running check
        # (None) rather than trusted: the computed chain carries on.
        try:
            sign = direction_sign(row[self._c_direction])
        except ValueError as exc:
            self.sheet.error("direction", self.sheet.place(r, self.cols["direction"]), str(exc))
            return None, False
        if value is None or sign is None:
            return value, ok
        if sign == 0:
            if value != 0:
                self.sheet.error(
                    "balance", self.sheet.place(r, self.cols["balance"]),
                    f"方向为“平”，余额应为 0.00，文件中为 {money(value)}",
                )
                return None, False
            return value, ok
        return value * sign, ok

    def _who(self, row, r) -> None:
        """Carry the counterparty down the block; a new code or name starts a new one."""
        code = name = None
        raw = None if self._c_code is None else row[self._c_code]
        if raw is not None and raw != "":
            if raw == self._raw_code and self.code is not None:
                code = self.code
            else:
                try:
                    code = clean_code(raw)
                    self._raw_code = raw
                except ValueParseError as exc:
                    self.sheet.error("code", self.sheet.place(r, self.cols["code"]), str(exc))
        raw = None if self._c_name is None else row[self._c_name]
        if raw is not None and raw != "":
            if raw == self._raw_name and self.name is not None:
                name = self.name
            else:
                name = cell_text(raw)
                self._raw_name = raw
        if code is not None:
            if code != self.code:
                self.code, self.name = code, name
            elif name is not None:
                self.name = name
        elif name is not None and name != self.name:
            self.code, self.name = None, name
        if self._c_account is not None:
            raw = row[self._c_account]
            found = self._accounts.get(raw)
            if found is None:
                found = self._accounts[raw] = normalise_account(raw)
            account, printed = found
            if printed is not None:
                self.account = account
                if account is None and printed not in self.unknown_accounts:
                    self.unknown_accounts.add(printed)
                    self.sheet.warning(
                        "account", self.sheet.place(r, self.cols["account"]),
                        f"科目“{printed}”不是应收账款/预付账款/预收账款，按未知科目读取",
                    )

    def _who_cells_filled(self, row) -> bool:
        return any(cell_text(self._cell(row, k)) for k in ("code", "name") if k in self.cols)

    def _end_block(self) -> None:
        self.block = _Sums()
        self.code = self.name = None
        self.account = self.default_account

    # ------------------------------------------------------------ rows

    def read(self, rows: Iterable[tuple[int, list[object]]]) -> DetailResult:
        """``rows``: (0-based sheet row, cells) of every row below the header, in order."""
        summary_col = self.cols.get("summary")
        width = self.width
        dated_first = self._c_date == 0
        for r, row in rows:
            if dated_first and len(row) >= width and type(row[0]) is date:
                # the usual line: not blank, and its first cell (a date) is no label, so only 摘要 can be
                label = None if summary_col is None else row_label(row[summary_col])
            else:
                if is_blank_row(row):
                    continue
                if len(row) < width:
                    row = list(row) + [""] * (width - len(row))
                label = label_of(row, summary_col)
            if label is None:
                self._entry_or_text(row, r)
                continue
            kind, text = label
            if kind == OPENING:
                self._opening(row, r)
            elif kind == SUBTOTAL or (kind == TOTAL and not (self.block_labels - {text})):
                self._check_sums(row, r, text, self.block, block=True)
                self.block_labels.add(text)
                self._end_block()
            elif kind == TOTAL:
                self._check_sums(row, r, text, self.whole, block=False)
                self._end_block()
            elif kind == CUMULATIVE:
                self._end_block()
            elif kind == CARRY:
                continue
        months: Counter = Counter()
        for ordinal, count in Counter(self.ordinals).items():
            day = date.fromordinal(ordinal)
            months[(day.year, day.month)] += count
        return DetailResult(self.openings, months, len(self.rows), (self.rows, self.ordinals))

    def _opening(self, row, r) -> None:
        self._who(row, r)
        balance, ok = self._signed_balance(row, r)
        if balance is None and ok:  # some exports print the opening under 借方/贷方
            debit, ok_d = self._amount(row, r, "debit")
            credit, ok_c = self._amount(row, r, "credit")
            balance = (debit or ZERO) - (credit or ZERO) if ok_d and ok_c else None
        col = self.cols.get("balance", self.cols.get("debit"))
        place = self.sheet.place(r, col)
        if self.code is None and self.name is None:
            self._missing_who(r)
            return
        key = (self.code or self.name, self.account)
        if balance is None:  # unreadable, already reported: the first printed balance takes over
            self.running[key] = _Running(ZERO, "期初", known=False)
            return
        self.openings.append(OpeningRow(self.code, self.name, self.account, balance, place))
        self.running[key] = _Running(balance, "期初")

    def _missing_who(self, r) -> None:
        col = self.cols.get("code", self.cols.get("name"))
        self.sheet.error("code", self.sheet.place(r, col), "缺少往来单位编码和名称")

    def _entry_or_text(self, row, r) -> None:
        raw_date = row[self._c_date]
        debit, ok_d = self._amount_at(row, r, self._c_debit, "debit")
        credit, ok_c = self._amount_at(row, r, self._c_credit, "credit")
        balance, ok_b = self._signed_balance(row, r) if self._c_balance is not None else _BLANK
        amounts = debit is not None or credit is not None or balance is not None or not (ok_d and ok_c and ok_b)
        if not amounts and not _looks_like_date(raw_date):
            if self._who_cells_filled(row):
                self._who(row, r)  # a block heading: code and name on a row of their own
                return
            c = first_filled(row)
            self.sheet.warning(
                "row", self.sheet.place(r, c), f"此行不是账行（没有日期和金额），已略过：{cell_text(row[c])}"
            )
            return
        day = self._date(raw_date, r)
        debit, credit = debit or ZERO, credit or ZERO
        self._who(row, r)
        key = (self.code or self.name, self.account)
        block, whole = self.block, self.whole  # _Sums.add, inline: once per line
        block.debit += debit
        block.credit += credit
        block.count += 1
        block.keys.add(key)
        whole.debit += debit
        whole.credit += credit
        whole.count += 1
        whole.keys.add(key)
        if not (ok_d and ok_c):
            block.unreadable = whole.unreadable = True
        if self.code is None and self.name is None:
            self._missing_who(r)
            return
        self._check_running(key, debit, credit, balance, ok_d and ok_c and ok_b, r)
        if day is None:
            return
        self.rows.append(r)
        self.ordinals.append(day.toordinal())
        self.on_entry(
            day,
            None if self._c_voucher is None else cell_text(row[self._c_voucher]),
            self.code,
            self.name,
            None if self._c_summary is None else cell_text(row[self._c_summary]),
            debit,
            credit,
            balance,
            self.account,
            f"{self._date_place}{r + 1}",
            r + 1,
        )

    def _date(self, raw, r) -> date | None:
        if type(raw) is date:  # what calamine gives for a date cell: nothing to parse
            return raw
        place = self.sheet.place(r, self.cols["date"])
        try:
            day = parse_date(raw)
        except ValueParseError as exc:
            self.sheet.error("date", place, str(exc))
            return None
        if day is None:  # blank to the eye, zero-width and full-width spaces included (fuzz find)
            self.sheet.error("date", place, "缺少日期")
        return day

    def _check_running(self, key, debit, credit, balance, figures_ok, r) -> None:
        run = self.running.get(key)
        if run is None:
            if not self.openings and balance is not None and figures_ok:
                # No 期初 rows anywhere so far: the export omits them, so work
                # the opening back from the first balance (history checks it later).
                opening = balance - debit + credit
                place = self.sheet.place(r, self.cols["balance"])
                self.openings.append(OpeningRow(self.code, self.name, self.account, opening, place, True))
                if not self.inferred_warned:
                    self.inferred_warned = True
                    self.sheet.warning(
                        "opening", self.sheet.place(r, None),
                        "文件中没有期初余额行，各往来单位的期初余额按其第一笔的余额倒推",
                    )
                run = _Running(opening, "期初")
            else:
                run = _Running(ZERO, "期初")
            self.running[key] = run
        run.add(debit, credit)
        if balance is None:
            return
        if not figures_ok or not run.known:
            run.rebase(balance, f"第{r + 1}行余额")
            return
        if balance == run.expected:
            run.alt = None
            return
        if run.alt is not None and balance == run.alt.expected:
            self.running[key] = run.alt
            run.alt.alt = None
            return
        self.sheet.error(
            "balance", self.sheet.place(r, self.cols["balance"]),
            f"余额应为 {money(run.expected)}（{run.base_label} {money(run.base)} + 借方 {money(run.debit)}"
            f" − 贷方 {money(run.credit)}），文件中为 {money(balance)}",
        )
        run.alt = _Running(balance, f"第{r + 1}行余额")

    def _check_sums(self, row, r, text, sums: _Sums, block: bool) -> None:
        if sums.unreadable:
            return  # the unreadable amount is already reported; a sum without it proves nothing
        scope = f"上方 {sums.count} 笔之和" if block else f"全表 {sums.count} 笔之和"
        for key, expected in (("debit", sums.debit), ("credit", sums.credit)):
            value, ok = self._amount(row, r, key)
            if not ok:
                continue
            value = value or ZERO
            if value != expected:
                self.sheet.error(
                    key, self.sheet.place(r, self.cols[key]),
                    f"{text}{_LABELS[key]}应为 {money(expected)}（{scope}），文件中为 {money(value)}",
                )
        if not block or "balance" not in self.cols or len(sums.keys) > 1:
            return
        balance, ok = self._signed_balance(row, r)
        key = next(iter(sums.keys)) if sums.keys else (self.code or self.name, self.account)
        run = self.running.get(key)
        if balance is None or not ok or run is None:
            return
        if balance != run.expected:
            self.sheet.error(
                "balance", self.sheet.place(r, self.cols["balance"]),
                f"{text}余额应为 {money(run.expected)}（该单位最后余额），文件中为 {money(balance)}",
            )
