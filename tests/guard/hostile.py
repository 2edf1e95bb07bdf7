"""Hostile input files, built in a temp folder: what the guard must stop before any parser.

Real bombs are built without compressing gigabytes: a deflate stream cut
with Z_FULL_FLUSH holds independent, byte-aligned pieces, so one compressed
megabyte of spaces can be repeated to any length; the CRC of the whole is
combined from the pieces' CRCs (zlib's crc32_combine, in Python). The zip
is written by hand (zip64 where needed), so sizes can also be made to lie.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')
SHEET_PART = "xl/worksheets/sheet1.xml"

# ---------------------------------------------------------------- crc32 of a long stream


def _gf2_times(mat: list[int], vec: int) -> int:
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's algorithm)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


# ---------------------------------------------------------------- a zip written by hand


@dataclass
class Member:
    name: str
    data: bytes  # as stored (raw deflate for method 8)
    size: int  # uncompressed size (what the directory says)
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0x800  # UTF-8 names

    @classmethod
    def deflated(cls, name: str, content: bytes, level: int = 6) -> Member:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(name, c.compress(content) + c.flush(), len(content), zlib.crc32(content))


def repeated(name: str, prefix: bytes, unit: bytes, times: int, suffix: bytes) -> Member:
    """prefix + unit × times + suffix, deflated from three independent pieces (fast for any length)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(suffix) + c.flush()
    crc_unit, crc = zlib.crc32(unit), zlib.crc32(prefix)
    # crc of unit × times by doubling
    block_crc, block_len, n = crc_unit, len(unit), times
    while n:
        if n & 1:
            crc = crc32_combine(crc, block_crc, block_len)
        block_crc = crc32_combine(block_crc, block_crc, block_len)
        block_len *= 2
        n >>= 1
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    return Member(name, head + body * times + tail, len(prefix) + len(unit) * times + len(suffix), crc)


def write_zip(path: Path, members: list[Member]) -> Path:
    out = io.BytesIO()
    central = []
    for m in members:
        offset = out.tell()
        name = m.name.encode("utf-8")
        big = m.size >= 0xFFFFFFFF or len(m.data) >= 0xFFFFFFFF or offset >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, m.size, len(m.data)) if big else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(m.data), m.size)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, m.flags, m.method, 0, 0x21,
                              m.crc, *sizes, len(name), len(extra)) + name + extra)
        out.write(m.data)
        cextra = struct.pack("<HHQQQ", 1, 24, m.size, len(m.data), offset) if big else b""
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if big else 20, m.flags, m.method, 0,
                                   0x21, m.crc, *sizes, len(name), len(cextra), 0, 0, 0, 0,
                                   0xFFFFFFFF if big else offset) + name + cextra)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    end = out.tell()
    count = len(members)
    if count >= 0xFFFF or start >= 0xFFFFFFFF:
        out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(directory), start))
        out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    else:
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    path.write_bytes(out.getvalue())
    return path


# ---------------------------------------------------------------- workbooks


def small_workbook(path: Path) -> Path:
    """A real two-cell workbook (XlsxWriter), the base the hostile variants are cut from."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    ws.write_string("A1", "客户")
    ws.write_number("B2", 12.5)
    wb.close()
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def with_parts(base: Path, path: Path, replace: dict[str, bytes], extra: list[Member] = ()) -> Path:
    members = [Member.deflated(n, replace.get(n, d)) for n, d in parts(base).items()]
    return write_zip(path, members + list(extra))


def with_sheet(base: Path, path: Path, body: bytes, dimension: str | None = None) -> Path:
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    sheet = SHEET_HEAD + dim + b"<sheetData>" + body + b"</sheetData></worksheet>"
    return with_parts(base, path, {SHEET_PART: sheet})


def zip_bomb(base: Path, path: Path, unpacked: int) -> Path:
    """A workbook whose sheet is ``unpacked`` bytes of valid XML (spaces between elements)."""
    unit = b" " * (1 << 20)
    times = max(1, unpacked // len(unit))
    bomb = repeated(SHEET_PART, SHEET_HEAD + b"<sheetData>", unit, times, b"</sheetData></worksheet>")
    others = [Member.deflated(n, d) for n, d in parts(base).items() if n != SHEET_PART]
    return write_zip(path, others + [bomb])


def lying_sizes(base: Path, path: Path, unpacked: int, declared: int, forge_crc: bool = False) -> Path:
    """A bomb whose directory declares ``declared`` bytes for a sheet that inflates to ``unpacked``.

    ``forge_crc``: the CRC is that of the declared prefix, so zipfile's reader finds nothing wrong.
    """
    unit = b" " * (1 << 20)
    prefix = SHEET_HEAD + b"<sheetData>"
    bomb = repeated(SHEET_PART, prefix, unit, max(1, unpacked >> 20), b"</sheetData></worksheet>")
    bomb.size = declared
    if forge_crc:
        bomb.crc = zlib.crc32((prefix + unit)[:declared])
    others = [Member.deflated(n, d) for n, d in parts(base).items() if n != SHEET_PART]
    return write_zip(path, others + [bomb])


LOL = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
       + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
                  for i in range(1, 10)) + b"]>")


def xxe(secret: Path) -> bytes:
    return f'<!DOCTYPE x [<!ENTITY lol9 SYSTEM "file://{secret}">]>'.encode()


def with_dtd(base: Path, path: Path, part: str, dtd: bytes, padding: bytes = b"") -> Path:
    """``part`` with ``dtd`` after its XML declaration and an entity reference where a reader looks."""
    original = parts(base)[part]
    end = original.find(b"?>") + 2 if original.startswith(b"<?xml") else 0
    xml = original[:end] + padding + dtd + original[end:]
    if part == SHEET_PART:
        xml = xml.replace(b"</sheetData>", b'<row r="3"><c r="A3" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
                                           b"</sheetData>")
    elif part == "xl/sharedStrings.xml":
        xml = xml.replace("客户".encode(), b"&lol9;")
    elif part == "docProps/core.xml":
        xml = xml.replace(b"</cp:coreProperties>", b"<dc:title>&lol9;</dc:title></cp:coreProperties>")
    elif part == "xl/workbook.xml":
        xml = xml.replace("台账".encode(), b"&lol9;")
    return with_parts(base, path, {part: xml})


def utf16_part(base: Path, path: Path, part: str, dtd: str) -> Path:
    """The part re-encoded as UTF-16 (a BOM, then the DTD): a byte search for <!DOCTYPE misses it."""
    original = parts(base)[part].decode("utf-8")
    end = original.find("?>") + 2 if original.startswith("<?xml") else 0
    text = original[:end].replace("UTF-8", "UTF-16") + dtd + original[end:]
    return with_parts(base, path, {part: text.encode("utf-16")})


def xls_with_cell(src_xls: Path, path: Path, row: int, col: int) -> Path:
    """A copy of a real .xls whose first RK/NUMBER/LABELSST cell record is moved to (row, col)."""
    import olefile

    shutil.copyfile(src_xls, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        pos = 0
        while pos + 4 <= len(data):
            kind, length = struct.unpack_from("<HH", data, pos)
            if kind in (0x027E, 0x0203, 0x00FD):
                struct.pack_into("<HH", data, pos + 4, row, col)
                break
            pos += 4 + length
        else:
            raise AssertionError("no cell record found")
        ole.write_stream("Workbook", bytes(data))
    return path


def calamine_in_child(path: Path, limit_gib: int = 4, timeout: int = 120) -> subprocess.CompletedProcess:
    """Open ``path`` with calamine (no guard) in a child process capped at ``limit_gib`` of address space."""
    code = (
        "import resource, sys, python_calamine as pc\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit_gib} << 30, {limit_gib} << 30))\n"
        "wb = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
        "for n in wb.sheet_names: wb.get_sheet_by_name(n).to_python()\n"
        "print('read')\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False,
                          timeout=timeout)
