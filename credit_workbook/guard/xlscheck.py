"""The checks an OLE2 file (.xls, or an encrypted .xlsx) must pass before a reader opens it.

An .xls holds its cells as BIFF records with 16-bit row and column numbers.
calamine sizes its grid from the largest ones, and a 5 KB file whose one RK
record says column 65535 asked it for 128 GiB and aborted the process. The
records are walked here (cheap: a BIFF8 sheet has at most 65,536 rows) and
each sheet's extent held to the same limits as an .xlsx. The walk also sees
FILEPASS, the record that says the rest of the stream is encrypted.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from credit_workbook.errors import (
    DamagedWorkbook,
    SheetTooLarge,
    UnpackedTooLarge,
    WrongFileType,
)
from credit_workbook.guard.limits import InputLimits
from credit_workbook.guard.sheetscan import Extent

DAMAGED = "文件不完整或已损坏（不是有效的 Excel 文件）"
_BOF, _FILEPASS = 0x0809, 0x002F
# Records that place one cell: FORMULA (BIFF5/8 and 3/4), BLANK, NUMBER, LABEL, BOOLERR, RK, LABELSST, RSTRING.
_CELL = frozenset({0x0006, 0x0406, 0x0206, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first column, …, last column
_SETTING = "（上限见 credit.toml 的 [inputs] 节）"
_PAIR, _ONE = struct.Struct("<HH"), struct.Struct("<H")


@dataclass
class OleContent:
    encrypted_ooxml: bool  # an .xlsx/.xlsm with an opening password
    encrypted_xls: bool  # an .xls with an opening password (FILEPASS)


def check_ole(source: str | BinaryIO, name: str, limits: InputLimits) -> OleContent:
    """What the OLE2 file holds; an unencrypted .xls is also held to the sheet limits."""
    import olefile

    try:
        ole = olefile.OleFileIO(source)
    except Exception:  # noqa: BLE001 - olefile raises OSError, struct.error, IndexError … on broken containers
        raise DamagedWorkbook(f"{name}: {DAMAGED}") from None
    with ole:
        streams = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=False)}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            return OleContent(encrypted_ooxml=True, encrypted_xls=False)
        book = next((s for s in ("workbook", "book") if s in streams), None)
        if book is None:
            raise WrongFileType(f"{name}: 文件是其他 Office 文件（如 Word 97-2003 文档），不是 Excel 工作簿")
        try:
            size = ole.get_size(book)
            if size > limits.max_unpacked_bytes:
                raise UnpackedTooLarge(f"{name}: 文件过大（{size / (1 << 20):,.0f} MiB，上限 "
                                       f"{limits.max_unpacked_mb:,} MiB），拒绝读取{_SETTING}")
            data = ole.openstream(book).read()
        except (OSError, ValueError, struct.error, IndexError):
            raise DamagedWorkbook(f"{name}: {DAMAGED}") from None
    return OleContent(encrypted_ooxml=False, encrypted_xls=check_biff(data, name, limits))


def check_biff(data: bytes, name: str, limits: InputLimits) -> bool:
    """True if the stream is encrypted (FILEPASS); raises when a sheet is too large.

    The loop is kept tight (one precompiled unpack, the common cell records
    first): a 60,000-row sheet has half a million records.
    """
    from credit_workbook.guard.zipcheck import fits

    pair = _PAIR.unpack_from
    cell, multi = _CELL, _MULTI
    pos, end = 0, len(data)
    sheet_no = -1  # substream index: -1 before the first BOF, 0 = workbook globals, 1… = sheets
    rows = cols = 0

    def verdict() -> None:
        extent = Extent(rows, cols)
        if sheet_no > 0 and not fits(extent, limits):
            raise SheetTooLarge(f"{name}: 第{sheet_no}张工作表的已用范围达 {extent.rows:,} 行 × {extent.columns:,} 列"
                                f"（{extent.cells():,} 个单元格），超过上限（{limits.max_rows:,} 行、"
                                f"{limits.max_columns:,} 列、{limits.max_cells:,} 个单元格），拒绝读取{_SETTING}")

    while pos + 4 <= end:
        kind, length = pair(data, pos)
        if pos + 4 + length > end:  # the last record runs past the stream: read nothing beyond it (fuzz find)
            raise DamagedWorkbook(f"{name}: {DAMAGED}")
        if kind in cell:
            if length >= 4:
                row, col = pair(data, pos + 4)
                if row >= rows:
                    rows = row + 1
                if col >= cols:
                    cols = col + 1
        elif kind in multi:
            if length >= 6:
                row, first = pair(data, pos + 4)
                (last,) = _ONE.unpack_from(data, pos + 2 + length)
                count = (length - 6) // (6 if kind == 0x00BD else 2)
                rows, cols = max(rows, row + 1), max(cols, first + count, last + 1)
        elif kind == _BOF:
            verdict()
            sheet_no, rows, cols = sheet_no + 1, 0, 0
        elif kind == _FILEPASS and sheet_no == 0:
            return True
        pos += 4 + length
    verdict()
    return False
