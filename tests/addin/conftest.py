"""The committed add-in, a fresh build and the pinned xlwings template, shared by the add-in tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from credit_workbook.addin.build import ADDIN_NAME, build_addin, read_template

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "macros" / ADDIN_NAME
VBA_DIR = ROOT / "macros" / "vba"


@pytest.fixture(scope="session")
def template() -> bytes:
    return read_template()


@pytest.fixture(scope="session")
def built() -> bytes:
    return build_addin()


@pytest.fixture(scope="session")
def parts(built) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(built))
    return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="session")
def template_parts(template) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(template))
    return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="session")
def vba_modules(built) -> dict[str, str]:
    from credit_workbook.addin.vba import extract_modules

    return extract_modules(built)
