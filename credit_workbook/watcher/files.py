"""Which inbox files the watcher waits for, and how it tells a file is whole.

Excel, browsers and network copies never write a file in one go: Excel
writes a temp file and renames it over the original, a browser writes
``NAME.crdownload`` and renames it, a copy over SMB grows for seconds.
A file parsed half-written would be quarantined as "broken" although
nothing is wrong with it, so the watcher only hands a file to the ingest
when (1) its size and mtime stopped changing (``settle.py``) and (2) its
own structure says it is complete: an xlsx/xlsm has its zip central
directory (written last), an xls has every sector its FAT uses, a CSV
decodes as text (a copy cut inside a multi-byte character does not).

The format is recognised from the first bytes, as the parser does
(finance renames files freely), never from the suffix.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path

from credit_workbook.ingest import ignored as _ingest_ignores

# Partial downloads and copies (Chrome, Firefox, Safari, WinSCP) and Windows' folder files.
PARTIAL_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial", ".download", ".filepart")
SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini"})

Signature = tuple[int, int]  # (size, mtime_ns): what "unchanged" means

_ZIP_MAGIC = b"PK"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREESECT = 0xFFFFFFFF
_MAX_REGULAR_SECT = 0xFFFFFFFA
_HEADER_DIFAT = 109


def is_ignored(name: str) -> bool:
    """Lock files (``~$x.xlsx``, ``.~lock.x.xlsx#``), temp, hidden and partial files are never ledgers.

    The ingest's own rule comes first so the watcher never takes a file a
    manual ``run`` would skip.
    """
    low = name.lower()
    return _ingest_ignores(name) or low.endswith(PARTIAL_SUFFIXES) or low in SYSTEM_NAMES


def signature(path: Path) -> Signature | None:
    """None when the path is gone or is not a regular file (a folder dropped into inbox/)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns


def inbox_candidates(inbox: Path) -> list[Path]:
    """The files a run would take, less the ones that are still being written by name."""
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return []
    out = []
    for entry in entries:
        try:
            regular = entry.is_file(follow_symlinks=True)
        except OSError:
            continue
        if regular and not is_ignored(entry.name):
            out.append(Path(entry.path))
    return sorted(out)


def incomplete_reason(path: Path) -> str | None:
    """Why ``path`` is not yet a whole file (Chinese, for the log), or None when it looks whole.

    A file the parser will refuse anyway (garbage, an HTML "xls") counts as
    whole: waiting longer would not change it, and the ingest quarantines it
    with the exact reason.
    """
    try:
        size = os.path.getsize(path)
        if size == 0:
            return "文件还是空的"
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head.startswith(_ZIP_MAGIC):
                return _zip_reason(path)
            if head.startswith(_OLE_MAGIC):
                fh.seek(0)
                return _ole_reason(fh, size)
            if _OLE_MAGIC.startswith(head) or _ZIP_MAGIC.startswith(head):  # fewer than 8 bytes so far
                return "文件头还没有写完"
        return _text_reason(path)
    except OSError as exc:  # locked by the writer (Windows) or gone: try again later
        return f"暂时无法读取（{exc.strerror or exc}）"


def _zip_reason(path: Path) -> str | None:
    """The central directory is the last thing written: a cut xlsx has none (GUIDE: is_zipfile fails)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        return "Excel 文件（zip）的目录区尚未写入"
    if not infos:
        return "Excel 文件（zip）还没有内容"
    return None


def _ole_reason(fh, size: int) -> str | None:
    """An .xls (OLE2 compound file) is whole when every sector its FAT marks as used is in the file.

    Only the FAT sectors listed in the header are read (files up to ~7 MB
    with 512-byte sectors are fully covered; beyond that the check is
    partial, and the settle time covers the rest).
    """
    header = fh.read(512)
    if len(header) < 512:
        return "xls 文件头（OLE）还没有写完"
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return None  # not a compound file this check understands: the parser decides
    sector = 1 << shift
    per_sector = sector // 4
    fat_count = struct.unpack_from("<I", header, 44)[0]
    fat_sectors = struct.unpack_from(f"<{_HEADER_DIFAT}I", header, 76)[:min(fat_count, _HEADER_DIFAT)]
    highest = -1
    for index, sid in enumerate(fat_sectors):
        if sid >= _MAX_REGULAR_SECT:
            continue
        offset = (sid + 1) * sector
        if offset + sector > size:
            return "xls 文件的分配表（FAT）尚未写入"
        fh.seek(offset)
        entries = struct.unpack(f"<{per_sector}I", fh.read(sector))
        used = [i for i, value in enumerate(entries) if value != _FREESECT]
        if used:
            highest = max(highest, index * per_sector + used[-1])
    if highest >= 0 and size <= (highest + 1) * sector:  # the last used sector has not even begun
        return "xls 文件比其分配表记录的短"
    return None


def _text_reason(path: Path) -> str | None:
    """A CSV is whole enough when it decodes (UTF-8 or GBK, as the parser reads it) and its last line is
    finished: every export ends its last row with a line break, and a copy cut inside a row can parse as a
    row without its amounts (the soak found one taken as a whole month)."""
    from credit_workbook.ledger.read_raw import UnreadableLedger, decode_text

    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        return None  # binary: not text at all, the parser refuses it with its own reason
    try:
        decode_text(data, path.name)
    except UnreadableLedger:
        return "文本内容还不能完整解码（可能只写入了一部分）"
    if not data.endswith((b"\n", b"\r")):
        return "最后一行还没有写完"
    return None
