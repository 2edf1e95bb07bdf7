"""Fixtures for the guard's tests: a real small workbook and, where LibreOffice exists, a real .xls."""

from __future__ import annotations

import pytest

from .hostile import small_workbook


@pytest.fixture(scope="session")
def base(tmp_path_factory):
    return small_workbook(tmp_path_factory.mktemp("guard_base") / "base.xlsx")


@pytest.fixture(scope="session")
def real_xls(base, tmp_path_factory):
    from ledger.make_fixtures import convert_to_xls

    out = convert_to_xls(base, tmp_path_factory.mktemp("guard_xls"))
    if out is None:
        pytest.skip("LibreOffice (soffice) is not installed: no way to write an .xls here")
    return out
