"""Suite-wide guards.

Oracle tests (LibreOffice, Gnumeric) skip loudly when a program is absent on a
developer's machine; on CI a skip would hide a regression, so a missing
program fails the whole session there instead.
"""

from __future__ import annotations

import os

import pytest


def pytest_sessionstart(session: pytest.Session) -> None:
    from oracles import SOFFICE, SSCONVERT

    if os.environ.get("CI", "").lower() not in ("true", "1", "yes"):
        return
    missing = [name for name, found in (("soffice", SOFFICE), ("ssconvert", SSCONVERT)) if not found]
    if missing:
        raise pytest.UsageError(
            f"CI=true but {', '.join(missing)} not installed: oracle tests would be skipped. "
            "Install libreoffice-calc-nogui and gnumeric (see .ci/run).")
