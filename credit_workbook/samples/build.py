"""Fill the Form 1 template once per demo counterparty, as a clerk would have.

The surveys are written into the real template through its defined names and
tables (never by coordinates), so the demo exercises the same contract the
reader relies on, and a restyled template still works. Output is byte-for-byte
reproducible: the sample workbooks are committed, and a rebuild that changes
nothing must not show up as a change.

Run: ``python -m credit_workbook.samples.build [OUT_DIR] [--template PATH]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from credit_workbook.fileio import save_openpyxl
from credit_workbook.forms.fields import INPUT_FIELDS, TABLES, TableSpec
from credit_workbook.forms.names import defined_cells, find_table
from credit_workbook.samples.company import COUNTERPARTIES, SampleCounterparty

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE = ROOT / "templates" / "客户信用调查评定表.xlsx"
DEFAULT_OUT_DIR = ROOT / "sample_workbooks" / "surveys"

# Document properties and zip member times of every generated file.
FIXED_TIME = datetime(2026, 10, 31, 9, 0, 0)

# openpyxl says so when it cannot keep part of a workbook (GUIDE.md).
_LOSS_WORDS = ("will be removed", "will be lost", "dropped", "not supported")


class TemplateError(Exception):
    """The template does not honour the Form 1 contract; str() is for the user."""


# ---------------------------------------------------------------- public API

def build_surveys(template: Path, out_dir: Path,
                  counterparties: tuple[SampleCounterparty, ...] = COUNTERPARTIES) -> list[Path]:
    """One filled 《客户信用调查评定表》 per counterparty, ``out_dir/<code>_<简称>.xlsx``."""
    template = Path(template)
    if not template.is_file():
        raise TemplateError(f"找不到调查评定表模板：{template}")
    template_bytes = template.read_bytes()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for cp in counterparties:
        wb = load_template(template_bytes, template.name)
        fill_survey(wb, cp)
        path = out_dir / f"{cp.file_stem}.xlsx"
        save_reproducibly(wb, path)
        paths.append(path)
    return paths


def load_template(data: bytes, label: str = "模板"):
    """Load with openpyxl, refusing a template whose content openpyxl would drop."""
    from openpyxl import load_workbook

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(BytesIO(data))
    lost = [str(w.message) for w in caught if any(k in str(w.message) for k in _LOSS_WORDS)]
    if lost:
        raise TemplateError(f"{label}中有openpyxl无法保留的内容，拒绝生成：" + "；".join(lost))
    return wb


def fill_survey(wb, cp: SampleCounterparty) -> None:
    """Write the counterparty's raw values and table rows into a loaded template.

    Tables grow first (inserting rows shifts everything below), then the
    defined names are resolved afresh, so a grown officers table cannot
    misplace the fields under it.
    """
    rows_by_table = {"tbl_officers": cp.officers, "tbl_banks": cp.banks}
    for spec in TABLES:
        ws, table = _require_table(wb, spec.name)
        capacity = _data_rows(table)
        needed = len(rows_by_table[spec.name])
        if needed > capacity:
            grow_table(wb, ws, table, needed - capacity)

    cells = defined_cells(wb)
    missing = [f.name for f in INPUT_FIELDS if f.name not in cells]
    if missing:
        raise TemplateError("模板缺少以下名称（定义名称）：" + "、".join(missing))
    for spec in INPUT_FIELDS:
        ref = cells[spec.name]
        write_value(wb[ref.sheet][ref.coord], cp.values.get(spec.name))

    for spec in TABLES:
        ws, table = _require_table(wb, spec.name)
        _fill_table(ws, table, spec, rows_by_table[spec.name])


def write_value(cell, value: object) -> None:
    """Store a raw value the way Excel would hold what the clerk typed.

    Text is forced to a string cell: a name or remark starting with "=" must
    never become a formula (formula injection, GUIDE.md). Dates keep the
    template's date format; openpyxl only replaces a non-date format.
    """
    if value is None:
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    elif isinstance(value, (date, int, float, Decimal)) and not isinstance(value, bool):
        cell.value = value
    else:
        raise TypeError(f"{cell.coordinate}: cannot write {type(value).__name__} {value!r}")


def save_reproducibly(wb, path: Path) -> None:
    """Save so that the same workbook content always gives the same bytes (and atomically)."""
    save_openpyxl(wb, path, modified=FIXED_TIME, created=FIXED_TIME)


# ---------------------------------------------------------------- tables

def _require_table(wb, name: str):
    ws, table = find_table(wb, name)
    if table is None:
        raise TemplateError(f"模板中找不到表格“{name}”")
    return ws, table


def _bounds(table) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    return range_boundaries(table.ref)  # min_col, min_row, max_col, max_row


def _data_rows(table) -> int:
    _, min_row, _, max_row = _bounds(table)
    return max_row - min_row - (table.totalsRowCount or 0)


def _column_offsets(ws, table, spec: TableSpec) -> dict[str, int]:
    """Column offset of each attribute, found by header text so columns may be reordered."""
    min_col, min_row, max_col, _ = _bounds(table)
    headers = [c.name for c in table.tableColumns] if table.tableColumns else [
        ws.cell(min_row, col).value for col in range(min_col, max_col + 1)]
    headers = [str(h).strip() if h is not None else "" for h in headers]
    offsets = {}
    for attr, header, _kind in spec.columns:
        if header not in headers:
            raise TemplateError(f"表格“{spec.name}”缺少列“{header}”")
        offsets[attr] = headers.index(header)
    return offsets


def _fill_table(ws, table, spec: TableSpec, rows: tuple[dict, ...]) -> None:
    min_col, min_row, _, _ = _bounds(table)
    offsets = _column_offsets(ws, table, spec)
    kinds = {attr: kind for attr, _h, kind in spec.columns}
    for i in range(_data_rows(table)):
        row = rows[i] if i < len(rows) else {}
        for attr, offset in offsets.items():
            value = row.get(attr)
            if value is not None and kinds[attr] == "code":
                value = str(value)  # account numbers and phones stay text (Excel keeps 15 digits)
            write_value(ws.cell(min_row + 1 + i, min_col + offset), value)


def grow_table(wb, ws, table, extra: int) -> None:
    """Give ``table`` ``extra`` more data rows, styled like its last one.

    Rows are inserted below the table rather than taken over, because the
    next section of the form usually follows right under it; everything
    below moves down the way Excel's own "insert row" moves it.
    """
    min_col, min_row, max_col, max_row = _bounds(table)
    last_data = max_row - (table.totalsRowCount or 0)
    at = last_data + 1
    insert_rows(wb, ws, at, extra, extend_ending_at=last_data)

    from openpyxl.utils.cell import get_column_letter

    new_ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row + extra}"
    table.ref = new_ref
    if table.autoFilter is not None:
        table.autoFilter.ref = (
            f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{last_data + extra}")
    height = ws.row_dimensions[last_data].height if last_data in ws.row_dimensions else None
    for r in range(at, at + extra):
        for col in range(1, ws.max_column + 1):
            src = ws.cell(last_data, col)
            if src.has_style:
                ws.cell(r, col)._style = copy(src._style)
        if height is not None:
            ws.row_dimensions[r].height = height


# ---------------------------------------------------------------- row insertion

_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_ROWS = re.compile(r"^(\$?)(\d+)$")


def insert_rows(wb, ws, at: int, n: int, extend_ending_at: int | None = None) -> None:
    """Insert ``n`` rows before row ``at`` and move every reference that points below.

    openpyxl's ``insert_rows`` moves cells only; merged ranges, row heights,
    tables, defined names, validations, conditional formats, print areas
    and formulas are moved here. Validation and conditional-format ranges
    ending exactly at ``extend_ending_at`` grow over the new rows, so the
    drop-downs of a grown table reach its new rows.
    """
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    title = ws.title
    ws.insert_rows(at, n)

    def shift_range(cr: CellRange, extend: bool) -> CellRange:
        lo, hi = cr.min_row, cr.max_row
        if lo >= at:
            lo, hi = lo + n, hi + n
        elif hi >= at or (extend and extend_ending_at is not None and hi == extend_ending_at):
            hi += n
        return CellRange(min_col=cr.min_col, min_row=lo, max_col=cr.max_col, max_row=hi)

    def shift_multi(mcr, extend: bool) -> MultiCellRange:
        return MultiCellRange([shift_range(cr, extend) for cr in mcr.ranges])

    for mcr in list(ws.merged_cells.ranges):
        if mcr.min_row >= at:
            mcr.shift(0, n)
        elif mcr.max_row >= at:
            mcr.expand(down=n)
    ws.merged_cells.ranges = set(ws.merged_cells.ranges)  # ranges hash by position: rehash

    dims = dict(ws.row_dimensions)
    ws.row_dimensions.clear()
    for r, dim in sorted(dims.items()):
        new_r = r + n if r >= at else r
        dim.index = new_r
        ws.row_dimensions[new_r] = dim

    for t in ws.tables.values():
        cr = shift_range(CellRange(t.ref), extend=False)
        t.ref = cr.coord
        if t.autoFilter is not None and t.autoFilter.ref:
            t.autoFilter.ref = shift_range(CellRange(t.autoFilter.ref), extend=False).coord
    if ws.auto_filter.ref:
        ws.auto_filter.ref = shift_range(CellRange(ws.auto_filter.ref), extend=False).coord

    for dv in ws.data_validations.dataValidation:
        dv.sqref = shift_multi(dv.sqref, extend=True)
        dv.formula1 = _shift_formula(dv.formula1, title, True, at, n)
        dv.formula2 = _shift_formula(dv.formula2, title, True, at, n)

    old_cf = ws.conditional_formatting
    new_cf = ConditionalFormattingList()
    for cf in old_cf:
        sqref = shift_multi(cf.sqref, extend=True)
        for rule in cf.rules:
            rule.formula = [_shift_formula(f, title, True, at, n) for f in rule.formula]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf

    for brk in ws.row_breaks.brk:
        if brk.id is not None and brk.id >= at:
            brk.id += n

    for img in getattr(ws, "_images", []) + getattr(ws, "_charts", []):
        anchor = img.anchor
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is not None and marker.row >= at - 1:  # markers are 0-based
                marker.row += n

    for dn in list(wb.defined_names.values()):
        dn.attr_text = _shift_formula(dn.attr_text, title, False, at, n, bare=True)
    for sheet in wb.worksheets:
        for dn in sheet.defined_names.values():
            dn.attr_text = _shift_formula(dn.attr_text, title, sheet is ws, at, n, bare=True)
        if sheet.print_area:
            sheet.print_area = _shift_formula(sheet.print_area, title, False, at, n, bare=True)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = _shift_formula(cell.value, title, sheet is ws, at, n)


def _shift_formula(text, sheet_title: str, home_is_sheet: bool, at: int, n: int,
                   bare: bool = False):
    """Move the row numbers in ``text`` that point at ``sheet_title`` at or below ``at``.

    ``home_is_sheet``: unqualified references belong to that sheet (a cell
    formula or validation on it). ``bare``: ``text`` has no leading "="
    (defined names, print areas).
    """
    if not text or not isinstance(text, str):
        return text
    from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

    source = "=" + text if bare else text
    if not source.startswith("="):
        return text
    try:
        tok = Tokenizer(source)
    except TokenizerError:  # not a formula openpyxl can parse: leave it as it is
        return text
    changed = False
    for token in tok.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        new = _shift_operand(token.value, sheet_title, home_is_sheet, at, n)
        if new != token.value:
            token.value = new
            changed = True
    if not changed:
        return text
    rendered = tok.render()
    return rendered[1:] if bare else rendered


def _shift_operand(value: str, sheet_title: str, home_is_sheet: bool, at: int, n: int) -> str:
    prefix, bang, ref = value.rpartition("!")
    if bang:
        sheet = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
        if sheet != sheet_title:
            return value
    elif not home_is_sheet:
        return value
    parts = ref.split(":")
    if len(parts) > 2:
        return value
    matches = [_CELL.match(p) or _ROWS.match(p) for p in parts]
    if not all(matches):
        return value  # a defined name, a structured reference, a whole column …
    rows = [int(m.groups()[-1]) for m in matches]
    if len(rows) == 2 and rows[0] < at <= rows[1]:
        new_rows = [rows[0], rows[1] + n]
    else:
        new_rows = [r + n if r >= at else r for r in rows]
    out = []
    for m, r in zip(matches, new_rows, strict=True):
        g = m.groups()
        out.append("".join(g[:-1]) + str(r))
    return f"{prefix}{bang}{':'.join(out)}"


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m credit_workbook.samples.build",
        description="按演示公司数据填写《客户信用调查评定表》，每个往来单位一份。")
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"输出目录（默认 {DEFAULT_OUT_DIR}）")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE,
                        help=f"调查评定表模板（默认 {DEFAULT_TEMPLATE}）")
    args = parser.parse_args(argv)
    try:
        paths = build_surveys(args.template, args.out_dir)
    except TemplateError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已生成 {len(paths)} 份调查评定表：{args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
