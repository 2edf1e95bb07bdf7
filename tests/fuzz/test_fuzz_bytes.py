"""Real samples damaged below the cell level: truncated downloads, flipped bytes, broken XML parts.

What an interrupted copy, a bad network share or a half-synced cloud folder
makes of a workbook. The zip-level damage (truncation at any offset, bytes
flipped anywhere) hits the container; the part-level damage (a byte changed
inside the decompressed sheet XML, shared strings, workbook, styles or
relationships, then re-zipped with valid checksums) gets past the zip and
reaches the XML parsers. Ledgers go through the real ingest (a correct
import — proved against the bytes as ``ledger_oracle`` reads them — or a
clean quarantine), the .xls ledger too (LibreOffice reads the mutated file
back as the oracle), and forms and registers through both of their readers.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credit_workbook.actions.single import read_register_fast
from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import UserError
from credit_workbook.forms.register_reader import read_register
from credit_workbook.forms.survey_fast_reader import read_survey_fast
from credit_workbook.forms.survey_reader import read_survey_file

from .ledger_harness import LEDGERS, check_accepted_files, check_common, check_rejected, ingest_bytes, scratch, stored
from .ledger_oracle import Grid, OracleCannotRead, check_detail, check_running, stored_sheet
from .outcome import CLEAR_ERROR, CORRECT, assert_clear, note, record
from .profile import fuzz
from .xlsxmut import BadSharedString, member_bytes, rezip_with

pytestmark = pytest.mark.fuzz

SAMPLES = LEDGERS.parent
LEDGER = "预付账款明细账2026年2月.xlsx"
FORM = SAMPLES / "surveys" / "KH018_优品汇.xlsx"
REGISTER = SAMPLES / "register.xlsx"
# where the first table's ref (ref="A14:D19") has its first row's tens digit: 1 ^ 0x08 = 9, A94:D19
_TABLE = member_bytes(FORM.read_bytes(), "xl/tables/table1.xml")
TABLE_REF_AT = (_TABLE.index(b'ref="A14') + 6) / len(_TABLE)


@dataclass(frozen=True)
class Truncate:
    at: float

    def apply(self, data: bytes) -> bytes:
        return data[:int(self.at * len(data))]


@dataclass(frozen=True)
class Flip:
    at: float
    xor: int

    def apply(self, data: bytes) -> bytes:
        if not data:
            return data
        i = min(int(self.at * len(data)), len(data) - 1)
        return data[:i] + bytes([data[i] ^ self.xor]) + data[i + 1:]


@dataclass(frozen=True)
class Insert:
    at: float
    junk: bytes

    def apply(self, data: bytes) -> bytes:
        i = int(self.at * len(data))
        return data[:i] + self.junk + data[i:]


@dataclass(frozen=True)
class InPart:
    """A byte-level change inside one decompressed part, re-zipped with valid checksums."""

    member: int  # index into the package's members
    inner: object

    def apply(self, data: bytes) -> bytes:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            name = names[self.member % len(names)]
            return rezip_with(data, name, self.inner.apply(member_bytes(data, name)))
        except Exception:  # the container is already broken (an earlier damage): nothing to open
            return data


@dataclass(frozen=True)
class DropPart:
    member: int

    def apply(self, data: bytes) -> bytes:
        try:
            src = zipfile.ZipFile(io.BytesIO(data))
            infos = src.infolist()
            gone = infos[self.member % len(infos)].filename
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for info in infos:
                    if info.filename != gone:
                        zf.writestr(info, src.read(info))
            return out.getvalue()
        except Exception:  # the container is already broken (an earlier damage): nothing to open
            return data


_BYTE = st.integers(1, 255)
_AT = st.floats(0, 1)
RAW = st.one_of(st.builds(Truncate, _AT), st.builds(Flip, _AT, _BYTE),
                st.builds(Insert, _AT, st.binary(min_size=1, max_size=16)))
IN_ZIP = st.one_of(RAW, st.builds(InPart, st.integers(0, 30), st.one_of(st.builds(Flip, _AT, _BYTE),
                                                                        st.builds(Truncate, _AT),
                                                                        st.builds(Insert, _AT, st.sampled_from(
                                                                            [b"<", b"&", b"\x00", b"]]>", b"\xff\xfe",
                                                                             b"<!DOCTYPE x>", b'"', b"<c>"])))),
                   st.builds(DropPart, st.integers(0, 30)))


def damaged(source: bytes, damage) -> bytes:
    for d in damage:
        source = d.apply(source)
    return source


# ---------------------------------------------------------------- ledgers

def ingest_damaged(templates, name: str, base: str, data: bytes, grid_of) -> str:
    with scratch() as tmp:
        result = ingest_bytes(templates.get(base, True), Path(tmp) / "ws", name, data)
        check_common(result)
        if not result.accepted:
            return check_rejected(result)
        rows = stored(result.ws.store_path, check_accepted_files(result))
        try:
            grid = grid_of(data, rows)
        except NotWellFormed:
            # calamine reads XML no XML parser accepts, or a text cell whose shared-string index is no number
            # (it takes string 0): a writer's bug, not a transfer's, since the zip's checksums are right. Only
            # what the stored rows must satisfy among themselves is checked
            note("ledger: accepted a sheet whose XML is not well-formed or points at no shared string")
            check_running(rows)
            return CORRECT
        check_detail(rows, grid, header_untouched=True)
        return CORRECT


class NotWellFormed(Exception):
    pass


def _by_directory(data: bytes) -> bytes:
    """The package as its central directory describes it. A flipped byte in a local header's file name leaves
    the data and its CRC whole; calamine (and Excel) read the member where the directory points, Python's
    zipfile refuses it: the oracle reads it as calamine does, checking the CRC itself."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in src.infolist():
                try:
                    body = src.read(info)
                except zipfile.BadZipFile as exc:
                    if "File name in directory" not in str(exc):
                        raise
                    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
                    start = info.header_offset + 30 + name_len + extra_len
                    raw = data[start:start + info.compress_size]
                    body = zlib.decompress(raw, -15) if info.compress_type == zipfile.ZIP_DEFLATED else raw
                    if zlib.crc32(body) != info.CRC:
                        raise
                zf.writestr(info.filename, body)
        return out.getvalue()
    except (zipfile.BadZipFile, zlib.error, struct.error, ValueError, EOFError):
        return data  # damaged otherwise: the oracle's own read says how


def _xlsx_grid(data: bytes, rows) -> Grid:
    try:
        return Grid.from_xlsx(_by_directory(data), stored_sheet(rows))
    except (SyntaxError, BadSharedString) as exc:  # ElementTree's ParseError; a text cell pointing nowhere
        raise NotWellFormed(str(exc)) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise OracleCannotRead(f"accepted a file whose package the oracle cannot open: {exc!r}") from None


@fuzz(180)
@given(damage=st.lists(IN_ZIP, min_size=1, max_size=3))
def test_damaged_xlsx_ledger_is_imported_correctly_or_quarantined_cleanly(templates, damage):
    data = damaged((LEDGERS / LEDGER).read_bytes(), damage)
    record("ledger .xlsx (bytes, parts)", ingest_damaged(templates, LEDGER, LEDGER, data, _xlsx_grid))


@pytest.fixture(scope="session")
def xls_ledger(tmp_path_factory) -> bytes:
    """The sample saved as .xls by LibreOffice (an Excel 97–2003 export, as older 用友 versions write)."""
    from oracles import SOFFICE, soffice_convert

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: no way to write an .xls here")
    return soffice_convert(LEDGERS / LEDGER, "xls", tmp_path_factory.mktemp("xls")).read_bytes()


def _xls_grid(data: bytes, rows) -> Grid:
    """LibreOffice reads the damaged .xls back (to CSV): the oracle for an accepted one."""
    from oracles import soffice_convert

    with tempfile.TemporaryDirectory(prefix="credit-fuzz-xls-") as tmp:
        path = Path(tmp) / "damaged.xls"
        path.write_bytes(data)
        try:
            csv_path = soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp)
        except AssertionError as exc:
            raise OracleCannotRead(f"accepted an .xls LibreOffice cannot read: {exc}") from None
        return Grid.from_csv(csv_path.read_text(encoding="utf-8"), ",")


_XLS_BASELINE: dict[str, object] = {}


@fuzz(50)
@given(damage=st.lists(RAW, min_size=1, max_size=3))
def test_damaged_xls_ledger_is_imported_correctly_or_quarantined_cleanly(templates, xls_ledger, damage):
    name = LEDGER.replace(".xlsx", ".xls")
    data = damaged(xls_ledger, damage)
    if "rows" not in _XLS_BASELINE:
        with scratch() as tmp:
            clean = ingest_bytes(templates.get(LEDGER, True), Path(tmp) / "ws", name, xls_ledger)
            _XLS_BASELINE["rows"] = stored(clean.ws.store_path, check_accepted_files(clean))

    def grid_of(data: bytes, rows) -> Grid:
        if rows == _XLS_BASELINE["rows"]:  # the damage missed everything read: same rows as the clean file
            note("xls: damaged bytes read as the clean file")
            if "grid" not in _XLS_BASELINE:
                _XLS_BASELINE["grid"] = _xls_grid(xls_ledger, rows)
            return _XLS_BASELINE["grid"]
        return _xls_grid(data, rows)

    record("ledger .xls (bytes)", ingest_damaged(templates, name, LEDGER, data, grid_of))


# ---------------------------------------------------------------- forms and registers

def _read(reader, path: Path):
    try:
        return reader(path)
    except UserError as exc:
        return exc


# found by this target: a missing sheet part (calamine raises only when the sheet is read), and a table
# whose ref calamine panics on ("invalid range bounds"), both escaping the fast survey reader
@example(damage=[DropPart(3)])
@example(damage=[InPart(4, Flip(TABLE_REF_AT, 0x08))])
@fuzz(120)
@given(damage=st.lists(IN_ZIP, min_size=1, max_size=3))
def test_damaged_survey_form_is_read_or_refused_clearly(damage):
    record("survey form (bytes, parts)", read_damaged_form(FORM.name, damaged(FORM.read_bytes(), damage)))


def read_damaged_form(name: str, data: bytes) -> str:
    """The oracle on the file's bytes (saved as ``name``): read by the run's reader, or refused clearly."""
    with tempfile.TemporaryDirectory(prefix="credit-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        fast, slow = _read(read_survey_fast, path), _read(read_survey_file, path)
    for refused in (r for r in (fast, slow) if isinstance(r, UserError)):
        assert_clear(str(refused), name)
    production = fast if fast is not None else slow
    if isinstance(production, UserError):
        return CLEAR_ERROR
    check = check_survey(production)
    for p in check.problems:
        assert_clear(f"{p.place}: {p.message}", name)
    return CORRECT if check.survey is not None and not check.errors else CLEAR_ERROR


# found by this target: a table part that is not well-formed XML escaped the ribbon's reader as a ParseError
@example(damage=[InPart(6, Insert(0.5, b"<"))])
@fuzz(120)
@given(damage=st.lists(IN_ZIP, min_size=1, max_size=3))
def test_damaged_register_is_read_or_refused_clearly(damage):
    record("register (bytes, parts)", read_damaged_register(REGISTER.name, damaged(REGISTER.read_bytes(), damage)))


def read_damaged_register(name: str, data: bytes) -> str:
    """The oracle on the file's bytes (saved as ``name``): every problem and refusal clear."""
    with tempfile.TemporaryDirectory(prefix="credit-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        slow, fast = read_register(path), _read(read_register_fast, path)
    if isinstance(fast, UserError):  # `check` and the ribbon then print it and stop: clean
        assert_clear(str(fast), name)
        fast = None
    for p in slow.problems + (fast.problems if fast else ()):
        assert_clear(f"{p.place}: {p.message}", name)
    return CLEAR_ERROR if slow.errors else CORRECT
