"""The package-level parts a write-back touches: content types, relationships, workbook names, styles.

Each class reads one part, records the few edits a write-back needs, and
renders the part with every other byte as it was (``xml_spans.splice``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from credit_workbook.errors import UserError
from credit_workbook.forms.ooxml_zip import Package, rels_part, resolve
from credit_workbook.forms.xlsx_stream import column_letters
from credit_workbook.forms.xml_spans import Node, esc_attr, prefix_of, scan, splice

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_WORKSHEET = f"{REL}/worksheet"
REL_COMMENTS = f"{REL}/comments"
REL_VML = f"{REL}/vmlDrawing"
REL_CALC_CHAIN = f"{REL}/calcChain"
REL_OFFICE_DOCUMENT = f"{REL}/officeDocument"
REL_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_RELS_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9]\d{0,6})$")
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_NOT_CODE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def cell_position(coord: str) -> tuple[int, int] | None:
    """(row, col), 1-based, of "B7" or "$B$7"; None for anything else (ranges, R1C1)."""
    m = _CELL.match(coord.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool
    node: Node | None


class Rels:
    """One ``.rels`` part: read, add and remove relationships, render."""

    def __init__(self, pkg: Package, owner: str):
        self.part = rels_part(owner)
        self.owner = owner
        self.data = pkg.read(self.part) if self.part in pkg else None
        self.items: list[Rel] = []
        self._added: list[Rel] = []
        self._removed: set[str] = set()
        if self.data is not None:
            root = scan(self.data, f"{pkg.name}!{self.part}", 1)
            self.items = [Rel(n.attrs.get("Id", ""), n.attrs.get("Type", ""), n.attrs.get("Target", ""),
                              n.attrs.get("TargetMode") == "External", n) for n in root.all("Relationship")]

    def of_type(self, rel_type: str) -> list[Rel]:
        return [r for r in self.items if r.type == rel_type and r.id not in self._removed]

    def by_id(self, rid: str) -> Rel | None:
        return next((r for r in self.items if r.id == rid and r.id not in self._removed), None)

    def member(self, rel: Rel) -> str:
        return resolve(self.owner, rel.target)

    def add(self, rel_type: str, target: str) -> str:
        used = {r.id for r in self.items} | {r.id for r in self._added}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rel = Rel(f"rId{n}", rel_type, target, False, None)
        self._added.append(rel)
        return rel.id

    def remove(self, rid: str) -> None:
        self._removed.add(rid)

    @property
    def changed(self) -> bool:
        return bool(self._added or self._removed)

    def render(self) -> bytes | None:
        """The part's new bytes; None when no relationship is left (the part goes)."""
        kept = [r for r in self.items if r.id not in self._removed]
        if not kept and not self._added:
            return None
        new = b"".join(b'<Relationship Id="%s" Type="%s" Target="%s"/>'
                       % (esc_attr(r.id), esc_attr(r.type), esc_attr(r.target)) for r in self._added)
        if self.data is None:
            return _RELS_HEAD + new + b"</Relationships>"
        root = scan(self.data, self.part, 1)
        edits = [(r.node.start, r.node.end, b"") for r in self.items if r.id in self._removed]
        if new:
            edits.append(_append_child(self.data, root, new))
        return splice(self.data, edits)


def _append_child(data: bytes, parent: Node, new: bytes) -> tuple[int, int, bytes]:
    """An edit putting ``new`` last inside ``parent`` (turning ``<x/>`` into ``<x>…</x>`` if need be)."""
    if parent.empty:
        tag = data[parent.start:parent.tag_end]
        name = re.match(rb"<([^\s/>]+)", tag).group(1)
        return parent.start, parent.end, tag[:-2].rstrip() + b">" + new + b"</" + name + b">"
    return parent.end_tag, parent.end_tag, new


class ContentTypes:
    NAME = "[Content_Types].xml"

    def __init__(self, pkg: Package):
        if self.NAME not in pkg:
            raise UserError(f"{pkg.name}: 缺少 [Content_Types].xml，不是有效的 .xlsx/.xlsm 工作簿")
        self.data = pkg.read(self.NAME)
        self.root = scan(self.data, f"{pkg.name}!{self.NAME}", 1)
        self._edits: list[tuple[int, int, bytes]] = []
        self._new: list[bytes] = []

    def override(self, member: str) -> str | None:
        node = self._override_node(member)
        return node.attrs.get("ContentType") if node else None

    def _override_node(self, member: str) -> Node | None:
        return next((n for n in self.root.all("Override") if n.attrs.get("PartName", "").lstrip("/") == member), None)

    def add_override(self, member: str, content_type: str) -> None:
        if self._override_node(member) is None:
            self._new.append(b'<Override PartName="/%s" ContentType="%s"/>'
                             % (esc_attr(member), esc_attr(content_type)))

    def remove_override(self, member: str) -> None:
        node = self._override_node(member)
        if node is not None:
            self._edits.append((node.start, node.end, b""))

    def ensure_default(self, extension: str, content_type: str) -> None:
        if not any(n.attrs.get("Extension", "").lower() == extension for n in self.root.all("Default")):
            self._new.insert(0, b'<Default Extension="%s" ContentType="%s"/>'
                             % (esc_attr(extension), esc_attr(content_type)))

    def render(self) -> bytes:
        edits = list(self._edits)
        if self._new:
            edits.append(_append_child(self.data, self.root, b"".join(self._new)))
        return splice(self.data, edits)


@dataclass(frozen=True)
class SheetPart:
    name: str
    member: str


class Workbook:
    """The workbook part: its worksheets by name and its workbook-scoped single-cell names."""

    def __init__(self, pkg: Package):
        main = Rels(pkg, "").of_type(REL_OFFICE_DOCUMENT)
        if not main:
            raise UserError(f"{pkg.name}: 找不到工作簿主部件（_rels/.rels），不是有效的 .xlsx/.xlsm 工作簿")
        self.member = resolve("", main[0].target)
        if self.member not in pkg:
            raise UserError(f"{pkg.name}: 缺少 {self.member}，工作簿已损坏")
        data = pkg.read(self.member)
        root = scan(data, f"{pkg.name}!{self.member}", 2, frozenset({"definedName"}))
        if root.ns == STRICT_MAIN:
            raise UserError(f"{pkg.name}: 这是“严格 Open XML”格式的工作簿，本工具不写回；"
                            "请在 Excel 中另存为普通的“Excel 工作簿 (*.xlsx)”后再运行")
        self.rels = Rels(pkg, self.member)
        self.sheets: dict[str, SheetPart] = {}
        sheets = root.child("sheets")
        for node in sheets.all("sheet") if sheets else ():
            rel = self.rels.by_id(node.attrs.get(f"{REL} id", ""))
            if rel is not None and rel.type == REL_WORKSHEET:
                name = node.attrs.get("name", "")
                self.sheets[name] = SheetPart(name, self.rels.member(rel))
        self.names: dict[str, tuple[str, str]] = {}
        names = root.child("definedNames")
        for node in names.all("definedName") if names else ():
            if "localSheetId" in node.attrs or "name" not in node.attrs:
                continue
            ref = _single_cell(node.text)
            if ref is not None:
                self.names[node.attrs["name"]] = ref


def _single_cell(text: str) -> tuple[str, str] | None:
    """("Sheet", "B7") for ``'Sheet'!$B$7`` (or a one-cell range ``$B$7:$B$7``)."""
    text = text.strip().lstrip("=")
    sheet, bang, ref = text.rpartition("!")
    if not bang or not sheet:
        return None
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    first, _, last = ref.partition(":")
    if last and last.replace("$", "") != first.replace("$", ""):
        return None
    pos = cell_position(first)
    if pos is None:
        return None
    return sheet, f"{column_letters(pos[1])}{pos[0]}"


OUR_DXF = {
    "ERROR": b'<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/>'
             b'</patternFill></fill></dxf>',
    "WARNING": b'<dxf><font><color rgb="FF9C5700"/></font><fill><patternFill><bgColor rgb="FFFFEB9C"/>'
               b'</patternFill></fill></dxf>',
}
DATE_FORMAT = "yyyy-mm-dd"


class Styles:
    """styles.xml: the differential formats our highlights use, and a date format for a date result cell."""

    def __init__(self, pkg: Package, member: str):
        self.member = member
        self.where = f"{pkg.name}!{member}"
        self.data = pkg.read(member)
        self._dxfs_new: list[bytes] = []
        self._xfs_new: list[bytes] = []
        self._numfmt_new: list[tuple[int, str]] = []
        self._date_xf: dict[int, int] = {}
        self._parse()

    def _parse(self) -> None:
        self.root = scan(self.data, self.where, 2, frozenset({"numFmt"}))
        self.p = prefix_of(self.data, self.root)
        dxfs = self.root.child("dxfs")
        self.dxfs = [self.data[n.start:n.end] for n in dxfs.all("dxf")] if dxfs else []
        xfs = self.root.child("cellXfs")
        self.xfs = xfs.all("xf") if xfs else []
        fmts = self.root.child("numFmts")
        self.formats = {int(n.attrs["numFmtId"]): n.attrs.get("formatCode", "")
                        for n in (fmts.all("numFmt") if fmts else ()) if n.attrs.get("numFmtId", "").isdigit()}

    @property
    def changed(self) -> bool:
        return bool(self._dxfs_new or self._xfs_new)

    def dxf_id(self, level: str) -> int:
        """Index of our differential format for ``level``, added once per workbook."""
        wanted = OUR_DXF[level].replace(b"<", b"<" + self.p).replace(b"<" + self.p + b"/", b"</" + self.p)
        for i, existing in enumerate(self.dxfs + self._dxfs_new):
            if existing == wanted:
                return i
        self._dxfs_new.append(wanted)
        return len(self.dxfs) + len(self._dxfs_new) - 1

    def is_date(self, xf_index: int) -> bool:
        if xf_index >= len(self.xfs):
            return False
        fmt = self.xfs[xf_index].attrs.get("numFmtId", "0")
        if not fmt.isdigit():
            return False
        fmt_id = int(fmt)
        if fmt_id in self.formats:
            return bool(_DATE_CODE.search(_NOT_CODE.sub("", self.formats[fmt_id])))
        return fmt_id in _BUILTIN_DATES

    def date_xf(self, xf_index: int) -> int:
        """``xf_index`` itself when it shows a date; else a copy of it that does (added once)."""
        if self.is_date(xf_index):
            return xf_index
        if xf_index in self._date_xf:
            return self._date_xf[xf_index]
        fmt_id = next((i for i, code in self.formats.items() if code == DATE_FORMAT), None)
        if fmt_id is None:
            fmt_id = next((i for i, code in self._numfmt_new), None)
        if fmt_id is None:
            fmt_id = max([163, *self.formats]) + 1
            self._numfmt_new.append((fmt_id, DATE_FORMAT))
        if xf_index < len(self.xfs):
            node = self.xfs[xf_index]
            tag = self.data[node.start:node.tag_end]
            rest = self.data[node.tag_end:node.end]
        else:
            tag, rest = b'<' + self.p + b'xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>', b""
        tag = re.sub(rb'\s(numFmtId|applyNumberFormat)="[^"]*"', b"", tag)
        close = b"/>" if tag.endswith(b"/>") else b">"
        tag = tag[: -len(close)].rstrip() + b' numFmtId="%d" applyNumberFormat="1"' % fmt_id + close
        self._xfs_new.append(tag + rest)
        self._date_xf[xf_index] = len(self.xfs) + len(self._xfs_new) - 1
        return self._date_xf[xf_index]

    def render(self) -> bytes:
        p = self.p
        edits = []
        if self._numfmt_new:
            new = b"".join(b'<%snumFmt numFmtId="%d" formatCode="%s"/>' % (p, i, esc_attr(code))
                           for i, code in self._numfmt_new)
            fmts = self.root.child("numFmts")
            if fmts is None:
                at = self.root.tag_end
                edits.append((at, at, b'<%snumFmts count="%d">%s</%snumFmts>' % (p, len(self._numfmt_new), new, p)))
            else:
                edits += _counted_append(self.data, fmts, new, len(self.formats) + len(self._numfmt_new))
        if self._xfs_new:
            xfs = self.root.child("cellXfs")
            if xfs is None:
                raise UserError(f"{self.where}: 样式部件缺少 cellXfs，工作簿已损坏")
            edits += _counted_append(self.data, xfs, b"".join(self._xfs_new), len(self.xfs) + len(self._xfs_new))
        if self._dxfs_new:
            new = b"".join(self._dxfs_new)
            dxfs = self.root.child("dxfs")
            count = len(self.dxfs) + len(self._dxfs_new)
            if dxfs is None:
                at = _dxfs_position(self.root)
                edits.append((at, at, b'<%sdxfs count="%d">%s</%sdxfs>' % (p, count, new, p)))
            else:
                edits += _counted_append(self.data, dxfs, new, count)
        return splice(self.data, edits)


def _counted_append(data: bytes, parent: Node, new: bytes, count: int) -> list[tuple[int, int, bytes]]:
    """Append children to a list element and set its ``count`` attribute."""
    tag = data[parent.start:parent.tag_end]
    if re.search(rb'\scount="\d*"', tag):
        tag = re.sub(rb'(\scount=")\d*(")', rb"\g<1>%d\g<2>" % count, tag, count=1)
    else:
        close = b"/>" if tag.endswith(b"/>") else b">"
        tag = tag[: -len(close)].rstrip() + b' count="%d"' % count + close
    if parent.empty:
        name = re.match(rb"<([^\s/>]+)", tag).group(1)
        return [(parent.start, parent.end, tag[:-2].rstrip() + b">" + new + b"</" + name + b">")]
    return [(parent.start, parent.tag_end, tag), (parent.end_tag, parent.end_tag, new)]


_AFTER_DXFS = ("tableStyles", "colors", "extLst")


def _dxfs_position(root: Node) -> int:
    for node in root.children:
        if node.name in _AFTER_DXFS:
            return node.start
    return root.end_tag
