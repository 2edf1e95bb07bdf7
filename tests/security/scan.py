"""Independent readers for what our files contain: the sheet XML itself, not our own readers."""

from __future__ import annotations

import io
import re
import zipfile
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

_FORMULA = re.compile(rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f\b[^>]*>([^<]*)</f>', re.DOTALL)
_XML_TEXT = re.compile(rb">([^<]+)<")


def formulas(data: bytes) -> list[tuple[str, str, str]]:
    """Every formula of every sheet: (part, cell, formula text)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for name in z.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            for ref, text in _FORMULA.findall(z.read(name)):
                out.append((name, ref.decode(), _unescape(text.decode("utf-8"))))
    return out


def external_links(data: bytes) -> list[str]:
    """Hyperlinks and external relationships: what a click or an open could follow."""
    z = zipfile.ZipFile(io.BytesIO(data))
    found = []
    for name in z.namelist():
        body = z.read(name) if name.endswith((".xml", ".rels")) else b""
        if b"<hyperlink " in body or b'TargetMode="External"' in body:
            found.append(name)
        if name.startswith("xl/externalLinks/"):
            found.append(name)
    return found


def all_text(data: bytes) -> str:
    """Every text node of every XML part of an xlsx, joined: where a secret or a code could hide."""
    z = zipfile.ZipFile(io.BytesIO(data))
    parts = []
    for name in z.namelist():
        if name.endswith((".xml", ".vml", ".rels")):
            parts += [_unescape(t.decode("utf-8")) for t in _XML_TEXT.findall(z.read(name))]
    return "\n".join(parts)


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def eml(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=default)


def workbooks(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.xls*") if p.is_file() and "templates" not in p.parts)
