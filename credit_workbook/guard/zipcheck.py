"""The checks an .xlsx/.xlsm must pass before calamine or openpyxl may open it.

Order matters for cost: everything the zip central directory tells (member
count, unpacked sizes, per-member ratio, compression methods) is judged
first, in milliseconds, so a bomb never gets decompressed at all (GUIDE: a
31 MiB bomb cost calamine 1.27 GB and 27 s). Then every part is inflated
once in bounded steps (``inflate``), which proves the declared sizes
true — calamine stops at them by itself, openpyxl's ``ZipFile.read`` does
not — and on the way the prolog of every XML part is checked for DTDs and
the real extent of every worksheet computed (``sheetscan``). For a
1,000,000-line ledger that pass costs ~0.4× calamine's own read of it;
for a form, under a millisecond.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from typing import BinaryIO

from credit_workbook.errors import (
    DamagedWorkbook,
    SheetTooLarge,
    SuspiciousCompression,
    TooManyParts,
    UnpackedTooLarge,
    WrongFileType,
    XmlDeclarationsRefused,
)
from credit_workbook.guard.inflate import PartStream
from credit_workbook.guard.limits import InputLimits
from credit_workbook.guard.sheetscan import (
    BadReference,
    Extent,
    blocks,
    declared,
    exact_extent,
    fast_bound,
)
from credit_workbook.guard.sniff import Kind, zip_kind
from credit_workbook.guard.xmlprolog import DtdFound, root_element

RATIO_FLOOR = 1 << 20  # a part smaller than this cannot hurt, whatever its ratio
SHEET_ROOTS = frozenset({"worksheet", "macrosheet", "dialogsheet"})  # parts whose cells a reader places
HEAD = 16 << 10
DAMAGED = "文件不完整或已损坏（不是有效的 Excel 文件）"
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)/?>")
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)/?>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SETTING = "（上限见 credit.toml 的 [inputs] 节）"


def check_zip(source: str | BinaryIO, name: str, limits: InputLimits) -> Kind:
    """XLSX or XLSM if ``source`` is safe to hand to a reader; else the refusal, naming ``name``."""
    try:
        zf = zipfile.ZipFile(source)
    except _READ_ERRORS:
        raise DamagedWorkbook(f"{name}: {DAMAGED}") from None
    with zf:
        infos = zf.infolist()
        _check_directory(infos, name, limits)
        kind = zip_kind([i.filename for i in infos])
        if not isinstance(kind, Kind):
            raise WrongFileType(f"{name}: 文件是{kind}，不是 Excel 工作簿；请在 Excel 中打开后另存为 .xlsx")
        try:
            for info, stream in _parts(zf, infos, name):
                _check_sheet(zf, info, stream, name, limits)
        except _READ_ERRORS:
            raise DamagedWorkbook(f"{name}: {DAMAGED}") from None
    return kind


def _check_directory(infos: list[zipfile.ZipInfo], name: str, limits: InputLimits) -> None:
    if not infos:
        raise DamagedWorkbook(f"{name}: {DAMAGED}")
    if len(infos) > limits.max_parts:
        raise TooManyParts(f"{name}: 文件包含 {len(infos):,} 个部件（上限 {limits.max_parts:,}），"
                           f"结构异常，拒绝读取{_SETTING}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise UnpackedTooLarge(f"{name}: 文件解压后过大（{total / (1 << 20):,.0f} MiB，上限 {limits.max_unpacked_mb:,} MiB），"
                               f"疑似压缩炸弹，拒绝读取{_SETTING}")
    seen: set[str] = set()
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise SuspiciousCompression(
                f"{name}: 部件 {i.filename} 压缩比异常（{ratio:,.0f} : 1，上限 {limits.max_ratio} : 1），"
                f"疑似压缩炸弹，拒绝读取{_SETTING}")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DamagedWorkbook(f"{name}: 部件 {i.filename} 使用了 Excel 不使用的压缩方式（编号 {i.compress_type}），拒绝读取")
        if i.flag_bits & 0x1:
            raise DamagedWorkbook(f"{name}: 部件 {i.filename} 设有 zip 密码，不是 Excel 保存的文件，拒绝读取")
        if i.filename in seen:
            raise DamagedWorkbook(f"{name}: 压缩包中有重名的部件 {i.filename}，文件结构异常，拒绝读取")
        seen.add(i.filename)


def _parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> list[tuple[zipfile.ZipInfo, _Replay]]:
    """Every part inflated once (sizes and CRCs proven, DTDs refused); the worksheets, by their root element,
    each with a stream that starts over at its first byte."""
    sheets = []
    for info in infos:
        if info.is_dir():
            continue
        part = PartStream(zf, info)
        seen = _Replay(b"", part, keep=True)
        try:
            root = root_element(seen)
        except DtdFound:
            raise XmlDeclarationsRefused(
                f"{name}: 部件 {info.filename} 含有 DTD/实体声明（<!DOCTYPE>），出于安全原因拒绝读取"
                "（Excel 不会写出这种内容，文件可能被篡改）") from None
        if root in SHEET_ROOTS:
            sheets.append((info, _Replay(seen.kept, part)))
        else:
            part.drain()
    return sheets


def _sheet_title(zf: zipfile.ZipFile, part: str) -> str:
    """The tab name of a worksheet part, for a message (its path when the workbook does not say)."""
    try:
        return _sheet_titles(zf).get(part, part)
    except _READ_ERRORS:
        return part


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        book, rels = (_read_capped(zf, _member(zf, n)) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        a = _attrs(m.group(1))
        if "Id" in a and "Target" in a:
            target = a["Target"]
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[a["Id"]] = path
    out = {}
    for m in _SHEET.finditer(book):
        a = _attrs(m.group(1))
        rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), None)
        if rid in targets and "name" in a:
            out[targets[rid]] = a["name"]
    return out


def _read_capped(zf: zipfile.ZipFile, name: str, cap: int = 16 << 20) -> bytes:
    return PartStream(zf, zf.getinfo(name)).read(cap)


def _member(zf: zipfile.ZipFile, wanted: str) -> str:
    for n in zf.namelist():
        if n.lower() == wanted:
            return n
    raise KeyError(wanted)


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode(): html.unescape((v1 or v2).decode("utf-8", "replace")) for k, v1, v2 in _ATTR.findall(raw)}


def fits(extent: Extent, limits: InputLimits) -> bool:
    return (extent.rows <= limits.max_rows and extent.columns <= limits.max_columns
            and extent.cells() <= limits.max_cells)


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Replay, name: str,
                 limits: InputLimits) -> None:
    head = part.read(HEAD)
    dim = declared(head)
    if dim is not None and not fits(dim[1], limits):
        title = _sheet_title(zf, info.filename)
        raise SheetTooLarge(f"{name}: 工作表“{title}”声明的范围为 {dim[0]}（{_size(dim[1])}），"
                            f"超过上限（{_limits(limits)}），拒绝读取{_SETTING}")
    # The box the fast path passes over: the declared width (or A–Z), as many rows as then fit.
    columns = min(max(26, dim[1].columns if dim else 0), limits.max_columns, 18_278)  # ZZZ
    rows = max(1, min(limits.max_rows, limits.max_cells // columns, 9_999_999))
    bound = Extent()
    for block in blocks(_Replay(head, part)):
        b = fast_bound(block, rows, columns)
        if b is None:
            bound = None
            break
        bound.rows, bound.columns = max(bound.rows, b.rows), max(bound.columns, b.columns)
    if bound is not None and fits(bound, limits):
        return
    title = _sheet_title(zf, info.filename)
    try:
        extent = exact_extent(blocks(PartStream(zf, info)), lambda seen: not fits(seen, limits))
    except BadReference as bad:
        raise DamagedWorkbook(f"{name}: 工作表“{title}”中有无法识别的单元格引用“{bad}”，文件已损坏，拒绝读取") from None
    if not fits(extent, limits):
        raise SheetTooLarge(
            f"{name}: 工作表“{title}”的已用范围至少达 {_size(extent)}，超过上限（{_limits(limits)}），拒绝读取。"
            f"常见原因是很远的单元格里有内容或格式：请删除多余的行列后另存{_SETTING}")


class _Replay:
    """What was read already, then the rest of the stream; ``keep`` records what passes through."""

    def __init__(self, first: bytes, rest, keep: bool = False):
        self.first, self.rest, self.keep, self.kept = first, rest, keep, b""

    def read(self, n: int) -> bytes:
        if self.first:
            out, self.first = self.first[:n], self.first[n:]
        else:
            out = self.rest.read(n)
        if self.keep:
            self.kept += out
        return out


def _size(e: Extent) -> str:
    return f"{e.rows:,} 行 × {e.columns:,} 列，{e.cells():,} 个单元格"


def _limits(limits: InputLimits) -> str:
    return f"{limits.max_rows:,} 行、{limits.max_columns:,} 列、{limits.max_cells:,} 个单元格"
