"""The four blank forms: reproducible bytes, and they open in real programs."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from credit_workbook.forms import fields
from credit_workbook.forms.build_templates import DEFAULT_DIR, FIXED, TEMPLATE_FILES, build_all
from oracles import gnumeric_sheets, requires_gnumeric, requires_soffice, soffice_convert_many

SHEETS = {
    "客户信用调查评定表.xlsx": [fields.SURVEY_SHEET],
    "客户信用等级分类汇总表.xlsx": ["等级分类汇总表"],
    "预付赊销客户汇总表.xlsx": ["预付赊销客户汇总表", "超额审批"],
    "客户授信额度执行评价表.xlsx": ["执行评价表", "超限逾期清单", "业务员汇总"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[Path]:
    return build_all(tmp_path_factory.mktemp("templates"))


def test_build_writes_the_four_forms(built):
    assert [p.name for p in built] == list(TEMPLATE_FILES) == list(SHEETS)


def test_two_builds_are_byte_for_byte_identical(built, tmp_path):
    again = build_all(tmp_path)
    for first, second in zip(built, again):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_zip_members_and_properties_carry_fixed_times(built):
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    for path in built:
        with zipfile.ZipFile(path) as zf:
            assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}, path.name
            core = zf.read("docProps/core.xml").decode()
        assert f">{stamp}</dcterms:created>" in core and f">{stamp}</dcterms:modified>" in core


def test_checked_in_templates_are_current(built):
    """templates/ is a build product: regenerate it with
    `python -m credit_workbook.forms.build_templates` when the forms change."""
    for path in built:
        committed = DEFAULT_DIR / path.name
        assert committed.is_file(), f"{committed} missing: run the template build"
        assert committed.read_bytes() == path.read_bytes(), f"{committed.name} is stale: rebuild templates/"


CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[RrCc])$")


def test_templates_avoid_excel_repair_triggers(built):
    """The known causes of Excel's "We found a problem with some content" (GUIDE.md)."""
    for path in built:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = openpyxl.load_workbook(path)
        assert not [w for w in caught if "dropped" in str(w.message) or "will be" in str(w.message)]
        titles = [ws.title for ws in wb.worksheets]
        assert len({t.lower() for t in titles}) == len(titles)
        assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)
        names = list(wb.defined_names) + [n for ws in wb.worksheets for n in ws.defined_names]
        assert not [n for n in names if CELL_LIKE.match(n) or " " in n]
        tables = [(ws, t) for ws in wb.worksheets for t in ws.tables.values()]
        assert len({t.name.lower() for _ws, t in tables}) == len(tables)
        for ws, table in tables:
            assert not CELL_LIKE.match(table.name) and " " not in table.name
            headers = [c.name for c in table.tableColumns]
            assert all(isinstance(h, str) and h for h in headers)
            assert len({h.lower() for h in headers}) == len(headers)
        for ws in wb.worksheets:
            for dv in ws.data_validations.dataValidation:
                if dv.type == "list":
                    assert len(dv.formula1) - 2 <= 255
                assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32
                assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 255
            assert all(len(c.value) <= 32767 for row in ws.iter_rows() for c in row if isinstance(c.value, str))


@pytest.mark.oracle
@requires_soffice
def test_every_template_renders_in_libreoffice(built, tmp_path):
    pdfs = soffice_convert_many(built, "pdf", tmp_path)
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5000, pdf.name


@pytest.mark.oracle
@requires_gnumeric
def test_every_template_opens_in_gnumeric(built):
    for path in built:
        sheets = gnumeric_sheets(path)
        assert list(sheets) == SHEETS[path.name]
        assert all(rows for rows in sheets.values())
