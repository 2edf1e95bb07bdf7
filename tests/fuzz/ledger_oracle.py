"""What an accepted ledger must have put in the store, worked out without the product's reader.

The product reads ledgers with calamine and its own header detection and
value parsers. The oracle reads the same bytes with nothing of that: the
sheet XML through ``xlsxmut.Package`` (or the CSV text through ``csv``),
the sample layouts' fixed columns, and its own small date and amount
readers (``values.parse_oracle_*``). It then demands that

* the stored 明细账 entries are exactly the file's entry rows — every row
  below the header that is not blank, not a labelled row (期初/合计/累计…)
  and has an amount or a date — each with the date, 借方, 贷方 and signed
  余额 the cells say;
* the stored balances follow from the stored openings and movements, row by
  row (期初 + 借方 − 贷方 = 余额 for every printed balance): an accepted file
  is internally consistent;
* a 余额表's stored lines are its lines, each with 期末 = 期初 + 借方 − 贷方.

When the oracle cannot read a value the product accepted, it fails the
example: the product then accepted something nobody has vouched for.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal

from .outcome import note
from .values import ERRORS, parse_oracle_amount, parse_oracle_date
from .xlsxmut import Package, col_letter, q, split_ref

# The row labels SPEC §4 names (期初余额/上月结转, 本月合计/本年累计/小计/合计), as the exports print them.
LABELS = {
    "期初余额": "opening", "上月结转": "opening", "上年结转": "opening", "期初结转": "opening",
    "年初余额": "opening", "期初": "opening",
    "本月合计": "sum", "本期合计": "sum", "小计": "sum", "本月小计": "sum", "本月发生额合计": "sum",
    "本期发生额合计": "sum", "合计": "sum", "总计": "sum",
    "本年累计": "sum", "累计": "sum", "本期累计": "sum", "承前页": "sum", "过次页": "sum",
}
_NOISE = re.compile(r"[\s:：*＊\-—_]+")
_PLACE = re.compile(r"!(?P<sheet>[^!]+)!(?P<col>[A-Z]+)(?P<row>\d+)$")

DATE, SUMMARY, DEBIT, CREDIT, DIRECTION, BALANCE = 1, 5, 6, 7, 8, 9
# 余额表: 编码, 名称, 方向, 期初, 本期借方, 本期贷方, 方向, 期末
B_CODE, B_NAME, B_ODIR, B_OPEN, B_DEBIT, B_CREDIT, B_CDIR, B_CLOSE = range(1, 9)


class OracleCannotRead(AssertionError):
    """The product accepted a cell whose meaning the oracle cannot establish."""


class Grid:
    """Cell values by (row, column), 1-based, from the file's own bytes."""

    def __init__(self, cells: dict[tuple[int, int], object], last_row: int):
        self.cells = cells
        self.last_row = last_row

    @classmethod
    def from_xlsx(cls, data: bytes, sheet: str) -> "Grid":
        pkg = Package(data)
        cells = {}
        last = 0
        try:
            part = pkg.part_of(sheet)
        except Exception:  # workbook or its relationships unreadable: a lone worksheet part is the sheet
            parts = [n for n in pkg.members if n.startswith("xl/worksheets/sheet")]
            if len(parts) != 1:
                raise
            part = parts[0]
        r = 0
        for row in pkg.tree(part).find(q("sheetData")):  # r is optional on both (ECMA-376): position follows
            r = int(row.get("r")) if (row.get("r") or "").isdigit() else r + 1
            col = 0
            for c in row:
                col = split_ref(c.get("r"))[1] if c.get("r") else col + 1
                if c.get("t") == "e":
                    # calamine hands error cells over as blanks (known gap, see the README's fuzz table)
                    note("ledger: an error cell (#DIV/0! …) read as blank")
                    continue
                value = pkg.cell_value(c)
                if value is not None:
                    cells[(r, col)] = value
                    last = max(last, r)
        return cls(cells, last)

    @classmethod
    def from_csv(cls, text: str, delimiter: str) -> "Grid":
        cells = {}
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value != "":
                    cells[(r, c)] = value
        return cls(cells, len(rows))

    def get(self, r: int, c: int) -> object:
        return self.cells.get((r, c))


def blank(value: object) -> bool:
    return value is None or isinstance(value, str) and value.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip() == ""


def label(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return LABELS.get(_NOISE.sub("", unicodedata.normalize("NFKC", value)))


def row_label(grid: Grid, r: int, width: int, summary: int) -> str | None:
    found = label(grid.get(r, summary))
    if found:
        return found
    for c in range(1, width + 1):
        value = grid.get(r, c)
        if not blank(value):
            return label(value)
    return None


def header_row(grid: Grid) -> int:
    for r in range(1, 9):
        for c in (5, 6):
            value = grid.get(r, c)
            if isinstance(value, str) and "借方" in unicodedata.normalize("NFKC", value):
                return r
    raise OracleCannotRead("no header row with 借方 in the sample layout's place")


def _read(kind, value, r, c):
    try:
        return kind(value)
    except ValueError:
        raise OracleCannotRead(f"{col_letter(c)}{r} = {value!r} was accepted, but the oracle cannot read it") from None


def _sign(value: object, r: int, c: int) -> int:
    if blank(value):
        return 1
    text = unicodedata.normalize("NFKC", str(value)).strip()
    signs = {"借": 1, "借方": 1, "贷": -1, "贷方": -1, "平": 0}
    if text not in signs:
        raise OracleCannotRead(f"{col_letter(c)}{r} = {value!r}: a 方向 the oracle does not know")
    return signs[text]


def _balance(grid: Grid, r: int, amount_col: int, dir_col: int) -> Decimal | None:
    value = grid.get(r, amount_col)
    if blank(value):
        return None
    return _read(parse_oracle_amount, value, r, amount_col) * _sign(grid.get(r, dir_col), r, dir_col)


def _row_of(place: str) -> int:
    m = _PLACE.search(place)
    assert m, f"a stored place that names no cell: {place}"
    return int(m["row"])


def _sheet_of(place: str) -> str:
    return _PLACE.search(place)["sheet"]


def stored_sheet(rows: dict[str, list[tuple]]) -> str | None:
    for table, place_index in (("entries", 7), ("balances", 7), ("openings", 4)):
        if rows[table]:
            return _sheet_of(rows[table][0][place_index])
    return None


# ---------------------------------------------------------------- 明细账

def expected_entries(grid: Grid, header: int) -> dict[int, tuple]:
    out = {}
    for r in range(header + 1, grid.last_row + 1):
        values = [grid.get(r, c) for c in range(1, 11)]
        if all(blank(v) for v in values):
            continue
        if row_label(grid, r, 10, SUMMARY):
            continue
        has_amount = any(not blank(grid.get(r, c)) for c in (DEBIT, CREDIT, BALANCE))
        raw_date = grid.get(r, DATE)
        try:
            day = parse_oracle_date(raw_date) if not blank(raw_date) else None
        except ValueError:
            day = None
        if not has_amount and day is None:
            continue  # a heading or a remark: the product skips it (with a warning)
        if day is None:
            raise OracleCannotRead(f"A{r} = {raw_date!r}: an entry row whose date the oracle cannot read was accepted")
        debit = _read(parse_oracle_amount, grid.get(r, DEBIT), r, DEBIT)
        credit = _read(parse_oracle_amount, grid.get(r, CREDIT), r, CREDIT)
        out[r] = (day.isoformat(), debit, credit, _balance(grid, r, BALANCE, DIRECTION))
    return out


def check_detail(rows: dict[str, list[tuple]], grid: Grid, header_untouched: bool) -> None:
    entries = rows["entries"]
    got = {}
    for code, name, account, day, debit, credit, balance, place in entries:
        r = _row_of(place)
        assert r not in got, f"row {r} stored twice"
        got[r] = (day, Decimal(debit), Decimal(credit), None if balance is None else Decimal(balance))
    if header_untouched:
        want = expected_entries(grid, header_row(grid))
        assert sorted(got) == sorted(want), (
            f"stored entry rows differ from the file's: only stored {sorted(set(got) - set(want))[:10]}, "
            f"only in file {sorted(set(want) - set(got))[:10]}")
        for r, values in want.items():
            assert got[r] == values, f"row {r}: stored {got[r]}, the cells say {values}"
        for code, name, account, balance, place in rows["openings"]:
            r = _row_of(place)
            if row_label(grid, r, 10, SUMMARY) == "opening":
                printed = _balance(grid, r, BALANCE, DIRECTION)
                if printed is None:  # printed under 借方/贷方 instead
                    printed = (_read(parse_oracle_amount, grid.get(r, DEBIT), r, DEBIT)
                               - _read(parse_oracle_amount, grid.get(r, CREDIT), r, CREDIT))
                assert Decimal(balance) == printed, f"opening at row {r}: stored {balance}, printed {printed}"
    check_running(rows)


def check_codes(rows: dict[str, list[tuple]]) -> None:
    """A formula's error value (#N/A typed or exported as text) is no counterparty's code."""
    for table in ("openings", "entries", "balances"):
        for row in rows[table]:
            assert row[0] not in ERRORS, f"{row[-1]}: the error value {row[0]!r} was stored as a code"


def check_running(rows: dict[str, list[tuple]]) -> None:
    """Every stored balance = the key's latest opening + the stored movements since (in sheet order)."""
    check_codes(rows)
    events = []
    for code, name, account, balance, place in rows["openings"]:
        events.append((_row_of(place), 0, (code or name, account), Decimal(balance), None, None))
    for code, name, account, day, debit, credit, balance, place in rows["entries"]:
        events.append((_row_of(place), 1, (code or name, account), Decimal(debit), Decimal(credit),
                       None if balance is None else Decimal(balance)))
    running: dict[tuple, Decimal] = {}
    for r, kind, key, a, b, printed in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == 0:
            running[key] = a
            continue
        running[key] = running.get(key, Decimal(0)) + a - b
        if printed is not None:
            assert running[key] == printed, (
                f"row {r} {key}: stored balance {printed} ≠ opening + movements {running[key]}")


# ---------------------------------------------------------------- 余额表

def check_balance_table(rows: dict[str, list[tuple]], grid: Grid, header_untouched: bool) -> None:
    check_codes(rows)
    got = {}
    for code, name, account, opening, debit, credit, closing, place in rows["balances"]:
        opening, debit, credit, closing = map(Decimal, (opening, debit, credit, closing))
        assert opening + debit - credit == closing, f"{place}: 期初 {opening} + {debit} − {credit} ≠ 期末 {closing}"
        got[_row_of(place)] = (opening, debit, credit, closing)
    if not header_untouched:
        return
    want = {}
    for r in range(header_row(grid) + 1, grid.last_row + 1):
        values = [grid.get(r, c) for c in range(1, 9)]
        if all(blank(v) for v in values) or row_label(grid, r, 8, B_NAME):
            continue
        if all(blank(grid.get(r, c)) for c in (B_OPEN, B_DEBIT, B_CREDIT, B_CLOSE)):
            continue
        opening = _balance(grid, r, B_OPEN, B_ODIR) or Decimal("0.00")
        closing = _balance(grid, r, B_CLOSE, B_CDIR) or Decimal("0.00")
        debit = _read(parse_oracle_amount, grid.get(r, B_DEBIT), r, B_DEBIT)
        credit = _read(parse_oracle_amount, grid.get(r, B_CREDIT), r, B_CREDIT)
        want[r] = (opening, debit, credit, closing)
    assert got == want, f"stored 余额表 lines {got} ≠ the file's {want}"
