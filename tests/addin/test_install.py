"""``addin install`` for a Windows user, run here against real folders standing in for %APPDATA%/%LOCALAPPDATA%
and real Python interpreters placed where the venv's would be."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from credit_workbook.addin.build import ADDIN_NAME, build_addin
from credit_workbook.addin.install import (
    Layout,
    check_venv,
    install,
    venv_commands,
    windows_layout,
)
from credit_workbook.cli import main as cli_main
from credit_workbook.errors import UserError

from .conftest import ROOT


@pytest.fixture
def user(tmp_path) -> dict[str, str]:
    """A Windows user's profile folders (empty: no Excel start folder yet)."""
    env = {"APPDATA": str(tmp_path / "AppData" / "Roaming"), "LOCALAPPDATA": str(tmp_path / "AppData" / "Local")}
    for folder in env.values():
        Path(folder).mkdir(parents=True)
    return env


def _venv(layout: Layout, complete: bool) -> None:
    """A real venv around this Python at the Windows paths: complete = this checkout (via a .pth) and the
    installed xlwings importable; otherwise its site-packages are empty."""
    layout.python.parent.mkdir(parents=True)
    for exe in (layout.python, layout.pythonw):
        exe.symlink_to(sys.executable)
    (layout.venv / "pyvenv.cfg").write_text(
        f"home = {Path(sys.executable).parent}\ninclude-system-site-packages = {'true' if complete else 'false'}\n",
        encoding="utf-8")
    if complete:
        site = layout.venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
        site.mkdir(parents=True)
        (site / "credit_workbook_checkout.pth").write_text(f"{ROOT}\n", encoding="utf-8")


def _install(user, **kw) -> tuple[int, str]:
    out = io.StringIO()
    code = install(out, platform="win32", environ=user, **kw)
    return code, out.getvalue()


def test_layout_follows_the_interpreter_path_in_the_conf_sheet(user):
    layout = windows_layout(user)
    local = Path(user["LOCALAPPDATA"])
    assert layout.xlstart == Path(user["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    assert layout.addin == layout.xlstart / ADDIN_NAME
    assert layout.venv == local / "credit_workbook" / "venv"
    assert layout.pythonw == local / "credit_workbook" / "venv" / "Scripts" / "pythonw.exe"
    assert layout.python == local / "credit_workbook" / "venv" / "Scripts" / "python.exe"


def test_a_session_without_profile_variables_is_told_so():
    with pytest.raises(UserError, match="LOCALAPPDATA"):
        windows_layout({"APPDATA": "C:/Users/x/AppData/Roaming"})


def test_install_copies_the_addin_then_reports_it_current_then_updates_a_changed_one(user):
    layout = windows_layout(user)
    _venv(layout, complete=True)

    code, text = _install(user)
    assert code == 0
    assert layout.addin.read_bytes() == build_addin()
    assert "可用，credit_workbook 0.1.0、xlwings 0.37.8" in text and "已安装加载项" in text

    code, text = _install(user)
    assert code == 0 and "加载项已是最新" in text

    layout.addin.write_bytes(b"an older add-in")
    code, text = _install(user, dry_run=True)
    assert code == 0 and "更新加载项（演练，未执行）" in text
    assert layout.addin.read_bytes() == b"an older add-in"
    code, text = _install(user)
    assert code == 0 and "已更新加载项" in text
    assert layout.addin.read_bytes() == build_addin()
    assert sorted(p.name for p in layout.xlstart.iterdir()) == [ADDIN_NAME]  # no temp files left behind


def test_a_venv_that_cannot_import_the_package_is_reported_and_nothing_is_installed(user):
    layout = windows_layout(user)
    _venv(layout, complete=False)
    status = check_venv(layout)
    assert not status.ok and "无法导入 credit_workbook 或 xlwings" in status.detail and "xlwings" in status.detail
    with pytest.raises(UserError, match="--source"):
        _install(user)
    assert not layout.xlstart.exists()


def test_without_a_venv_dry_run_shows_how_it_would_be_made(user):
    layout = windows_layout(user)
    code, text = _install(user, source=r"\\server\share\credit_workbook-0.1.0-py3-none-any.whl", dry_run=True)
    assert code == 0
    assert f"没有找到 {layout.pythonw}" in text
    assert f"运行（演练，未执行）：py -3.11 -m venv {layout.venv}" in text
    assert (f"运行（演练，未执行）：{layout.python} -m pip install --upgrade "
            r"\\server\share\credit_workbook-0.1.0-py3-none-any.whl[excel]") in text
    assert "安装加载项（演练，未执行）" in text
    assert not layout.venv.exists() and not layout.xlstart.exists()


def test_without_python_launcher_the_user_is_told_to_install_python(user):
    with pytest.raises(UserError, match="Python 3.11"):
        _install(user, source=str(ROOT), launcher=("credit-workbook-no-such-launcher",))
    assert not windows_layout(user).xlstart.exists()


def test_elsewhere_install_explains_the_windows_steps(capsys):
    with pytest.raises(UserError) as exc:
        install(io.StringIO(), platform="linux", environ={})
    message = str(exc.value)
    assert "Windows" in message and r"%LOCALAPPDATA%\credit_workbook\venv" in message
    assert "addin install" in message and "addin build" in message
    if sys.platform != "win32":  # through the real CLI on this machine
        assert cli_main(["addin", "install"]) == 2
        assert capsys.readouterr().err.startswith("错误：Excel 功能区加载项只能安装在 Windows 版 Excel 中")


@pytest.mark.slow
def test_the_venv_commands_create_an_environment_the_addin_can_use(tmp_path):
    """The commands install runs, executed for real (POSIX layout, this Python as the launcher): ~20 s."""
    venv = tmp_path / "venv"
    layout = Layout(xlstart=tmp_path / "XLSTART", venv=venv, python=venv / "bin" / "python",
                    pythonw=venv / "bin" / "python")
    for argv in venv_commands(layout, str(ROOT), create=True, launcher=(sys.executable,)):
        subprocess.run(argv, check=True, capture_output=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
                       cwd=tmp_path)
    status = check_venv(layout)
    assert status.ok, status.detail
    assert str(venv) in status.detail  # the package imported from the venv, not from this checkout
