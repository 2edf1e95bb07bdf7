"""The workbook port over the book open in Excel, through xlwings.

Every call into Excel crosses COM (tens of microseconds to milliseconds
each), so reads are one ``range.options(ndim=2).value`` per sheet and values
go out as whole blocks; only notes, which Excel keeps per cell, are set cell
by cell. Colours are set per severity on a multi-area range.

Marks. In a live book a problem cell gets a fill colour and a note whose text
carries ``survey_writeback.COMMENT_SEP`` before our part (after the user's
own note text, if any), so the file writer and this adapter recognise each
other's notes. A fill cannot be undone by Excel for us, so before colouring,
each marked cell (or row) and the fill it had are recorded in workbook names
``_credit_fills_N`` (saved with the book). Clearing removes our part of each
note (the note itself when nothing of the user's is left) and puts back the
recorded fills — a form's yellow input cells stay yellow. A row whose cells
had different fills gets none back (Excel reports no single colour for it).

Protected sheets (the forms are protected without a password) are
unprotected around a write and protected again with the same permissions.
The book is never saved here: the user saves, as with any edit.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from credit_workbook.errors import UserError
from credit_workbook.port.base import (
    FILLS,
    LEVEL_SEVERITY,
    SEVERITIES,
    Cell,
    CellMark,
    Mark,
    col_letter,
    rgb,
    split_coord,
)
from credit_workbook.port.file import cell_of_reference

SEP = "\n—— 信用管理工具 ——\n"  # survey_writeback.COMMENT_SEP; a test keeps them equal
HEAD = SEP.strip("\n")
MAX_ADDRESS = 240  # Excel's Range("A1,B2,…") takes at most 255 characters
FILL_NAME = "_credit_fills_"
FILL_ENTRIES_PER_NAME = 10  # a text constant in a name's formula holds at most 255 characters
_PROTECTION = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
               "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
               "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")
_FORMULA_START = ("=", "+", "-", "@")


def to_excel(value: object) -> object:
    """A value as Excel takes it: money becomes a number only here, text never becomes a formula."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """[3, 4, 5, 9] -> [(3, 5), (9, 9)]: consecutive rows or columns become one block."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def address_chunks(addresses: Sequence[str]) -> list[str]:
    """"A1,C5,…" strings short enough for one Range call each."""
    chunks: list[str] = []
    current = ""
    for a in addresses:
        if current and len(current) + 1 + len(a) > MAX_ADDRESS:
            chunks.append(current)
            current = a
        else:
            current = f"{current},{a}" if current else a
    if current:
        chunks.append(current)
    return chunks


def split_note(text: str) -> tuple[str, str] | None:
    """(the user's part, ours) of a note carrying our separator; None for a note that is all the user's."""
    if HEAD not in text:
        return None
    user, _, ours = text.partition(HEAD)
    return user.rstrip("\n"), ours.lstrip("\n")


class ExcelBook:
    """An xlwings Book (``xw.Book.caller()``) as the port."""

    live = True

    def __init__(self, book):
        self.book = book
        self.name = book.name
        full = book.fullname
        self.path = Path(full) if full and os.path.isabs(full) and os.path.isfile(full) else None
        self.messages: list[str] = []
        self._grids: dict[str, list[list]] = {}

    # ------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def defined_names(self) -> dict[str, Cell]:
        out = {}
        for n in self.book.names:
            if "!" in n.name:  # sheet-scoped names come as Sheet!name
                continue
            cell = cell_of_reference(n.refers_to or "")
            if cell is not None:
                out[n.name] = cell
        return out

    def tables(self) -> dict[str, tuple[str, str]]:
        return {t.name: (s.name, t.range.address.replace("$", "")) for s in self.book.sheets for t in s.tables}

    def values(self, sheet: str, max_rows: int | None = None) -> list[list]:
        """One read of the used range from A1 per sheet; kept until this adapter writes to the sheet."""
        if sheet in self._grids:
            grid = self._grids[sheet]
            return grid if max_rows is None else grid[:max_rows]
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        rows = last.row if max_rows is None else min(last.row, max_rows)
        grid = ws.range((1, 1), (rows, last.column)).options(ndim=2).value
        grid = [[None if v == "" else v for v in row] for row in grid]
        if max_rows is None:
            self._grids[sheet] = grid
        return grid

    def marks(self) -> dict[tuple[str, str], Mark]:
        colours = {rgb(v): k for k, v in FILLS.items()}
        out = {}
        for ws in self.book.sheets:
            for note in ws.notes:
                parts = split_note(note.text)
                if parts is None:
                    continue
                cell = note.location
                out[(ws.name, cell.address.replace("$", ""))] = Mark(colours.get(_colour(cell.color)), parts[1])
        return out

    # ------------------------------------------------------------ writing
    def write_survey(self, problems: Sequence, results) -> None:
        by_cell: dict[tuple[str, str], list] = {}
        for p in problems:
            parts = p.place.rsplit("!", 2)
            if len(parts) == 3 and parts[1] in self.sheet_names():
                by_cell.setdefault((parts[1], parts[2]), []).append(p)
        marks = []
        for (sheet, coord), items in by_cell.items():
            where = split_coord(coord)
            if where is None:
                continue
            worst = "红" if any(LEVEL_SEVERITY.get(p.level.value) == "红" for p in items) else "黄"
            marks.append(CellMark(sheet, where[0], where[1], worst,
                                  "\n".join(f"【{p.level.value}】{p.message}" for p in items)))
        names = self.defined_names()
        cells = {"result_grade": results.grade, "result_reasons": results.reasons, "result_cap": results.cap,
                 "result_max_term_days": results.max_term_days, "result_rated_at": results.rated_at}
        by_sheet: dict[str, dict[tuple[int, int], object]] = {}
        for name, value in cells.items():
            cell = names.get(name)
            if cell is not None:
                by_sheet.setdefault(cell.sheet, {})[(cell.row, cell.col)] = value
        self.mark_cells(marks)
        for sheet, values in by_sheet.items():
            self.write_values(sheet, values)

    def write_values(self, sheet: str, values: Mapping[tuple[int, int], object]) -> None:
        """Blocks of consecutive cells, one Range write each: a row of a table is one call, not twenty."""
        ws = self.book.sheets[sheet]
        self._grids.pop(sheet, None)
        with self._unprotected(ws):
            for (r1, c1, r2, c2), grid in blocks(values):
                ws.range((r1, c1), (r2, c2)).options(ndim=2).value = [[to_excel(v) for v in row] for row in grid]

    def mark_cells(self, marks: Sequence[CellMark]) -> None:
        """Fill and note each mark; the fills they replace are recorded first (``_record_fills``)."""
        self.clear_marks()
        by_sheet: dict[str, list[CellMark]] = {}
        for m in marks:
            by_sheet.setdefault(m.sheet, []).append(m)
        sheets = self.sheet_names()
        record = []
        for sheet, items in by_sheet.items():
            ws = self.book.sheets[sheet]
            width = ws.used_range.last_cell.column
            spans = {m: (1, width) if m.whole_row else (m.col, m.col) for m in items}
            for m, (c1, c2) in spans.items():
                before = _colour(ws.range((m.row, c1), (m.row, c2)).color)
                record.append(f"{sheets.index(sheet)}:{m.row}:{c1}:{c2}:{_hex(before)}")
            with self._unprotected(ws):
                for severity in SEVERITIES:
                    where = [_address(m.row, *spans[m]) for m in items if m.severity == severity]
                    for chunk in address_chunks(where):
                        ws.range(chunk).color = rgb(FILLS[severity])
                for m in items:
                    cell = ws.range((m.row, spans[m][0]))
                    note = cell.note
                    if note is None:
                        cell.add_note(HEAD + "\n" + m.text)
                    else:
                        note.text = note.text + SEP + m.text
        self._record_fills(record)

    def _record_fills(self, entries: list[str]) -> None:
        """What each mark covered and the fill it had, in workbook names ``_credit_fills_N`` saved with the
        book, so clearing puts back the form's own colours (an input cell's yellow) instead of none."""
        for i in range(0, len(entries), FILL_ENTRIES_PER_NAME):
            self.book.names.add(f"{FILL_NAME}{i // FILL_ENTRIES_PER_NAME + 1}",
                                '="' + ";".join(entries[i:i + FILL_ENTRIES_PER_NAME]) + '"')

    def _recorded_fills(self) -> list[tuple[str, int, int, int, tuple[int, int, int] | None]]:
        sheets = self.sheet_names()
        out = []
        for n in list(self.book.names):
            if not n.name.startswith(FILL_NAME):
                continue
            text = (n.refers_to or "").lstrip("=").strip('"')
            for entry in filter(None, text.split(";")):
                try:
                    idx, row, c1, c2, colour = entry.split(":")
                    out.append((sheets[int(idx)], int(row), int(c1), int(c2), rgb(colour) if colour else None))
                except (ValueError, IndexError):
                    continue  # a name edited by hand: its cells keep whatever they have
            n.delete()
        return out

    def mark_ledger(self, flags: Sequence, marks: Sequence[CellMark], out_dir: Path | None, stamp,
                    display_name: str | None = None) -> Path | None:
        """The rows are marked in the open book; no copy is made."""
        self.mark_cells(marks)
        return None

    def replace_generated(self, write: Callable[[Path], None], target: Path | None = None) -> Path:
        """Excel holds the open file, so the new form goes beside it (or to ``target``) and is opened."""
        from credit_workbook.fileio import atomic_target

        if target is None or (self.path is not None and Path(target).resolve() == self.path.resolve()):
            base = Path(target) if target is not None else self.path
            if base is None:
                raise UserError(f"{self.name}: 工作簿尚未保存，请先保存到工作目录中")
            target = base.with_name(f"{base.stem}_刷新{base.suffix}")
        with atomic_target(Path(target)) as tmp:
            write(tmp)
        self.book.app.books.open(str(target))
        return Path(target)

    def clear_marks(self) -> int:
        """Our part of every note goes (the note with it when nothing of the user's is left), and every
        recorded mark gets back the fill it had."""
        fills: dict[str, dict[tuple[int, int, int] | None, list[str]]] = {}
        for sheet, row, c1, c2, colour in self._recorded_fills():
            fills.setdefault(sheet, {}).setdefault(colour, []).append(_address(row, c1, c2))
        count = 0
        for ws in self.book.sheets:
            ours = [(note, split_note(note.text)) for note in ws.notes]
            ours = [(note, parts) for note, parts in ours if parts is not None]
            if not ours and ws.name not in fills:
                continue
            with self._unprotected(ws):
                for note, (user, _) in ours:
                    if user:
                        note.text = user
                    else:
                        note.delete()
                    count += 1
                for colour, where in fills.get(ws.name, {}).items():
                    for chunk in address_chunks(where):
                        ws.range(chunk).color = colour
        return count

    def status(self, text: str) -> None:
        self.book.app.status_bar = text

    def alert(self, text: str, title: str = "信用管理") -> None:
        self.messages.append(text)
        self.book.app.alert(text, title=title)

    def finish(self) -> list[Path]:
        return []  # the user saves the live book

    # ------------------------------------------------------------ protection
    @contextlib.contextmanager
    def _unprotected(self, ws):
        api = ws.api
        if not api.ProtectContents:
            yield
            return
        keep = {k: getattr(api.Protection, k) for k in _PROTECTION}
        drawing, scenarios = api.ProtectDrawingObjects, api.ProtectScenarios
        try:
            api.Unprotect("")
        except Exception:  # noqa: BLE001 - COM's error for a wrong password has no type of its own
            raise UserError(f"{self.name}!{ws.name}: 工作表设有保护密码，无法写入结果；请先撤销工作表保护") from None
        try:
            yield
        finally:
            api.Protect("", DrawingObjects=drawing, Contents=True, Scenarios=scenarios, **keep)


def _colour(value) -> tuple[int, int, int] | None:
    return tuple(value) if value is not None else None


def _hex(colour: tuple[int, int, int] | None) -> str:
    return "" if colour is None else "".join(f"{v:02X}" for v in colour)


def _address(row: int, c1: int, c2: int) -> str:
    first = f"{col_letter(c1)}{row}"
    return first if c1 == c2 else f"{first}:{col_letter(c2)}{row}"


def blocks(values: Mapping[tuple[int, int], object]):
    """Cells grouped into rectangles of consecutive rows × consecutive columns, each with its grid."""
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), v in values.items():
        by_row.setdefault(r, {})[c] = v
    # rows sharing the same column runs stack into one block
    shapes: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for r, cols in by_row.items():
        shapes.setdefault(tuple(runs(list(cols))), []).append(r)
    for col_runs, rows in shapes.items():
        for r1, r2 in runs(rows):
            for c1, c2 in col_runs:
                grid = [[by_row[r][c] for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
                yield (r1, c1, r2, c2), grid
