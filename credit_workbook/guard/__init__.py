"""The gate every received workbook passes before any parser touches it.

Credit data arrives from people and other systems: a renamed CSV, a web page
saved as .xls, a password-protected export, a truncated download, or a file
built to hurt — a zip bomb, a sheet whose cells sit a million rows apart,
an XML part with entity declarations. calamine and openpyxl each fail on
these in their own way, some by exhausting memory or aborting the process.
``check_workbook`` decides from the file's bytes what it really is (never its
suffix), holds it to the limits of credit.toml's ``[inputs]`` section, and
either returns what the reader needs or raises one ``UnsafeInput`` subclass
whose Chinese message names the file. Every reader calls it first: ledger
reader, both survey readers, register reader, the ribbon's file adapter.

    checked = guard.check_workbook(path, "台账.xlsx")   # raises UnsafeInput
    checked.kind                                       # Kind.XLSX / XLSM / XLS / CSV
    wb = openpyxl.load_workbook(checked.source)        # a path, or the decrypted bytes in memory

The limits are those of the workspace whose policy was loaded last
(``Workspace.policy()`` calls ``use_limits``), else the defaults; a caller
may pass ``limits=`` explicitly.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from credit_workbook.errors import (
    DamagedWorkbook,
    SheetTooLarge,
    UnpackedTooLarge,
    WrongFileType,
    XmlProtectionMissing,
)
from credit_workbook.guard.limits import InputLimits
from credit_workbook.guard.sniff import (
    EXCEL_KINDS,
    HEAD_BYTES,
    LEDGER_KINDS,
    Container,
    Kind,
    container,
)

__all__ = ["EXCEL_KINDS", "LEDGER_KINDS", "Checked", "InputLimits", "Kind", "active_limits", "check_workbook",
           "require_defusedxml", "use_limits"]

# Process-wide, not a ContextVar: the watcher loads the policy in one thread and may read files
# in another, and a new thread starts with an empty context. One process serves one workspace.
_limits = InputLimits()


def use_limits(limits: InputLimits) -> None:
    """Make ``limits`` the ones every later check in this process uses by default."""
    global _limits
    _limits = limits


def active_limits() -> InputLimits:
    return _limits


@dataclass(frozen=True)
class Checked:
    """A received file that passed the guard, and how a reader should open it."""

    path: Path
    name: str
    kind: Kind
    encrypted: bool = False
    decrypted: bytes | None = None  # the workbook in memory when it came with an opening password

    @property
    def source(self) -> Path | BinaryIO:
        """What to give openpyxl / calamine / zipfile: the path, or a fresh stream over the decrypted bytes."""
        return self.path if self.decrypted is None else io.BytesIO(self.decrypted)

    def open(self) -> BinaryIO:
        return open(self.path, "rb") if self.decrypted is None else io.BytesIO(self.decrypted)


def check_workbook(path: Path | str, name: str | None = None, *, accept: frozenset[Kind] = LEDGER_KINDS,
                   limits: InputLimits | None = None) -> Checked:
    """Recognise ``path`` by content and hold it to the limits; raise ``UnsafeInput`` otherwise.

    ``name`` is how messages name the file (default: its file name);
    ``accept`` the kinds the caller can read — ``EXCEL_KINDS`` for the forms,
    ``LEDGER_KINDS`` (the default) for finance's exports.
    """
    path = Path(path)
    name = name or path.name
    limits = limits or _limits
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise DamagedWorkbook(f"{name}: 文件不存在") from None
    except OSError as exc:
        raise DamagedWorkbook(f"{name}: 无法读取（{exc.strerror or exc}）") from None
    if size > limits.max_unpacked_bytes:
        raise UnpackedTooLarge(f"{name}: 文件过大（{size / (1 << 20):,.0f} MiB，上限 {limits.max_unpacked_mb:,} MiB），"
                               "拒绝读取（上限见 credit.toml 的 [inputs] 节）")
    found = container(head)
    if found is Container.ZIP:
        from credit_workbook.guard.zipcheck import check_zip

        return _accepted(Checked(path, name, check_zip(str(path), name, limits)), accept)
    if found is Container.OLE2:
        return _accepted(_check_ole2(path, name, limits), accept)
    if found is Container.TEXT:
        _check_text(path, name, limits)
        return _accepted(Checked(path, name, Kind.CSV), accept)
    raise WrongFileType(f"{name}: {_describe(found, accept)}")


def _check_ole2(path: Path, name: str, limits: InputLimits) -> Checked:
    from credit_workbook.guard.encrypted import decrypt
    from credit_workbook.guard.xlscheck import check_ole

    content = check_ole(str(path), name, limits)
    if not (content.encrypted_ooxml or content.encrypted_xls):
        return Checked(path, name, Kind.XLS)
    data = decrypt(str(path), name, limits)
    if content.encrypted_xls:
        check_ole(io.BytesIO(data), name, limits)
        return Checked(path, name, Kind.XLS, encrypted=True, decrypted=data)
    if container(data[:HEAD_BYTES]) is not Container.ZIP:
        raise DamagedWorkbook(f"{name}: 解密后不是有效的 Excel 文件")
    from credit_workbook.guard.zipcheck import check_zip

    kind = check_zip(io.BytesIO(data), name, limits)
    return Checked(path, name, kind, encrypted=True, decrypted=data)


def _check_text(path: Path, name: str, limits: InputLimits) -> None:
    """A CSV is read whole into rows: its lines are held to the row limit, at C speed."""
    lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    if lines > limits.max_rows:
        raise SheetTooLarge(f"{name}: 文件有 {lines:,} 行，超过上限 {limits.max_rows:,} 行，拒绝读取"
                            "（上限见 credit.toml 的 [inputs] 节）")


def _accepted(checked: Checked, accept: frozenset[Kind]) -> Checked:
    if checked.kind in accept:
        return checked
    if checked.kind is Kind.CSV:
        what = "文本（CSV 等）"
    elif checked.kind is Kind.XLS:
        what = "Excel 97-2003 工作簿（.xls）"
    else:
        what = f"Excel 工作簿（.{checked.kind.value}）"
    wanted = "、".join(f".{k.value}" for k in sorted(accept, key=lambda k: k.value))
    raise WrongFileType(f"{checked.name}: 文件实际是{what}，这里需要 {wanted}；请在 Excel 中打开后另存为 .xlsx")


def _describe(found: Container, accept: frozenset[Kind]) -> str:
    if found is Container.EMPTY:
        return "文件是空的"
    if found in (Container.HTML, Container.XML):
        return "文件是网页（HTML/XML）格式，不是真正的 Excel 文件；请在 Excel 中打开后另存为 .xlsx"
    if Kind.CSV in accept:
        return "不是 Excel 或 CSV 文件（二进制内容无法识别）"
    return "不是 Excel 文件（二进制内容无法识别）"


def require_defusedxml() -> None:
    """Refuse to start unless openpyxl parses XML through defusedxml (billion laughs, XXE).

    openpyxl decides once, on import: defusedxml importable and the variable
    OPENPYXL_DEFUSEDXML not set to anything but "True". The same test is made
    here without importing openpyxl (a ribbon click or ``--help`` must not pay
    for it); once openpyxl is loaded its own verdict is the one asked.
    """
    import sys

    loaded = sys.modules.get("openpyxl.xml")
    if loaded is not None:
        active = bool(loaded.DEFUSEDXML)
    else:
        try:
            import defusedxml  # noqa: F401
        except ImportError:
            active = False
        else:
            active = os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"
    if not active:
        raise XmlProtectionMissing(
            "openpyxl 未启用 defusedxml，读取工作簿时无法防御恶意 XML（实体炸弹、外部实体）；"
            "请安装 defusedxml（pip install defusedxml），并且不要设置环境变量 OPENPYXL_DEFUSEDXML")
