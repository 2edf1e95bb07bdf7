"""One pass over a 余额表: a line per counterparty, month totals only.

ERPs print the 期初/期末 amounts either as one column with a 方向 beside
it, or split into 借方/贷方 columns under a merged 期初余额 / 期末余额
heading; both come out as one signed figure (+ = 借). Each line must satisfy
期末 = 期初 + 借方 − 贷方, and each 合计 must be the sum of its lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from credit_workbook.core.parse import ValueParseError, clean_code
from credit_workbook.ledger.common import (
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
)
from credit_workbook.ledger.model import BalanceRow

# column key -> how a message names it
FIGURES = {
    "opening": "期初余额", "opening_debit": "期初借方", "opening_credit": "期初贷方",
    "period_debit": "本期借方", "period_credit": "本期贷方",
    "closing": "期末余额", "closing_debit": "期末借方", "closing_credit": "期末贷方",
}


@dataclass
class _Sums:
    figures: dict[str, Decimal] = field(default_factory=dict)
    count: int = 0

    def add(self, figures: dict[str, Decimal]) -> None:
        self.count += 1
        for key, value in figures.items():
            self.figures[key] = self.figures.get(key, ZERO) + value


class BalanceReader:
    def __init__(self, sheet: Sheet, columns: dict[str, int], default_account: str | None):
        self.sheet = sheet
        self.cols = columns
        self.default_account = default_account
        self.figure_keys = [k for k in FIGURES if k in columns]
        self.rows_out: list[BalanceRow] = []
        self.block = _Sums()
        self.whole = _Sums()
        self.block_labels: set[str] = set()
        self.unknown_accounts: set[str] = set()

    def _cell(self, row, key):
        c = self.cols.get(key)
        if c is None or c >= len(row):
            return None
        return row[c]

    def _figures(self, row, r) -> tuple[dict[str, Decimal], bool, bool]:
        """(column figures, all readable, any filled); 期初/期末 signed by their 方向."""
        out: dict[str, Decimal] = {}
        ok, filled = True, False
        for key in self.figure_keys:
            try:
                value = amount(self._cell(row, key))
            except ValueParseError as exc:
                self.sheet.error(key, self.sheet.place(r, self.cols[key]), f"{FIGURES[key]}{exc}")
                ok = False
                continue
            filled = filled or value is not None
            value = value or ZERO
            dir_key = f"{key}_direction"
            if dir_key in self.cols:
                try:
                    sign = direction_sign(self._cell(row, dir_key))
                except ValueError as exc:
                    self.sheet.error(dir_key, self.sheet.place(r, self.cols[dir_key]), str(exc))
                    ok = False
                    continue
                if sign == 0 and value != 0:
                    self.sheet.error(
                        key, self.sheet.place(r, self.cols[key]),
                        f"方向为“平”，{FIGURES[key]}应为 0.00，文件中为 {money(value)}",
                    )
                    ok = False
                elif sign is not None:
                    value *= sign
            out[key] = value
        return out, ok, filled

    @staticmethod
    def _net(figures: dict[str, Decimal], key: str) -> Decimal:
        if key in figures:
            return figures[key]
        return figures.get(f"{key}_debit", ZERO) - figures.get(f"{key}_credit", ZERO)

    def read(self, rows: Iterable[tuple[int, list[object]]]) -> list[BalanceRow]:
        """``rows``: (0-based sheet row, cells) of every row below the header, in order."""
        summary_col = self.cols.get("name", self.cols.get("code"))
        for r, row in rows:
            if is_blank_row(row):
                continue
            label = label_of(row, summary_col)
            if label is not None and label[0] in (SUBTOTAL, TOTAL):
                kind, text = label
                if kind == SUBTOTAL or not (self.block_labels - {text}):
                    self._check_sums(row, r, text, self.block, "上方")
                    self.block_labels.add(text)
                else:
                    self._check_sums(row, r, text, self.whole, "全表")
                self.block = _Sums()
                continue
            if label is not None:
                continue  # 本年累计 and the like carry nothing to check in one month
            self._line(row, r)
        return self.rows_out

    def _line(self, row, r) -> None:
        figures, ok, filled = self._figures(row, r)
        code = None
        if "code" in self.cols:
            try:
                code = clean_code(self._cell(row, "code"))
            except ValueParseError as exc:
                self.sheet.error("code", self.sheet.place(r, self.cols["code"]), str(exc))
                ok = False
        name = cell_text(self._cell(row, "name")) if "name" in self.cols else None
        if not filled and ok:
            c = first_filled(row)
            self.sheet.warning(
                "row", self.sheet.place(r, c), f"此行没有金额，已略过：{cell_text(row[c])}"
            )
            return
        if code is None and name is None:
            col = self.cols.get("code", self.cols.get("name"))
            self.sheet.error("code", self.sheet.place(r, col), "缺少往来单位编码和名称")
            return
        account = self.default_account
        if "account" in self.cols:
            account, printed = normalise_account(self._cell(row, "account"))
            if printed is None:
                account = self.default_account
            elif account is None and printed not in self.unknown_accounts:
                self.unknown_accounts.add(printed)
                self.sheet.warning(
                    "account", self.sheet.place(r, self.cols["account"]),
                    f"科目“{printed}”不是应收账款/预付账款/预收账款，按未知科目读取",
                )
        self.block.add(figures)
        self.whole.add(figures)
        opening, closing = self._net(figures, "opening"), self._net(figures, "closing")
        debit, credit = figures.get("period_debit", ZERO), figures.get("period_credit", ZERO)
        closing_col = self.cols.get("closing", self.cols.get("closing_debit"))
        if ok and opening + debit - credit != closing:
            self.sheet.error(
                "closing", self.sheet.place(r, closing_col),
                f"期末余额应为 {money(opening + debit - credit)}（期初 {money(opening)} + 借方 {money(debit)}"
                f" − 贷方 {money(credit)}），文件中为 {money(closing)}",
            )
        self.rows_out.append(BalanceRow(
            code=code, name=name, account=account, opening=opening, debit=debit, credit=credit,
            closing=closing, place=self.sheet.place(r, self.cols.get("code", self.cols.get("name"))),
            row=r + 1,
        ))

    def _check_sums(self, row, r, text, sums: _Sums, scope: str) -> None:
        figures, ok, _ = self._figures(row, r)
        for key in self.figure_keys:
            if key not in figures:
                continue
            expected = sums.figures.get(key, ZERO)
            if figures[key] != expected:
                self.sheet.error(
                    key, self.sheet.place(r, self.cols[key]),
                    f"{text}{FIGURES[key]}应为 {money(expected)}（{scope} {sums.count} 行之和），"
                    f"文件中为 {money(figures[key])}",
                )
