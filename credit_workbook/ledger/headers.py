"""Find the header of a ledger export, however the ERP printed it.

用友 and 金蝶 put title rows (账簿名称, 期间, 单位：元) above the header and
often print a two-level header: ``本期发生`` over ``借方``/``贷方``, ``余额``
over ``方向``/``金额``, ``期初余额`` over ``借方``/``贷方``. The header is the
row (or pair of rows) that names the most known columns and makes a
complete 明细账 or 余额表; everything is matched on normalised text so that
``借方金额（元）`` and ``借 方 金 额`` are the same column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from credit_workbook.ledger.model import SHAPE_BALANCE, SHAPE_DETAIL
from credit_workbook.policy import DEFAULT_HEADER_ALIASES

SCAN_ROWS = 30

_UNIT_SUFFIX = re.compile(r"\((?:元|人民币元?|本位币|RMB|CNY)\)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# 余额表 columns split into 借/贷 or carrying their own 方向 under a parent
_GROUPED = ("opening", "closing")
_DEBITS = ("debit", "period_debit")
_CREDITS = ("credit", "period_credit")


@dataclass(frozen=True)
class HeaderMatch:
    shape: str  # 明细账 / 余额表
    top_row: int  # 0-based index of the first header row
    header_row: int  # 0-based index of the last header row (data starts below)
    columns: dict[str, int]  # canonical key -> 0-based column index
    score: int


def normalise_header(value: object) -> str:
    """Header text reduced to what identifies a column."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACES.sub("", text).strip("\u200b\ufeff:：*")
    return _UNIT_SUFFIX.sub("", text)


def alias_lookup(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Normalised alias text -> canonical key (the first key naming a text wins)."""
    lookup: dict[str, str] = {}
    for key, names in aliases.items():
        for alias in (key, *names):
            lookup.setdefault(normalise_header(alias), key)
    return lookup


def find_header(
    head: list[list[object]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> HeaderMatch | None:
    """The best single- or two-row header within the first rows, or None."""
    lookup = alias_lookup(aliases if aliases is not None else DEFAULT_HEADER_ALIASES)
    rows = [[normalise_header(v) for v in row] for row in head[:SCAN_ROWS + 1]]
    best: HeaderMatch | None = None
    best_rank: tuple[int, int, int] | None = None
    for r in range(min(len(rows), SCAN_ROWS)):
        candidates = [(r, r, [(rows[r][c], "", "") for c in range(len(rows[r]))])]
        if r + 1 < len(rows):
            candidates.append((r, r + 1, _two_level(rows, r, merged)))
        for top, bottom, texts in candidates:
            match = _match(texts, lookup, top, bottom)
            if match is None:
                continue
            rank = (match.score, -(bottom - top), -top)
            if best_rank is None or rank > best_rank:
                best, best_rank = match, rank
    return best


def _two_level(
    rows: list[list[str]], p: int, merged: Sequence[tuple[int, int, int, int]]
) -> list[tuple[str, str, str]]:
    """(child, parent+child, parent) texts per column of header rows p and p+1.

    calamine gives a merged cell's value in its first cell only, so the
    parent is spread over its merged span; without merge information (CSV)
    a blank parent above a child continues the parent on its left when that
    column is itself split.
    """
    width = max(len(rows[p]), len(rows[p + 1]))
    parent = rows[p] + [""] * (width - len(rows[p]))
    child = rows[p + 1] + [""] * (width - len(rows[p + 1]))
    for r0, c0, r1, c1 in merged:
        if r0 <= p <= r1 and r0 < len(rows) and c0 < len(rows[r0]):
            for c in range(c0, min(c1 + 1, width)):
                if not parent[c]:
                    parent[c] = rows[r0][c0]
    for c in range(1, width):
        if not parent[c] and child[c] and parent[c - 1] and child[c - 1]:
            parent[c] = parent[c - 1]
    out = []
    for c in range(width):
        if child[c]:
            out.append((child[c], parent[c] + child[c] if parent[c] else "", parent[c]))
        else:
            out.append((parent[c], "", ""))
    return out


def _match(
    texts: list[tuple[str, str, str]], lookup: dict[str, str], top: int, bottom: int
) -> HeaderMatch | None:
    found: dict[str, tuple[int, int]] = {}  # key -> (rank, column)
    directions: list[int] = []  # a 余额表 may have one 方向 for 期初 and one for 期末
    for c, (child, combined, parent) in enumerate(texts):
        key, rank = _column_key(child, combined, parent, lookup)
        if key is None:
            continue
        if key == "direction":
            directions.append(c)
        if key not in found or (rank, c) < found[key]:
            found[key] = (rank, c)
    columns = {k: c for k, (_, c) in found.items()}
    shape = _shape(columns)
    if shape is None:
        return None
    columns = _for_shape(columns, shape, directions)
    return HeaderMatch(shape=shape, top_row=top, header_row=bottom, columns=columns, score=len(columns))


def _column_key(
    child: str, combined: str, parent: str, lookup: dict[str, str]
) -> tuple[str | None, int]:
    parent_key = lookup.get(parent) if parent else None
    for rank, text in enumerate((child, combined, parent)):
        key = lookup.get(text) if text else None
        if key is not None:
            break
    else:
        return None, 9
    if parent_key in _GROUPED and rank < 2:
        # 期初余额 over 借方/贷方/方向/金额
        if key in _DEBITS:
            return f"{parent_key}_debit", rank
        if key in _CREDITS:
            return f"{parent_key}_credit", rank
        if key == "direction":
            return f"{parent_key}_direction", rank
        return parent_key, rank
    return key, rank


def _shape(columns: Mapping[str, int]) -> str | None:
    who = "code" in columns or "name" in columns
    debit = any(k in columns for k in _DEBITS)
    credit = any(k in columns for k in _CREDITS)
    if who and "date" in columns and debit and credit:
        return SHAPE_DETAIL
    opening = "opening" in columns or "opening_debit" in columns
    closing = "closing" in columns or "closing_debit" in columns
    if who and opening and closing and debit and credit:
        return SHAPE_BALANCE
    return None


def _for_shape(columns: dict[str, int], shape: str, directions: list[int]) -> dict[str, int]:
    """Read 借方/本期借方 as the same column in the sense the shape gives it."""
    out = dict(columns)
    if shape == SHAPE_DETAIL:
        for plain, period in (("debit", "period_debit"), ("credit", "period_credit")):
            if plain not in out and period in out:
                out[plain] = out[period]
            out.pop(period, None)
        return out
    for plain, period in (("debit", "period_debit"), ("credit", "period_credit")):
        if period not in out and plain in out:
            out[period] = out[plain]
        out.pop(plain, None)
    out.pop("direction", None)
    for col in directions:
        _attach_direction(out, col)
    return out


def _attach_direction(out: dict[str, int], col: int) -> None:
    """A bare 方向 column in a 余额表 signs the 期初/期末 amount beside it."""
    for target in (col + 1, col - 1):
        for key in _GROUPED:
            if out.get(key) == target and f"{key}_direction" not in out:
                out[f"{key}_direction"] = col
                return


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
