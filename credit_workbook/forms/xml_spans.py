"""Where each element of an XML part sits, in bytes, so it can be spliced without re-serialising the rest.

Re-serialising a user's part (ElementTree, lxml) renames namespace prefixes
and drops declarations that only ``mc:Ignorable`` refers to — Excel then
offers to "repair" the file. Splicing keeps every byte we do not mean to
change. Parsing is expat's (defusedxml-hardened: no entities, no DTD), so
comments, CDATA and quoted ``>`` cannot mislead the offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from credit_workbook.errors import UserError

# A start tag up to its closing ">" (quoted attribute values may hold ">").
_TAG = re.compile(rb"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
NS_SEP = " "


@dataclass
class Node:
    name: str  # local name
    ns: str
    attrs: dict[str, str]  # plain attributes by name; namespaced ones as "uri name"
    start: int
    tag_end: int  # just after the start tag
    end: int = -1  # just after the element
    children: list[Node] = field(default_factory=list)
    text: str = ""  # character data directly inside, when asked for
    end_tag: int = -1  # where the end tag starts (= end for ``<x/>``)

    @property
    def empty(self) -> bool:
        return self.end == self.tag_end

    @property
    def inner(self) -> tuple[int, int]:
        """The byte range between the start and the end tag (empty for ``<x/>``)."""
        return self.tag_end, self.end_tag

    def child(self, name: str) -> Node | None:
        return next((c for c in self.children if c.name == name), None)

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]


def _parser():
    import xml.parsers.expat as expat

    parser = expat.ParserCreate(namespace_separator=NS_SEP)
    # No DTD, no entities: what defusedxml enforces, done directly on the raw parser we need for offsets.
    def refuse(*_args):
        raise ValueError("DTD/entity declarations are not allowed")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def scan(data: bytes, where: str, max_depth: int, text_of: frozenset[str] = frozenset()) -> Node:
    """The element tree down to ``max_depth`` (root = 0) with byte spans; deeper elements are skipped.

    ``text_of``: local names whose direct character data is collected.
    """
    parser = _parser()
    stack: list[Node] = []
    root: list[Node] = []
    tag = _TAG.match
    skipping = 0  # depth inside an element below max_depth

    def start(name: str, attrs: dict) -> None:
        nonlocal skipping
        if skipping or len(stack) > max_depth:
            skipping += 1
            return
        at = parser.CurrentByteIndex
        m = tag(data, at)
        ns, _, local = name.rpartition(NS_SEP)
        node = Node(local, ns, attrs, at, m.end() if m else at)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(name: str) -> None:
        nonlocal skipping
        if skipping:
            skipping -= 1
            return
        node = stack.pop()
        at = parser.CurrentByteIndex
        if at == node.tag_end and data[at - 2:at] == b"/>":
            node.end = node.end_tag = at
        else:
            node.end_tag = at
            node.end = data.index(b">", at) + 1

    def chars(text: str) -> None:
        if not skipping and stack and stack[-1].name in text_of:
            stack[-1].text += text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text_of:
        parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except Exception as exc:  # expat's ExpatError, our refusal, a bad offset
        raise UserError(f"{where}: 工作簿部件不是有效的 XML（{exc}），未写回") from None
    return root[0]


def splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each (start, end) range replaced; ranges must not overlap (insertions: start == end)."""
    if not edits:
        return data
    out, at = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < at:
            raise AssertionError(f"overlapping edits at {start}")
        out.append(data[at:start])
        out.append(new)
        at = end
    out.append(data[at:])
    return b"".join(out)


def prefix_of(data: bytes, node: Node) -> bytes:
    """The prefix the element was written with (``b"x:"`` or ``b""``), to write its siblings the same way."""
    m = re.match(rb"<([A-Za-z_][\w.-]*:)?", data[node.start:node.tag_end])
    return m.group(1) or b""


def esc(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;")).encode("utf-8")


def esc_attr(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")).encode("utf-8")
