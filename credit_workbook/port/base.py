"""The contract between the ribbon actions and a workbook, whoever holds it.

An action reads a workbook as grids of plain values (what calamine gives for
a file and xlwings for a live book, normalised to the same types) plus its
defined names and tables, and writes back *results*, not cells: the survey's
result and problem marks, computed values, cell or row marks, a regenerated
form. Each adapter carries a result out the way that keeps the user's
workbook whole: on a file through the project's writers (atomic, after a
backup), in Excel through whole-range xlwings calls that the user then saves.

Coordinates are 1-based (row, column), as Excel numbers them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# The colours of the project's file writers (survey marks, highlighted ledger
# copies), so a mark looks the same whichever adapter made it.
FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "蓝": "BDD7EE"}
SEVERITIES = ("红", "黄", "蓝")  # worst first
# A problem of Form 1 as a severity: 错误 is red, 警告 yellow.
LEVEL_SEVERITY = {"错误": "红", "警告": "黄"}

_COORD = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_coord(coord: str) -> tuple[int, int] | None:
    """"C5" or "$C$5" -> (5, 3); None when it is not one cell."""
    m = _COORD.match(coord.strip())
    return (int(m.group(2)), col_index(m.group(1))) if m else None


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """"A1:D6" -> (1, 1, 6, 4); a single cell is a 1×1 range."""
    parts = ref.replace("$", "").split(":")
    ends = [split_coord(p) for p in parts]
    if not 1 <= len(parts) <= 2 or any(e is None for e in ends):
        return None
    (r1, c1), (r2, c2) = ends[0], ends[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


@dataclass(frozen=True)
class Cell:
    sheet: str
    row: int
    col: int

    @property
    def coord(self) -> str:
        return f"{col_letter(self.col)}{self.row}"

    def place(self, file_name: str) -> str:
        return f"{file_name}!{self.sheet}!{self.coord}"


@dataclass(frozen=True)
class CellMark:
    """A cell (or, with ``whole_row``, its row) to colour by severity, with a note in the cell."""

    sheet: str
    row: int
    col: int
    severity: str  # 红 / 黄 / 蓝
    text: str
    whole_row: bool = False


@dataclass(frozen=True)
class Mark:
    """A mark as read back from a workbook: what tests and ``clear`` see."""

    severity: str | None  # None: a note of ours without our colour
    text: str


class WorkbookPort(Protocol):
    """What every ribbon action may ask of a workbook.

    Reads are whole sheets at once. Writes describe results; ``finish``
    makes them durable where the adapter must (a file is written once, after
    a backup; a live book is left for the user to save).
    """

    name: str  # the file name places are given in (``name!sheet!cell``)
    path: Path | None  # the file on disk, when it has been saved
    live: bool  # True: Excel holds the book, the user saves it

    def sheet_names(self) -> list[str]: ...

    def defined_names(self) -> dict[str, Cell]:
        """Workbook-scoped names of single cells."""

    def tables(self) -> dict[str, tuple[str, str]]:
        """Excel tables: name -> (sheet, "A1:D6")."""

    def values(self, sheet: str, max_rows: int | None = None) -> list[list]:
        """The sheet from A1 to its last used cell (or its first ``max_rows`` rows); blanks are None,
        dates datetime/date, numbers int/float."""

    def write_survey(self, problems: Sequence, results) -> None:
        """A Form 1's result cells and problem marks (old marks of ours cleared first)."""

    def write_values(self, sheet: str, values: Mapping[tuple[int, int], object]) -> None:
        """Computed values into cells; text is always written as text, never as a formula."""

    def mark_cells(self, marks: Sequence[CellMark]) -> None:
        """Colour and note cells (or rows), clearing earlier marks of ours first."""

    def mark_ledger(self, flags: Sequence, marks: Sequence[CellMark], out_dir: Path | None, stamp,
                    display_name: str | None = None) -> Path | None:
        """A ledger's flagged rows (``marks``, from ``flags`` naming the file as ``display_name``): live in
        Excel, or the highlighted copy in ``out_dir`` for a file (None: errors, nothing is copied)."""

    def replace_generated(self, write: Callable[[Path], None], target: Path | None = None) -> Path:
        """A generated form written anew by ``write(path)``; returns where it now is."""

    def clear_marks(self) -> int:
        """Remove every mark of ours (a survey's result cells stay: they are results, not marks); returns how many."""

    def marks(self) -> dict[tuple[str, str], Mark]:
        """Our marks by (sheet, coord)."""

    def status(self, text: str) -> None: ...

    def alert(self, text: str, title: str = "信用管理") -> None: ...

    def finish(self) -> list[Path]:
        """Write what is pending; returns the backups made."""
