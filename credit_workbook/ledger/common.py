"""What both ledger shapes need: row labels, 方向, 科目, periods, and problem places.

Kept cheap per call: the detail pass calls these for every row of a
100,000-row export.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.parse import clean_text, parse_amount
from credit_workbook.ledger.headers import column_letter

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_FAST_LIMIT = 1e15  # Excel keeps 15 significant digits; beyond that, let parse_amount judge


def amount(value: object) -> Decimal | None:
    """``parse_amount`` with the two cases of nearly every cell done inline.

    A 100k-row ledger has ~300k amount cells, almost all blank or a float
    from calamine; for those this is ``parse_amount``'s own arithmetic
    without its dispatch (a hypothesis test holds the two equal).
    Everything else goes to ``parse_amount``.
    """
    if value == "" or value is None:
        return None
    if type(value) is float and -_FAST_LIMIT < value < _FAST_LIMIT:
        return Decimal(repr(value)).quantize(CENT, ROUND_HALF_UP) + 0
    return parse_amount(value)


def cell_text(value: object) -> str | None:
    """``clean_text`` without its work for the common already-clean string."""
    if type(value) is str and value and value.isprintable() and not value[0].isspace() \
            and not value[-1].isspace():
        return value
    if value == "":
        return None
    return clean_text(value)

# What a row says about itself in its 摘要 (or first) cell.
OPENING = "opening"  # 期初余额 / 上月结转: where a balance starts
SUBTOTAL = "subtotal"  # 本月合计 / 小计: sums one counterparty block
TOTAL = "total"  # 合计 / 总计: a block or the whole sheet (see detail.py)
CUMULATIVE = "cumulative"  # 本年累计: needs earlier months, cannot be checked here
CARRY = "carry"  # 承前页 / 过次页: printing artefacts

_LABELS = {
    "期初余额": OPENING, "上月结转": OPENING, "上年结转": OPENING, "期初结转": OPENING,
    "年初余额": OPENING, "期初": OPENING,
    "本月合计": SUBTOTAL, "本期合计": SUBTOTAL, "小计": SUBTOTAL, "本月小计": SUBTOTAL,
    "本月发生额合计": SUBTOTAL, "本期发生额合计": SUBTOTAL,
    "合计": TOTAL, "总计": TOTAL,
    "本年累计": CUMULATIVE, "累计": CUMULATIVE, "本期累计": CUMULATIVE,
    "承前页": CARRY, "过次页": CARRY,
}
_LABEL_NOISE = re.compile(r"[\s:：*＊\-—_]+")
_MAX_LABEL = 16


_known_labels: dict[str, tuple[str, str] | None] = {}  # short 摘要 texts repeat: 收到货款 on every other line
_KNOWN_LIMIT = 10_000


def row_label(value: object) -> tuple[str, str] | None:
    """(kind, label text) when a cell is one of the ledger's own row labels."""
    if type(value) is not str or not value or len(value) > _MAX_LABEL:
        return None
    try:
        return _known_labels[value]
    except KeyError:
        pass
    kind = _LABELS.get(value)
    if kind is not None:
        found = kind, value
    else:
        text = _LABEL_NOISE.sub("", value)
        kind = _LABELS.get(text)
        if kind is None and text:
            text = unicodedata.normalize("NFKC", text)
            kind = _LABELS.get(text)
        found = (kind, text) if kind else None
    if len(_known_labels) < _KNOWN_LIMIT:
        _known_labels[value] = found
    return found


def label_of(row: Sequence[object], summary_col: int | None) -> tuple[str, str] | None:
    """The row label in 摘要, else in the row's first non-empty cell (金蝶 puts 合计 under 日期)."""
    if summary_col is not None and summary_col < len(row):
        found = row_label(row[summary_col])
        if found:
            return found
    for value in row:
        if value is None or value == "":
            continue
        return row_label(value)
    return None


def is_blank_row(row: Sequence[object]) -> bool:
    for value in row:
        if value is None or value == "":
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return False
    return True


def first_filled(row: Sequence[object]) -> int:
    for c, value in enumerate(row):
        if value is not None and value != "" and not (isinstance(value, str) and not value.strip()):
            return c
    return 0


_DIRECTIONS = {"借": 1, "借方": 1, "贷": -1, "贷方": -1, "平": 0}


def direction_sign(value: object) -> int | None:
    """+1 借, −1 贷, 0 平, None when blank; ValueError for anything else."""
    if value is None or value == "":
        return None
    if value in _DIRECTIONS:
        return _DIRECTIONS[value]
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if text in _DIRECTIONS:
        return _DIRECTIONS[text]
    raise ValueError(f"方向应为“借”、“贷”或“平”，文件中为“{text}”")


_NOT_TRADE = ("其他", "票据", "利息", "股利", "坏账")


def normalise_account(value: object) -> tuple[str | None, str | None]:
    """(应收账款 / 预付账款 / 预收账款 or None, the text as printed or None when blank).

    ``其他应收款`` and ``应收票据`` contain 应收 but are not trade receivables:
    they must not count towards a customer's exposure.
    """
    if value is None:
        return None, None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None, None
    if any(word in text for word in _NOT_TRADE):
        return None, text
    if "预收" in text:
        return "预收账款", text
    if "预付" in text:
        return "预付账款", text
    if "应收" in text:
        return "应收账款", text
    return None, text


_YM_PATTERNS = (
    re.compile(r"(\d{4})\s*年\s*第?\s*(\d{1,2})\s*[月期]"),
    re.compile(r"(\d{4})\s*[.\-/]\s*(\d{1,2})(?!\d)"),
)
_NOT_PERIOD = ("打印", "制表", "编制日期", "导出")


def title_months(texts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """("YYYY-MM", place) for every year-month written in title cells.

    A cell that prints when the report was made (打印日期) says nothing about
    the period and is ignored.
    """
    found = []
    for text, place in texts:
        norm = unicodedata.normalize("NFKC", text)
        if any(word in norm for word in _NOT_PERIOD):
            continue
        for pattern in _YM_PATTERNS:
            for y, m in pattern.findall(norm):
                if 1 <= int(m) <= 12 and 1900 <= int(y) <= 9999:
                    found.append((f"{int(y):04d}-{int(m):02d}", place))
    return found


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass
class Sheet:
    """Where problems are reported: one sheet of one file."""

    file_name: str
    sheet: str
    problems: list[Problem] = field(default_factory=list)
    _letters: dict[int, str] = field(default_factory=dict)

    def place(self, row: int, col: int | None = None) -> str:
        """``row`` and ``col`` are 0-based; no column gives ``file!sheet``."""
        if col is None:
            return f"{self.file_name}!{self.sheet}"
        letter = self._letters.get(col)
        if letter is None:
            letter = self._letters[col] = column_letter(col)
        return f"{self.file_name}!{self.sheet}!{letter}{row + 1}"

    def error(self, field_name: str, place: str, message: str) -> None:
        self.problems.append(Problem(ProblemLevel.ERROR, field_name, place, message))

    def warning(self, field_name: str, place: str, message: str) -> None:
        self.problems.append(Problem(ProblemLevel.WARNING, field_name, place, message))
