"""Password-protected workbooks: named as such, or opened in memory with the password from the environment."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from credit_workbook import guard
from credit_workbook.errors import EncryptedWorkbook, WrongPassword

REPO = Path(__file__).resolve().parents[2]
LEDGER = REPO / "sample_workbooks/ledgers/应收账款明细账_202610.xlsx"
PASSWORD = "信用-Pa55!word"
ENV = guard.InputLimits().workbook_password_env


def encrypt(src: Path, dst: Path, password: str = PASSWORD) -> Path:
    """Office's own agile encryption (msoffcrypto-tool writes what Excel writes for 用密码进行加密)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fh, open(dst, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return dst


@pytest.fixture(autouse=True)
def no_password(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


def test_an_encrypted_workbook_is_named_as_such(tmp_path):
    path = encrypt(LEDGER, tmp_path / "加密台账.xlsx")
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 container, not a zip
    with pytest.raises(EncryptedWorkbook) as caught:
        guard.check_workbook(path)
    assert str(caught.value) == (f"加密台账.xlsx: 文件已加密，无法读取（请另存为不加密的文件，或把打开密码放在环境变量 {ENV} 中）")


def test_a_wrong_password_is_said_without_repeating_it(tmp_path, monkeypatch):
    path = encrypt(LEDGER, tmp_path / "加密台账.xlsx")
    monkeypatch.setenv(ENV, "not-the-password")
    with pytest.raises(WrongPassword) as caught:
        guard.check_workbook(path)
    assert "not-the-password" not in str(caught.value) and ENV in str(caught.value)


def test_with_the_password_every_reader_reads_what_the_plain_file_holds(tmp_path, monkeypatch):
    from credit_workbook.forms.register_reader import read_raw_register
    from credit_workbook.forms.survey_fast_reader import read_survey_fast
    from credit_workbook.forms.survey_reader import read_survey_file
    from credit_workbook.ledger.parse import parse_ledger

    monkeypatch.setenv(ENV, PASSWORD)
    secret = encrypt(LEDGER, tmp_path / "加密台账.xlsx")
    checked = guard.check_workbook(secret)
    assert checked.encrypted and checked.kind is guard.Kind.XLSX and checked.decrypted[:2] == b"PK"
    plain, decrypted = parse_ledger(LEDGER, display_name="台账.xlsx"), parse_ledger(secret, display_name="台账.xlsx")
    assert decrypted.trusted and decrypted.entries == plain.entries and decrypted.period == plain.period

    survey = min((REPO / "sample_workbooks/surveys").glob("*.xlsx"))
    locked = encrypt(survey, tmp_path / survey.name)
    assert read_survey_fast(locked) is None  # left to the openpyxl reader, which opens the bytes in memory
    assert read_survey_file(locked).fields == read_survey_file(survey).fields

    register = encrypt(REPO / "sample_workbooks/register.xlsx", tmp_path / "register.xlsx")
    assert read_raw_register(register) == read_raw_register(REPO / "sample_workbooks/register.xlsx")


def test_a_run_imports_it_and_the_password_is_nowhere_in_the_workspace(tmp_path, monkeypatch):
    """The variable is the one credit.toml names; the archive keeps the encrypted original byte for byte."""
    from credit_workbook.cli import main
    from credit_workbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    toml = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(toml.replace(f'workbook_password_env = "{ENV}"',
                                           'workbook_password_env = "FINANCE_XLSX_PW"'), encoding="utf-8")
    original = encrypt(LEDGER, ws.inbox / LEDGER.name).read_bytes()

    out, err = io.StringIO(), io.StringIO()
    assert main(["run", str(ws.root)], out, err) == 2  # no password yet: quarantined, said why
    assert "文件已加密" in (ws.quarantine / f"{LEDGER.name}.error.txt").read_text(encoding="utf-8")
    assert "FINANCE_XLSX_PW" in (ws.quarantine / f"{LEDGER.name}.error.txt").read_text(encoding="utf-8")

    shutil.move(ws.quarantine / LEDGER.name, ws.inbox / LEDGER.name)
    monkeypatch.setenv("FINANCE_XLSX_PW", PASSWORD)
    assert main(["run", str(ws.root)], out, err) == 0, err.getvalue()
    results = json.loads((ws.root / "out/2026-10/results.json").read_text(encoding="utf-8"))
    assert results["counterparties"] and not results["rejected_inputs"]
    assert (ws.root / "archive/2026-10" / LEDGER.name).read_bytes() == original
    needle, needle16 = PASSWORD.encode("utf-8"), PASSWORD.encode("utf-16-le")
    for path in ws.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert needle not in data and needle16 not in data, path
    assert PASSWORD not in out.getvalue() + err.getvalue()
