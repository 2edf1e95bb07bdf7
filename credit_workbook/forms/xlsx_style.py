"""The look of an official Chinese form, shared by every workbook we generate.

Staff compare our output with the paper forms they sign, so all four forms
share one typeface, one set of borders and fills, one header block and one
signature strip. Fills carry meaning: yellow = someone types here (unlocked),
blue = the tool writes here. Everything is XlsxWriter; nothing here reads a
workbook.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from credit_workbook.textsafe import XLSXWRITER_OPTIONS

BODY_FONT = "SimSun"  # 宋体: what Chinese finance forms are printed in
GRID = "#808080"
FILL_HEADER = "#D9D9D9"
FILL_SECTION = "#EDEDED"
FILL_INPUT = "#FFF2CC"  # light yellow: typed by staff
FILL_OUTPUT = "#DDEBF7"  # light blue: written by the tool

# Number formats by value kind. "text" stays General so long prose wraps.
NUM_FORMATS = {
    "text": None,
    "code": "@",  # Excel keeps 15 digits only: codes, account numbers, phones stay text
    "date": "yyyy-mm-dd",
    "money": "#,##0.00",  # 元
    "wan": "0.00",  # 万元
    "int": "0",
    "percent": "0.0%",
    "count": '0"户"',
}
_ALIGN = {"money": "right", "wan": "right", "percent": "right", "count": "center",
          "date": "center", "int": "center", "code": "left", "text": "left"}

EXCEL_MAX_STRING = 32767
SIGN_DATE = "日期：　　　　年　　月　　日"
SIGN_DATE_SHORT = "日期：　　年　月　日"


def new_workbook(path: Path | str, created: datetime, *, title: str, company: str = "") -> Workbook:
    """A workbook that keeps user strings inert and builds byte-for-byte the same.

    ``in_memory`` makes XlsxWriter stamp every zip member 1980-01-01 (no temp
    files with their own mtimes); ``created`` fixes docProps/core.xml.
    """
    wb = xlsxwriter.Workbook(str(path), {**XLSXWRITER_OPTIONS, "in_memory": True})
    set_fixed_properties(wb, created, title=title, company=company)
    return wb


def set_fixed_properties(wb: Workbook, created: datetime, *, title: str, company: str = "") -> None:
    """Document properties with a caller-given timestamp, so rebuilds do not differ."""
    wb.set_properties({
        "title": title,
        "subject": "《客户信用管理制度》",
        "author": "credit_workbook",
        "company": company,
        "created": created,
    })


class Styles:
    """Format factory: one Format per distinct look, created on first use.

    XlsxWriter formats are workbook objects; asking twice for the same look
    must return the same object or the styles part bloats.
    """

    def __init__(self, wb: Workbook, size: int = 11) -> None:
        self._wb = wb
        self.size = size
        self._cache: dict[tuple, object] = {}
        self._asked: dict[tuple, object] = {}  # the props as asked (order, Nones) → the same Format

    def get(self, **props):
        asked = tuple(props.items())  # a form asks for the same few looks tens of thousands of times
        found = self._asked.get(asked)
        if found is not None:
            return found
        base = {"font_name": BODY_FONT, "font_size": self.size, "valign": "vcenter"}
        base.update({k: v for k, v in props.items() if v is not None})
        key = tuple(sorted(base.items()))
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(base)
        self._asked[asked] = self._cache[key]
        return self._cache[key]

    # -- roles -----------------------------------------------------------
    def title(self):
        return self.get(bold=True, font_size=18, align="center")

    def info(self, align: str = "left"):
        return self.get(align=align)

    def section(self):
        return self.get(bold=True, align="left", bg_color=FILL_SECTION, border=1, border_color=GRID)

    def header(self):
        return self.get(bold=True, align="center", text_wrap=True, bg_color=FILL_HEADER,
                        border=1, border_color=GRID)

    def label(self, align: str = "left", wrap: bool = True):
        return self.get(align=align, indent=1 if align == "left" else None, text_wrap=wrap, border=1,
                        border_color=GRID, bg_color="#F7F7F7")

    def cell(self, kind: str = "text", role: str = "plain", *, bold: bool = False,
             wrap: bool | None = None, align: str | None = None, valign: str | None = None):
        """A bordered data cell. role: plain (locked) | input (yellow, unlocked) |
        output (blue, unlocked: the tool writes it) | total (bold, locked)."""
        props = {
            "border": 1, "border_color": GRID,
            "num_format": NUM_FORMATS[kind],
            "align": align or _ALIGN[kind],
            "text_wrap": (kind == "text") if wrap is None else wrap,
            "bold": bold or role == "total" or None,
            "valign": valign,
        }
        if role == "input":
            props.update(bg_color=FILL_INPUT, locked=False)
        elif role == "output":
            props.update(bg_color=FILL_OUTPUT, locked=False)
        elif role == "total":
            props.update(bg_color="#F2F2F2")
        return self.get(**props)

    def note(self):
        return self.get(align="left", valign="top", text_wrap=True, font_size=max(self.size - 1, 9))


# -- text measurement (no autofit in XlsxWriter for merged/wrapped cells) ----
@functools.lru_cache(maxsize=4096)  # row heights measure the same names and measures over and over
def text_units(text: str) -> float:
    """Width of ``text`` in Excel column units: a CJK character is about two."""
    return sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def lines_needed(text: str, width_units: float) -> int:
    lines = 0
    for part in (text or "").split("\n"):
        lines += max(1, math.ceil(text_units(part) / max(width_units - 0.5, 1)))
    return max(lines, 1)


def row_height(lines: int, size: int = 11) -> float:
    return round(lines * size * 1.45 + 4, 1)


# -- writing values ---------------------------------------------------------
def clip(text: str) -> str:
    """Excel 'repairs' a file holding a cell longer than 32,767 characters."""
    return text if len(text) <= EXCEL_MAX_STRING else text[: EXCEL_MAX_STRING - 1] + "…"


def write_value(ws: Worksheet, row: int, col: int, value, fmt) -> None:
    """Write one Python value as the cell type it is; strings always as inert text."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, clip(value), fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime.combine(value, time()), fmt)
    elif isinstance(value, (Decimal, int, float)):
        ws.write_number(row, col, float(value), fmt)  # floats only at the cell
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a cell")


def merge_text(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
               text: str, fmt) -> None:
    """Merged cell holding inert text (a single cell when the range is one cell)."""
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    if text:
        ws.write_string(first_row, first_col, clip(text), fmt)
    else:
        ws.write_blank(first_row, first_col, None, fmt)


def merge_formula(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                  formula: str, fmt, value) -> None:
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_formula(first_row, first_col, formula, fmt, value)


# -- tabular forms ------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a tabular form: header text, value kind, width, source attribute."""

    header: str
    kind: str  # a key of NUM_FORMATS
    width: float
    attr: str | None = None  # attribute of the row dataclass (None: computed here)
    total: bool = False  # summed in 小计/合计 rows
    align: str | None = None  # override the kind's alignment (short codes centred)

    def fmt(self, st: "Styles", role: str = "plain"):
        return st.cell(self.kind, role, align=self.align)


def set_widths(ws: Worksheet, columns: Sequence[Column]) -> list[float]:
    """Set the column widths; returns them for the header block and signature strip."""
    for c, column in enumerate(columns):
        ws.set_column(c, c, column.width)
    return [c.width for c in columns]


def write_column_headers(ws: Worksheet, st: Styles, row: int, columns: Sequence[Column]) -> None:
    lines = max(lines_needed(c.header, c.width) for c in columns)
    ws.set_row(row, row_height(lines, st.size))
    for c, column in enumerate(columns):
        ws.write_string(row, c, column.header, st.header())


def write_row(ws: Worksheet, st: Styles, row: int, columns: Sequence[Column], values: Sequence,
              roles: Sequence[str] | str = "plain", min_height: float = 18) -> None:
    """One data row; its height grows with the longest wrapped text."""
    if isinstance(roles, str):
        roles = [roles] * len(columns)
    lines = 1
    for c, (column, value, role) in enumerate(zip(columns, values, roles)):
        write_value(ws, row, c, value, column.fmt(st, role))
        if column.kind == "text" and isinstance(value, str):
            lines = max(lines, lines_needed(value, column.width))
    ws.set_row(row, max(min_height, row_height(lines, st.size)))


def write_band(ws: Worksheet, st: Styles, row: int, text: str, ncols: int) -> None:
    """A block heading across the table (一、A级客户 …)."""
    ws.set_row(row, 20)
    merge_text(ws, row, 0, row, ncols - 1, text, st.section())


def write_total_row(ws: Worksheet, st: Styles, row: int, columns: Sequence[Column], label: str,
                    formulas: dict[int, tuple[str, object]], label_cols: int = 2) -> None:
    """小计/合计: label over the first columns, formulas (with cached values
    computed in Python, so any reader sees the right number before a recalc)."""
    ws.set_row(row, 20)
    for c, column in enumerate(columns):
        if c >= label_cols and c not in formulas:
            ws.write_blank(row, c, None, st.cell(column.kind, "total"))
    merge_text(ws, row, 0, row, label_cols - 1, label, st.cell("text", "total", align="center"))
    for c, (formula, value) in formulas.items():
        kind = "count" if columns[c].kind in ("text", "code") else columns[c].kind
        ws.write_formula(row, c, formula, st.cell(kind, "total"), _cached(value))


def col_range(col: int, first: int, last: int, absolute: bool = False) -> str:
    """A1 range of one column between two 0-based rows, e.g. ``L7:L12``."""
    letter, d = xl_col_to_name(col), "$" if absolute else ""
    return f"{d}{letter}{d}{first + 1}:{d}{letter}{d}{last + 1}"


def ref(col: int, row: int) -> str:
    return f"{xl_col_to_name(col)}{row + 1}"


def _cached(value):
    return float(value) if isinstance(value, Decimal) else value


# -- blocks ------------------------------------------------------------------
def _columns_for(widths: Sequence[float], need: float) -> int:
    """How many columns, taken from the start of ``widths``, hold ``need`` units."""
    total = 0.0
    for i, width in enumerate(widths):
        total += width
        if total >= need:
            return i + 1
    return len(widths)


def prose_period(period: str) -> str:
    """'2026-10' -> '2026年10月'; blank leaves room to write by hand."""
    if not period:
        return "　　　　年　　月"
    year, _, month = period.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else period


def prose_date(day: date | None) -> str:
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def write_header_block(ws: Worksheet, st: Styles, *, title: str, widths: Sequence[float], left: str = "",
                       center: str = "", right: str = "", right_formula: tuple[str, str] | None = None,
                       unit: str = "单位：元", row: int = 0) -> int:
    """Title over the table width, then 编制单位 | 期间 | 编号, then 单位 right-aligned.

    Each part gets as many columns as its text needs (merged cells do not
    let text overflow); a centre part that does not fit moves down to the
    unit line. ``right_formula`` = (formula, cached value) when 编号 is
    computed in the sheet (Form 1 shows its customer code). Returns the next
    free row.
    """
    ncols = len(widths)
    last = ncols - 1
    ws.set_row(row, 36)
    merge_text(ws, row, 0, row, last, title, st.title())
    info, unit_row = row + 1, row + 2
    ws.set_row(info, 20)
    ws.set_row(unit_row, 18)
    # a computed 编号 needs room for what it will show (a customer code), not its cached text
    right_text = right_formula[1] + "Ｘ" * 10 if right_formula else right
    n_left = _columns_for(widths, text_units(left) + 2) if left else 0
    n_right = _columns_for(widths[::-1], text_units(right_text) + 2) if right_text else 0
    n_right = min(n_right, ncols - n_left)
    if n_left:
        merge_text(ws, info, 0, info, n_left - 1, left, st.info("left"))
    if n_right:
        r0 = ncols - n_right
        if right_formula:
            merge_formula(ws, info, r0, info, last, right_formula[0], st.info("right"), right_formula[1])
        else:
            merge_text(ws, info, r0, info, last, right, st.info("right"))
    c0, c1 = n_left, ncols - n_right - 1
    fits = c1 >= c0 and sum(widths[c0:c1 + 1]) >= text_units(center) + 2
    if center and fits:
        merge_text(ws, info, c0, info, c1, center, st.info("center"))
    n_unit = _columns_for(widths[::-1], text_units(unit) + 2)
    if center and not fits:  # a narrow sheet: period on the unit line, left
        merge_text(ws, unit_row, 0, unit_row, ncols - n_unit - 1, center, st.info("left"))
        merge_text(ws, unit_row, ncols - n_unit, unit_row, last, unit, st.info("right"))
    else:
        merge_text(ws, unit_row, 0, unit_row, last, unit, st.info("right"))
    return unit_row + 1


def role_spans(widths: Sequence[float], count: int) -> list[tuple[int, int]]:
    """Split the table into ``count`` column spans of about equal width
    (each at least one column)."""
    if len(widths) < count:
        raise ValueError("fewer columns than signature roles")
    total, starts, col = sum(widths), [0], 0
    for i in range(1, count):
        target = total * i / count
        end = col + 1
        acc = sum(widths[:end])
        while end < len(widths) - (count - i) and abs(acc + widths[end] - target) < abs(acc - target):
            acc += widths[end]
            end += 1
        starts.append(end)
        col = end
    ends = [s - 1 for s in starts[1:]] + [len(widths) - 1]
    return list(zip(starts, ends))


def write_signature_strip(ws: Worksheet, st: Styles, row: int, roles: Sequence[str],
                          widths: Sequence[float], *, article: str = "") -> int:
    """Boxes to sign: role title, a tall blank box, a date line. Returns next row.

    The blank boxes are unlocked so a name can be typed on a protected sheet.
    """
    ncols = len(widths)
    if article:
        lines = lines_needed(article, sum(widths))
        ws.set_row(row, row_height(lines, st.size - 1))
        merge_text(ws, row, 0, row, ncols - 1, article, st.note())
        row += 1
    spans = role_spans(widths, len(roles))
    rooms = [sum(widths[c0:c1 + 1]) for c0, c1 in spans]
    dates = [SIGN_DATE if text_units(SIGN_DATE) + 1 <= room else SIGN_DATE_SHORT for room in rooms]
    title_lines = max(lines_needed(r, room) for r, room in zip(roles, rooms))
    date_lines = max(lines_needed(d, room) for d, room in zip(dates, rooms))
    ws.set_row(row, max(20, row_height(title_lines, st.size)))
    ws.set_row(row + 1, 36)
    ws.set_row(row + 2, max(20, row_height(date_lines, st.size)))
    box = st.get(border=1, border_color=GRID, align="left", valign="top", locked=False)
    dated = st.get(border=1, border_color=GRID, align="left", text_wrap=True, locked=False)
    for role, (c0, c1), date_text in zip(roles, spans, dates):
        merge_text(ws, row, c0, row, c1, role, st.header())
        merge_text(ws, row + 1, c0, row + 1, c1, "签字：", box)
        merge_text(ws, row + 2, c0, row + 2, c1, date_text, dated)
    return row + 3


A4, A3 = 9, 8  # Excel paper codes


def setup_print(ws: Worksheet, *, ncols: int, last_row: int, landscape: bool,
                repeat: tuple[int, int] | None = None, paper: int = A4) -> None:
    """A4 (A3 for the wide registers), one page wide, centred, page numbers in Chinese; gridlines off (the
    borders are the form)."""
    ws.set_paper(paper)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, last_row, ncols - 1)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.hide_gridlines(2)


def protect(ws: Worksheet) -> None:
    """Protected without a password: guards formulas and layout against slips,
    not against intent (SPEC §3: staff may still restyle columns and rows)."""
    ws.protect("", {
        "format_columns": True,
        "format_rows": True,
        "select_locked_cells": True,
        "select_unlocked_cells": True,
    })


# -- data validation with Excel's limits checked (else Excel "repairs") ------
MAX_LIST_LITERAL = 255
MAX_VALIDATION_TITLE = 32
MAX_VALIDATION_TEXT = 255


def _checked(title: str, message: str) -> None:
    if len(title) > MAX_VALIDATION_TITLE:
        raise ValueError(f"validation title longer than {MAX_VALIDATION_TITLE}: {title!r}")
    if len(message) > MAX_VALIDATION_TEXT:
        raise ValueError(f"validation message longer than {MAX_VALIDATION_TEXT}: {message!r}")


def add_list_validation(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                        choices: Sequence[str], *, title: str = "", message: str = "") -> None:
    literal = ",".join(choices)
    if len(literal) > MAX_LIST_LITERAL or any("," in c or '"' in c for c in choices):
        raise ValueError(f"drop-down list too long or not literal-safe: {literal!r}")
    _checked(title, message)
    options = {
        "validate": "list",
        "source": list(choices),
        "error_title": "输入有误",
        "error_message": "请从下拉列表中选择：" + "、".join(choices),
    }
    if message:
        options.update(input_title=title or "填写说明", input_message=message)
    _checked(options["error_title"], options["error_message"])
    ws.data_validation(first_row, first_col, last_row, last_col, options)


def add_input_hint(ws: Worksheet, row: int, col: int, title: str, message: str) -> None:
    """An input message without restricting what is typed (clerks type
    `2026年1月5日`; the reader parses it)."""
    _checked(title, message)
    ws.data_validation(row, col, row, col, {
        "validate": "any", "input_title": title, "input_message": message,
    })
