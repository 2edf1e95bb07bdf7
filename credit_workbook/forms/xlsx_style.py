"""The look of an official Chinese form, shared by every workbook we generate.

Staff compare our output with the paper forms they sign, so all four forms
share one typeface, one set of borders and fills, one header block and one
signature strip. Fills carry meaning: yellow = someone types here (unlocked),
blue = the tool writes here. Everything is XlsxWriter; nothing here reads a
workbook.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

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


def new_workbook(path: Path | str, created: datetime, *, title: str, company: str = "") -> Workbook:
    """A workbook that keeps user strings inert and builds byte-for-byte the same.

    ``in_memory`` makes XlsxWriter stamp every zip member 1980-01-01 (no temp
    files with their own mtimes); ``created`` fixes docProps/core.xml.
    """
    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "in_memory": True,
    })
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

    def get(self, **props):
        base = {"font_name": BODY_FONT, "font_size": self.size, "valign": "vcenter"}
        base.update({k: v for k, v in props.items() if v is not None})
        key = tuple(sorted(base.items()))
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(base)
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
        return self.get(align=align, text_wrap=wrap, border=1, border_color=GRID, bg_color="#F7F7F7")

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
    ws.write_string(first_row, first_col, clip(text), fmt)


def merge_formula(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                  formula: str, fmt, value) -> None:
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_formula(first_row, first_col, formula, fmt, value)


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


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


def set_widths(ws: Worksheet, columns: Sequence[Column]) -> None:
    for c, column in enumerate(columns):
        ws.set_column(c, c, column.width)


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


def _cached(value):
    return float(value) if isinstance(value, Decimal) else value


# -- blocks ------------------------------------------------------------------
def thirds(ncols: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Column spans of the left, centre and right parts of an info line."""
    side = max(ncols // 3, 1)
    return (0, side - 1), (side, ncols - side - 1), (ncols - side, ncols - 1)


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


def write_header_block(ws: Worksheet, st: Styles, *, title: str, ncols: int, left: str = "",
                       center: str = "", right: str = "", right_formula: tuple[str, str] | None = None,
                       unit: str = "单位：元", row: int = 0) -> int:
    """Title over the table width, then 编制单位 | 期间 | 编号, then 单位 right-aligned.

    ``right_formula`` = (formula, cached value) when 编号 is computed in the
    sheet (Form 1 shows its customer code). Returns the next free row.
    """
    last = ncols - 1
    ws.set_row(row, 36)
    merge_text(ws, row, 0, row, last, title, st.title())
    (l0, l1), (c0, c1), (r0, r1) = thirds(ncols)
    info = row + 1
    ws.set_row(info, 20)
    merge_text(ws, info, l0, info, l1, left, st.info("left"))
    if c1 >= c0:
        merge_text(ws, info, c0, info, c1, center, st.info("center"))
    if right_formula:
        merge_formula(ws, info, r0, info, r1, right_formula[0], st.info("right"), right_formula[1])
    else:
        merge_text(ws, info, r0, info, r1, right, st.info("right"))
    ws.set_row(info + 1, 18)
    merge_text(ws, info + 1, 0, info + 1, last, unit, st.info("right"))
    return info + 2


def role_spans(ncols: int, count: int) -> list[tuple[int, int]]:
    """Split the table width into ``count`` nearly equal column spans."""
    base, extra = divmod(ncols, count)
    spans, col = [], 0
    for i in range(count):
        width = base + (1 if i < extra else 0)
        spans.append((col, col + width - 1))
        col += width
    return spans


def write_signature_strip(ws: Worksheet, st: Styles, row: int, roles: Sequence[str], ncols: int,
                          *, article: str = "") -> int:
    """Boxes to sign: role title, a tall blank box, a date line. Returns next row.

    The blank boxes are unlocked so a name can be typed on a protected sheet.
    """
    if article:
        merge_text(ws, row, 0, row, ncols - 1, article, st.note())
        row += 1
    spans = role_spans(ncols, len(roles))
    ws.set_row(row, 20)
    ws.set_row(row + 1, 36)
    ws.set_row(row + 2, 20)
    box = st.get(border=1, border_color=GRID, align="left", valign="top", locked=False)
    dated = st.get(border=1, border_color=GRID, align="left", locked=False)
    for role, (c0, c1) in zip(roles, spans):
        merge_text(ws, row, c0, row, c1, role, st.header())
        merge_text(ws, row + 1, c0, row + 1, c1, "签字：", box)
        merge_text(ws, row + 2, c0, row + 2, c1, SIGN_DATE, dated)
    return row + 3


def setup_print(ws: Worksheet, *, ncols: int, last_row: int, landscape: bool,
                repeat: tuple[int, int] | None = None) -> None:
    """A4, one page wide, centred, page numbers in Chinese; gridlines off (the
    borders are the form)."""
    ws.set_paper(9)
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
