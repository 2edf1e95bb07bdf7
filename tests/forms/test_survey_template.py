"""Form 1 template: the field registry is the contract, the workbook must honour it.

Checked with openpyxl (what the tool itself reads with) and against the
things that make Excel offer to "repair" a file (GUIDE.md).
"""

from __future__ import annotations

import re
import warnings

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

from credit_workbook.forms import fields
from credit_workbook.forms.names import defined_cells
from credit_workbook.forms.survey_template import build_survey_template, label_text

REF = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<col>[A-Z]{1,3})\$(?P<row>\d+)$")
CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[RrCc])$")
DROP_WORDS = ("will be removed", "will be lost", "dropped")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = build_survey_template(tmp_path_factory.mktemp("survey") / "form1.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(path)
    dropped = [str(w.message) for w in caught if any(k in str(w.message) for k in DROP_WORDS)]
    assert not dropped, dropped
    return wb


@pytest.fixture(scope="module")
def ws(book):
    return book[fields.SURVEY_SHEET]


def _cell_of(book, name):
    match = REF.match(book.defined_names[name].attr_text)
    assert match, (name, book.defined_names[name].attr_text)
    return f"{match['col']}{match['row']}"


def _merged_containing(ws, coord):
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return rng
    return None


def _validations_at(ws, coord):
    return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]


def _table_data_cells(ws, table):
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    return {(r, c) for r in range(min_row + 1, max_row + 1) for c in range(min_col, max_col + 1)}


# -- defined names ---------------------------------------------------------------
def test_every_field_is_a_workbook_scoped_name_on_one_absolute_cell(book, ws):
    for spec in fields.FIELDS:
        assert spec.name in book.defined_names, spec.name
        match = REF.match(book.defined_names[spec.name].attr_text)
        assert match and match["sheet"] == fields.SURVEY_SHEET, spec.name
    assert not ws.defined_names  # nothing sheet-scoped that could shadow a field
    cells = [_cell_of(book, s.name) for s in fields.FIELDS]
    assert len(set(cells)) == len(cells), "two fields share a cell"


def test_the_reader_resolves_every_field(book):
    resolved = defined_cells(book)
    assert {s.name for s in fields.FIELDS} <= set(resolved)


def test_no_other_defined_names(book):
    assert set(book.defined_names) == {s.name for s in fields.FIELDS}


# -- protection --------------------------------------------------------------------
def test_sheet_protected_without_password_with_formatting_allowed(ws):
    prot = ws.protection
    assert prot.sheet is True
    assert not prot.password
    assert prot.formatColumns is False and prot.formatRows is False  # False = allowed
    assert prot.selectLockedCells is False and prot.selectUnlockedCells is False


def test_only_input_and_output_cells_are_unlocked(book, ws):
    allowed = set()
    for spec in fields.FIELDS:
        coord = _cell_of(book, spec.name)
        assert ws[coord].protection.locked is False, f"{spec.name} at {coord} is locked"
        rng = _merged_containing(ws, coord)
        if rng is None:
            col, row = coordinate_from_string(coord)
            allowed.add((row, column_index_from_string(col)))
        else:
            allowed |= {(r, c) for r, c in rng.cells}
    for table in ws.tables.values():
        allowed |= _table_data_cells(ws, table)
    unlocked = {(c.row, c.column) for row in ws.iter_rows() for c in row
                if c.has_style and c.protection.locked is False}
    assert unlocked <= allowed, sorted(unlocked - allowed)


def test_output_cells_are_marked_as_written_by_the_tool(book, ws):
    fills = {ws[_cell_of(book, s.name)].fill.fgColor.rgb for s in fields.OUTPUT_FIELDS}
    inputs = {ws[_cell_of(book, s.name)].fill.fgColor.rgb for s in fields.INPUT_FIELDS}
    assert len(fills) == 1 and len(inputs) == 1 and fills != inputs


# -- tables --------------------------------------------------------------------------
@pytest.mark.parametrize("spec", fields.TABLES, ids=lambda t: t.name)
def test_tables_have_the_registry_headers_and_blank_unlocked_rows(ws, spec):
    table = ws.tables[spec.name]
    assert [c.name for c in table.tableColumns] == [h for _a, h, _k in spec.columns]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    assert max_row - min_row == spec.rows
    assert [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)] == [h for _a, h, _k in spec.columns]
    assert table.autoFilter is None
    assert "Light" in table.tableStyleInfo.name
    for r, c in _table_data_cells(ws, table):
        cell = ws.cell(r, c)
        assert cell.value is None and cell.protection.locked is False, cell.coordinate
    for i, (_attr, _header, kind) in enumerate(spec.columns):
        if kind == "code":
            assert ws.cell(min_row + 1, min_col + i).number_format == "@"


def test_account_kind_column_has_a_drop_down(ws):
    table = ws.tables["tbl_banks"]
    min_col, min_row, _max_col, max_row = range_boundaries(table.ref)
    col = min_col + [c.name for c in table.tableColumns].index("账户性质")
    for r in range(min_row + 1, max_row + 1):
        coord = ws.cell(r, col).coordinate
        dvs = [dv for dv in _validations_at(ws, coord) if dv.type == "list"]
        assert dvs and dvs[0].formula1 == '"' + ",".join(fields.ACCOUNT_KINDS) + '"', coord


# -- validation, formats --------------------------------------------------------------
def test_drop_downs_on_every_choice_field(book, ws):
    for spec in fields.FIELDS:
        if spec.kind not in ("enum", "yesno"):
            continue
        dvs = [dv for dv in _validations_at(ws, _cell_of(book, spec.name)) if dv.type == "list"]
        assert len(dvs) == 1, spec.name
        assert dvs[0].formula1 == '"' + ",".join(spec.choices) + '"'
        assert dvs[0].showDropDown in (None, False)  # False shows the arrow (inverted in OOXML)


def test_no_date_validation_but_hints(book, ws):
    assert not [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    for spec in fields.INPUT_FIELDS:
        if spec.hint:
            prompts = [dv.prompt for dv in _validations_at(ws, _cell_of(book, spec.name))]
            assert spec.hint in prompts, spec.name


def test_validation_texts_within_excel_limits(ws):
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and dv.formula1.startswith('"'):
            assert len(dv.formula1) - 2 <= 255
        assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32
        assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 255


EXPECTED_FORMAT = {"code": "@", "date": "yyyy-mm-dd", "integer": "0"}


def test_number_formats(book, ws):
    for spec in fields.FIELDS:
        fmt = ws[_cell_of(book, spec.name)].number_format
        if spec.kind == "number":
            assert fmt == ("0.00" if spec.unit == "万元" else "#,##0.00"), spec.name
        elif spec.kind in EXPECTED_FORMAT:
            assert fmt == EXPECTED_FORMAT[spec.kind], spec.name


def test_date_columns_are_wide_enough_not_to_show_hashes(book, ws):
    for spec in fields.FIELDS:
        if spec.kind == "date":
            col = re.match(r"[A-Z]+", _cell_of(book, spec.name))[0]
            assert ws.column_dimensions[col].width >= 12, spec.name


# -- layout a clerk sees ----------------------------------------------------------------
def test_labels_sit_left_of_their_values_with_units(book, ws):
    for spec in fields.FIELDS:
        coord = _cell_of(book, spec.name)
        col, row = coordinate_from_string(coord)
        texts = [ws.cell(row, c).value for c in range(1, column_index_from_string(col))]
        assert label_text(spec) in texts, spec.name
    assert "注册资本（万元）" in label_text(fields.BY_NAME["registered_capital"])


def test_header_numbers_the_form_by_customer_code(ws):
    formulas = [c.value for row in ws.iter_rows(max_row=4) for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("customer_code" in f and "编号" in f for f in formulas)
    assert ws["A1"].value == "客户信用调查评定表" and ws["A1"].font.b and ws["A1"].font.sz == 18


def test_every_section_has_a_heading_and_the_footnote_cites_articles(ws):
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for section in fields.SECTIONS:
        assert section in texts
    note = next(t for t in texts if t.startswith("注："))
    assert "第十条" in note and "第十二条" in note and "每季度全面更新一次" in note


def test_reasons_box_is_wide_tall_and_wraps(book, ws):
    coord = _cell_of(book, "result_reasons")
    rng = _merged_containing(ws, coord)
    assert rng is not None and rng.max_col - rng.min_col >= 2 and rng.max_row - rng.min_row >= 2
    assert ws[coord].alignment.wrap_text


def test_sign_off_fields_form_the_signature_strip(book, ws):
    rows = {coordinate_from_string(_cell_of(book, n))[1] for n in ("surveyed_by", "reviewed_by", "filed_by")}
    assert max(rows) - min(rows) <= 1  # side by side, one strip
    assert all(ws.row_dimensions[r].height >= 25 for r in rows)


def test_print_setup_a4_portrait_fit_to_width(ws):
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert ws.print_title_rows and ws.print_options.horizontalCentered
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


# -- the "repair" guards -------------------------------------------------------------------
def test_names_excel_accepts(book):
    for ws_ in book.worksheets:
        assert len(ws_.title) <= 31 and not set(ws_.title) & set("[]:*?/\\")
    titles = [w.title.lower() for w in book.worksheets]
    assert len(titles) == len(set(titles))
    for name in book.defined_names:
        assert not CELL_LIKE.match(name) and " " not in name, name
    tables = [t for w in book.worksheets for t in w.tables]
    assert len({t.lower() for t in tables}) == len(tables)
    for t in tables:
        assert not CELL_LIKE.match(t) and " " not in t
