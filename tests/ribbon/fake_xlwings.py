"""An in-memory stand-in for exactly the xlwings objects ``port.excel.ExcelBook`` uses.

Excel cannot run here, so this is the one stand-in the tests allow. It keeps
each sheet as a dict grid and behaves as xlwings over COM does where the
adapter depends on it:

- ``range.value`` gives floats for numbers and datetimes for dates (COM has no
  int or date), None for blanks; a 1×1 range gives a scalar, a single row
  or column a flat list unless ``options(ndim=2)``;
- ``range("A1,C5:D5")`` with several areas (colour only), ``range((r, c), (r, c))``;
- ``used_range`` from the first to the last non-empty cell (not from A1);
- ``range.color`` as an (r, g, b) tuple or None; ``range.note`` / ``add_note``
  (which refuses a cell that already has one), ``sheet.notes`` with
  ``note.location``, ``note.text`` and ``note.delete()``;
- ``book.names`` (``name``, ``refers_to`` like ``='调查评定表'!$B$5``, ``add``, ``delete``),
  ``sheet.tables`` (``name``, ``range.address``);
- ``sheet.api`` protection: ``ProtectContents``, ``Protection.Allow…``,
  ``Unprotect``/``Protect``. Any write to a protected sheet raises, which is
  stricter than Excel (it refuses only locked cells and formatting);
- ``app.status_bar``, ``app.alert(prompt, title=…)`` (recorded), ``app.books.open``.

Every COM-crossing call is counted in ``book.app.calls``, so tests can hold
the adapter to whole-range reads and writes.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from pathlib import Path

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _col_letter(col: int) -> str:
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def _area(text: str) -> tuple[int, int, int, int]:
    ends = []
    for part in text.split(":"):
        m = _CELL.match(part.strip())
        if not m:
            raise ValueError(f"bad address {text!r}")
        ends.append((int(m.group(2)), _col_index(m.group(1))))
    (r1, c1), (r2, c2) = ends[0], ends[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _as_com(value):
    """What COM hands back: numbers as float, dates as datetime."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"Excel cannot hold {type(value).__name__}: {value!r}")


class ProtectedError(Exception):
    """Excel's COM error for a write into a protected sheet."""


class App:
    def __init__(self):
        self.status_bar: str | bool = False
        self.alerts: list[tuple[str, str | None]] = []
        self.calls = 0
        self.books = _Books(self)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title))
        return "ok"


class _Books:
    def __init__(self, app: App):
        self.app = app
        self.opened: list[Book] = []

    def open(self, fullname: str) -> Book:
        book = Book.load(Path(fullname), self.app)
        self.opened.append(book)
        return book


class Book:
    def __init__(self, name: str, fullname: str, app: App | None = None):
        self.name = name
        self.fullname = fullname
        self.app = app or App()
        self.sheets = _Sheets()
        self.names = _Names()

    @classmethod
    def load(cls, path: Path, app: App | None = None) -> Book:
        """The book as Excel would show it after opening ``path`` (cached values, notes, fills, protection)."""
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
        book = cls(path.name, str(path.resolve()), app)
        for ws in wb.worksheets:
            sheet = Sheet(book, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.value != "":
                        sheet.cells[(cell.row, cell.column)] = _as_com(cell.value)
                    if cell.comment is not None:
                        sheet.note_texts[(cell.row, cell.column)] = cell.comment.text
                    if cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill.fgColor.type == "rgb":
                        hexa = cell.fill.fgColor.rgb[-6:]
                        sheet.colours[(cell.row, cell.column)] = tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
            for name, ref in ws.tables.items():
                sheet.tables.append(Table(name, Range(sheet, [_area(ref)])))
            sheet.api.ProtectContents = bool(ws.protection.sheet)
            book.sheets.append(sheet)
        for name, dn in wb.defined_names.items():
            book.names.append(Name(name, "=" + dn.attr_text, book.names))
        return book


class _Sheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            for s in self:
                if s.name == key:
                    return s
            raise KeyError(key)
        return list.__getitem__(self, key)


class _Names(list):
    def add(self, name: str, refers_to: str) -> Name:
        for old in [n for n in self if n.name == name]:
            self.remove(old)
        item = Name(name, refers_to, self)
        self.append(item)
        return item


class Name:
    def __init__(self, name: str, refers_to: str, names: _Names | None = None):
        self.name = name
        self.refers_to = refers_to
        self._names = names

    def delete(self) -> None:
        self._names.remove(self)


class Table:
    def __init__(self, name: str, rng: Range):
        self.name = name
        self.range = rng


class _Protection:
    def __init__(self):
        for attr in ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
                     "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
                     "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
                     "AllowUsingPivotTables"):
            setattr(self, attr, False)
        self.AllowFormattingColumns = self.AllowFormattingRows = True


class SheetApi:
    """The slice of the COM Worksheet the adapter touches: protection."""

    def __init__(self):
        self.ProtectContents = False
        self.ProtectDrawingObjects = True
        self.ProtectScenarios = True
        self.Protection = _Protection()
        self.protect_calls: list[dict] = []

    def Unprotect(self, password=""):
        self.ProtectContents = False

    def Protect(self, password="", **kwargs):
        self.ProtectContents = True
        self.protect_calls.append(kwargs)
        for k, v in kwargs.items():
            if k.startswith("Allow"):
                setattr(self.Protection, k, v)


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], object] = {}
        self.colours: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.note_texts: dict[tuple[int, int], str] = {}
        self.tables: list[Table] = []
        self.api = SheetApi()

    def _count(self) -> None:
        self.book.app.calls += 1

    def _writable(self) -> None:
        if self.api.ProtectContents:
            raise ProtectedError(f"{self.name}: the sheet is protected")

    def range(self, first, last=None) -> Range:
        self._count()
        if isinstance(first, tuple):
            r1, c1 = first
            r2, c2 = last if last is not None else first
            return Range(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])
        return Range(self, [_area(a) for a in str(first).split(",")])

    @property
    def used_range(self) -> Range:
        self._count()
        filled = list(self.cells)
        if not filled:
            return Range(self, [(1, 1, 1, 1)])
        rows = [r for r, _ in filled]
        cols = [c for _, c in filled]
        return Range(self, [(min(rows), min(cols), max(rows), max(cols))])

    @property
    def notes(self) -> list[Note]:
        self._count()
        return [Note(self, rc) for rc in sorted(self.note_texts)]


class Note:
    def __init__(self, sheet: Sheet, rc: tuple[int, int]):
        self.sheet, self.rc = sheet, rc

    @property
    def text(self) -> str:
        self.sheet._count()
        return self.sheet.note_texts[self.rc]

    @text.setter
    def text(self, value: str) -> None:
        self.sheet._count()
        self.sheet._writable()
        self.sheet.note_texts[self.rc] = value

    @property
    def location(self) -> Range:
        return Range(self.sheet, [(self.rc[0], self.rc[1], self.rc[0], self.rc[1])])

    def delete(self) -> None:
        self.sheet._count()
        self.sheet._writable()
        del self.sheet.note_texts[self.rc]


class Range:
    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]], ndim: int | None = None):
        self.sheet = sheet
        self.areas = areas
        self.ndim = ndim

    def _one(self) -> tuple[int, int, int, int]:
        if len(self.areas) != 1:
            raise ValueError("this operation needs a single area")
        return self.areas[0]

    def options(self, ndim=None, **_ignored) -> Range:
        return Range(self.sheet, self.areas, ndim)

    @property
    def row(self) -> int:
        return self._one()[0]

    @property
    def column(self) -> int:
        return self._one()[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._one()
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def last_cell(self) -> Range:
        _, _, r2, c2 = self._one()
        return Range(self.sheet, [(r2, c2, r2, c2)])

    @property
    def address(self) -> str:
        def one(a):
            r1, c1, r2, c2 = a
            first = f"${_col_letter(c1)}${r1}"
            return first if (r1, c1) == (r2, c2) else f"{first}:${_col_letter(c2)}${r2}"

        return ",".join(one(a) for a in self.areas)

    @property
    def value(self):
        self.sheet._count()
        r1, c1, r2, c2 = self._one()
        grid = [[self.sheet.cells.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self.ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data) -> None:
        self.sheet._count()
        self.sheet._writable()
        r1, c1, r2, c2 = self._one()
        grid = data if isinstance(data, list) and data and isinstance(data[0], list) else \
            [data] if isinstance(data, list) else [[data]]
        if (r2 - r1, c2 - c1) != (0, 0) and (r2 - r1 + 1, c2 - c1 + 1) != (len(grid), len(grid[0])):
            raise AssertionError(f"{self.address}: {len(grid)}×{len(grid[0])} values for a range of another shape")
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                v = _as_com(v)
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel's text prefix: shown and kept as text, the quote itself hidden
                elif isinstance(v, str) and v.startswith("="):
                    raise AssertionError(f"a formula was written: {v!r}")
                if v is None or v == "":
                    self.sheet.cells.pop((r1 + i, c1 + j), None)
                else:
                    self.sheet.cells[(r1 + i, c1 + j)] = v

    def _cells(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    @property
    def color(self):
        self.sheet._count()
        colours = {self.sheet.colours.get(rc) for rc in self._cells()}
        return colours.pop() if len(colours) == 1 else None

    @color.setter
    def color(self, value) -> None:
        self.sheet._count()
        self.sheet._writable()
        for rc in self._cells():
            if value is None:
                self.sheet.colours.pop(rc, None)
            else:
                self.sheet.colours[rc] = tuple(value)

    @property
    def note(self) -> Note | None:
        self.sheet._count()
        r1, c1, _, _ = self._one()
        return Note(self.sheet, (r1, c1)) if (r1, c1) in self.sheet.note_texts else None

    def add_note(self, text: str) -> Note:
        self.sheet._count()
        self.sheet._writable()
        if self.shape != (1, 1):
            raise ValueError("A note can only be added to a single cell")
        r1, c1, _, _ = self._one()
        if (r1, c1) in self.sheet.note_texts:
            raise ValueError("This cell already has a note")
        self.sheet.note_texts[(r1, c1)] = text
        return Note(self.sheet, (r1, c1))
