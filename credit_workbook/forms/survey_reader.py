"""Read a 《客户信用调查评定表》 workbook file into a ``RawSurvey`` (openpyxl adapter).

Fields are found by their defined names and the repeating blocks by their
table names, so a restyled form or one with inserted rows still reads.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl.utils.cell import range_boundaries
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape

from credit_workbook.core.parse import as_stored
from credit_workbook.core.survey_checks import RawSurvey, RawValue
from credit_workbook.errors import InputRejected, NotAFormError
from credit_workbook.forms.fields import FIELDS, TABLES
from credit_workbook.forms.names import defined_cells, find_table

# Fewer of our names than this and the workbook is not a Form 1 at all.
_MIN_NAMES_FOR_A_FORM = 5


def load_form(path: Path, *, data_only: bool = True, keep_vba: bool | None = None):
    """Open a form with openpyxl; unreadable files become a clear Chinese error."""
    import openpyxl

    from credit_workbook import guard

    path = Path(path)
    checked = guard.check_workbook(path, accept=guard.EXCEL_KINDS)  # bombs, DTDs, huge sheets, encryption
    if keep_vba is None:
        keep_vba = path.suffix.lower() == ".xlsm"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(checked.source, data_only=data_only, keep_vba=keep_vba)
    except FileNotFoundError:
        raise InputRejected(f"{path.name}: 文件不存在") from None
    except Exception as exc:  # zip, XML and openpyxl errors all mean "cannot read"
        raise InputRejected(f"{path.name}: 无法读取该工作簿（{type(exc).__name__}: {exc}）") from exc


def raw_survey_from_workbook(wb, file_name: str) -> RawSurvey:
    cells = defined_cells(wb)
    ours = [f.name for f in FIELDS if f.name in cells]
    if len(ours) < _MIN_NAMES_FOR_A_FORM:
        raise NotAFormError(
            f"{file_name}: 这不是《客户信用调查评定表》（缺少表内名称，如 customer_code），请使用标准模板")
    fields: dict[str, RawValue] = {}
    missing = []
    for spec in FIELDS:
        ref = cells.get(spec.name)
        if ref is None:
            if not spec.output:
                missing.append(spec.name)
            continue
        value = _value(wb[ref.sheet][ref.coord]) if ref.sheet in wb.sheetnames else None
        fields[spec.name] = RawValue(value, ref.place(file_name))
    tables = {}
    for spec in TABLES:
        ws, table = find_table(wb, spec.name)
        if table is None:
            missing.append(spec.name)
            continue
        tables[spec.name] = _table_rows(ws, table, spec, file_name)
    return RawSurvey(file_name, fields, tables, tuple(missing))


def _table_rows(ws, table, spec, file_name: str):
    """Rows of a table keyed by column attribute; columns found by header text."""
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = {}
    for col in range(min_col, max_col + 1):
        text = ws.cell(min_row, col).value
        headers[str(text).strip() if text is not None else ""] = col
    rows = []
    for r in range(min_row + 1, max_row + 1):
        row = {}
        for attr, header, _kind in spec.columns:
            col = headers.get(header)
            if col is None:
                continue
            row[attr] = RawValue(_value(ws.cell(r, col)), f"{file_name}!{ws.title}!{get_column_letter(col)}{r}")
        rows.append(row)
    return tuple(rows)


def _value(cell):
    """The value as Excel holds it: openpyxl leaves OOXML's ``_xHHHH_`` escapes (how a control character
    is stored) undecoded and reads a whole number past 2**53 as an exact ``int``; calamine decodes the one
    and reads the other as a double, and ``run`` and the ribbon must read one form alike."""
    return unescape(cell.value) if isinstance(cell.value, str) else as_stored(cell.value)


def read_survey_file(path: Path) -> RawSurvey:
    path = Path(path)
    wb = load_form(path)
    try:
        return raw_survey_from_workbook(wb, path.name)
    finally:
        wb.close()
