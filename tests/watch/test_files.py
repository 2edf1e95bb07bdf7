"""Which names the watcher skips, and when a file's own structure says it is whole."""

from __future__ import annotations

import struct

import pytest
from ingest.ledgers import july, write_detail

from credit_workbook.watcher.files import inbox_candidates, incomplete_reason, is_ignored


@pytest.mark.parametrize("name", [
    "~$八月.xlsx", ".~lock.八月.xlsx#", "A1B2C3D4.tmp", "八月.xlsx.TMP", ".hidden.xlsx",
    "八月.xlsx.crdownload", "八月.xlsx.part", "八月.csv.partial", "八月.xlsx.filepart", "Thumbs.db", "desktop.ini",
])
def test_lock_temp_hidden_and_partial_files_are_ignored(name):
    assert is_ignored(name)


@pytest.mark.parametrize("name", ["八月.xlsx", "八月.XLSM", "八月.xls", "八月.csv", "part.xlsx", "tmp_八月.xlsx"])
def test_ledger_names_are_watched(name):
    assert not is_ignored(name)


def test_candidates_skip_ignored_names_and_folders(tmp_path):
    for name in ("a.xlsx", "~$a.xlsx", "b.tmp"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in inbox_candidates(tmp_path)] == ["a.xlsx"]


@pytest.fixture()
def xlsx_bytes(tmp_path) -> bytes:
    return write_detail(tmp_path / "whole.xlsx", "2026-07", july()).read_bytes()


def test_a_whole_xlsx_is_complete(xlsx_bytes, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx_bytes)
    assert incomplete_reason(path) is None


@pytest.mark.parametrize("keep", [0, 3, 100, 0.5, -1])
def test_a_cut_xlsx_is_not(xlsx_bytes, tmp_path, keep):
    path = tmp_path / "x.xlsx"
    n = int(len(xlsx_bytes) * keep) if isinstance(keep, float) else keep % len(xlsx_bytes)
    path.write_bytes(xlsx_bytes[:n])
    assert incomplete_reason(path) is not None


def _compound_file(used_sectors: int) -> bytes:
    """A minimal OLE2 container: header, one FAT sector (sector 0), then ``used_sectors`` - 1 data sectors."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 26, 3, 0xFFFE, 9)  # version 3, byte order, sector shift 9 (512)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory starts at sector 1
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [0xFFFFFFFD] + [0xFFFFFFFE] * (used_sectors - 1) + [0xFFFFFFFF] * (128 - used_sectors)
    return bytes(header) + struct.pack("<128I", *fat) + b"\x00" * (512 * (used_sectors - 1))


def test_an_xls_is_complete_only_with_every_sector_its_fat_uses(tmp_path):
    data = _compound_file(4)
    path = tmp_path / "x.xls"
    path.write_bytes(data)
    assert incomplete_reason(path) is None
    for cut in (100, 512, 1024, len(data) - 512):
        path.write_bytes(data[:cut])
        assert incomplete_reason(path) is not None, cut


def test_a_csv_cut_inside_a_character_is_not_complete(tmp_path):
    data = "日期,客户名称,借方\n2026-07-05,华东机械有限公司,5000.00\n".encode("gbk")
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert incomplete_reason(path) is None
    cut = data.index("华".encode("gbk")) + 1
    path.write_bytes(data[:cut])
    assert incomplete_reason(path) is not None


def test_a_csv_cut_inside_a_row_is_not_complete(tmp_path):
    """Found by the soak: a GBK CSV cut after “KH002,” parsed as a row without amounts and passed as a month."""
    data = "业务日期,凭证号,客户编码,借方金额\r\n20160813,记-0003,KH002,\"16,831.55\"\r\n".encode("gbk")
    path = tmp_path / "x.csv"
    for whole in (data, data[:-1], data.replace(b"\r\n", b"\n")):  # CRLF, a lone CR, LF
        path.write_bytes(whole)
        assert incomplete_reason(path) is None
    for cut in (data.index(b"KH002") + 6, len(data) - 3):
        path.write_bytes(data[:cut])
        assert incomplete_reason(path) == "最后一行还没有写完"


def test_an_empty_file_is_not_complete_but_garbage_is_left_to_the_parser(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    assert incomplete_reason(path) == "文件还是空的"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02 not a ledger")
    assert incomplete_reason(path) is None  # waiting would not help: the ingest quarantines it with the reason


@pytest.mark.parametrize("name", ["八月.xlsx.crdownload", "八月.xlsx.part", "八月.xlsx.PART", "A1B2C3D4.tmp",
                                  "~$八月.xlsx", ".~lock.八月.xlsx#", "Thumbs.db"])
def test_a_manual_run_skips_the_same_unfinished_and_lock_files(tmp_path, name):
    """`run` lists the inbox through the ingest's own rule: a download in progress is never parsed half-way."""
    from credit_workbook.ingest import ignored, inbox_files
    from credit_workbook.workspace import Workspace

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / name).write_bytes(b"PK\x03\x04 half a download")
    (inbox / "八月.xlsx").write_bytes(b"PK")
    assert ignored(name) and [p.name for p in inbox_files(Workspace(tmp_path))] == ["八月.xlsx"]
