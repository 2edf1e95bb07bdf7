"""The real used area of a worksheet part, without parsing it as XML.

calamine builds a dense grid from the extreme cells it finds, whatever the
``<dimension>`` says: a 5 KB sheet with one value in A1 and one in
XFD1048576 asks for 512 GiB and aborts the process (a Rust allocation
failure is no Python exception: the watcher would die on it, restart and
die again). openpyxl keeps such cells sparse, but the readers then iterate
the whole range. So before any parser runs, every worksheet part is
streamed once (zlib, 1 MiB blocks) and its extent computed the way calamine
computes it:

- a cell with ``r="XFD12"`` sits there (letters case-insensitive, the last
  ``r`` of a tag wins, a row number wraps at 2³²);
- a cell without ``r`` follows the previous cell of its row, a row without
  ``r`` follows the previous row; element prefixes are ignored.

Fast path: files written by Excel, WPS, LibreOffice, XlsxWriter and
openpyxl put a canonical ``r="B12"`` first in every ``<c>`` and ``<row>``
tag. Whether a block is that regular is decided with byte counts
(C speed), and then only the references that could matter — columns of two
or more letters, rows with as many digits as the limit — are looked at.
Anything irregular (prefixes, missing, quoted-differently, spaced or
duplicated ``r``, comments around tags) takes the exact path, a regex
tokenizer ~10× slower but only for files no common writer produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLOCK = 1 << 20

# Regularity of one block: every cell / row tag starts like this …
_C_CANON, _ROW_CANON = b'<c r="', b'<row r="'
# … and these are all the ways an unprefixed <c> or <row> tag can start.
_C_STARTS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_ROW_STARTS = (b"<row ", b"<row>", b"<row/", b"<row\t", b"<row\n", b"<row\r")
_R_ATTRS = (b' r="', b"\tr=", b"\nr=", b"\rr=", b" r=")  # the first also counts in the last
_PREFIXED = (b":row", b":c ", b":c>", b":c/", b":c\t", b":c\n", b":c\r")
_SPACED_EQ = (b" =", b"\t=", b"\n=", b"\r=")
_BAD_C = re.compile(rb'<c r="(?![A-Z]{1,3}[0-9]{1,7}")')
_BAD_ROW = re.compile(rb'<row r="(?![0-9]{1,7}")')
_WIDE = re.compile(rb'<c r="([A-Z]{2,3})')
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["\']([^"\']*)["\']')


@dataclass
class Extent:
    """Highest 1-based row and column a reader will place a cell in (0 = no cell)."""

    rows: int = 0
    columns: int = 0

    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def declared(head: bytes) -> tuple[str, Extent] | None:
    """The ``<dimension ref>`` near the top of the part, if any: (ref, its extent)."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    ref = m.group(1).decode("ascii", "replace")
    end = ref.rpartition(":")[2].replace("$", "")
    mm = re.fullmatch(r"([A-Za-z]{1,4})(\d{1,10})", end)
    if not mm:
        return None
    return ref, Extent(int(mm.group(2)), column_number(mm.group(1)))


def blocks(stream, size: int = BLOCK):
    """Decompressed text cut just before a '<', so no tag is ever split between two blocks."""
    carry = b""
    while True:
        data = stream.read(size)
        if not data:
            if carry:
                yield carry
            return
        data = carry + data
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = b""
            yield data
        else:
            carry = data[cut:]
            yield data[:cut]


def fast_bound(block: bytes, row_digits: int) -> Extent | None:
    """An upper bound of the block's extent if the block is regular, else None.

    Columns: exact when a reference has two or more letters, else 26 (Z).
    Rows: exact for references of at least ``row_digits`` digits; shorter
    ones are all below 10^(row_digits-1), which the caller chose to be under
    its limit, so they need not be converted one by one. A bound over the
    limit is not a verdict: the caller then takes the exact path.
    """
    if any(p in block for p in _PREFIXED) or any(p in block for p in _SPACED_EQ):
        return None
    cells = block.count(_C_CANON)
    rows = block.count(_ROW_CANON)
    if cells != sum(block.count(s) for s in _C_STARTS) or rows != sum(block.count(s) for s in _ROW_STARTS):
        return None
    if sum(block.count(a) for a in _R_ATTRS) - block.count(_R_ATTRS[0]) != cells + rows:
        return None  # an r attribute outside the canonical place: a duplicate, or in text
    if _BAD_C.search(block) or _BAD_ROW.search(block):
        return None
    out = Extent()
    if cells:
        out.columns = max((column_number(m.decode()) for m in _WIDE.findall(block)), default=26)
    if cells or rows:
        digits = max(row_digits, 1)
        found = re.findall(rb'r="[A-Z]{0,3}([0-9]{%d,7})"' % digits, block)
        out.rows = max((int(x) for x in found), default=10 ** (digits - 1) - 1)
    return out


_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_VALUE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")


class BadReference(Exception):
    """A cell or row reference no reader could place."""


def exact_extent(blocks_iter) -> Extent:
    """calamine's placement, tag by tag (slow; only for irregular parts)."""
    out = Extent()
    row = 0  # 1-based row of the current <row>, 0 before the first
    col = 0  # 1-based column of the previous cell in this row
    for block in blocks_iter:
        for m in _TAG.finditer(block):
            closing, name, attrs = m.groups()
            if closing:
                continue
            values = _R_VALUE.findall(attrs)
            ref = (values[-1][0] or values[-1][1]) if values else None
            if name == b"row":
                row = _row_number(ref) if ref is not None else row + 1
                col = 0
                out.rows = max(out.rows, row)
                continue
            if ref is None:
                col += 1
                cell_row = max(row, 1)
            else:
                letters, digits = _REF.fullmatch(ref.strip()).groups() if _REF.fullmatch(ref.strip()) else (b"", b"")
                if not letters or not digits:
                    raise BadReference(ref.decode("utf-8", "replace")[:40])
                col, cell_row = column_number(letters.decode()), int(digits) % (1 << 32)
            out.rows = max(out.rows, cell_row)
            out.columns = max(out.columns, col)
    return out


def _row_number(ref: bytes) -> int:
    if not ref.strip().isdigit():
        raise BadReference(ref.decode("utf-8", "replace")[:40])
    return int(ref) % (1 << 32)
