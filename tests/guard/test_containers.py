"""The zip directory and the container: bombs, member floods, damage and disguises, refused before any parser."""

from __future__ import annotations

import shutil
import time
import zipfile

import pytest

from credit_workbook import guard
from credit_workbook.errors import (
    DamagedWorkbook,
    SuspiciousCompression,
    TooManyParts,
    UnpackedTooLarge,
    UnsafeInput,
    WrongFileType,
)
from credit_workbook.guard import EXCEL_KINDS, InputLimits, Kind

from .hostile import (
    Member,
    crc32_combine,
    lying_sizes,
    parts,
    repeated,
    with_parts,
    write_zip,
    zip_bomb,
)


def test_crc32_combine_matches_zlib():
    import zlib

    a, b = b"abc" * 1000, b"\x00" * 777 + b"xyz"
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    m = repeated("x", b"<a>", b" " * 1000, 37, b"</a>")
    assert zlib.decompress(m.data, -15) == b"<a>" + b" " * 37000 + b"</a>" and m.crc == zlib.crc32(
        b"<a>" + b" " * 37000 + b"</a>")


def test_a_31_mib_bomb_is_refused_from_the_directory_in_milliseconds(base, tmp_path):
    bomb = zip_bomb(base, tmp_path / "bomb.xlsx", unpacked=32 << 30)  # 32 GiB of XML whitespace
    assert 30 << 20 < bomb.stat().st_size < 33 << 20
    with zipfile.ZipFile(bomb) as zf:  # a genuine bomb: zipfile agrees on every size and the stream inflates
        sheet = zf.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size > 32 << 30
        with zf.open(sheet) as fh:
            assert fh.read(1 << 20).startswith(b"<?xml")
    start = time.process_time()
    with pytest.raises(UnpackedTooLarge) as caught:
        guard.check_workbook(bomb)
    spent = time.process_time() - start
    assert spent < 0.05, spent
    assert str(caught.value) == ("bomb.xlsx: 文件解压后过大（32,768 MiB，上限 1,024 MiB），疑似压缩炸弹，拒绝读取"
                                 "（上限见 credit.toml 的 [inputs] 节）")


def test_a_bomb_under_the_size_limit_is_refused_by_its_ratio(base, tmp_path):
    bomb = zip_bomb(base, tmp_path / "小炸弹.xlsx", unpacked=16 << 20)
    with pytest.raises(SuspiciousCompression, match=r"部件 xl/worksheets/sheet1.xml 压缩比异常（[\d,]{3,5} : 1，上限 200 : 1）"):
        guard.check_workbook(bomb)
    # the same file passes a workspace that allows such ratios, and its 16 MiB are then really scanned
    assert guard.check_workbook(bomb, limits=InputLimits(max_ratio=1032)).kind is Kind.XLSX


@pytest.mark.parametrize("forge_crc", [False, True])
def test_sizes_that_lie_are_caught_when_the_part_is_read(base, tmp_path, forge_crc):
    liar = lying_sizes(base, tmp_path / "liar.xlsx", unpacked=64 << 20, declared=1000, forge_crc=forge_crc)
    with pytest.raises(DamagedWorkbook, match="liar.xlsx: 文件不完整或已损坏"):
        guard.check_workbook(liar)


def test_why_parts_are_inflated_by_the_guard_itself(base, tmp_path):
    """With a forged CRC, ZipFile.read (openpyxl's way) inflates the whole lie, then returns 1,000 bytes happily."""
    import tracemalloc

    liar = lying_sizes(base, tmp_path / "liar.xlsx", unpacked=64 << 20, declared=1000, forge_crc=True)
    tracemalloc.start()
    try:
        with zipfile.ZipFile(liar) as zf:
            assert len(zf.read("xl/worksheets/sheet1.xml")) == 1000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak > 60 << 20, peak


def test_a_flood_of_members_is_refused(base, tmp_path):
    members = [Member.deflated(n, d) for n, d in parts(base).items()]
    members += [Member.deflated(f"xl/media/x{i}.bin", b"") for i in range(100_000)]
    flood = write_zip(tmp_path / "flood.xlsx", members)
    start = time.process_time()
    with pytest.raises(TooManyParts, match=f"flood.xlsx: 文件包含 {len(members):,} 个部件（上限 10,000）"):
        guard.check_workbook(flood)
    assert time.process_time() - start < 2.0  # reading a 100,000-entry directory, nothing more


def test_compression_methods_excel_never_uses_are_refused(base, tmp_path):
    members = [Member.deflated(n, d) for n, d in parts(base).items()]
    members[0].method = zipfile.ZIP_BZIP2
    with pytest.raises(DamagedWorkbook, match="使用了 Excel 不使用的压缩方式（编号 12）"):
        guard.check_workbook(write_zip(tmp_path / "bz.xlsx", members))


def test_zip_passwords_and_duplicate_parts_are_refused(base, tmp_path):
    members = [Member.deflated(n, d) for n, d in parts(base).items()]
    members[0].flags |= 0x1
    with pytest.raises(DamagedWorkbook, match="设有 zip 密码"):
        guard.check_workbook(write_zip(tmp_path / "zc.xlsx", members))
    members = [Member.deflated(n, d) for n, d in parts(base).items()]
    twin = Member.deflated("xl/worksheets/sheet1.xml", b"<worksheet/>")
    with pytest.raises(DamagedWorkbook, match="重名的部件 xl/worksheets/sheet1.xml"):
        guard.check_workbook(write_zip(tmp_path / "twin.xlsx", members + [twin]))


@pytest.mark.parametrize("cut", [10, 100, 0.5, -22, -1])
def test_truncated_workbooks_are_damaged(base, tmp_path, cut):
    data = base.read_bytes()
    size = int(len(data) * cut) if isinstance(cut, float) else cut
    path = tmp_path / "半截.xlsx"
    path.write_bytes(data[:size])
    with pytest.raises(DamagedWorkbook, match="半截.xlsx: 文件不完整或已损坏"):
        guard.check_workbook(path)


def test_content_decides_not_the_suffix(base, tmp_path):
    xlsx_as_csv = tmp_path / "其实是xlsx.csv"
    shutil.copyfile(base, xlsx_as_csv)
    assert guard.check_workbook(xlsx_as_csv).kind is Kind.XLSX
    csv_as_xlsx = tmp_path / "其实是csv.xlsx"
    csv_as_xlsx.write_text("日期,借方\n2026-10-01,100\n", encoding="gbk")
    assert guard.check_workbook(csv_as_xlsx).kind is Kind.CSV
    with pytest.raises(WrongFileType, match="其实是csv.xlsx: 文件实际是文本（CSV 等），这里需要 .xlsm、.xlsx"):
        guard.check_workbook(csv_as_xlsx, accept=EXCEL_KINDS)
    macro = with_parts(base, tmp_path / "宏.xlsx", {}, [Member.deflated("xl/vbaProject.bin", b"\xd0\xcf" * 100)])
    assert guard.check_workbook(macro).kind is Kind.XLSM  # keep_vba on write-back, whatever the suffix says


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件是空的"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页（HTML/XML）格式"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "网页（HTML/XML）格式"),
    (b"%PDF-1.4\x00\x01", "不是 Excel 或 CSV 文件（二进制内容无法识别）"),
])
def test_what_is_no_table_is_named(tmp_path, content, message):
    path = tmp_path / "导出.xls"
    path.write_bytes(content)
    with pytest.raises(WrongFileType, match=message):
        guard.check_workbook(path)


@pytest.mark.parametrize(("names", "what"), [
    (["mimetype", "content.xml", "META-INF/manifest.xml"], "OpenDocument 表格（.ods"),
    (["[Content_Types].xml", "xl/workbook.bin"], "二进制工作簿（.xlsb）"),
    (["[Content_Types].xml", "word/document.xml"], "Word 文档"),
    (["readme.txt"], "普通压缩包"),
])
def test_other_zips_are_named(tmp_path, names, what):
    path = write_zip(tmp_path / "x.xlsx", [Member.deflated(n, b"<x/>") for n in names])
    with pytest.raises(WrongFileType, match=what):
        guard.check_workbook(path)


def test_a_real_xls_is_recognised_and_a_word_file_is_not(real_xls, tmp_path):
    renamed = tmp_path / "其实是xls.xlsx"
    shutil.copyfile(real_xls, renamed)
    assert guard.check_workbook(renamed).kind is Kind.XLS
    with pytest.raises(WrongFileType, match=r"文件实际是Excel 97-2003 工作簿（\.xls），这里需要"):
        guard.check_workbook(renamed, accept=EXCEL_KINDS)


def test_every_refusal_is_a_user_error_naming_the_file(base, tmp_path):
    path = tmp_path / "台账 10月.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(UnsafeInput) as caught:
        guard.check_workbook(path)
    assert caught.value.exit_code == 2 and str(caught.value).startswith("台账 10月.xlsx: ")
    with pytest.raises(DamagedWorkbook, match="不存在"):
        guard.check_workbook(tmp_path / "missing.xlsx")
