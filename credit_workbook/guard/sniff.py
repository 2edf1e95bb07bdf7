"""What a received file really is, from its bytes: finance renames files freely.

用友 T3 exports tab-separated text as ``.xls``, browsers save web pages as
``.xls``, a colleague renames a CSV to ``.xlsx``; a password-protected
``.xlsx`` is not a zip at all but an OLE2 container. The suffix is therefore
never consulted. This module only names the container; ``zipcheck``,
``xlscheck`` and ``encrypted`` look inside it.
"""

from __future__ import annotations

from enum import Enum

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # a zip with no members: still a (broken) zip, not text
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 4096


class Kind(str, Enum):
    """What a reader may be handed after the guard; ``value`` is the usual suffix without the dot."""

    XLSX = "xlsx"
    XLSM = "xlsm"  # an xlsx with xl/vbaProject.bin: write-backs must keep_vba and the suffix
    XLS = "xls"  # BIFF8 in an OLE2 container
    CSV = "csv"  # any text that is neither a web page nor XML


EXCEL_KINDS = frozenset({Kind.XLSX, Kind.XLSM})
LEDGER_KINDS = frozenset(Kind)


class Container(str, Enum):
    ZIP = "zip"
    OLE2 = "ole2"
    TEXT = "text"
    HTML = "html"
    XML = "xml"  # Excel 2003 SpreadsheetML or any other XML document
    EMPTY = "empty"
    BINARY = "binary"


def container(head: bytes) -> Container:
    """The container named by the first bytes (``HEAD_BYTES`` of them suffice)."""
    if not head:
        return Container.EMPTY
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return Container.ZIP
    if head.startswith(OLE2_MAGIC):
        return Container.OLE2
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Container.TEXT  # UTF-16 with a BOM (Excel's "Unicode text"); the CSV reader judges it
    if b"\x00" in head:
        return Container.BINARY
    probe = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if probe.startswith(b"<"):
        if b"<html" in probe or b"<table" in probe or probe.startswith(b"<!doctype html"):
            return Container.HTML
        return Container.XML
    return Container.TEXT


def zip_kind(names: list[str]) -> Kind | str:
    """XLSX / XLSM from the member names, or a Chinese description of what the zip is instead."""
    lower = {n.lower() for n in names}
    if "xl/workbook.xml" in lower:
        return Kind.XLSM if "xl/vbaproject.bin" in lower else Kind.XLSX
    if "xl/workbook.bin" in lower:
        return "二进制工作簿（.xlsb）"
    if "mimetype" in lower and any(n.startswith("content.xml") for n in lower):
        return "OpenDocument 表格（.ods，WPS/LibreOffice 格式）"
    if "word/document.xml" in lower:
        return "Word 文档"
    if "ppt/presentation.xml" in lower:
        return "PowerPoint 演示文稿"
    return "普通压缩包（zip）"

