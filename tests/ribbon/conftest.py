"""The demo company, once per session, and the two adapters the contract tests run against."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from credit_workbook.cli import main
from credit_workbook.port.excel import ExcelBook
from credit_workbook.port.file import FileBook

from . import fake_xlwings


def cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory) -> Path:
    """The demo after ``run`` and then ``rate``: out/2026-10/ holds rate's copy of every survey."""
    root = tmp_path_factory.mktemp("ribbon") / "ws"
    code, _, err = cli("demo", root)
    assert code == 0, err
    code, _, err = cli("rate", root)
    assert code == 0, err
    return root


@pytest.fixture()
def ws(demo_ws, tmp_path) -> Path:
    """A private copy of the demo workspace: tests write into it."""
    target = tmp_path / "ws"
    shutil.copytree(demo_ws, target)
    return target


class Adapter:
    """How a contract test opens a workbook, and sees it again after the button."""

    def __init__(self, kind: str):
        self.kind = kind

    def open(self, path: Path, backup_dir: Path | None = None):
        if self.kind == "file":
            return FileBook(path, backup_dir=backup_dir)
        return ExcelBook(fake_xlwings.Book.load(path))

    def again(self, port, path: Path | None = None):
        """The workbook after the button: the file re-read from disk, the live book as it stands."""
        if self.kind == "file":
            return FileBook(path or port.path)
        return port

    def __repr__(self) -> str:
        return self.kind


@pytest.fixture(params=["file", "excel"])
def adapter(request) -> Adapter:
    return Adapter(request.param)
