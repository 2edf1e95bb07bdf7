"""An xlsx/xlsm package rewritten at the zip level: changed parts recompressed, every other part copied raw.

A write-back into a user's workbook changes a handful of small XML parts.
Copying the other members' compressed bytes as they are (no inflate, no
deflate) keeps them byte for byte whatever they hold — macros, images,
charts, controls, pivot caches, parts no library here understands — and
costs the same for a 10 KB form as for one with a 5 MB photo in it; a
member that is never inflated cannot be a zip bomb for us either.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from credit_workbook.errors import UserError

MAX_PART = 32 << 20  # an XML part of a form larger than this is not something we should inflate
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_EPOCH_DATE, _EPOCH_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00, what Excel writes
_UTF8 = 0x800


class Package:
    """The members of one workbook file, read lazily from its bytes."""

    def __init__(self, data: bytes, display_name: str):
        self.data = data
        self.name = display_name
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise UserError(f"{display_name}: 不是可写回的 .xlsx/.xlsm 工作簿（无法作为 zip 打开，可能已加密或损坏）") from None
        self.infos = self._zip.infolist()
        self._by_name = {info.filename: info for info in self.infos}
        if any(info.flag_bits & 0x1 for info in self.infos):
            raise UserError(f"{display_name}: 工作簿内部有加密部件，无法写回")

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> list[str]:
        return [info.filename for info in self.infos]

    def size(self, name: str) -> int:
        return self._by_name[name].file_size

    def read(self, name: str) -> bytes:
        info = self._by_name[name]
        if info.file_size > MAX_PART:
            raise UserError(f"{self.name}!{name}: 部件过大（{info.file_size:,} 字节），不像一张表单，未写回")
        try:
            return self._zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UserError(f"{self.name}!{name}: 工作簿已损坏（{exc}），未写回") from None

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        header = _LOCAL.unpack_from(self.data, info.header_offset)
        if header[0] != b"PK\x03\x04":
            raise UserError(f"{self.name}: 工作簿已损坏（{info.filename} 的 zip 头不对），未写回")
        start = info.header_offset + _LOCAL.size + header[10] + header[11]
        return self.data[start:start + info.compress_size]

    def rebuilt(self, changed: dict[str, bytes | None]) -> bytes:
        """The package with ``changed`` parts replaced (None removes one; a new name is appended at the end).

        Untouched members keep their compressed bytes, CRC, time and
        attributes; a changed member keeps its time (so a second identical
        write gives identical bytes), a new one gets 1980-01-01 like Excel's.
        """
        out = io.BytesIO()
        central = []
        for info in self.infos:
            if info.filename in changed:
                payload = changed[info.filename]
                if payload is not None:
                    central.append(_write_new(out, info.filename, payload, info))
            else:
                central.append(_write_raw(out, info, self._raw(info)))
        for name, payload in changed.items():
            if name not in self._by_name and payload is not None:
                central.append(_write_new(out, name, payload, None))
        start = out.tell()
        for entry in central:
            out.write(entry)
        size = out.tell() - start
        if len(central) > 0xFFFF or start > 0xFFFFFFFF:
            raise UserError(f"{self.name}: 工作簿过大（需要 zip64），未写回")
        out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
        return out.getvalue()


def _dos(info: zipfile.ZipInfo | None) -> tuple[int, int]:
    if info is None:
        return _EPOCH_DATE, _EPOCH_TIME
    y, mo, d, h, mi, s = info.date_time
    return ((y - 1980) << 9) | (mo << 5) | d, (h << 11) | (mi << 5) | (s // 2)


def _entry(out: io.BytesIO, name: str, method: int, flags: int, dos: tuple[int, int], crc: int, csize: int,
           usize: int, payload: bytes, external: int, system: int, internal: int) -> bytes:
    encoded = name.encode("utf-8")
    if not name.isascii():
        flags |= _UTF8
    flags &= ~0x8  # sizes and CRC are in the header: no data descriptor follows
    offset = out.tell()
    if csize > 0xFFFFFFFF or usize > 0xFFFFFFFF or offset > 0xFFFFFFFF:
        raise UserError(f"{name}: 部件过大（需要 zip64），未写回")
    out.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, flags, method, dos[1], dos[0], crc, csize, usize,
                          len(encoded), 0))
    out.write(encoded)
    out.write(payload)
    return _CENTRAL.pack(b"PK\x01\x02", 20, system, 20, 0, flags, method, dos[1], dos[0], crc, csize, usize,
                         len(encoded), 0, 0, 0, internal, external, offset) + encoded


def _write_raw(out: io.BytesIO, info: zipfile.ZipInfo, raw: bytes) -> bytes:
    return _entry(out, info.filename, info.compress_type, info.flag_bits, _dos(info), info.CRC, info.compress_size,
                  info.file_size, raw, info.external_attr, info.create_system, info.internal_attr)


def _write_new(out: io.BytesIO, name: str, payload: bytes, like: zipfile.ZipInfo | None) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = packer.compress(payload) + packer.flush()
    return _entry(out, name, zipfile.ZIP_DEFLATED, 0, _dos(like), zlib.crc32(payload), len(compressed),
                  len(payload), compressed, like.external_attr if like else 0, like.create_system if like else 0,
                  like.internal_attr if like else 0)


def resolve(source_part: str, target: str) -> str:
    """A relationship's target as a member name: absolute ("/xl/x.xml") or relative to the source part."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (source_part.rpartition("/")[0] + "/" + target).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def rels_part(part: str) -> str:
    """The relationships part that belongs to ``part`` (``xl/worksheets/_rels/sheet1.xml.rels``)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
