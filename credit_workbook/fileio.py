"""Writing files so that nothing is ever half-written, and the same content gives the same bytes.

Every output goes through ``atomic_write``: a temp file in the target's
folder, fsync, then ``os.replace`` — a kill at any point leaves the old file
or the new one, never a torn one. Credit data is confidential, so on POSIX
what the product creates is owner-only whatever the umask: files 0o600,
folders 0o700 (``private_dir``, ``open_private``). A file it *replaces*
keeps the mode it had: a user who shared a form with the group keeps it
shared. (On Windows the new file inherits the folder's ACL; the mode bits
mean nothing there.) ``stable_zip`` removes the two things that
make two saves of the same workbook differ (zip member times and the
``dcterms:modified`` stamp), so re-running a command is byte-for-byte
idempotent.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from credit_workbook.killpoints import checkpoint

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
_POSIX = os.name == "posix"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_MERGES = re.compile(rb"(<mergeCells[^>]*>)(.*?)(</mergeCells>)", re.S)
_MERGE = re.compile(rb"<mergeCell [^>]*/>")


def _sorted_merges(xml: bytes) -> bytes:
    """openpyxl writes merged ranges in set order, which changes from run to run."""
    return _MERGES.sub(lambda m: m.group(1) + b"".join(sorted(_MERGE.findall(m.group(2)))) + m.group(3), xml)


def atomic_write(path: Path, data: bytes) -> None:
    with atomic_target(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy byte for byte (archives, backups) with the same all-or-nothing promise.

    The copy keeps the source's times but not its mode: a ledger finance
    dropped world-readable is archived owner-only.
    """
    mode = _mode_for(Path(dst))
    with atomic_target(dst) as tmp:
        shutil.copyfile(src, tmp)
        shutil.copystat(src, tmp)
        _chmod(tmp, mode)


def _chmod(path: Path, mode: int) -> None:
    """Best effort: a file of another user, or a share without POSIX modes, keeps what it has."""
    if _POSIX:
        with contextlib.suppress(OSError):
            os.chmod(path, mode)


def _mode_for(path: Path) -> int:
    """The mode a (re)written ``path`` gets: the one it has, or owner-only when it is new."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return PRIVATE_FILE


def private_dir(path: Path) -> Path:
    """``path`` and any missing parents, created 0o700; folders that exist are left as they are."""
    path = Path(path)
    missing = []
    at = path
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # made meanwhile by another process
            continue
        _chmod(folder, PRIVATE_DIR)  # mkdir's mode is cut by the umask
    if not path.is_dir():
        raise FileExistsError(f"{path}: 已存在同名文件，无法创建文件夹")
    return path


def tighten(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Make an existing file or folder of ours owner-only (the store, its folder, a log)."""
    if path.exists():
        _chmod(path, mode)


def _private_opener(path: str, flags: int) -> int:
    fd = os.open(path, flags, PRIVATE_FILE)
    if _POSIX:
        with contextlib.suppress(OSError):
            os.fchmod(fd, PRIVATE_FILE)
    return fd


def open_private(path: Path, mode: str = "a", **kwargs):
    """``open`` for files appended in place (logs, lock files): created owner-only, kept so."""
    return open(path, mode, opener=_private_opener, **kwargs)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _w3c(when: datetime) -> bytes:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def stable_zip(data: bytes, modified: datetime | None = None, created: datetime | None = None) -> bytes:
    """Rewrite an xlsx so its bytes depend only on its content.

    Member order is kept; member times become 1980-01-01; the
    ``dcterms:modified`` / ``dcterms:created`` stamps become the given times
    (a user's own ``created`` is left alone unless asked).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                payload = _sorted_merges(payload)
            if info.filename == "docProps/core.xml":
                if modified is not None:
                    payload = _MODIFIED.sub(rb"\g<1>" + _w3c(modified) + rb"\g<2>", payload)
                if created is not None:
                    payload = _CREATED.sub(rb"\g<1>" + _w3c(created) + rb"\g<2>", payload)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, payload)
    return out.getvalue()


def workbook_bytes(wb, modified: datetime | None = None, created: datetime | None = None) -> bytes:
    """An openpyxl workbook as reproducible xlsx bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue(), modified, created)


def save_openpyxl(wb, path: Path, modified: datetime | None = None, created: datetime | None = None) -> None:
    """Save an openpyxl workbook atomically and reproducibly."""
    atomic_write(path, workbook_bytes(wb, modified, created))


@contextlib.contextmanager
def atomic_target(path: Path):
    """A temp path beside ``path`` for writers that want a file name (XlsxWriter);
    it replaces ``path`` only when the block finishes without error."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    try:
        if _POSIX:
            os.fchmod(fd, _mode_for(path))
    finally:
        os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        checkpoint("before_replace", path.name)  # test hook: see killpoints.py
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
