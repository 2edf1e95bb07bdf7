"""Our notes in a sheet's comments part and its VML drawing, next to whatever the user has there.

A user's comment is kept as it is, rich-text runs and all; our text goes
after a separator in a run of its own, so clearing cuts exactly there. A
comment that is only ours is removed when its problem is gone. In the VML
drawing (which also holds form controls and the user's note boxes) only the
note shapes of comments that appear or disappear are added or removed; the
VML is handled as text because Excel's is not always well-formed XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from credit_workbook.errors import UserError
from credit_workbook.forms.workbook_parts import cell_position, column_letters
from credit_workbook.forms.xml_spans import Node, esc, prefix_of, scan, splice
from credit_workbook.textsafe import xml_text

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# The font Chinese Excel gives a note; our runs carry it so they look like the user's.
_RPR = b'<%(p)srPr><%(p)ssz val="9"/><%(p)scolor indexed="81"/><%(p)srFont val="\xe5\xae\x8b\xe4\xbd\x93"/>' \
       b'<%(p)sfamily val="3"/><%(p)scharset val="134"/></%(p)srPr>'


def separator_pattern(sep: str) -> re.Pattern:
    """The separator, also after Excel turned its line breaks into CR LF."""
    core = sep.strip("\n")
    return re.compile(r"\r?\n" + re.escape(core) + r"\r?\n")


@dataclass
class _Existing:
    node: Node
    pos: tuple[int, int]
    author_id: int
    plain: str
    cut: int | None  # where our part starts in the text, if it has one
    ours_only: bool


@dataclass(frozen=True)
class CommentsUpdate:
    data: bytes | None  # the new part; None: no comment left (the part goes)
    cells: frozenset[tuple[int, int]]  # (row, col) of every comment in it


def update_comments(data: bytes | None, where: str, notes: dict[tuple[int, int], str], author: str,
                    sep: str) -> CommentsUpdate:
    """Clear our old text from a comments part and add ``notes`` (position -> our text)."""
    pattern = separator_pattern(sep)
    if data is None:
        if not notes:
            return CommentsUpdate(None, frozenset())
        p = b""
        body = b"".join(_our_comment(p, pos, 0, notes[pos]) for pos in sorted(notes))
        return CommentsUpdate(_HEAD + b'<comments xmlns="%s"><authors><author>%s</author></authors>'
                              b"<commentList>%s</commentList></comments>" % (MAIN_NS, esc(author), body),
                              frozenset(notes))
    root = scan(data, where, 5, frozenset({"t", "author"}))
    p = prefix_of(data, root)
    authors_node = root.child("authors")
    authors = [a.text for a in authors_node.all("author")] if authors_node else []
    listing = root.child("commentList")
    nodes = listing.all("comment") if listing else []
    existing = [e for e in (_read(data, node, authors, author, pattern) for node in nodes) if e is not None]
    known = {id(e.node) for e in existing}
    # a comment whose ref we cannot read is the user's business: kept as it is, after the others
    entries: list[tuple[tuple[int, int], bytes]] = [((1 << 30, i), data[n.start:n.end])
                                                    for i, n in enumerate(nodes) if id(n) not in known]
    ours_id = authors.index(author) if author in authors else len(authors)
    changed = False
    for item in existing:
        note = notes.get(item.pos)
        if item.ours_only:
            changed = True
            if note is not None:
                entries.append((item.pos, _our_comment(p, item.pos, ours_id, note)))
        elif note is not None or item.cut is not None:
            changed = True
            entries.append((item.pos, _users_comment(data, p, item, note, sep)))
        else:
            entries.append((item.pos, data[item.node.start:item.node.end]))
    for pos in sorted(set(notes) - {e.pos for e in existing}):
        changed = True
        entries.append((pos, _our_comment(p, pos, ours_id, notes[pos])))
    cells = frozenset(pos for pos, _ in entries if pos[0] < 1 << 30)
    if not changed:
        return CommentsUpdate(data, cells)
    if not entries:
        return CommentsUpdate(None, frozenset())
    edits = []
    used = any(b'authorId="%d"' % ours_id in e for _, e in entries)
    if not used and ours_id == len(authors) - 1:  # our name goes with our last comment: the part is the user's again
        last = authors_node.all("author")[-1]
        edits.append((last.start, last.end, b""))
    if ours_id == len(authors) and used:
        new_author = b"<%sauthor>%s</%sauthor>" % (p, esc(author), p)
        if authors_node is None:
            edits.append((root.tag_end, root.tag_end, b"<%sauthors>%s</%sauthors>" % (p, new_author, p)))
        elif authors_node.empty:
            edits.append((authors_node.start, authors_node.end, b"<%sauthors>%s</%sauthors>" % (p, new_author, p)))
        else:
            edits.append((authors_node.end_tag, authors_node.end_tag, new_author))
    body = b"".join(e for _, e in sorted(entries, key=lambda entry: entry[0]))
    if listing is None:
        at = authors_node.end if authors_node is not None else root.tag_end
        edits.append((at, at, b"<%scommentList>%s</%scommentList>" % (p, body, p)))
    elif listing.empty:
        edits.append((listing.start, listing.end, b"<%scommentList>%s</%scommentList>" % (p, body, p)))
    else:
        edits.append((listing.tag_end, listing.end_tag, body))
    return CommentsUpdate(splice(data, edits), cells)


def _read(data: bytes, node: Node, authors: list[str], author: str, pattern: re.Pattern) -> _Existing | None:
    pos = cell_position(node.attrs.get("ref", ""))
    if pos is None:
        return None
    author_id = int(node.attrs["authorId"]) if node.attrs.get("authorId", "").isdigit() else -1
    text = node.child("text")
    plain = "".join(_pieces(text)) if text is not None else ""
    m = pattern.search(plain)
    who = authors[author_id] if 0 <= author_id < len(authors) else None
    return _Existing(node, pos, author_id, plain, m.start() if m else None, m is None and who == author)


def _pieces(text: Node) -> list[str]:
    """The comment's visible text, run by run (phonetic runs are not part of it)."""
    out = []
    for child in text.children:
        if child.name == "t":
            out.append(child.text)
        elif child.name == "r":
            out.append("".join(t.text for t in child.all("t")))
    return out


def _our_comment(p: bytes, pos: tuple[int, int], author_id: int, note: str) -> bytes:
    ref = f"{column_letters(pos[1])}{pos[0]}".encode()
    return (b'<%scomment ref="%s" authorId="%d"><%stext>%s</%stext></%scomment>'
            % (p, ref, author_id, p, _run(p, note), p, p))


def _run(p: bytes, text: str) -> bytes:
    text = xml_text(text)
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b"<%sr>%s<%st%s>%s</%st></%sr>" % (p, _RPR % {b"p": p}, p, space, esc(text), p, p)


def _t(p: bytes, text: str) -> bytes:
    text = xml_text(text)
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b"<%st%s>%s</%st>" % (p, space, esc(text), p)


def _users_comment(data: bytes, p: bytes, item: _Existing, note: str | None, sep: str) -> bytes:
    """The user's comment with our old part cut off and the new one, if any, after the separator."""
    node = item.node
    text = node.child("text")
    keep = item.cut if item.cut is not None else len(item.plain)
    runs = [c for c in text.children if c.name in ("t", "r")] if text is not None else []
    if runs and all(c.name == "r" for c in runs):
        inner, at = [], 0
        for run in runs:
            piece = "".join(t.text for t in run.all("t"))
            if at + len(piece) <= keep:
                inner.append(data[run.start:run.end])
            elif at < keep:
                rpr = run.child("rPr")
                head = data[rpr.start:rpr.end] if rpr is not None else b""
                inner.append(b"<%sr>%s%s</%sr>" % (p, head, _t(p, piece[: keep - at]), p))
            at += len(piece)
        if note is not None:
            inner.append(_run(p, sep + note))
        tail = [data[c.start:c.end] for c in text.children if c.name not in ("t", "r")]
        new_inner = b"".join(inner + tail)
    else:
        user = item.plain[:keep]
        new_inner = _t(p, user + sep + note if note is not None else user)
    if text is None:
        return data[node.start:node.tag_end] + b"<%stext>%s</%stext>" % (p, new_inner, p) + data[node.end_tag:node.end]
    if text.empty:
        return (data[node.start:text.start] + b"<%stext>%s</%stext>" % (p, new_inner, p)
                + data[text.end:node.end])
    return data[node.start:text.tag_end] + new_inner + data[text.end_tag:node.end]


# ---------------------------------------------------------------- VML
_URNS = {b"v": b"urn:schemas-microsoft-com:vml", b"o": b"urn:schemas-microsoft-com:office:office",
         b"x": b"urn:schemas-microsoft-com:office:excel"}
_SHAPE = re.compile(rb"<([\w.-]+):shape\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(?:/>|>.*?</\1:shape\s*>)", re.S)
_NOTE = re.compile(rb"ObjectType\s*=\s*[\"']Note[\"']")
_ROW = re.compile(rb"<(?:[\w.-]+:)?Row>\s*(\d+)\s*<")
_COL = re.compile(rb"<(?:[\w.-]+:)?Column>\s*(\d+)\s*<")
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb"<[\w.-]+:idmap\b[^>]*\bdata\s*=\s*[\"']([\d,\s]*)[\"']")
_ROOT = re.compile(rb"<xml\b[^>]*>")
_DRAWN = re.compile(rb"<[\w.-]+:(?:shape|rect|roundrect|oval|line|polyline|arc|curve|group|image)\b")
_NOTE_TYPE = re.compile(rb"id\s*=\s*[\"']_x0000_t202[\"']")


def idmap_blocks(vml: bytes) -> list[int]:
    """The shape-id blocks a VML drawing claims (``<o:idmap data="1,2">``), to give a new one its own."""
    out = []
    for m in _IDMAP.finditer(vml):
        out += [int(n) for n in re.findall(rb"\d+", m.group(1))]
    return out


def update_vml(vml: bytes | None, where: str, cells: frozenset[tuple[int, int]], block: int) -> bytes | None:
    """The drawing with exactly one note box per comment in ``cells``; None when nothing is left in it."""
    if vml is None:
        if not cells:
            return None
        root = (b'<xml xmlns:v="%s" xmlns:o="%s" xmlns:x="%s"><o:shapelayout v:ext="edit">'
                b'<o:idmap v:ext="edit" data="%d"/></o:shapelayout>' % (_URNS[b"v"], _URNS[b"o"], _URNS[b"x"], block))
        vml = root + b"</xml>"
    shapes = list(_SHAPE.finditer(vml))
    have: dict[tuple[int, int], re.Match] = {}
    edits = []
    for m in shapes:
        shape = m.group(0)
        if not _NOTE.search(shape):
            continue
        row, col = _ROW.search(shape), _COL.search(shape)
        pos = (int(row.group(1)) + 1, int(col.group(1)) + 1) if row and col else None
        if pos not in cells or pos in have:
            edits.append((m.start(), m.end(), b""))
        else:
            have[pos] = m
    missing = sorted(cells - set(have))
    if not missing:
        if not edits:
            return vml
        rest = splice(vml, edits)
        return rest if _DRAWN.search(rest) else None
    root = _ROOT.search(vml)
    end = vml.rfind(b"</xml>")
    if root is None or end < 0:
        raise UserError(f"{where}: 批注的 VML 绘图部件无法识别，未写回")
    tag = root.group(0)
    prefixes = {}
    for key, urn in _URNS.items():
        declared = re.search(rb"\sxmlns:([\w.-]+)\s*=\s*[\"']%s[\"']" % re.escape(urn), tag)
        prefixes[key] = declared.group(1) if declared else key
        if not declared:
            tag = tag[:-1] + b' xmlns:%s="%s"' % (key, urn) + b">"
    if tag != root.group(0):
        edits.append((root.start(), root.end(), tag))
    numbers = [int(n) for n in _SHAPE_ID.findall(vml)]
    blocks = idmap_blocks(vml) or [block or 1]
    next_id = max([min(blocks) * 1024, *numbers]) + 1
    new = b"" if _NOTE_TYPE.search(vml) else _shapetype(prefixes)
    z = len(shapes) - len(edits) + 1
    for i, pos in enumerate(missing):
        new += _note_shape(prefixes, next_id + i, pos, z + i)
    edits.append((end, end, new))
    return splice(vml, edits)


def _shapetype(px: dict[bytes, bytes]) -> bytes:
    return (b'<%(v)s:shapetype id="_x0000_t202" coordsize="21600,21600" %(o)s:spt="202" '
            b'path="m,l,21600r21600,l21600,xe"><%(v)s:stroke joinstyle="miter"/>'
            b'<%(v)s:path gradientshapeok="t" %(o)s:connecttype="rect"/></%(v)s:shapetype>'
            % {b"v": px[b"v"], b"o": px[b"o"]})


def _note_shape(px: dict[bytes, bytes], shape_id: int, pos: tuple[int, int], z: int) -> bytes:
    """A hidden note box beside the cell, as Excel and XlsxWriter write one (the anchor decides its place)."""
    row0, col0 = pos[0] - 1, pos[1] - 1
    top = max(row0 - 1, 0)
    left_pt, top_pt = 48 * (col0 + 1) + 11.25, 15 * top + 7.5
    values = {b"v": px[b"v"], b"o": px[b"o"], b"x": px[b"x"], b"id": shape_id, b"z": z,
              b"ml": f"{left_pt:g}".encode(), b"mt": f"{top_pt:g}".encode(),
              b"anchor": f"{col0 + 1}, 15, {top}, 10, {col0 + 3}, 15, {top + 6}, 4".encode(),
              b"row": row0, b"col": col0}
    return (b'<%(v)s:shape id="_x0000_s%(id)d" type="#_x0000_t202" style="position:absolute;'
            b'margin-left:%(ml)spt;margin-top:%(mt)spt;width:240pt;height:105pt;z-index:%(z)d;visibility:hidden" '
            b'fillcolor="#ffffe1" %(o)s:insetmode="auto"><%(v)s:fill color2="#ffffe1"/>'
            b'<%(v)s:shadow on="t" color="black" obscured="t"/><%(v)s:path %(o)s:connecttype="none"/>'
            b'<%(v)s:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></%(v)s:textbox>'
            b'<%(x)s:ClientData ObjectType="Note"><%(x)s:MoveWithCells/><%(x)s:SizeWithCells/>'
            b"<%(x)s:Anchor>%(anchor)s</%(x)s:Anchor><%(x)s:AutoFill>False</%(x)s:AutoFill>"
            b"<%(x)s:Row>%(row)d</%(x)s:Row><%(x)s:Column>%(col)d</%(x)s:Column></%(x)s:ClientData>"
            b"</%(v)s:shape>" % values)
