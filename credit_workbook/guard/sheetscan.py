"""The real used area of a worksheet part, without parsing it as XML.

calamine builds a dense grid from the extreme cells it finds, whatever the
``<dimension>`` says: a 5 KB sheet with one value in A1 and one in
XFD1048576 asks for 512 GiB and aborts the process (a Rust allocation
failure is no Python exception: the watcher would die on it, restart and
die again). openpyxl keeps such cells sparse, but the readers then iterate
the whole range. So before any parser runs, every worksheet part is
streamed once (zlib, 64 KiB blocks) and its extent computed the way calamine
computes it:

- a cell with ``r="XFD12"`` sits there (letters case-insensitive, the last
  ``r`` of a tag wins; a row number past 2³² wraps there, which is
  taken here as the huge number it is written as);
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

import functools
import re
from dataclasses import dataclass

BLOCK = 64 << 10  # zipfile holds ~4 blocks while reading: a ledger check adds ~0.5 MiB of Python memory

# A block is regular when no <c> or <row> tag is prefixed, and each starts with a canonical
# r="…" followed only by attributes whose names do not start with r, double-quoted, one space
# apart, maybe a space before "/>" (openpyxl) — what every common writer produces.
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ATTRS_THEN_END = rb'(?: [a-qs-z][\w:]*="[^"]*")* ?/?>'
_C_ATTRS_THEN_END = rb'(?: (?:[st]|[cv]m|ph)="[^"]*")* ?/?>'  # a cell's other attributes (ECMA-376 18.3.1.4)
_CANON_C = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"' + _C_ATTRS_THEN_END)
_CANON_ROW = re.compile(rb'<row r="([0-9]{1,7})"' + _ATTRS_THEN_END)
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


def fast_bound(block: bytes, rows: int, columns: int) -> Extent | None:
    """An upper bound of the block's extent if the block is regular, else None.

    A canonical tag inside the box ``rows`` × ``columns`` (chosen by the
    caller to fit its limits) is passed over by the regex at C speed; only
    tags outside it, or not canonical, come back to Python. So a regular
    block inside the box costs three regex passes and no Python per cell.
    A bound over the limit is no verdict: the caller then takes the exact path.
    """
    if _PREFIXED.search(block):
        return None
    odd_c, odd_row = _outside(rows, columns)
    out = Extent()
    if b'<c r="' in block or b'<row r="' in block:
        out.rows, out.columns = rows, columns
    for tag in odd_c.findall(block):
        m = _CANON_C.fullmatch(tag)
        if m is None:
            return None
        out.rows = max(out.rows, int(m.group(2)))
        out.columns = max(out.columns, column_number(m.group(1).decode()))
    for tag in odd_row.findall(block):
        m = _CANON_ROW.fullmatch(tag)
        if m is None:
            return None
        out.rows = max(out.rows, int(m.group(1)))
    return out


@functools.lru_cache(maxsize=8)
def _outside(rows: int, columns: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Regexes finding the <c> and <row> tags that are not canonical references inside the box."""
    number = _upto(str(rows)).encode()
    letters = _upto_letters(columns).encode()
    cell = re.compile(rb'<c(?! r="(?:' + letters + rb")(?:" + number + rb')"' + _C_ATTRS_THEN_END + rb")[\s/>][^>]*>")
    row = re.compile(rb'<row(?! r="(?:' + number + rb')"' + _ATTRS_THEN_END + rb")[\s/>][^>]*>")
    return cell, row


def _upto(n: str) -> str:
    """A regex for the decimal numbers 1…n (no leading zeros)."""
    alts = []
    if len(n) > 1:
        alts.append(f"[1-9][0-9]{{0,{len(n) - 2}}}")
    for i, d in enumerate(n):
        low = "1" if i == 0 else "0"
        if d > low:
            top = chr(ord(d) - 1)
            alts.append(f"{n[:i]}[{low}-{top}][0-9]{{{len(n) - i - 1}}}")
    alts.append(n)
    return "|".join(alts)


def _upto_letters(columns: int) -> str:
    """A regex for the column names A…(the ``columns``-th), at most three letters."""
    last = ""
    n = columns
    while n > 0:
        n, rem = divmod(n - 1, 26)
        last = chr(65 + rem) + last
    alts = [f"[A-Z]{{{k}}}" for k in range(1, len(last))]
    for i, ch in enumerate(last):
        if ch > "A":
            alts.append(f"{last[:i]}[A-{chr(ord(ch) - 1)}][A-Z]{{{len(last) - i - 1}}}")
    alts.append(last)
    return "|".join(alts)


_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_VALUE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")


class BadReference(Exception):
    """A cell or row reference no reader could place."""


def exact_extent(blocks_iter, enough=lambda extent: False) -> Extent:
    """calamine's placement, tag by tag (slow; only for irregular parts).

    Stops after the first block at which ``enough(extent so far)`` holds:
    a hostile part is refused without being read to its end.

    Where calamine's rule is not certain (the row a reference-less cell or
    row continues from after an explicit reference elsewhere) the larger
    candidate is taken: this is a bound, never an underestimate.
    """
    out = Extent()
    row = 0  # 1-based row of the current <row>, 0 before the first
    top = 0  # highest row placed so far: where a row without r may continue from
    col = 0  # 1-based column of the previous cell in this row
    for block in blocks_iter:
        for m in _TAG.finditer(block):
            closing, name, attrs = m.groups()
            if closing:
                continue
            values = _R_VALUE.findall(attrs)
            ref = (values[-1][0] or values[-1][1]).strip() if values else None
            if name == b"row":
                row = _row_number(ref) if ref is not None else top + 1
                top, col = max(top, row), 0
            elif ref is None:
                col += 1
                top = max(top, row, 1)
            else:
                ref_match = _REF.fullmatch(ref)
                if ref_match is None or not ref_match.group(1) or not ref_match.group(2):
                    raise BadReference(ref.decode("utf-8", "replace")[:40])
                col = column_number(ref_match.group(1).decode())
                top = max(top, int(ref_match.group(2)))
            out.rows, out.columns = max(out.rows, top), max(out.columns, col)
        if enough(out):
            break
    return out


def _row_number(ref: bytes) -> int:
    if not ref.isdigit():
        raise BadReference(ref.decode("utf-8", "replace")[:40])
    return int(ref)
