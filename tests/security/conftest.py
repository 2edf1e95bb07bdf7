"""The hostile workspace, built and processed once per session: run, rate --in-place, export, mail --dry-run.

Tests only read it; a test that changes a workspace copies it first
(``hostile_copy``). The SMTP fixtures of tests/mail are shared from here.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from mail.conftest import configure_mail, smtp_server  # noqa: F401 — smtp_server: the fixture of tests/mail

from credit_workbook.cli import main
from credit_workbook.workspace import Workspace

from .hostile import PERIOD, build


def cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def process(ws: Workspace) -> dict[str, tuple[int, str, str]]:
    """Every command that writes something, in the order a month goes."""
    configure_mail(ws, enabled=False)  # recipients for the dry run; nothing is sent
    steps = {
        "run": cli("run", ws.root, "--period", PERIOD),
        "rate": cli("rate", ws.root, "--period", PERIOD, "--in-place"),
        "export": cli("export", ws.root, "--period", PERIOD),
        "mail": cli("mail", ws.root, "--period", PERIOD, "--dry-run"),
    }
    for name, (code, out, err) in steps.items():
        assert code == 0 and "Traceback" not in out + err, (name, out, err)
    return steps


@pytest.fixture(scope="session")
def hostile_built(tmp_path_factory) -> Path:
    """The inputs only (for tests that run the commands themselves, e.g. under another umask)."""
    root = tmp_path_factory.mktemp("hostile_inputs") / "ws"
    build(root)
    return root


@pytest.fixture(scope="session")
def hostile(tmp_path_factory, hostile_built) -> Workspace:
    root = tmp_path_factory.mktemp("hostile") / "ws"
    shutil.copytree(hostile_built, root)
    ws = Workspace(root)
    process(ws)
    return ws


@pytest.fixture
def hostile_copy(hostile_built, tmp_path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(hostile_built, root)
    return Workspace(root)
