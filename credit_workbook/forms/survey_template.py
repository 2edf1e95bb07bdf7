"""Form 1 《客户信用调查评定表》 template, laid out from the field registry.

The registry (``fields.FIELDS`` / ``fields.TABLES``) is the contract; this
module only decides where each field sits. Every field becomes a
workbook-scoped defined name on its value cell, so readers and writers never
depend on these coordinates and staff may insert rows or restyle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from credit_workbook.forms import fields
from credit_workbook.forms.fields import FieldSpec, TableSpec
from credit_workbook.forms.rows import FIXED_CREATED
from credit_workbook.forms.xlsx_style import (
    Styles,
    add_input_hint,
    add_list_validation,
    lines_needed,
    merge_text,
    new_workbook,
    protect,
    row_height,
    setup_print,
    write_header_block,
)

TITLE = "客户信用调查评定表"
NCOLS = 4  # label | value | label | value
WIDTHS = (24, 27, 24, 27)
ROW_H = 21
SIGN_ROW_H = 30

WIDE_TEXT = frozenset({"customer_name", "address", "main_products"})  # value spans B:D
BLOCKS = {"result_reasons": 5}  # tall wrapped box: rows it spans
TABLE_CHOICES = {("tbl_banks", "account_kind"): fields.ACCOUNT_KINDS}  # the registry lists no table choices
PAGE_BREAK_BEFORE = fields.S_RECORD  # two A4 pages: facts | record, request, sign-off, result

FOOTNOTE = (
    "注：1. 本表由营销部业务主管填写，上报部门经理审核，公司财务部门备案；填表人对本表内容的真实性负全部责任（第十条）。\n"
    "2. 客户资信资料和本表每季度全面更新一次，期间如有变化应及时补充修改（第十二条）。\n"
    "3. 黄色栏目由填表人填写（标＊者必填，选择项请用下拉列表）；蓝色栏目由系统评定后填写，请勿手工修改。"
)

_STYLE_KIND = {"text": "text", "code": "code", "date": "date", "integer": "int",
               "enum": "text", "yesno": "text", "percent": "percent"}


def style_kind(kind: str, unit: str = "") -> str:
    """Registry kind -> display kind (万元 and 元 numbers look different)."""
    if kind == "number":
        return "wan" if unit == "万元" else "money"
    return _STYLE_KIND[kind]


def label_text(spec: FieldSpec) -> str:
    text = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
    return text + "＊" if spec.required else text


@dataclass
class _Row:
    """One printed row of a section: a pair, a wide text, a question or a block."""

    shape: str  # pair | wide | question | block
    specs: list[FieldSpec]


def plan_section(specs: list[FieldSpec]) -> list[_Row]:
    """Two short fields per row, long text across the row, yes/no questions one
    per row after the data, tall boxes last.

    A pair keeps the position of its first field, so a wide field in between
    does not push 客户编码 below 客户名称.
    """
    rows: list[_Row] = []
    questions: list[_Row] = []
    blocks: list[_Row] = []
    open_pair: _Row | None = None
    for spec in specs:
        if spec.name in BLOCKS:
            blocks.append(_Row("block", [spec]))
        elif spec.kind == "yesno":
            questions.append(_Row("question", [spec]))
        elif spec.name in WIDE_TEXT:
            rows.append(_Row("wide", [spec]))
        elif open_pair is None:
            open_pair = _Row("pair", [spec])
            rows.append(open_pair)
        else:
            open_pair.specs.append(spec)
            open_pair = None
    return rows + questions + blocks


class _SurveySheet:
    """Writes the sheet top to bottom, remembering each field's cell."""

    def __init__(self, ws, st: Styles) -> None:
        self.ws, self.st = ws, st
        self.row = 0
        self.cells: dict[str, tuple[int, int]] = {}

    # -- one field value cell ----------------------------------------------
    def _value(self, spec: FieldSpec, row: int, col: int, last_row: int | None = None,
               last_col: int | None = None) -> None:
        role = "output" if spec.output else "input"
        kind = style_kind(spec.kind, spec.unit)
        align = "center" if spec.kind in ("enum", "yesno") or spec.name == "result_grade" else None
        if spec.name in BLOCKS:
            fmt = self.st.cell(kind, role, wrap=True, valign="top")
        else:
            fmt = self.st.cell(kind, role, align=align)
        last_row = row if last_row is None else last_row
        last_col = col if last_col is None else last_col
        if (last_row, last_col) != (row, col):
            self.ws.merge_range(row, col, last_row, last_col, "", fmt)
        else:
            self.ws.write_blank(row, col, None, fmt)
        self.cells[spec.name] = (row, col)
        self._validation(spec, row, col)

    def _validation(self, spec: FieldSpec, row: int, col: int) -> None:
        title = spec.label if len(spec.label) <= 32 else "填写说明"
        if spec.kind in ("enum", "yesno"):
            add_list_validation(self.ws, row, col, row, col, spec.choices, title=title, message=spec.hint)
        elif spec.hint and not spec.output:
            add_input_hint(self.ws, row, col, title, spec.hint)

    def _label(self, spec: FieldSpec, row: int, col: int, last_col: int | None = None,
               last_row: int | None = None) -> None:
        merge_text(self.ws, row, col, row if last_row is None else last_row,
                   col if last_col is None else last_col, label_text(spec), self.st.label())

    # -- rows ------------------------------------------------------------------
    def heading(self, text: str) -> None:
        self.ws.set_row(self.row, 22)
        merge_text(self.ws, self.row, 0, self.row, NCOLS - 1, text, self.st.section())
        self.row += 1

    def put(self, planned: _Row, height: float) -> None:
        ws, r = self.ws, self.row
        specs = planned.specs
        if planned.shape == "pair":
            for i, col in enumerate((0, 2)):
                if i < len(specs):
                    self._label(specs[i], r, col)
                    self._value(specs[i], r, col + 1)
                else:  # an odd field out: keep the grid closed
                    ws.write_blank(r, col, None, self.st.label())
                    ws.write_blank(r, col + 1, None, self.st.cell())
            longest = max(lines_needed(label_text(s), WIDTHS[0]) for s in specs)
            ws.set_row(r, max(height, row_height(longest, self.st.size)))
            self.row += 1
        elif planned.shape == "wide":
            self._label(specs[0], r, 0)
            self._value(specs[0], r, 1, last_col=NCOLS - 1)
            ws.set_row(r, max(height, ROW_H + 4))
            self.row += 1
        elif planned.shape == "question":
            self._label(specs[0], r, 0, last_col=NCOLS - 2)
            self._value(specs[0], r, NCOLS - 1)
            ws.set_row(r, height)
            self.row += 1
        else:  # block
            span = BLOCKS[specs[0].name]
            last = r + span - 1
            self._label(specs[0], r, 0, last_row=last)
            self._value(specs[0], r, 1, last_row=last, last_col=NCOLS - 1)
            for i in range(r, last + 1):
                ws.set_row(i, ROW_H)
            self.row = last + 1

    def table(self, spec: TableSpec) -> None:
        ws, st = self.ws, self.st
        first, last = self.row, self.row + spec.rows
        columns = []
        for _attr, header, kind in spec.columns:
            fmt = st.cell(style_kind(kind), "input", align="center" if kind == "enum" else None)
            columns.append({"header": header, "header_format": st.header(), "format": fmt})
        ws.add_table(first, 0, last, len(spec.columns) - 1, {
            "name": spec.name, "style": "Table Style Light 1", "autofilter": False,
            "columns": columns,
        })
        ws.set_row(first, ROW_H)
        for r in range(first + 1, last + 1):
            ws.set_row(r, ROW_H)
            for c, col in enumerate(columns):
                ws.write_blank(r, c, None, col["format"])
        for c, (attr, header, kind) in enumerate(spec.columns):
            if kind == "enum":  # a KeyError here: a new enum column needs its choices below
                add_list_validation(ws, first + 1, c, last, c, TABLE_CHOICES[spec.name, attr], title=header)
        self.row = last + 1

    def footnote(self) -> None:
        merge_text(self.ws, self.row, 0, self.row, NCOLS - 1, FOOTNOTE, self.st.note())
        width = sum(WIDTHS)
        self.ws.set_row(self.row, row_height(lines_needed(FOOTNOTE, width), self.st.size - 1))
        self.row += 1


def build_survey_template(path: Path | str, created: datetime = FIXED_CREATED) -> Path:
    """Write the blank Form 1 workbook; returns its path."""
    path = Path(path)
    wb = new_workbook(path, created, title="《" + TITLE + "》")
    st = Styles(wb, size=11)
    ws = wb.add_worksheet(fields.SURVEY_SHEET)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)

    sheet = _SurveySheet(ws, st)
    sheet.row = write_header_block(
        ws, st, title=TITLE, widths=WIDTHS, left="填报部门：营销部",
        center="", right_formula=('="编号："&customer_code', "编号："),
        unit="金额单位：元（注明万元者除外）",
    )
    by_section = {s: [f for f in fields.FIELDS if f.section == s] for s in fields.SECTIONS}
    tables = {s: [t for t in fields.TABLES if t.section == s] for s in fields.SECTIONS}
    breaks = []
    for section in fields.SECTIONS:
        if section == PAGE_BREAK_BEFORE:
            breaks.append(sheet.row)
        sheet.heading(section)
        height = SIGN_ROW_H if section == fields.S_SIGN else ROW_H
        for planned in plan_section(by_section[section]):
            sheet.put(planned, height)
        for table in tables[section]:
            sheet.table(table)
    sheet.footnote()

    sheet_ref = f"'{fields.SURVEY_SHEET}'"
    for name, (r, c) in sheet.cells.items():
        wb.define_name(name, f"={sheet_ref}!{xl_rowcol_to_cell(r, c, row_abs=True, col_abs=True)}")

    setup_print(ws, ncols=NCOLS, last_row=sheet.row - 1, landscape=False, repeat=(0, 1))
    ws.set_h_pagebreaks(breaks)
    protect(ws)
    ws.activate()
    wb.close()
    return path
