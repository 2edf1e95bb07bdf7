"""Issue 7: a write-back keeps everything the user had, or says why it wrote a copy instead.

Each kind of content openpyxl's load/save used to drop (or that a careless
zip rewrite would break) is built into a real workbook (``richbooks``),
marked in place, and then compared member by member with the original:
every part the write-back has no business touching must come out with the
same compressed bytes. The marked files are then opened in LibreOffice and
Gnumeric, which must show our notes and the results.
"""

from __future__ import annotations

import gzip
import re
import struct
import warnings
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.errors import UserError
from credit_workbook.forms.survey_writeback import COMMENT_SEP, MARK_TOKEN, ResultCells, mark_file, write_marks
from oracles import SSCONVERT, gnumeric_sheets, requires_gnumeric, requires_soffice, soffice_convert_many
from richbooks import (
    MAIN,
    SHEET,
    add_activex,
    add_custom_xml,
    add_external_link,
    add_pivot_and_slicer,
    add_signature,
    add_x14_validation,
    form,
    rezip,
    threaded_form,
    vba_project,
)

STAMP = datetime(2026, 10, 31)
RESULTS = ResultCells("B", "经营良好\n第十五条", Decimal("120000.50"), 30, date(2026, 10, 31))
KINDS = {
    "macros": lambda p: form(p.with_suffix(".xlsm"), vba=True),
    "image": lambda p: form(p, image=True),
    "chart": lambda p: form(p, chart=True),
    "form_button": lambda p: form(p, button=True),
    "activex": lambda p: add_activex(form(p)),
    "pivot_slicer": lambda p: add_pivot_and_slicer(form(p, extra_sheet=True)),
    "external_link": lambda p: add_external_link(form(p)),
    "custom_xml": lambda p: add_custom_xml(form(p)),
    "x14_validation": lambda p: add_x14_validation(form(p, extra_sheet=True)),
    "rich_user_note": lambda p: form(p, note="王会计:\n客户说代码没错"),
}
# What a write-back may change: the marked sheet, its comments/VML/relationships, styles, types, core.xml.
MAY_CHANGE = re.compile(r"^(xl/worksheets/sheet1\.xml|xl/worksheets/_rels/sheet1\.xml\.rels|xl/styles\.xml|"
                        r"\[Content_Types\]\.xml|docProps/core\.xml|xl/comments\d*\.xml|xl/drawings/vmlDrawing\d+\.vml)$")


def problems(name: str) -> tuple[Problem, ...]:
    return (Problem(ProblemLevel.ERROR, "customer_code", f"{name}!{SHEET}!B1", "客户编码与 KH001_旧.xlsx 重复"),
            Problem(ProblemLevel.WARNING, "uscc", f"{name}!{SHEET}!B2", "统一社会信用代码校验位不符"))


def members(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each member's CRC, compression method and raw (still compressed) bytes."""
    out = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            n, m = struct.unpack_from("<2H", data, info.header_offset + 26)
            start = info.header_offset + 30 + n + m
            out[info.filename] = (info.CRC, info.compress_type, data[start:start + info.compress_size])
    return out


def _comment(cell) -> str | None:
    return cell.comment.text if cell.comment is not None else None


def _load(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported and will be removed"
        return openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_in_place_write_back_keeps_every_other_part_byte_for_byte(tmp_path, kind):
    src = KINDS[kind](tmp_path / f"{kind}.xlsx")
    before = members(src)
    done = mark_file(src, src, problems(src.name), RESULTS, backup_dir=tmp_path / "bk", stamp=STAMP)
    assert done.written == src and done.note is None and done.backup.read_bytes() != src.read_bytes()
    after = members(src)
    changed = {n for n in before if after.get(n) != before[n]} | (set(after) - set(before))
    assert changed and all(MAY_CHANGE.match(n) for n in changed), sorted(changed)
    assert set(before) <= set(after)  # nothing the user had is gone

    wb = _load(src)
    ws = wb[SHEET]
    assert ws["B4"].value == "B" and ws["B6"].value == "经营良好\n第十五条" and ws["D9"].value == 120000.5
    assert ws["B9"].value == 30 and ws["B5"].value == datetime(2026, 10, 31)
    assert _comment(ws["B1"]) == "【错误】客户编码与 KH001_旧.xlsx 重复"
    assert _comment(ws["B2"]).endswith("【警告】统一社会信用代码校验位不符")
    ours = [(str(cf.sqref), rule.formula) for cf in ws.conditional_formatting for rule in cf.rules
            if MARK_TOKEN in rule.formula[0]]
    assert ours == [("B1", [f'"{MARK_TOKEN}:ERROR"<>""']), ("B2", [f'"{MARK_TOKEN}:WARNING"<>""'])]

    again = mark_file(src, src, problems(src.name), RESULTS, backup_dir=tmp_path / "bk", stamp=STAMP)
    assert again == type(again)(None, None, None)  # same marks: nothing written, no second backup

    mark_file(src, src, (), None, backup_dir=tmp_path / "bk", stamp=STAMP)  # the clerk fixed everything
    cleared = members(src)
    assert {n: v for n, v in cleared.items() if not MAY_CHANGE.match(n)} == \
           {n: v for n, v in before.items() if not MAY_CHANGE.match(n)}
    ws = _load(src)[SHEET]
    assert _comment(ws["B1"]) is None
    assert not any(MARK_TOKEN in rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules)
    assert ws["B4"].value == "B"  # clearing marks leaves the results


def test_macros_keep_the_suffix_and_the_vba_project(tmp_path):
    src = form(tmp_path / "宏.xlsm", vba=True)
    mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP)
    with zipfile.ZipFile(src) as zf:
        assert zf.read("xl/vbaProject.bin") == vba_project()
        assert b"sheet.macroEnabled.main+xml" in zf.read("[Content_Types].xml")
    with pytest.raises(UserError, match="扩展名"):
        mark_file(src, tmp_path / "out" / "宏.xlsx", problems(src.name), RESULTS, stamp=STAMP)


def test_our_notes_share_the_vml_with_form_controls_without_touching_them(tmp_path):
    for build, control in ((lambda p: form(p, button=True), rb'ObjectType="Button"'),
                           (lambda p: add_activex(form(p)), rb'ObjectType="Pict"')):
        src = build(tmp_path / "控件.xlsx")
        with zipfile.ZipFile(src) as zf:
            [vml_name] = [n for n in zf.namelist() if n.endswith(".vml")]
            shape = next(s for s in re.findall(rb"<v:shape\b.*?</v:shape>", zf.read(vml_name), re.S) if control in s)
        mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP)
        with zipfile.ZipFile(src) as zf:
            assert [n for n in zf.namelist() if n.endswith(".vml")] == [vml_name]
            vml = zf.read(vml_name)
        assert shape in vml  # the control's shape, byte for byte
        ids = re.findall(rb'(?:\bid|o:spid)="(_x0000_s\d+)"', vml)
        assert len(ids) == len(set(ids)) == 3  # the control's and our two notes', all different
        assert vml.count(b'ObjectType="Note"') == 2
        src.unlink()


def test_users_rich_note_is_the_same_bytes_after_our_part_is_cleared(tmp_path):
    src = form(tmp_path / "批注.xlsx", note="王会计:\n客户说代码没错")
    with zipfile.ZipFile(src) as zf:
        original = zf.read("xl/comments1.xml")
    mark_file(src, src, problems(src.name), None, stamp=STAMP)
    with zipfile.ZipFile(src) as zf:
        marked = zf.read("xl/comments1.xml")
    user_run = re.search(rb"<r>.*?</r>", original, re.S).group(0)
    assert user_run in marked and COMMENT_SEP.encode() in marked
    mark_file(src, src, (), None, stamp=STAMP)
    with zipfile.ZipFile(src) as zf:
        assert zf.read("xl/comments1.xml") == original


def test_date_result_in_a_cell_without_date_format_gets_one(tmp_path):
    src = form(tmp_path / "无日期格式.xlsx", date_format=False)
    mark_file(src, src, (), RESULTS, stamp=STAMP)
    ws = _load(src)[SHEET]
    assert ws["B5"].value == datetime(2026, 10, 31) and ws["B5"].number_format == "yyyy-mm-dd"
    first = src.read_bytes()
    mark_file(src, src, (), RESULTS, stamp=STAMP)
    assert src.read_bytes() == first  # the format is added once


def test_threaded_comment_on_a_marked_cell_sends_the_marks_to_a_copy(tmp_path):
    src = threaded_form(tmp_path / "对话.xlsx")
    original = src.read_bytes()
    with pytest.raises(UserError, match="新式批注"):
        write_marks(src, src, problems(src.name), RESULTS, backup_dir=tmp_path / "bk", stamp=STAMP)
    assert src.read_bytes() == original and not (tmp_path / "bk").exists()

    done = mark_file(src, src, problems(src.name), RESULTS, backup_dir=tmp_path / "bk", stamp=STAMP,
                     copy_to=tmp_path / "out")
    assert src.read_bytes() == original and done.backup is None
    assert done.written == tmp_path / "out" / src.name
    assert "B2" in done.note and "新式批注" in done.note and "原表未改动" in done.note
    with zipfile.ZipFile(done.written) as copy, zipfile.ZipFile(src) as orig:
        for name in ("xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml"):
            assert copy.read(name) == orig.read(name)
    ws = _load(done.written)[SHEET]
    assert ws["B4"].value == "B" and "【警告】统一社会信用代码校验位不符" in _comment(ws["B2"])

    # A problem elsewhere does not touch the thread: written in place, the thread kept.
    only_b1 = problems(src.name)[:1]
    done = mark_file(src, src, only_b1, RESULTS, backup_dir=tmp_path / "bk", stamp=STAMP, copy_to=tmp_path / "out")
    assert done.written == src and done.note is None
    with zipfile.ZipFile(src) as zf:
        assert b"ref=\"B2\"" in zf.read("xl/threadedComments/threadedComment1.xml")


@pytest.mark.parametrize("kind, message", [("signature", "数字签名"), ("revisions", "共享工作簿")])
def test_signed_or_shared_workbook_is_not_written_in_place(tmp_path, kind, message):
    src = form(tmp_path / f"{kind}.xlsx")
    if kind == "signature":
        add_signature(src)
    else:
        rezip(src, {"xl/revisions/revisionHeaders.xml": b'<headers xmlns="%s" guid="{1}"/>' % MAIN.encode()})
    original = src.read_bytes()
    with pytest.raises(UserError, match=message):
        write_marks(src, src, problems(src.name), RESULTS, stamp=STAMP)
    assert src.read_bytes() == original
    done = mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP, copy_to=tmp_path / "out")
    assert src.read_bytes() == original and done.written.parent == tmp_path / "out" and message in done.note
    assert mark_file(src, src, (), None, stamp=STAMP).written is None  # nothing to clear: nothing refused


def test_what_cannot_be_patched_is_refused_with_the_place(tmp_path):
    src = form(tmp_path / "公式.xlsx")
    sheet = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    shared = re.sub(rb'(<c r="A4"[^>]*>.*?</c>)', rb'\1<c r="B4"><f t="shared" ref="B4:B5" si="0">1+1</f><v>2</v></c>',
                    sheet)
    assert shared != sheet
    rezip(src, {"xl/worksheets/sheet1.xml": shared})
    original = src.read_bytes()
    with pytest.raises(UserError, match=f"公式.xlsx!{SHEET}!B4：结果单元格含有共享公式"):
        mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP)
    strict = form(tmp_path / "严格.xlsx")
    book = zipfile.ZipFile(strict).read("xl/workbook.xml").replace(
        MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    rezip(strict, {"xl/workbook.xml": book})
    with pytest.raises(UserError, match="严格 Open XML"):
        mark_file(strict, strict, problems(strict.name), RESULTS, stamp=STAMP)
    assert src.read_bytes() == original


def test_overwriting_a_formula_drops_the_calc_chain_that_names_it(tmp_path):
    """Excel "repairs" a file whose calcChain lists a cell without formula; it rebuilds a missing chain."""
    src = form(tmp_path / "链.xlsx")
    sheet = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'(<c r="A4"[^>]*>.*?</c>)', rb'\1<c r="B4" t="str"><f>"TBD"&amp;"?"</f><v>TBD?</v></c>', sheet)
    chain = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="%s"><c r="B4" i="1"/></calcChain>'
    rezip(src, {"xl/worksheets/sheet1.xml": sheet, "xl/calcChain.xml": chain % MAIN.encode(),
                "xl/_rels/workbook.xml.rels": zipfile.ZipFile(src).read("xl/_rels/workbook.xml.rels").replace(
                    b"</Relationships>", b'<Relationship Id="rIdCc" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'),
                "[Content_Types].xml": zipfile.ZipFile(src).read("[Content_Types].xml").replace(
                    b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')})
    mark_file(src, src, (), RESULTS, stamp=STAMP)
    with zipfile.ZipFile(src) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert b"calcChain" not in zf.read("xl/_rels/workbook.xml.rels") + zf.read("[Content_Types].xml")
    assert _load(src)[SHEET]["B4"].value == "B"


def test_clearing_a_form_returns_every_part_but_the_style_table_to_the_users_bytes(tmp_path):
    src = form(tmp_path / "往返.xlsx")
    before = members(src)
    mark_file(src, src, problems(src.name), None, stamp=STAMP)
    assert members(src) != before
    mark_file(src, src, (), None, stamp=STAMP)
    after = members(src)
    # left behind: two unused highlight formats, the VML content type, the modified stamp
    assert {n for n in set(before) | set(after) if before.get(n) != after.get(n)} == \
           {"xl/styles.xml", "[Content_Types].xml", "docProps/core.xml"}


def test_zip_members_written_with_data_descriptors_and_stored_are_copied_as_they_are(tmp_path):
    src = form(tmp_path / "流式.xlsx")
    with zipfile.ZipFile(src) as zf:
        parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]

    class Unseekable:  # zipfile writes data descriptors when it cannot seek back
        def __init__(self, fh):
            self.fh = fh

        def write(self, b):
            return self.fh.write(b)

        def flush(self):
            self.fh.flush()

        def tell(self):
            return self.fh.tell()

    with open(src, "wb") as fh:
        with zipfile.ZipFile(Unseekable(fh), "w") as zf:
            for name, data in parts:
                method = zipfile.ZIP_STORED if name.endswith("theme1.xml") else zipfile.ZIP_DEFLATED
                info = zipfile.ZipInfo(name, (2026, 10, 1, 8, 30, 0))
                info.compress_type = method
                with zf.open(info, "w") as out:
                    out.write(data)
    assert any(i.flag_bits & 0x8 for i in zipfile.ZipFile(src).infolist())
    before = members(src)
    mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP)
    after = members(src)
    for name in before:
        if not MAY_CHANGE.match(name):
            assert after[name] == before[name]
    with zipfile.ZipFile(src) as zf:
        assert zf.testzip() is None
        assert zf.getinfo("xl/theme/theme1.xml").date_time == (2026, 10, 1, 8, 30, 0)


# ---------------------------------------------------------------- real spreadsheet programs
def _lo_notes(fods: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> note text, from LibreOffice's flat ODS."""
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    t = "{%s}" % ns["table"]
    out = {}
    for sheet in ET.parse(fods).getroot().iter(f"{t}table"):
        row_no = 0
        for row in sheet.iter(f"{t}table-row"):
            row_no += 1
            col = 0
            for cell in row:
                if cell.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                    continue
                col += 1
                note = cell.find("office:annotation", ns)
                if note is not None:
                    text = "\n".join("".join(p.itertext()) for p in note.findall("text:p", ns))
                    out[(sheet.get(f"{t}name"), f"{chr(64 + col)}{row_no}")] = text
                col += int(cell.get(f"{t}number-columns-repeated", "1")) - 1
            row_no += int(row.get(f"{t}number-rows-repeated", "1")) - 1
    return out


def _gnumeric_notes(path: Path, tmp: Path) -> dict[tuple[str, str], str]:
    import subprocess

    out_file = tmp / (path.stem + ".gnumeric")
    subprocess.run([SSCONVERT, str(path), str(out_file)], check=True, capture_output=True, timeout=120)
    root = ET.fromstring(gzip.decompress(out_file.read_bytes()))
    g = "{http://www.gnumeric.org/v10.dtd}"
    return {(sheet.find(f"{g}Name").text, c.get("ObjectBound")): c.get("Text")
            for sheet in root.iter(f"{g}Sheet") for c in sheet.iter(f"{g}CellComment")}


@pytest.fixture(scope="module")
def marked_kinds(tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("kinds")
    outputs = []
    for kind, build in sorted(KINDS.items()):
        src = build(tmp / f"{kind}.xlsx")
        outputs.append(mark_file(src, tmp / "out" / src.name, problems(src.name), RESULTS, stamp=STAMP).written)
    src = threaded_form(tmp / "threaded.xlsx")
    outputs.append(mark_file(src, src, problems(src.name), RESULTS, stamp=STAMP, copy_to=tmp / "out").written)
    return outputs


@pytest.mark.oracle
@requires_soffice
def test_libreoffice_shows_our_notes_and_the_results(marked_kinds, tmp_path):
    fods = soffice_convert_many(marked_kinds, "fods", tmp_path / "fods")
    for path, flat in zip(marked_kinds, fods):
        notes = _lo_notes(flat)
        assert notes[(SHEET, "B1")] == "【错误】客户编码与 KH001_旧.xlsx 重复", path.name
        assert notes[(SHEET, "B2")].endswith("【警告】统一社会信用代码校验位不符"), path.name
        text = flat.read_text(encoding="utf-8")
        assert f"&quot;{MARK_TOKEN}:ERROR&quot;" in text and "经营良好" in text, path.name


@pytest.mark.oracle
@requires_gnumeric
def test_gnumeric_shows_our_notes_and_the_results(marked_kinds, tmp_path):
    for path in marked_kinds:
        notes = _gnumeric_notes(path, tmp_path)
        assert notes[(SHEET, "B1")] == "【错误】客户编码与 KH001_旧.xlsx 重复", path.name
        assert notes[(SHEET, "B2")].endswith("【警告】统一社会信用代码校验位不符"), path.name
        rows = gnumeric_sheets(path)[SHEET]
        assert rows[3][1] == "B" and rows[4][1] == "46326" and rows[5][1] == "经营良好\n第十五条", path.name
        assert rows[8][1] == "30" and rows[8][3] == "120000.5", path.name
