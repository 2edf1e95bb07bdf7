"""credit_workbook.xlam: reproducible, the pinned VBA untouched, a ribbon Excel can load, the conf the VBA reads."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from importlib import metadata

import pytest
from defusedxml import ElementTree as ET

from credit_workbook.addin.build import (
    ADDIN_NAME,
    CONF,
    CONF_SHEET,
    INTERPRETER_WIN,
    REL_TYPE_2006,
    TEMPLATE_NAME,
    XLWINGS_VERSION,
    read_template,
)
from credit_workbook.cli import main as cli_main
from credit_workbook.errors import UserError

from .conftest import COMMITTED, ROOT, VBA_DIR

CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
EDITED = {"customUI/customUI.xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
          "xl/sharedStrings.xml"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reproducible --------------------------------------------------------------------------------------------

def test_committed_addin_equals_a_fresh_build_byte_for_byte(built):
    assert COMMITTED.read_bytes() == built, "macros/credit_workbook.xlam is stale: run credit-workbook addin build"


def test_cli_build_writes_the_committed_bytes_and_check_detects_drift(tmp_path, capsys):
    assert cli_main(["addin", "build", "--out", str(tmp_path)]) == 0
    assert (tmp_path / ADDIN_NAME).read_bytes() == COMMITTED.read_bytes()
    assert "已生成" in capsys.readouterr().out
    assert cli_main(["addin", "build", "--out", str(tmp_path)]) == 0
    assert "未变化" in capsys.readouterr().out
    assert cli_main(["addin", "build", "--out", str(ROOT / "macros"), "--check"]) == 0

    tampered = bytearray(COMMITTED.read_bytes())
    tampered[-30] ^= 0xFF
    (tmp_path / ADDIN_NAME).write_bytes(bytes(tampered))
    assert cli_main(["addin", "build", "--out", str(tmp_path), "--check"]) == 2
    assert "不一致" in capsys.readouterr().err
    assert (tmp_path / ADDIN_NAME).read_bytes() == bytes(tampered)  # --check never writes


def test_zip_is_valid_stored_in_the_template_order_with_fixed_times(built, template):
    z = zipfile.ZipFile(io.BytesIO(built))
    assert z.testzip() is None
    assert z.namelist() == zipfile.ZipFile(io.BytesIO(template)).namelist()
    for info in z.infolist():
        assert (info.date_time, info.compress_type, info.create_system, info.external_attr) == \
               ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 0, 0o644 << 16), info.filename


# --- the pinned VBA -------------------------------------------------------------------------------------------

def test_vba_project_is_the_pinned_wheel_template_byte_for_byte(parts, template_parts):
    assert metadata.version("xlwings") == XLWINGS_VERSION
    record = {str(f): f.hash for f in metadata.files("xlwings") if f.hash}
    wheel_hash = record[f"xlwings/{TEMPLATE_NAME}"]
    assert wheel_hash.mode == "sha256"
    installed = read_template()
    assert base64.urlsafe_b64encode(hashlib.sha256(installed).digest()).rstrip(b"=").decode() == wheel_hash.value
    assert _sha(parts["xl/vbaProject.bin"]) == _sha(template_parts["xl/vbaProject.bin"])


def test_every_part_but_the_edited_ones_is_the_templates(parts, template_parts):
    assert set(parts) == set(template_parts)
    for name in set(parts) - EDITED:
        assert parts[name] == template_parts[name], name
    renamed = template_parts["xl/workbook.xml"].replace(b'name="_myaddin.conf"', b'name="myaddin.conf"')
    assert parts["xl/workbook.xml"] == renamed


def test_a_template_other_than_the_pinned_one_is_refused(tmp_path, template):
    other = tmp_path / TEMPLATE_NAME
    other.write_bytes(template + b"\0")
    with pytest.raises(UserError, match="SHA-256 不符"):
        read_template(other)
    with pytest.raises(UserError, match="读不到"):
        read_template(tmp_path / "missing.xlam")


# --- the ribbon -----------------------------------------------------------------------------------------------

def _buttons(parts) -> list:
    root = ET.fromstring(parts["customUI/customUI.xml"])
    assert root.tag == f"{{{CUSTOM_UI_NS}}}customUI"
    return root.findall(f".//{{{CUSTOM_UI_NS}}}button")


def test_custom_ui_is_well_formed_with_a_chinese_tab_labels_and_office_icons(parts):
    root = ET.fromstring(parts["customUI/customUI.xml"])
    tabs = root.findall(f".//{{{CUSTOM_UI_NS}}}tab")
    assert [(t.get("idQ"), t.get("label")) for t in tabs] == [("cw:tabCredit", "信用管理")]
    assert b'xmlns:cw="credit_workbook"' in parts["customUI/customUI.xml"]  # idQ's namespace: a shared tab
    buttons = _buttons(parts)
    assert buttons
    ids = [b.get("id") for b in buttons]
    assert len(ids) == len(set(ids))
    for b in buttons:
        for attr in ("label", "screentip", "supertip"):
            assert CJK.search(b.get(attr)), (b.get("id"), attr)
            assert len(b.get(attr)) <= 1024  # Office rejects longer texts
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", b.get("imageMso")), b.get("id")
        assert b.get("image") is None  # built-in Office icons only: no picture parts to ship


def test_the_ribbon_relationship_uses_the_2006_extensibility_type(parts, template_parts):
    rels = ET.fromstring(parts["_rels/.rels"])
    to_ui = [r for r in rels if r.get("Target") == "customUI/customUI.xml"]
    assert [r.get("Type") for r in to_ui] == [REL_TYPE_2006]
    assert b"2007/relationships/ui/extensibility" not in parts["_rels/.rels"]
    others = [(r.get("Id"), r.get("Type"), r.get("Target")) for r in rels if r not in to_ui]
    assert others == [(r.get("Id"), r.get("Type"), r.get("Target"))
                      for r in ET.fromstring(template_parts["_rels/.rels"]) if r.get("Target") != "customUI/customUI.xml"]


def test_every_on_action_callback_exists_in_the_vba(parts, vba_modules):
    for b in _buttons(parts):
        module, proc = b.get("onAction").split(".")
        source = vba_modules[f"{module}.bas"]
        assert re.search(rf"^(Public )?Sub {proc}\(control As IRibbonControl\)", source, re.MULTILINE), b.get("onAction")


def test_the_vba_imports_the_module_named_like_the_addin_and_calls_main(vba_modules):
    """The interface with the Python side: credit_workbook.xlam runs ``import credit_workbook; credit_workbook.main()``."""
    ribbon = vba_modules["RibbonMyAddin.bas"]
    assert 'mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))' in ribbon
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    module = ADDIN_NAME.rsplit(".", 1)[0]
    assert module == "credit_workbook"
    imported = __import__(module)
    assert callable(getattr(imported, "main", None)), "credit_workbook.main() is what the ribbon button calls"


def test_vba_source_in_macros_is_what_the_binary_holds(vba_modules):
    committed = {p.name: p.read_text(encoding="utf-8") for p in VBA_DIR.iterdir()}
    assert committed == vba_modules


# --- the conf sheet -------------------------------------------------------------------------------------------

def _conf_as_the_vba_reads_it(parts) -> dict[str, object]:
    """``GetConfigFromSheet``: column A from A1 down to the first blank, keys upper-cased, values from column B."""
    strings = ["".join(si.itertext()) for si in ET.fromstring(parts["xl/sharedStrings.xml"])]
    cells = {}
    for c in ET.fromstring(parts["xl/worksheets/sheet1.xml"]).iter(f"{MAIN_NS}c"):
        v = c.find(f"{MAIN_NS}v")
        if v is None:
            continue
        kind = c.get("t")
        cells[c.get("r")] = strings[int(v.text)] if kind == "s" else (v.text == "1") if kind == "b" else v.text
    conf, row = {}, 1
    while cells.get(f"A{row}", "") != "":
        conf[cells[f"A{row}"].upper()] = cells.get(f"B{row}", "")
        row += 1
    return conf


def test_conf_sheet_is_activated_under_the_name_the_vba_looks_up(parts, vba_modules):
    xlwings_bas = vba_modules["xlwings.bas"]
    project = re.search(r'Public Const PROJECT_NAME As String = "(\w+)"', xlwings_bas).group(1)
    assert 'wb.Sheets(PROJECT_NAME & ".conf")' in xlwings_bas
    assert CONF_SHEET == f"{project}.conf"
    names = [s.get("name") for s in ET.fromstring(parts["xl/workbook.xml"]).iter(f"{MAIN_NS}sheet")]
    assert names == [CONF_SHEET]


def test_conf_sheet_holds_the_presets_under_keys_the_vba_reads(parts, vba_modules):
    conf = _conf_as_the_vba_reads_it(parts)
    assert conf == {key.upper(): value for key, value in CONF}
    assert conf["INTERPRETER_WIN"] == r"%LOCALAPPDATA%\credit_workbook\venv\Scripts\pythonw.exe" == INTERPRETER_WIN
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert conf["USE UDF SERVER"] is False and conf["SHOW CONSOLE"] is False
    xlwings_bas = vba_modules["xlwings.bas"]
    for key in ("INTERPRETER_WIN", "ADD_WORKBOOK_TO_PYTHONPATH", "USE UDF SERVER", "SHOW CONSOLE", "PYTHONPATH",
                "CONDA PATH", "CONDA ENV"):
        assert f'GetConfig("{key}"' in xlwings_bas, key
    # the interpreter path may use environment variables: the VBA expands every value it reads
    assert "GetConfig = ExpandEnvironmentStrings(GetConfig)" in xlwings_bas


@pytest.mark.oracle
def test_gnumeric_and_libreoffice_read_the_conf_sheet(tmp_path):
    from oracles import SOFFICE, SSCONVERT, gnumeric_sheets

    expected = [[key, value if isinstance(value, str) else ("TRUE" if value else "FALSE")] for key, value in CONF]
    if SSCONVERT is None or SOFFICE is None:
        pytest.skip("!!! ssconvert or soffice NOT INSTALLED — add-in oracle test SKIPPED !!!")
    assert gnumeric_sheets(COMMITTED) == {CONF_SHEET: expected}
    # LibreOffice does not pick a filter for .xlam by itself: name the VBA-aware OOXML one
    profile = (tmp_path / "profile").as_uri()
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "csv", "--outdir",
                           str(tmp_path), str(COMMITTED)], capture_output=True, text=True, timeout=120, check=False)
    csv_file = tmp_path / "credit_workbook.csv"
    assert csv_file.is_file(), proc.stderr + proc.stdout
    rows = [line.split(",", 1) for line in csv_file.read_text(encoding="utf-8").splitlines()]
    assert rows == expected


# --- start-up cost of every command -----------------------------------------------------------------------------

def test_building_the_parser_imports_nothing_heavy():
    code = ("import sys; from credit_workbook.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('jinja2', 'xlwings', 'openpyxl', 'oletools', 'credit_workbook.addin.build', "
            "'credit_workbook.addin.install') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
