"""defusedxml asserted at start-up, and the [inputs] limits of credit.toml read strictly and put to use."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from credit_workbook import guard
from credit_workbook.config import default_policy_text, load_policy_text
from credit_workbook.errors import ConfigError, SheetTooLarge, UnsafeInput
from credit_workbook.guard import InputLimits

REPO = Path(__file__).resolve().parents[2]
LEDGER = REPO / "sample_workbooks/ledgers/应收账款明细账_202610.xlsx"


def _child(code: str, **env: str | None) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter; a variable given as None is removed from its environment."""
    full = {**os.environ, "PYTHONPATH": str(REPO)}
    for key, value in env.items():
        full.pop(key, None)
        if value is not None:
            full[key] = value
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120,
                          env=full)


@pytest.mark.parametrize("setting", ["True", "False", None])
def test_the_cheap_check_agrees_with_openpyxl(setting):
    code = ("import sys\nfrom credit_workbook import guard\n"
            "try:\n    guard.require_defusedxml(); ours = True\nexcept Exception:\n    ours = False\n"
            "assert 'openpyxl' not in sys.modules\n"
            "import openpyxl.xml\nprint(ours, openpyxl.xml.DEFUSEDXML)\n")
    child = _child(code, OPENPYXL_DEFUSEDXML=setting)
    assert child.returncode == 0, child.stderr
    ours, theirs = child.stdout.split()
    assert ours == theirs == ("False" if setting == "False" else "True")


def test_the_cli_refuses_to_start_without_defusedxml_but_help_still_works(tmp_path):
    run = f"from credit_workbook.cli import main; raise SystemExit(main(['init', {str(tmp_path / 'ws')!r}]))"
    child = _child(run, OPENPYXL_DEFUSEDXML="False")
    assert child.returncode == 1
    assert "openpyxl 未启用 defusedxml" in child.stderr and "Traceback" not in child.stderr
    assert not (tmp_path / "ws").exists()
    child = _child("import sys\nfrom credit_workbook.cli import main\ncode = main(['--help'])\n"
                   "assert 'openpyxl' not in sys.modules, 'help imported openpyxl'\nraise SystemExit(code)",
                   OPENPYXL_DEFUSEDXML="False")
    assert child.returncode == 0, child.stderr


def test_the_ribbon_says_so_instead_of_reading(tmp_path):
    code = ("from credit_workbook.ribbon import buttons\nshown = []\n"
            "buttons._say = lambda port, book, text: shown.append(text)\n"
            "buttons._live(lambda port, ws: None, book=object())\nprint(shown[0])\n")
    child = _child(code, OPENPYXL_DEFUSEDXML="False")
    assert child.returncode == 0, child.stderr
    assert "openpyxl 未启用 defusedxml" in child.stdout


def test_inputs_section_is_strict():
    text = default_policy_text()
    assert load_policy_text(text).inputs == InputLimits()
    bad = (text.replace("max_ratio = 200", "max_ratio = 5000")
               .replace("max_rows = 1048576", "max_rows = 2000000")
               .replace("max_cells = 30000000", 'max_cells = "30000000"')
               .replace("[inputs]\n", "[inputs]\nmax_part = 1\npassword = \"123456\"\n"))
    with pytest.raises(ConfigError) as caught:
        load_policy_text(bad)
    lines = str(caught.value).splitlines()
    assert any(line.startswith("credit.toml 第") and "inputs.max_part：未知的参数（是否想写 max_parts？）" in line
               for line in lines)
    assert any("inputs.password：密码不能写在参数文件中" in line and "inputs.workbook_password_env" in line
               for line in lines)
    assert not any("123456" in line for line in lines)
    assert any("inputs.max_ratio：应为 10–1032 之间的整数，现为 5000" in line for line in lines)
    assert any("inputs.max_rows：应为 1–1048576 之间的整数，现为 2000000" in line for line in lines)
    assert any('inputs.max_cells：应为正整数，现为 "30000000"（数字不要加引号）' in line for line in lines)
    custom = load_policy_text("[inputs]\nmax_rows = 500\nworkbook_password_env = \"XLSX_PW\"\n")
    assert custom.inputs == InputLimits(max_rows=500, workbook_password_env="XLSX_PW")


def test_a_workspace_applies_its_own_limits(tmp_path):
    """Loading the policy makes its limits the guard's: a ledger over them is quarantined with the reason."""
    from credit_workbook.cli import main
    from credit_workbook.workspace import Workspace, init_workspace

    ws = init_workspace(tmp_path / "ws")
    ws.config_path.write_text(ws.config_path.read_text(encoding="utf-8").replace(
        "max_rows = 1048576", "max_rows = 100"), encoding="utf-8")
    shutil.copyfile(LEDGER, ws.inbox / LEDGER.name)
    try:
        assert main(["run", str(ws.root)], io.StringIO(), io.StringIO()) == 2
        assert guard.active_limits().max_rows == 100
        with pytest.raises(SheetTooLarge):
            guard.check_workbook(LEDGER)
        reason = (ws.quarantine / f"{LEDGER.name}.error.txt").read_text(encoding="utf-8")
        assert "超过上限（100 行" in reason
        results = json.loads((ws.root / "out").glob("*/results.json").__next__().read_text(encoding="utf-8"))
        assert results["rejected_inputs"][0]["file"].endswith(LEDGER.name)
    finally:
        guard.use_limits(InputLimits())
    Workspace.open(ws.root)  # still a workspace; nothing else changed


def test_the_second_process_checks_with_the_workspace_limits(base_too_wide):
    """The month's spawned worker reads surveys too: it must refuse what this process would."""
    from credit_workbook.actions.second_process import Helper

    guard.use_limits(InputLimits(max_columns=20))
    try:
        with Helper(mode=True) as helper:  # _submit: always the worker, never this process
            limits = helper._submit(guard.active_limits).result(timeout=120)
            refused = helper._submit(_refusal, base_too_wide).result(timeout=120)
            pid = helper._submit(os.getpid).result(timeout=120)
    finally:
        guard.use_limits(InputLimits())
    assert pid != os.getpid()
    assert limits == InputLimits(max_columns=20)
    assert refused == "SheetTooLarge"


def _refusal(path: Path) -> str:
    try:
        guard.check_workbook(path)
    except UnsafeInput as exc:
        return type(exc).__name__
    return "accepted"


@pytest.fixture
def base_too_wide(base, tmp_path):
    from .hostile import with_sheet

    return with_sheet(base, tmp_path / "宽.xlsx", b'<row r="1"><c r="A1"><v>1</v></c><c r="Z1"><v>2</v></c></row>')
