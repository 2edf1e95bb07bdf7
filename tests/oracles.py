"""Open workbooks in REAL spreadsheet programs and read back what they computed.

XlsxWriter stores a cached value for each formula; a test that reads only
those proves nothing about the formula. Gnumeric (``ssconvert --recalc``)
and LibreOffice (with "always recalculate" set in a throw-away profile)
recompute every formula, so their numbers are an independent oracle.

Tests using these are marked ``@pytest.mark.oracle`` and carry the skip
markers below, which skip only when the program is genuinely absent (CI
installs both; tests/conftest.py fails the session there instead).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SSCONVERT = shutil.which("ssconvert")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TIMEOUT = 120

requires_gnumeric = pytest.mark.skipif(
    SSCONVERT is None,
    reason="!!! ssconvert NOT INSTALLED (apt-get install gnumeric) — Gnumeric oracle test SKIPPED !!!",
)
requires_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="!!! soffice NOT INSTALLED (apt-get install libreoffice-calc-nogui) — LibreOffice oracle test SKIPPED !!!",
)

# LibreOffice shows XlsxWriter's cached values unless told to recalculate on load.
_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def gnumeric_sheets(path: Path | str) -> dict[str, list[list[str]]]:
    """Every sheet recalculated by Gnumeric, as rows of raw cell texts.

    Values are unformatted ("1234.5", dates as serial numbers, formula
    results recomputed). ssconvert prints harmless warnings (it does not know
    Excel tables): only a nonzero exit or missing output is a failure.
    """
    if SSCONVERT is None:
        raise AssertionError("ssconvert (gnumeric) is not installed")
    with tempfile.TemporaryDirectory(prefix="ssconvert_") as tmp:
        out = Path(tmp)
        proc = subprocess.run(
            [SSCONVERT, "--recalc", "-S", "-T", "Gnumeric_stf:stf_assistant",
             "-O", "separator=, format=raw quoting-mode=always eol=unix charset=UTF-8",
             str(path), str(out / "%n.%s.csv")],
            capture_output=True, text=True, timeout=TIMEOUT,
        )
        files = sorted(out.glob("*.csv"), key=lambda p: int(p.name.split(".", 1)[0]))
        if proc.returncode != 0 or not files:
            raise AssertionError(
                f"ssconvert failed on {path} (exit {proc.returncode}):\n{proc.stderr}{proc.stdout}")
        sheets = {}
        for file in files:
            name = file.name.split(".", 1)[1][: -len(".csv")]
            with file.open(encoding="utf-8", newline="") as fh:
                sheets[name] = [list(r) for r in csv.reader(fh)]
        return sheets


def _profile_dir() -> Path:
    """A fresh LibreOffice user profile with recalculation forced on load."""
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    return profile


def soffice_convert_many(paths: list[Path | str], fmt: str, outdir: Path | str) -> list[Path]:
    """Convert several files in one LibreOffice start (it costs ~1 s per start)."""
    if SOFFICE is None:
        raise AssertionError("soffice (LibreOffice) is not installed")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    profile = _profile_dir()
    try:
        proc = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)],
            capture_output=True, text=True, timeout=TIMEOUT,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ext = fmt.split(":", 1)[0]
    outputs = [outdir / (Path(p).stem + "." + ext) for p in paths]
    missing = [o for o in outputs if not o.is_file() or o.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        raise AssertionError(
            f"soffice --convert-to {fmt} failed (exit {proc.returncode}); missing {missing}:\n"
            f"{proc.stderr}{proc.stdout}")
    return outputs


def soffice_convert(path: Path | str, fmt: str, outdir: Path | str) -> Path:
    """``soffice --headless --convert-to fmt``; returns the output file."""
    return soffice_convert_many([path], fmt, outdir)[0]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def soffice_values(path: Path | str) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice recalculated it (saved as xlsx, read back)."""
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory(prefix="soffice_values_") as tmp:
        src = Path(tmp) / "in" / Path(path).name
        src.parent.mkdir()
        shutil.copyfile(path, src)  # the output has the same stem: keep it apart from the input
        out = soffice_convert(src, "xlsx", Path(tmp) / "out")
        wb = CalamineWorkbook.from_path(str(out))
        return {name: [[_text(v) for v in row] for row in wb.get_sheet_by_name(name).to_python()]
                for name in wb.sheet_names}


def find_row(rows: list[list[str]], first_cell: str) -> list[str]:
    """The first row whose leading non-empty cell equals ``first_cell``."""
    for row in rows:
        lead = next((v for v in row if v != ""), None)
        if lead == first_cell:
            return row
    raise AssertionError(f"no row starting with {first_cell!r}")
