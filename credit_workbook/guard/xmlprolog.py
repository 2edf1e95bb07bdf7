"""Refuse DTDs in any XML part, and say which element each part's document starts with.

Billion laughs and XXE both need a ``<!DOCTYPE …>`` before the root element.
defusedxml makes openpyxl refuse them and calamine does not expand entities,
but each then fails with a different cryptic error ("Cannot detect file
format", "could not read strings") — and the fast survey reader parses
``xl/workbook.xml`` by itself. Looking at the prolog of every part once, here,
gives every reader the same protection and the clerk one clear message. The
prolog may be padded with comments to push the DTD past any fixed window,
so it is read until the root element actually starts.
"""

from __future__ import annotations

import codecs
import re

CHUNK = 4096
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


class DtdFound(Exception):
    """The part declares a DTD (the guard turns this into ``XmlDeclarationsRefused``)."""


def root_element(stream) -> str | None:
    """The root element's local name, None for a part that is not XML; raises ``DtdFound``.

    ``stream`` has ``read(n)`` (a zip part); only the prolog is read.
    """
    first = stream.read(CHUNK)
    encoding = _encoding(first)
    if encoding is None:
        return None
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text, closing = decoder.decode(first), None
    while True:
        verdict, text, closing = _scan(text, closing)
        if verdict is not None:
            return verdict or None
        more = stream.read(CHUNK)
        if not more:
            return None  # the prolog never ends: no parser would accept it either
        text += decoder.decode(more)


def _encoding(first: bytes) -> str | None:
    if first.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if first.startswith(b"<\x00"):
        return "utf-16-le"
    if first.startswith(b"\x00<"):
        return "utf-16-be"
    if first.lstrip()[:1] == b"<":
        return "utf-8"
    return None


def _scan(text: str, closing: str | None) -> tuple[str | None, str, str | None]:
    """(verdict, unread text, terminator awaited) — verdict "" not XML, a root name, or None: need more.

    Inside a comment or processing instruction only the terminator is
    looked for and everything before its possible start is dropped, so a
    prolog padded with megabytes of comment costs one pass.
    """
    while True:
        if closing is not None:
            end = text.find(closing)
            if end < 0:
                return None, text[-(len(closing) - 1):], closing
            text, closing = text[end + len(closing):], None
        text = text.lstrip(" \t\r\n\ufeff")
        if not text:
            return None, text, None
        if text[0] != "<":
            return "", text, None
        if text.startswith("<?"):
            text, closing = text[2:], "?>"
        elif text.startswith("<!--"):
            text, closing = text[4:], "-->"
        elif text.startswith("<!"):
            if len(text) < 9:
                return None, text, None
            raise DtdFound(text[:9])
        else:
            m = _ROOT.match(text)
            if m is None:
                return (None, text, None) if len(text) < 64 else ("", text, None)
            if m.end() == len(text):
                return None, text, None  # the name may go on in the next chunk
            return m.group(1).rpartition(":")[2], text, None
