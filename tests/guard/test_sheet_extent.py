"""Sheets whose cells sit far apart: calamine aborts the process on them, the guard refuses them first.

calamine sizes its grid from the extreme cells it finds (32 bytes a cell),
whatever ``<dimension>`` says; one value in A1 and one in XFD1048576 ask
for 512 GiB. Each variant below is a way to write such a far cell that a
byte search for ``r="XFD`` would miss.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_workbook import guard
from credit_workbook.errors import DamagedWorkbook, SheetTooLarge
from credit_workbook.guard import InputLimits, Kind
from credit_workbook.guard.sheetscan import (
    blocks,
    column_number,
    exact_extent,
    fast_bound,
)

from .hostile import SHEET_HEAD, calamine_in_child, parts, with_sheet, xls_with_cell

FAR = b'<row r="1"><c r="A1"><v>1</v></c></row>'
NS = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

# Each body puts a value in A1 and one very far away, written in a way calamine accepts.
FAR_CELLS = {
    "canonical": FAR + b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
    "cell_row_beyond_its_row": FAR + b'<row r="2"><c r="XFD1048576"><v>2</v></c></row>',
    "spaced_equals": FAR + b'<row r="2"><c r = "XFD1048576"><v>2</v></c></row>',
    "single_quotes": FAR + b"<row r='2'><c r='XFD1048576'><v>2</v></c></row>",
    "lower_case": FAR + b'<row r="2"><c r="xfd1048576"><v>2</v></c></row>',
    "duplicate_r_last_wins": FAR + b'<row r="2"><c r="A2" s="0" r="XFD1048576"><v>2</v></c></row>',
    "newline_before_r": FAR + b'<row r="2"><c\nr="XFD1048576"><v>2</v></c></row>',
    "prefixed_elements": FAR + b'<x:row' + NS + b' r="1048576"><x:c r="XFD1048576"><x:v>2</x:v></x:c></x:row>',
    "row_number_past_2_32": FAR + b'<row r="2"><c r="ZZ99999999999"><v>2</v></c></row>',
    "cells_without_r": FAR + b'<row r="60000">' + b"<c><v>1</v></c>" * 20_000 + b"</row>",
    "rows_without_r": FAR + b"<row><c><v>1</v></c></row>" * 1_100_000,
}


@pytest.mark.parametrize("case", sorted(FAR_CELLS))
def test_far_cells_are_refused_however_they_are_written(base, tmp_path, case):
    path = with_sheet(base, tmp_path / f"{case}.xlsx", FAR_CELLS[case], dimension="A1:B2")  # the dimension lies
    with pytest.raises(SheetTooLarge, match=f"{case}.xlsx: 工作表“台账”的已用范围至少达 .*超过上限"):
        guard.check_workbook(path, limits=InputLimits(max_ratio=1032))  # past the ratio check, to the extent


@pytest.mark.parametrize("case", ["canonical", "spaced_equals", "cells_without_r"])
def test_calamine_alone_really_dies_on_them(base, tmp_path, case):
    """The oracle for the cases above: without the guard the process is gone (Rust abort), no exception."""
    path = with_sheet(base, tmp_path / f"{case}.xlsx", FAR_CELLS[case])
    child = calamine_in_child(path)
    assert child.returncode != 0 and "read" not in child.stdout
    assert "memory allocation" in child.stderr


def test_a_declared_dimension_over_the_limits_is_refused_from_the_first_bytes(base, tmp_path):
    path = with_sheet(base, tmp_path / "dim.xlsx", FAR, dimension="A1:XFD1048576")
    with pytest.raises(SheetTooLarge, match=r"工作表“台账”声明的范围为 A1:XFD1048576（1,048,576 行 × 16,384 列"):
        guard.check_workbook(path)


def test_references_no_reader_can_place_are_damage(base, tmp_path):
    path = with_sheet(base, tmp_path / "bad.xlsx", b'<row r="1"><c r = "$A$1"><v>1</v></c></row>')
    with pytest.raises(DamagedWorkbook, match="工作表“台账”中有无法识别的单元格引用“\\$A\\$1”"):
        guard.check_workbook(path)


def test_limits_are_the_workspaces(base, tmp_path):
    body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="AB%d"><v>2</v></c></row>' % (r, r, r)
                    for r in range(1, 2001))
    path = with_sheet(base, tmp_path / "宽.xlsx", body)
    assert guard.check_workbook(path).kind is Kind.XLSX
    with pytest.raises(SheetTooLarge, match=r"已用范围至少达 [\d,]+ 行 × 28 列"):
        guard.check_workbook(path, limits=InputLimits(max_cells=50_000))
    with pytest.raises(SheetTooLarge):
        guard.check_workbook(path, limits=InputLimits(max_rows=1999))
    with pytest.raises(SheetTooLarge):
        guard.check_workbook(path, limits=InputLimits(max_columns=27))
    assert guard.check_workbook(path, limits=InputLimits(max_rows=2000, max_columns=28, max_cells=56_000))


def test_an_xls_cell_at_column_65535_is_refused(real_xls, tmp_path):
    assert guard.check_workbook(real_xls).kind is Kind.XLS
    bomb = xls_with_cell(real_xls, tmp_path / "bomb.xls", row=65535, col=0xFFFF)
    with pytest.raises(SheetTooLarge, match="bomb.xls: 第1张工作表的已用范围达 65,536 行 × 65,536 列"):
        guard.check_workbook(bomb)
    child = calamine_in_child(bomb)
    assert child.returncode != 0 and "memory allocation" in child.stderr
    far_but_legal = xls_with_cell(real_xls, tmp_path / "ok.xls", row=65535, col=255)  # BIFF8's own corner
    assert guard.check_workbook(far_but_legal).kind is Kind.XLS


# ---------------------------------------------------------------- the scanner against calamine itself

_REF_FORMS = ["canonical", "none", "lower", "single", "spaced", "dup", "newline", "prefixed_attr"]


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell(form: str, row: int, col: int, value: int) -> bytes:
    ref = f"{_letters(col)}{row}"
    attr = {
        "canonical": f' r="{ref}"', "none": "", "lower": f' r="{ref.lower()}"', "single": f" r='{ref}'",
        "spaced": f' r = "{ref}"', "dup": f' r="A1" s="0" r="{ref}"', "newline": f'\nr="{ref}"',
        "prefixed_attr": f' x:r="{ref}"',
    }[form]
    return f"<c{attr}><v>{value}</v></c>".encode()


def _row(form: str, row: int, cells: bytes, prefixed: bool) -> bytes:
    attr = {"canonical": f' r="{row}"', "none": "", "single": f" r='{row}'", "spaced": f' r = "{row}"'}[form]
    if prefixed:
        return f"<x:row{attr}>".encode() + cells.replace(b"<c", b"<x:c").replace(b"</c>", b"</x:c>") + b"</x:row>"
    return f"<row{attr}>".encode() + cells + b"</row>"


sheets = st.lists(
    st.tuples(
        st.sampled_from(["canonical", "none", "single", "spaced"]),
        st.integers(1, 60),
        st.booleans(),
        st.lists(st.tuples(st.sampled_from(_REF_FORMS), st.integers(1, 60), st.integers(1, 40)), max_size=6),
    ),
    min_size=1, max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets)
def test_the_scanner_never_underestimates_calamine(base, spec):
    import python_calamine as pc

    body = b"".join(_row(rform, r, b"".join(_cell(cform, cr, cc, 1) for cform, cr, cc in cells), prefixed)
                    for rform, r, prefixed, cells in spec)
    head = SHEET_HEAD.replace(b"<worksheet ", b"<worksheet" + NS + b" ")
    xml = head + b"<sheetData>" + body + b"</sheetData></worksheet>"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for name, content in parts(base).items():
            zf.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else content)
    try:
        sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data.getvalue())).get_sheet_by_index(0)
        real = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end is not None and sheet.height else (0, 0)
    except Exception:  # noqa: BLE001 - calamine refused the sheet: nothing to bound
        return
    exact = exact_extent(blocks(io.BytesIO(xml)))
    assert (exact.rows, exact.columns) >= (0, 0)
    assert exact.rows >= real[0] and exact.columns >= real[1], (exact, real, body)
    whole = fast_bound(xml, 1_048_576, 26)
    if whole is not None:
        assert whole.rows >= exact.rows and whole.columns >= exact.columns, (whole, exact, body)


def test_the_fast_path_takes_real_ledgers_and_forms(tmp_path):
    """Regular files never need the slow path: every block of the samples is regular."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    samples = sorted((repo / "sample_workbooks").rglob("*.xlsx")) + sorted((repo / "templates").glob("*.xlsx"))
    assert samples
    for path in samples:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    for block in blocks(zf.open(name)):
                        assert fast_bound(block, 1_048_576, 26) is not None, (path, name)


def test_column_names():
    assert [column_number(x) for x in ("A", "Z", "AA", "XFD", "zz")] == [1, 26, 27, 16384, 702]


regular_sheets = st.lists(
    st.tuples(st.integers(1, 60), st.lists(st.tuples(st.integers(1, 60), st.integers(1, 800)), max_size=5)),
    min_size=1, max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(regular_sheets, st.integers(1, 70), st.integers(1, 900))
def test_the_fast_bound_covers_calamine_for_any_box(base, spec, box_rows, box_columns):
    """Canonical files (what Excel writes) take the fast path; its bound holds whatever box the caller picks."""
    import python_calamine as pc

    body = b"".join(_row("canonical", r, b"".join(_cell("canonical", cr, cc, 1) for cr, cc in cells), False)
                    for r, cells in spec)
    xml = SHEET_HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for name, content in parts(base).items():
            zf.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else content)
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data.getvalue())).get_sheet_by_index(0)
    real = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end is not None and sheet.height else (0, 0)
    bound = fast_bound(xml, box_rows, min(box_columns, 18_278))
    assert bound is not None
    assert bound.rows >= real[0] and bound.columns >= real[1], (bound, real, box_rows, box_columns)
    assert bound.rows >= exact_extent([xml]).rows and bound.columns >= exact_extent([xml]).columns


@pytest.mark.parametrize("kind", [0x00BD, 0x00BE, 0x0203])  # MULRK, MULBLANK, NUMBER
def test_an_xls_record_running_past_its_stream_is_damage_not_a_crash(kind):
    """A MULBLANK whose stated length ran past the stream made the guard read beyond it (struct.error:
    a traceback instead of the clerk's message) — a flipped byte in a real .xls (fuzz find)."""
    from credit_workbook.guard.xlscheck import DAMAGED, check_biff

    bof = (0x0809).to_bytes(2, "little") + (4).to_bytes(2, "little") + bytes(4)
    cut = kind.to_bytes(2, "little") + (40).to_bytes(2, "little") + bytes(8)  # 40 bytes promised, 8 left
    with pytest.raises(DamagedWorkbook, match=re.escape(f"坏.xls: {DAMAGED}")):
        check_biff(bof + bof + cut, "坏.xls", InputLimits())
