"""Read a 《客户信用调查评定表》 file without openpyxl: calamine for values, the zip for names.

A month with 2,000 counterparties reads 2,000 forms; openpyxl spends ~100 ms
on each (mostly styling merged cells it never needs here), calamine under
1 ms. Calamine does not expose defined names, so ``xl/workbook.xml`` and the
table parts (a few KB) are parsed directly. The result is the same
``RawSurvey`` the openpyxl reader gives; anything this reader cannot place
makes it return None and the caller falls back to the openpyxl reader.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from credit_workbook.core.survey_checks import RawSurvey, RawValue
from credit_workbook.errors import NotAFormError
from credit_workbook.forms.fields import FIELDS, TABLES

_MIN_NAMES_FOR_A_FORM = 5
_NAME = re.compile(r"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_REF = re.compile(r"^'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")
_TABLE = re.compile(r"<(?:\w+:)?table\b([^>]*)>")
_COLUMN_NAME = re.compile(r"<(?:\w+:)?tableColumn\b[^>]*\bname=\"([^\"]*)\"")


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _defined_cells(workbook_xml: str) -> dict[str, tuple[str, int, int]]:
    """Workbook-scoped single-cell names → (sheet, row0, col0)."""
    out = {}
    for attrs, target in _NAME.findall(workbook_xml):
        a = dict(_ATTR.findall(attrs))
        if "localSheetId" in a or "name" not in a:
            continue
        m = _REF.match(_unescape(target).strip())
        if m:
            sheet = m["sheet"].replace("''", "'")
            out[a["name"]] = (sheet, int(m["row"]) - 1, column_index_from_string(m["col"]) - 1)
    return out


def _tables(zf: zipfile.ZipFile) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Table name → (ref, column headers) from the table parts."""
    out = {}
    for name in zf.namelist():
        if not (name.startswith("xl/tables/") and name.endswith(".xml")):
            continue
        xml = zf.read(name).decode("utf-8")
        head = _TABLE.search(xml)
        if not head:
            continue
        a = dict(_ATTR.findall(head.group(1)))
        columns = tuple(_unescape(c) for c in _COLUMN_NAME.findall(xml))
        out[_unescape(a.get("name", ""))] = (a.get("ref", ""), columns)
    return out


def read_survey_fast(path: Path) -> RawSurvey | None:
    """The form's RawSurvey, or None when this reader cannot be sure (the caller then uses openpyxl)."""
    import python_calamine

    from credit_workbook import guard

    path = Path(path)
    if guard.check_workbook(path, accept=guard.EXCEL_KINDS).encrypted:
        return None  # the openpyxl reader opens the decrypted copy in memory
    try:
        with zipfile.ZipFile(path) as zf:
            cells = _defined_cells(zf.read("xl/workbook.xml").decode("utf-8"))
            tables = _tables(zf)
            if any(b't="e"' in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")):
                return None  # an error value (#N/A…): calamine reads it as a blank, openpyxl as what it is
        book = python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception:  # not a zip, no workbook part, calamine refuses: let the full reader say why
        return None
    except BaseException as exc:  # calamine panics on some damaged files (not an Exception)
        if type(exc).__name__ != "PanicException":
            raise
        return None
    ours = [f.name for f in FIELDS if f.name in cells]
    if len(ours) < _MIN_NAMES_FOR_A_FORM:
        raise NotAFormError(
            f"{path.name}: 这不是《客户信用调查评定表》（缺少表内名称，如 customer_code），请使用标准模板")
    grids: dict[str, list[list]] = {}

    def grid(sheet: str) -> list[list] | None:
        if sheet not in grids:
            if sheet not in book.sheet_names:
                return None
            try:
                ws = book.get_sheet_by_name(sheet)
                if ws.start not in (None, (0, 0)):
                    return None  # offset grids are rare here: leave them to openpyxl
                grids[sheet] = ws.to_python(skip_empty_area=False)
            except BaseException as exc:
                # a missing or broken sheet part, or a panic (a BaseException) on a date cell holding a
                # huge negative number: openpyxl says why, or reads that cell as #VALUE! for the checks
                if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                    raise
                return None
        return grids[sheet]

    def value(sheet: str, row: int, col: int):
        g = grid(sheet)
        if g is None:
            raise LookupError(sheet)
        if row >= len(g) or col >= len(g[row]):
            return None
        v = g[row][col]
        return None if v == "" else v

    fields: dict[str, RawValue] = {}
    missing = []
    try:
        for spec in FIELDS:
            ref = cells.get(spec.name)
            if ref is None:
                if not spec.output:
                    missing.append(spec.name)
                continue
            sheet, row, col = ref
            fields[spec.name] = RawValue(value(sheet, row, col),
                                         f"{path.name}!{sheet}!{get_column_letter(col + 1)}{row + 1}")
        raw_tables = {}
        for spec in TABLES:
            if spec.name not in tables or spec.name not in book.table_names:
                missing.append(spec.name)
                continue
            ref, headers = tables[spec.name]
            sheet = _table_sheet(book, spec.name)
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            by_header = {h.strip(): min_col + i for i, h in enumerate(headers)}
            rows = []
            for r in range(min_row + 1, max_row + 1):
                row = {}
                for attr, header, _kind in spec.columns:
                    c = by_header.get(header)
                    if c is not None:
                        row[attr] = RawValue(value(sheet, r - 1, c - 1),
                                             f"{path.name}!{sheet}!{get_column_letter(c)}{r}")
                rows.append(row)
            raw_tables[spec.name] = tuple(rows)
    except LookupError:
        return None
    return RawSurvey(path.name, fields, raw_tables, tuple(missing))


def _table_sheet(book, name: str) -> str:
    """The sheet of table ``name``; a table part calamine cannot take (it panics on a damaged ``ref``)
    is a LookupError: the openpyxl reader then says what is wrong, at its place."""
    try:
        return book.get_table_by_name(name).sheet
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise LookupError(name) from None
