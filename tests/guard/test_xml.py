"""Billion laughs and XXE in every XML part a reader looks at: refused by the guard, inert below it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from credit_workbook import guard
from credit_workbook.errors import XmlDeclarationsRefused

from .hostile import LOL, parts, utf16_part, with_dtd, with_parts, xxe

PARTS = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "docProps/core.xml", "xl/workbook.xml"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text("客户授信机密-TOPSECRET", encoding="utf-8")
    return path


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("attack", ["billion_laughs", "xxe"])
def test_dtds_are_refused_in_every_part(base, tmp_path, secret, part, attack):
    path = with_dtd(base, tmp_path / "evil.xlsx", part, LOL if attack == "billion_laughs" else xxe(secret))
    with pytest.raises(XmlDeclarationsRefused, match=f"evil.xlsx: 部件 {part} 含有 DTD/实体声明"):
        guard.check_workbook(path)


def test_a_dtd_behind_a_megabyte_of_comment_is_still_found(base, tmp_path):
    import base64
    import os

    padding = b"<!--" + base64.b64encode(os.urandom(3 << 18)) + b"-->\n"  # 1 MiB that does not compress
    path = with_dtd(base, tmp_path / "padded.xlsx", "xl/workbook.xml", LOL, padding=padding)
    with pytest.raises(XmlDeclarationsRefused, match="xl/workbook.xml"):
        guard.check_workbook(path)


def test_a_dtd_in_a_utf16_part_is_found(base, tmp_path):
    path = utf16_part(base, tmp_path / "u16.xlsx", "xl/sharedStrings.xml", LOL.decode())
    with pytest.raises(XmlDeclarationsRefused, match="xl/sharedStrings.xml"):
        guard.check_workbook(path)
    clean = utf16_part(base, tmp_path / "u16ok.xlsx", "xl/sharedStrings.xml", "")
    assert guard.check_workbook(clean).kind is guard.Kind.XLSX


def test_a_doctype_inside_a_comment_or_after_the_root_is_no_dtd(base, tmp_path):
    xml = parts(base)["xl/workbook.xml"]
    end = xml.find(b"?>") + 2
    commented = xml[:end] + b"<!-- <!DOCTYPE x> -->" + xml[end:]
    assert guard.check_workbook(with_parts(base, tmp_path / "c.xlsx", {"xl/workbook.xml": commented}))


def test_every_reader_says_so_in_chinese(tmp_path, secret):
    """Ledger, both survey readers and the register reader go through the guard first."""
    from credit_workbook.forms.register_reader import read_raw_register
    from credit_workbook.forms.survey_fast_reader import read_survey_fast
    from credit_workbook.forms.survey_reader import read_survey_file
    from credit_workbook.ledger.parse import parse_ledger

    ledger = with_dtd(REPO / "sample_workbooks/ledgers/应收账款明细账_202610.xlsx", tmp_path / "台账.xlsx",
                      "xl/worksheets/sheet1.xml", xxe(secret))
    (problem,) = parse_ledger(ledger).problems
    assert problem.place == "台账.xlsx" and "部件 xl/worksheets/sheet1.xml 含有 DTD/实体声明" in problem.message

    survey_src = min((REPO / "sample_workbooks/surveys").glob("*.xlsx"))
    survey = with_dtd(survey_src, tmp_path / "调查表.xlsx", "xl/workbook.xml", LOL)
    for reader in (read_survey_fast, read_survey_file):
        with pytest.raises(XmlDeclarationsRefused, match="调查表.xlsx: 部件 xl/workbook.xml"):
            reader(survey)

    register = with_dtd(REPO / "sample_workbooks/register.xlsx", tmp_path / "register.xlsx", "docProps/core.xml",
                        xxe(secret))
    (problem,) = read_raw_register(register).problems
    assert "部件 docProps/core.xml 含有 DTD/实体声明" in problem.message


@pytest.mark.parametrize("part", PARTS)
def test_below_the_guard_the_parsers_are_inert_too(base, tmp_path, secret, part):
    """Defence in depth: openpyxl (defusedxml) refuses, calamine expands nothing and reads no file."""
    import warnings

    import openpyxl
    import python_calamine as pc

    assert openpyxl.xml.DEFUSEDXML is True
    for dtd in (LOL, xxe(secret)):
        data = with_dtd(base, tmp_path / "x.xlsx", part, dtd).read_bytes()
        with pytest.raises(Exception) as caught, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            openpyxl.load_workbook(io.BytesIO(data))
        assert "TOPSECRET" not in str(caught.value)
        try:
            wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            text = repr([wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names])
        except Exception as exc:  # noqa: BLE001 - refusing is inert too
            text = str(exc)
        assert "TOPSECRET" not in text and "lollollol" not in text


def test_the_guard_copies_nothing(base, tmp_path, secret):
    """A refused file leaves no trace: nothing written beside it."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = with_dtd(base, folder / "evil.xlsx", "xl/workbook.xml", xxe(secret))
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(XmlDeclarationsRefused):
        guard.check_workbook(path)
    assert sorted(p.name for p in folder.iterdir()) == before
    shutil.rmtree(folder)
