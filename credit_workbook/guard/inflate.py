"""A part of a zip, inflated in bounded steps and held to its declared size and CRC.

zipfile's own reader trusts the declared size in the wrong way for us:
``ZipFile.read`` (what openpyxl calls) inflates a part in one call of up to
2 GiB before cutting it to the declared size, and a CRC forged for the
declared prefix passes. A part that declares 1 KB but holds 30 MiB of
compressed zeros would thus cost openpyxl gigabytes although the directory
looked harmless. Reading each part here, from the raw archive bytes, in
steps of ``step`` bytes of output, proves that it holds exactly what the
directory says; calamine then stops at the same size on its own ("File is
larger than its declared uncompressed size").
"""

from __future__ import annotations

import zipfile
import zlib


class PartStream:
    """``read(n)`` over one member's content; raises ``zipfile.BadZipFile`` on any mismatch."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, step: int = 64 << 10):
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise zipfile.BadZipFile(f"compression method {info.compress_type}")
        self.fp, self.info, self.step = zf.fp, info, step
        self.fp.seek(info.header_offset)
        local = self.fp.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
        self.pos = info.header_offset + 30 + name_len + extra_len
        self.left_in = info.compress_size
        self.inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self.pending = b""
        self.buffer = b""
        self.produced = 0
        self.crc = 0
        self.done = False

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n and not self.done:
            self.buffer += self._more()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def drain(self) -> None:
        while not self.done:
            self._more()
        self.buffer = b""

    def _raw(self) -> bytes:
        self.fp.seek(self.pos)
        raw = self.fp.read(min(self.left_in, self.step))
        if not raw:
            raise zipfile.BadZipFile("truncated part")
        self.pos += len(raw)
        self.left_in -= len(raw)
        return raw

    def _more(self) -> bytes:
        if self.inflater is None:
            out = self._raw() if self.left_in else b""
        else:
            if not self.pending and (self.inflater.eof or not self.left_in):
                out = b""
            else:
                if not self.pending:
                    self.pending = self._raw()
                out = self.inflater.decompress(self.pending, self.step)
                self.pending = self.inflater.unconsumed_tail
                if self.inflater.eof:
                    self.pending = b""
        if not out and not self.pending and (self.inflater is None or self.inflater.eof or not self.left_in):
            self._finish()
            return b""
        self.produced += len(out)
        if self.produced > self.info.file_size:
            raise zipfile.BadZipFile("part larger than its declared size")
        self.crc = zlib.crc32(out, self.crc)
        return out

    def _finish(self) -> None:
        self.done = True
        if self.produced != self.info.file_size or self.crc != self.info.CRC:
            raise zipfile.BadZipFile("part size or CRC does not match the directory")
