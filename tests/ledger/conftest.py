"""Ledger fixture files, written once per test session into a temp folder."""

from __future__ import annotations

import pytest

from .make_fixtures import build_all, convert_to_xls


@pytest.fixture(scope="session")
def ledgers(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("ledgers"))


@pytest.fixture(scope="session")
def yonyou_xls(ledgers, tmp_path_factory):
    """The 用友 fixture saved as .xls by LibreOffice; skipped where LibreOffice is missing."""
    out = convert_to_xls(ledgers["yonyou"], tmp_path_factory.mktemp("xls"))
    if out is None:
        pytest.skip("LibreOffice (soffice) is not installed: no way to write an .xls here")
    return out
