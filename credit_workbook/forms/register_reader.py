"""Read ``register.xlsx`` (Form 3 with the approval columns filled, plus 超额审批)
into a ``RawRegister`` and validate it (openpyxl adapter).

The register passes through approvers' hands: they insert columns, move a row
to the other block, retype a header on two lines, add a title row, save it
from WPS or LibreOffice. So nothing is found by coordinates: the header row is
the row holding the contract header texts (``REGISTER_HEADERS``), columns are
matched by their text, data rows are the rows below it with a 客户编码, up
to the 合计 row. The file is small; openpyxl (not calamine) is used because it
reports Excel tables, which locate 超额审批 as ``tbl_overlimit``.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.escape import unescape

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.parse import EXCEL_ERRORS, as_stored
from credit_workbook.core.register_checks import (
    LABELS,
    OVERLIMIT_LABELS,
    RawRegister,
    RawRegisterRow,
    RawValue,
    Register,
    check_register,
)
from credit_workbook.errors import InputRejected
from credit_workbook.forms.names import find_table
from credit_workbook.forms.register import (
    OVERLIMIT_HEADERS,
    OVERLIMIT_SHEET,
    OVERLIMIT_TABLE,
    REGISTER_COLUMNS,
    SHEET,
)

__all__ = ["NO_HEADER_MESSAGE", "raw_register_from_workbook", "read_raw_register", "read_register"]

ERROR = ProblemLevel.ERROR
WARNING = ProblemLevel.WARNING

NO_HEADER_MESSAGE = "找不到《预付、赊销客户汇总表》的表头（客户编码、核定额度…）"

# The header sits under a few title rows; a header further down than this is
# not a register header but some table further below.
HEADER_SCAN_ROWS = 40

# Without these the approval decisions cannot be read at all.
REQUIRED = ("code", "status", "approved_type", "approved_limit", "approved_term_days", "approved_on")
# Recognising a header row needs only these two.
_HEADER_KEYS = ("code", "approved_limit")
_OVERLIMIT_KEYS = ("code", "amount")

_UNIT_SUFFIX = re.compile(r"\((?:元|天|日|万元|%)\)$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
# Below the table: the 第二十四条 control line, the 第二十九、三十条 note and the
# signature strip, whose boxes fall in the 核定 columns. Any of them ends the
# data even when someone deleted the 合计 row.
_STOP_PREFIXES = ("授信总额控制", "第二十九")
_STOP_SUFFIXES = ("合计", "总计", "（编制）", "（批准）", "(编制)", "(批准)")


def _norm(value: object) -> str:
    """A header as compared: full-width folded, no spaces or line breaks, no unit
    suffix, no required-field star — ``核定期限\\n（天）`` equals ``核定期限(天)``."""
    if not isinstance(value, str):
        return ""
    text = "".join(unicodedata.normalize("NFKC", value).split())
    text = text.strip("*:")
    return _UNIT_SUFFIX.sub("", text)


# normalised header -> column attribute (REGISTER_COLUMNS attributes that the checks use)
_REGISTER_KEYS = {_norm(c.header): c.attr for c in REGISTER_COLUMNS if c.attr in LABELS}
_OVERLIMIT_ATTRS = dict(zip(OVERLIMIT_HEADERS, OVERLIMIT_LABELS))  # header -> attr, same order
_OVERLIMIT_KEYS_BY_NORM = {_norm(h): a for h, a in _OVERLIMIT_ATTRS.items()}


def read_register(path: Path | str) -> Register:
    """The register in force; an absent file is an empty register, not an error
    (a new company has approved nothing yet) — the caller says so."""
    path = Path(path)
    if not path.is_file():
        return Register.empty()
    return check_register(read_raw_register(path))


def read_raw_register(path: Path | str) -> RawRegister:
    path = Path(path)
    try:
        wb = _load(path)
    except InputRejected as exc:
        message = str(exc).removeprefix(f"{path.name}: ")
        return RawRegister(path.name, problems=(Problem(ERROR, "register", path.name, message),))
    try:
        return raw_register_from_workbook(wb, path.name)
    finally:
        wb.close()


def _load(path: Path):
    import openpyxl

    from credit_workbook import guard

    checked = guard.check_workbook(path, accept=guard.EXCEL_KINDS)  # bombs, DTDs, huge sheets, encryption
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # "Data Validation extension is not supported" etc. go unshown
            wb = openpyxl.load_workbook(checked.source, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors all mean "cannot read"
        raise InputRejected(f"{path.name}: 无法读取该工作簿（{type(exc).__name__}: {exc}）") from exc
    _restore_out_of_range_dates(wb, caught)
    return wb


_OUT_OF_RANGE_DATE = re.compile(r"Cell ([A-Z]{1,3}[0-9]+) is marked as a date but the serial value (\S+) is outside")


def _restore_out_of_range_dates(wb, caught) -> None:
    """Put back the number of a date-formatted cell beyond Excel's dates, which openpyxl turns into ``#VALUE!``.

    ``_at`` reads error values as blank, as calamine and Excel read a formula's error; this number is no
    error but something typed, which calamine (the button) reads as the number and names as a bad date.
    Without it ``run`` would take a row holding only such a date for an empty one (fuzz find)."""
    from openpyxl.styles.numbers import is_date_format

    found = [m.groups() for w in caught if (m := _OUT_OF_RANGE_DATE.search(str(w.message)))]
    for coord, serial in found:
        try:
            number = float(serial)
        except ValueError:
            continue
        for ws in wb.worksheets:
            cell = ws[coord]
            if cell.value == "#VALUE!" and is_date_format(cell.number_format):
                cell.value = number


def raw_register_from_workbook(wb, file_name: str) -> RawRegister:
    problems: list[Problem] = []
    found = _find_register_sheet(wb)
    if found is None:
        return RawRegister(file_name, problems=(Problem(ERROR, "register", file_name, NO_HEADER_MESSAGE),))
    ws, header_row, columns = found

    def place(col: int, row: int) -> str:
        return f"{file_name}!{ws.title}!{get_column_letter(col)}{row}"

    if ws.title != SHEET:
        problems.append(Problem(WARNING, "register", f"{file_name}!{ws.title}",
                                f"没有名为“{SHEET}”的工作表，按工作表“{ws.title}”读取"))
    attrs, dup_problems = _column_map(columns, lambda col: place(col, header_row), _REGISTER_KEYS)
    problems += dup_problems
    header_place = place(attrs.get("code", 1), header_row)
    missing = [LABELS[a] for a in REQUIRED if a not in attrs]
    if missing:
        problems.append(Problem(ERROR, "register", header_place,
                                f"《预付、赊销客户汇总表》的表头缺少{_quoted(missing)}列，无法读取审批结果，"
                                "请使用标准表样"))
        return RawRegister(file_name, problems=tuple(problems))
    optional_missing = [LABELS[a] for a in LABELS if a not in attrs and a not in REQUIRED]
    if optional_missing:
        problems.append(Problem(WARNING, "register", header_place,
                                f"表头中没有{_quoted(optional_missing)}列，按未填写处理"))
    rows = _register_rows(ws, header_row, attrs, place)
    overlimit, ol_problems = _overlimit(wb, file_name, ws)
    return RawRegister(file_name, rows, overlimit, tuple(problems + ol_problems))


def _quoted(labels: list[str]) -> str:
    return "".join(f"“{label}”" for label in labels)


def _header_cells(ws, max_rows: int = HEADER_SCAN_ROWS):
    """(row number, {column: normalised text}) for each of the top rows."""
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=min(ws.max_row, max_rows), values_only=True),
                               start=1):
        yield r, {c: _norm(v) for c, v in enumerate(values, start=1) if _norm(v)}


def _find_header(ws, keys: dict[str, str], needed: tuple[str, ...]):
    for r, texts in _header_cells(ws):
        found = {keys[t] for t in texts.values() if t in keys}
        if all(a in found for a in needed):
            return r, texts
    return None


def _find_register_sheet(wb):
    """The sheet named 预付赊销客户汇总表 if it has the header, else the first that does."""
    order = sorted(wb.worksheets, key=lambda ws: ws.title != SHEET)
    for ws in order:
        if _norm(ws.title) == _norm(OVERLIMIT_SHEET):
            continue
        hit = _find_header(ws, _REGISTER_KEYS, _HEADER_KEYS)
        if hit is not None:
            return ws, hit[0], hit[1]
    return None


def _column_map(columns: dict[int, str], place, keys: dict[str, str]):
    """attribute -> column; a header typed twice is read from its first column (warned)."""
    attrs: dict[str, int] = {}
    problems = []
    for col, text in sorted(columns.items()):
        attr = keys.get(text)
        if attr is None:
            continue  # a column the approvers added: ignored
        if attr in attrs:
            problems.append(Problem(WARNING, attr, place(col),
                                    f"表头“{text}”出现两次（{get_column_letter(attrs[attr])}列与"
                                    f"{get_column_letter(col)}列），按{get_column_letter(attrs[attr])}列读取"))
            continue
        attrs[attr] = col
    return attrs, problems


def _block_of(text: str) -> str | None:
    if "预付" in text or "供应商" in text:
        return "供应商"
    if "赊销" in text or "客户" in text:
        return "客户"
    return None


def _at(values: tuple, col: int):
    """The value in 1-based column ``col`` of a row from iter_rows (rows end at their last cell).

    A formula's error value (``#DIV/0!``) reads as a blank cell, as calamine and xlwings give it:
    ``run`` (openpyxl) and the ribbon (calamine, Excel) must read one register alike. For the same
    reason text has OOXML's ``_xHHHH_`` escapes (a stored control character) decoded and a whole number is
    the double the cell holds, as calamine reads them."""
    value = values[col - 1] if col - 1 < len(values) else None
    if not isinstance(value, str):
        return as_stored(value)
    return None if value in EXCEL_ERRORS else unescape(value)


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _register_rows(ws, header_row: int, attrs: dict[str, int], place) -> tuple[RawRegisterRow, ...]:
    rows = []
    block = None
    code_col = attrs["code"]
    decision_cols = [attrs[a] for a in ("status", "approved_type", "approved_limit",
                                        "approved_term_days", "approved_on")]
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row, values_only=True),
                               start=header_row + 1):
        if not _filled(_at(values, code_col)):
            # Headings, 小计/合计 and the control line leave 客户编码 blank.
            first = next((_norm(v) for v in values if _norm(v)), "")
            if first.endswith(_STOP_SUFFIXES) or first.startswith(_STOP_PREFIXES):
                break
            if first.endswith("小计"):
                continue
            if _HEADING.match(first):
                block = _block_of(first)
                continue
            if not any(_filled(_at(values, c)) for c in decision_cols):
                continue  # a spare row, or a remark typed beside the table
        cells = {a: RawValue(_at(values, c), place(c, r)) for a, c in attrs.items()}
        rows.append(RawRegisterRow(cells, place(code_col, r), block))
    return tuple(rows)


# ---------------------------------------------------------------- 超额审批

def _overlimit(wb, file_name: str, register_ws):
    """Rows of 超额审批: header from table ``tbl_overlimit`` if present, else the
    sheet's header row. Every row below the header is read, also past the
    table's end, so a line typed under a full table is not silently lost."""
    ws, table = find_table(wb, OVERLIMIT_TABLE)
    hit = None
    if table is not None:
        _min_col, min_row, _max_col, _max_row = range_boundaries(table.ref)
        # a header row below the last filled row is no row at all in a calamine grid: read it as blank
        row = next(ws.iter_rows(min_row=min_row, max_row=min_row, values_only=True), ())
        texts = {c: _norm(v) for c, v in enumerate(row, start=1) if _norm(v)}
        hit = (min_row, texts)
    else:
        sheets = sorted((s for s in wb.worksheets if s is not register_ws),
                        key=lambda s: _norm(s.title) != _norm(OVERLIMIT_SHEET))
        for ws in sheets:
            hit = _find_header(ws, _OVERLIMIT_KEYS_BY_NORM, _OVERLIMIT_KEYS)
            if hit is not None:
                break
    if hit is None:
        return (), [Problem(WARNING, "overlimit", file_name,
                            f"找不到“{OVERLIMIT_SHEET}”工作表的表头（{'、'.join(OVERLIMIT_HEADERS)}），"
                            "视为没有超额审批记录（第三十二条）")]
    header_row, texts = hit

    def place(col: int, row: int) -> str:
        return f"{file_name}!{ws.title}!{get_column_letter(col)}{row}"

    attrs, problems = _column_map(texts, lambda col: place(col, header_row), _OVERLIMIT_KEYS_BY_NORM)
    missing = [OVERLIMIT_LABELS[a] for a in OVERLIMIT_LABELS if a not in attrs]
    if missing:
        problems.append(Problem(ERROR, "overlimit", place(attrs.get("code", 1), header_row),
                                f"“{ws.title}”表头缺少{_quoted(missing)}列，超额审批记录未读取"))
        return (), problems
    rows = []
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row, values_only=True),
                               start=header_row + 1):
        cells = {a: RawValue(_at(values, c), place(c, r)) for a, c in attrs.items()}
        if any(_filled(rv.value) for rv in cells.values()):
            rows.append(cells)
    return tuple(rows), problems
