"""An .xlsx edited as its XML parts, in memory: the fuzzers' way to change a real sample workbook.

openpyxl would take ~150 ms to load and save one sample ledger and would
"repair" what it writes (drop what it does not understand, renumber
styles); here a cell edit costs a few milliseconds and leaves every other
byte of the package as it was, so a mutated file differs from the sample
only where the fuzzer said. Edits keep the style of the cell they change:
a number written where a date was is shown (and read by calamine) as a date,
which is how Excel serials such as 0, 60 or 2958466 reach the readers.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def col_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """"F12" → (12, 6)."""
    m = _REF.match(ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


# ---------------------------------------------------------------- values a cell can be given

@dataclass(frozen=True)
class Formula:
    """A formula with the value Excel cached for it (what calamine and openpyxl data_only read)."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class CellError:
    """An error value such as #DIV/0! or #N/A."""

    code: str


@dataclass(frozen=True)
class RawNumber:
    """Text put verbatim into <v> of a number cell: NaN, INF, 1e999 — what no writer produces but a broken one might."""

    text: str


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters: Excel writes them as _xHHHH_, and so do we."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff" and not 0xD800 <= ord(ch) <= 0xDFFF
                   else f"_x{ord(ch):04X}_" for ch in text)


def _put_value(cell: ET.Element, value: object) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None:
        return
    if isinstance(value, Formula):
        f = ET.SubElement(cell, q("f"))
        f.text = value.text
        if value.cached is not None:
            cached = ET.Element("tmp")
            _put_value(cached, value.cached)
            if "t" in cached.attrib and cached.attrib["t"] != "inlineStr":
                cell.set("t", cached.attrib["t"])
            elif isinstance(value.cached, str):
                cell.set("t", "str")
            v = ET.SubElement(cell, q("v"))
            v.text = _xml_safe(str(value.cached)) if isinstance(value.cached, str) else cached.find(q("v")).text
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        ET.SubElement(cell, q("v")).text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        ET.SubElement(cell, q("v")).text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, RawNumber):
        ET.SubElement(cell, q("v")).text = value.text
    elif isinstance(value, CellError):
        cell.set("t", "e")
        ET.SubElement(cell, q("v")).text = value.code
    elif isinstance(value, str):
        cell.set("t", "inlineStr")
        t = ET.SubElement(ET.SubElement(cell, q("is")), q("t"))
        t.text = _xml_safe(value)
        if value != value.strip():
            t.set(XML_SPACE, "preserve")
    else:
        raise TypeError(f"no way to write {value!r} into a cell")


# ---------------------------------------------------------------- the package

class BadSharedString(ValueError):
    """A text cell pointing at no shared string: XML that parses but that no correct writer makes."""


class Package:
    """The members of one .xlsx; sheets are parsed on first edit and serialised by ``to_bytes``."""

    def __init__(self, data: bytes):
        self.members: dict[str, bytes] = {}
        self.unreadable: list[str] = []  # members a damaged file's directory names but zipfile cannot read
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                try:
                    self.members[info.filename] = zf.read(info)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                    self.unreadable.append(info.filename)
        self._trees: dict[str, ET.Element] = {}
        self._shared: list[str] | None = None
        self.keep_dimension: set[str] = set()  # parts whose <dimension> was set on purpose

    # -- parts
    def tree(self, part: str) -> ET.Element:
        if part not in self._trees:
            self._trees[part] = ET.fromstring(self.members[part])
        return self._trees[part]

    def _workbook_rels(self) -> dict[str, str]:
        rels = ET.fromstring(self.members["xl/_rels/workbook.xml.rels"])
        out = {}
        for rel in rels:
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[rel.get("Id")] = target
        return out

    def sheets(self) -> list[tuple[str, str]]:
        """(sheet name, part path) in tab order."""
        rels = self._workbook_rels()
        wb = self.tree("xl/workbook.xml")
        return [(s.get("name"), rels[s.get(f"{{{REL}}}id")]) for s in wb.find(q("sheets"))]

    def part_of(self, sheet: str | int) -> str:
        sheets = self.sheets()
        if isinstance(sheet, int):
            return sheets[sheet % len(sheets)][1]
        return dict(sheets)[sheet]

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if "xl/sharedStrings.xml" in self.members:
                for si in ET.fromstring(self.members["xl/sharedStrings.xml"]):
                    self._shared.append("".join(t.text or "" for t in si.iter(q("t"))))
        return self._shared

    # -- cells
    def _sheet_data(self, part: str) -> ET.Element:
        return self.tree(part).find(q("sheetData"))

    def rows(self, sheet: str | int) -> list[ET.Element]:
        return list(self._sheet_data(self.part_of(sheet)))

    def used(self, sheet: str | int) -> tuple[int, int]:
        """(last row, last column) holding any cell element."""
        last_row = last_col = 0
        for row in self.rows(sheet):
            for c in row:
                r, col = split_ref(c.get("r"))
                last_row, last_col = max(last_row, r), max(last_col, col)
        return last_row, last_col

    def _row(self, part: str, r: int, create: bool) -> ET.Element | None:
        data = self._sheet_data(part)
        for i, row in enumerate(data):
            n = int(row.get("r"))
            if n == r:
                return row
            if n > r:
                if not create:
                    return None
                new = ET.Element(q("row"), {"r": str(r)})
                data.insert(i, new)
                return new
        if not create:
            return None
        return ET.SubElement(data, q("row"), {"r": str(r)})

    def _cell(self, part: str, ref: str, create: bool) -> ET.Element | None:
        r, col = split_ref(ref)
        row = self._row(part, r, create)
        if row is None:
            return None
        for i, c in enumerate(row):
            _, n = split_ref(c.get("r"))
            if n == col:
                return c
            if n > col:
                if not create:
                    return None
                new = ET.Element(q("c"), {"r": ref})
                row.insert(i, new)
                return new
        if not create:
            return None
        return ET.SubElement(row, q("c"), {"r": ref})

    def value(self, sheet: str | int, ref: str) -> object:
        """The cell's value as the XML holds it: str, float, bool or None (no style interpretation)."""
        return self.cell_value(self._cell(self.part_of(sheet), ref, create=False))

    def value_in_part(self, part: str, ref: str) -> object:
        return self.cell_value(self._cell(part, ref, create=False))

    def cell_value(self, c: ET.Element | None) -> object:
        if c is None:
            return None
        t = c.get("t", "n")
        if t == "inlineStr":
            return "".join(x.text or "" for x in c.iter(q("t")))
        v = c.find(q("v"))
        if v is None or v.text is None:
            return None
        if t == "s":
            if not v.text.strip().isdigit() or int(v.text) >= len(self.shared_strings()):
                raise BadSharedString(f"{c.get('r')}: shared string index {v.text!r}")
            return self.shared_strings()[int(v.text)]
        if t in ("str", "e"):
            return v.text
        if t == "b":
            return v.text == "1"
        try:
            return float(v.text)
        except ValueError:
            return v.text

    def is_date_style(self, s: str | None) -> bool:
        """Whether cell style ``s`` shows its number as a date (built-in formats 14–22, 45–47, or y/m/d codes)."""
        if s is None or "xl/styles.xml" not in self.members:
            return False
        styles = ET.fromstring(self.members["xl/styles.xml"])
        xfs = styles.find(q("cellXfs"))
        if xfs is None or int(s) >= len(xfs):
            return False
        fmt = int(xfs[int(s)].get("numFmtId", "0"))
        if 14 <= fmt <= 22 or 45 <= fmt <= 47:
            return True
        for nf in styles.iter(q("numFmt")):
            if int(nf.get("numFmtId")) == fmt:
                code = re.sub(r'"[^"]*"|\[[^]]*\]', "", nf.get("formatCode", "")).lower()
                return any(ch in code for ch in "ymd") and "0.0" not in code
        return False

    def style(self, sheet: str | int, ref: str) -> str | None:
        c = self._cell(self.part_of(sheet), ref, create=False)
        return None if c is None else c.get("s")

    def set(self, sheet: str | int, ref: str, value: object) -> None:
        part = self.part_of(sheet)
        _put_value(self._cell(part, self._anchor(part, ref), create=True), value)

    def _anchor(self, part: str, ref: str) -> str:
        """Typing into a merged area types into its top-left cell: the others stay empty, as in Excel."""
        merges = self.tree(part).find(q("mergeCells"))
        r, c = split_ref(ref)
        for m in merges if merges is not None else ():
            a, b = m.get("ref").split(":")
            (r0, c0), (r1, c1) = split_ref(a), split_ref(b)
            if r0 <= r <= r1 and c0 <= c <= c1:
                return a
        return ref

    # -- rows
    def _renumber(self, part: str, rows: list[ET.Element], first: int) -> None:
        for offset, row in enumerate(rows):
            n = first + offset
            row.set("r", str(n))
            for c in row:
                letters = _REF.match(c.get("r")).group(1)
                c.set("r", f"{letters}{n}")

    def _replace_rows(self, part: str, first: int, last: int, new_rows: list[ET.Element]) -> None:
        """Rows first..last (inclusive, sheet numbers) become ``new_rows``; the rows below follow them."""
        data = self._sheet_data(part)
        before = [row for row in data if int(row.get("r")) < first]
        after = [row for row in data if int(row.get("r")) > last]
        for row in list(data):
            data.remove(row)
        for row in before:
            data.append(row)
        by_number = {}
        for i, row in enumerate(new_rows):
            by_number[first + i] = row
        self._renumber(part, new_rows, first)
        shift = len(new_rows) - (last - first + 1)
        for row in new_rows:
            data.append(row)
        for row in after:
            self._renumber(part, [row], int(row.get("r")) + shift)
            data.append(row)

    def _rows_between(self, part: str, first: int, last: int) -> list[ET.Element]:
        """Rows first..last as elements, an empty row element where the sheet has none."""
        present = {int(row.get("r")): row for row in self._sheet_data(part)}
        return [present.get(n) if n in present else ET.Element(q("row"), {"r": str(n)}) for n in range(first, last + 1)]

    def permute_rows(self, sheet: str | int, first: int, order: list[int]) -> None:
        """Rows first..first+len(order)-1 put in ``order`` (indices into that block), as a sort does:
        Excel sorts only unmerged ranges (merges across the block go), and names stay where they point."""
        part = self.part_of(sheet)
        last = first + len(order) - 1
        block = self._rows_between(part, first, last)
        self._replace_rows(part, first, last, [block[i] for i in order])
        self._merges_map(part, lambda r0, r1: None if r1 >= first and r0 <= last else (r0, r1))

    def duplicate_row(self, sheet: str | int, r: int, times: int = 1) -> None:
        """Copy row ``r`` and insert the copies below it, as Excel's "insert copied cells" does."""
        import copy

        part = self.part_of(sheet)
        (row,) = self._rows_between(part, r, r)
        self._replace_rows(part, r, r, [row] + [copy.deepcopy(row) for _ in range(times)])

        def shift(n: int) -> int:
            return n + times if n > r else n

        copies = []
        for r0, r1, ref in self._merge_refs(part):
            if r0 == r1 == r:
                copies += [ref.replace(str(r), str(r + k)) for k in range(1, times + 1)]
        self._merges_map(part, lambda r0, r1: (shift(r0), shift(r1) if r1 != r else r1 + (times if r0 < r else 0)))
        for ref in copies:
            self._add_merge(part, ref)
        self._refs_map(part, shift)

    def delete_rows(self, sheet: str | int, first: int, count: int = 1) -> None:
        """Delete rows as Excel does: what was below moves up, merges and references follow."""
        part = self.part_of(sheet)
        last = first + count - 1
        self._replace_rows(part, first, last, [])

        def keep(n: int) -> int | None:
            return n if n < first else None if n <= last else n - count

        def merge_after(r0: int, r1: int):
            kept = [keep(n) for n in range(r0, r1 + 1) if keep(n) is not None]
            return (kept[0], kept[-1]) if kept else None

        self._merges_map(part, merge_after)
        self._refs_map(part, lambda n: keep(n) if keep(n) is not None else first)

    # -- what Excel keeps pointing at moved rows
    def _merge_refs(self, part: str) -> list[tuple[int, int, str]]:
        merges = self.tree(part).find(q("mergeCells"))
        out = []
        for m in merges if merges is not None else ():
            a, b = m.get("ref").split(":")
            out.append((split_ref(a)[0], split_ref(b)[0], m.get("ref")))
        return out

    def _merges_map(self, part: str, fn) -> None:
        """Each merge's rows (r0, r1) → fn(r0, r1), or None to unmerge; one-cell results are unmerged."""
        root = self.tree(part)
        merges = root.find(q("mergeCells"))
        if merges is None:
            return
        for m in list(merges):
            a, b = m.get("ref").split(":")
            (r0, c0), (r1, c1) = split_ref(a), split_ref(b)
            new = fn(r0, r1)
            if new is None or (new[0] == new[1] and c0 == c1):
                merges.remove(m)
            else:
                m.set("ref", f"{col_letter(c0)}{new[0]}:{col_letter(c1)}{new[1]}")
        if len(merges):
            merges.set("count", str(len(merges)))
        else:
            root.remove(merges)

    def _add_merge(self, part: str, ref: str) -> None:
        root = self.tree(part)
        merges = root.find(q("mergeCells"))
        if merges is None:
            merges = ET.Element(q("mergeCells"))
            root.insert(list(root).index(root.find(q("sheetData"))) + 1, merges)
        ET.SubElement(merges, q("mergeCell"), {"ref": ref})
        merges.set("count", str(len(merges)))

    def _refs_map(self, part: str, shift) -> None:
        """Defined names on this sheet and the sheet's tables follow moved rows."""
        name = next(n for n, p in self.sheets() if p == part)
        names = self.tree("xl/workbook.xml").find(q("definedNames"))
        pattern = re.compile(r"((?:'[^']*(?:''[^']*)*'|[^'!,:\s]+)!)((?:\$?[A-Z]{0,3}\$?\d+)(?::\$?[A-Z]{0,3}\$?\d+)?)")

        def fix_range(text: str) -> str:
            return re.sub(r"(\$?[A-Z]{0,3}\$?)(\d+)", lambda m: f"{m.group(1)}{shift(int(m.group(2)))}", text)

        for dn in names if names is not None else ():
            def fix(m: re.Match) -> str:
                sheet = m.group(1)[:-1].strip("'").replace("''", "'")
                return m.group(1) + (fix_range(m.group(2)) if sheet == name else m.group(2))

            if dn.text:
                dn.text = pattern.sub(fix, dn.text)
        rels_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rels_part not in self.members:
            return
        for rel in ET.fromstring(self.members[rels_part]):
            target = rel.get("Target", "")
            if "tables/" not in target:
                continue
            table_part = "xl/tables/" + target.rsplit("tables/", 1)[1]
            table = self.tree(table_part)
            table.set("ref", fix_range(table.get("ref")))
            auto = table.find(q("autoFilter"))
            if auto is not None:
                auto.set("ref", fix_range(auto.get("ref")))

    # -- structure
    def merge(self, sheet: str | int, ref: str) -> None:
        """Merge a range as Excel does: only the top-left value survives."""
        part = self.part_of(sheet)
        root = self.tree(part)
        a, b = ref.split(":")
        (r0, c0), (r1, c1) = split_ref(a), split_ref(b)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    cell = self._cell(part, f"{col_letter(c)}{r}", create=False)
                    if cell is not None:
                        _put_value(cell, None)
        merges = root.find(q("mergeCells"))
        if merges is None:
            merges = ET.Element(q("mergeCells"))
            root.insert(list(root).index(root.find(q("sheetData"))) + 1, merges)
        ET.SubElement(merges, q("mergeCell"), {"ref": ref})
        merges.set("count", str(len(merges)))

    def clear_sheet(self, sheet: str | int) -> None:
        part = self.part_of(sheet)
        data = self._sheet_data(part)
        for row in list(data):
            data.remove(row)
        root = self.tree(part)
        for tag in ("mergeCells", "dimension"):
            el = root.find(q(tag))
            if el is not None:
                root.remove(el)

    def add_sheet(self, name: str, rows: list[list[object]], *, hidden: bool = False, first: bool = False) -> None:
        """A new worksheet holding ``rows`` (row 1 first), as a part of its own."""
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in self.members:
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        root = ET.Element(q("worksheet"))
        data = ET.SubElement(root, q("sheetData"))
        for r, values in enumerate(rows, start=1):
            row = ET.SubElement(data, q("row"), {"r": str(r)})
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = ET.SubElement(row, q("c"), {"r": f"{col_letter(c)}{r}"})
                _put_value(cell, value)
        self._trees[part] = root
        self.members[part] = b""
        rels = ET.fromstring(self.members["xl/_rels/workbook.xml.rels"])
        ids = {rel.get("Id") for rel in rels}
        k = 1
        while f"rIdFuzz{k}" in ids:
            k += 1
        rid = f"rIdFuzz{k}"
        ET.SubElement(rels, f"{{{PKG_REL}}}Relationship",
                      {"Id": rid, "Type": WORKSHEET_TYPE, "Target": f"worksheets/sheet{n}.xml"})
        self.members["xl/_rels/workbook.xml.rels"] = _serialise(rels, PKG_REL)
        types = ET.fromstring(self.members["[Content_Types].xml"])
        ET.SubElement(types, f"{{{CT}}}Override", {"PartName": f"/{part}", "ContentType": WORKSHEET_CT})
        self.members["[Content_Types].xml"] = _serialise(types, CT)
        wb = self.tree("xl/workbook.xml")
        sheets = wb.find(q("sheets"))
        ids = [int(s.get("sheetId", "0")) for s in sheets]
        attrs = {"name": name, "sheetId": str(max(ids, default=0) + 1), f"{{{REL}}}id": rid}
        if hidden:
            attrs["state"] = "hidden"
        el = ET.Element(q("sheet"), attrs)
        if first:
            sheets.insert(0, el)
            # localSheetId counts tabs: every sheet-local name now points one further
            names = wb.find(q("definedNames"))
            for dn in names if names is not None else ():
                if dn.get("localSheetId") is not None:
                    dn.set("localSheetId", str(int(dn.get("localSheetId")) + 1))
            view = wb.find(f"{q('bookViews')}/{q('workbookView')}")
            if view is not None and view.get("activeTab"):
                view.set("activeTab", str(int(view.get("activeTab")) + 1))
        else:
            sheets.append(el)

    def rename_sheet(self, sheet: str | int, new: str) -> None:
        """The tab only: formulas and defined names still say the old name, as after a careless rename."""
        wb = self.tree("xl/workbook.xml")
        sheets = list(wb.find(q("sheets")))
        target = sheets[sheet % len(sheets)] if isinstance(sheet, int) else next(s for s in sheets if s.get("name") == sheet)
        target.set("name", new)

    def defined_names(self) -> list[str]:
        names = self.tree("xl/workbook.xml").find(q("definedNames"))
        return [] if names is None else [dn.get("name") for dn in names]

    def remove_defined_names(self, which) -> list[str]:
        """Remove the workbook's defined names whose name is in ``which``; returns those removed."""
        wb = self.tree("xl/workbook.xml")
        names = wb.find(q("definedNames"))
        removed = []
        if names is None:
            return removed
        for dn in list(names):
            if dn.get("name") in which:
                names.remove(dn)
                removed.append(dn.get("name"))
        if not len(names):
            wb.remove(names)
        return removed

    def retarget_defined_name(self, name: str, target: str) -> None:
        names = self.tree("xl/workbook.xml").find(q("definedNames"))
        for dn in names if names is not None else ():
            if dn.get("name") == name:
                dn.text = target

    def _fit_dimension(self, part: str) -> None:
        root = self.tree(part)
        dim = root.find(q("dimension"))
        if dim is None:
            return
        last_row = last_col = 0
        for row in root.find(q("sheetData")):
            for c in row:
                r, col = split_ref(c.get("r"))
                last_row, last_col = max(last_row, r), max(last_col, col)
        dim.set("ref", f"A1:{col_letter(max(last_col, 1))}{max(last_row, 1)}")

    def set_dimension(self, sheet: str | int, ref: str) -> None:
        part = self.part_of(sheet)
        dim = self.tree(part).find(q("dimension"))
        if dim is not None:
            dim.set("ref", ref)
            self.keep_dimension.add(part)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.members.items():
                if name in self._trees:
                    if name.startswith("xl/worksheets/") and name not in self.keep_dimension:
                        self._fit_dimension(name)
                    data = _serialise(self._trees[name], MAIN)
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return out.getvalue()


def _serialise(root: ET.Element, default_ns: str) -> bytes:
    """ElementTree's own writer invents ns0: prefixes (or refuses plain attributes with a default
    namespace); this one writes the default namespace bare and every other one with a stable prefix."""
    prefixes = {default_ns: "", REL: "r", "http://www.w3.org/XML/1998/namespace": "xml"}
    used: dict[str, str] = {}

    def name(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}", 1)
        if uri not in prefixes:
            prefixes[uri] = f"ns{len(prefixes)}"
        prefix = prefixes[uri]
        if prefix != "xml":
            used[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    def write(el: ET.Element, out: list[str]) -> None:
        out.append(f"<{name(el.tag)}")
        for key, value in el.attrib.items():
            out.append(f' {name(key)}="{escape(value, {chr(34): "&quot;", chr(10): "&#10;", chr(13): "&#13;", chr(9): "&#9;"})}"')
        if el.text is None and not len(el):
            out.append("/>")
        else:
            out.append(">")
            if el.text:
                out.append(escape(el.text, {chr(13): "&#13;"}))
            for child in el:
                write(child, out)
                if child.tail:
                    out.append(escape(child.tail))
            out.append(f"</{name(el.tag)}>")

    parts: list[str] = []
    write(root, parts)
    declared = "".join(f' xmlns:{p}="{u}"' if p else f' xmlns="{u}"' for u, p in used.items())
    head, rest = parts[0], "".join(parts[1:])
    body = head + declared + rest
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


# ---------------------------------------------------------------- byte level

def rezip_with(data: bytes, member: str, new: bytes) -> bytes:
    """The same package with one member's bytes replaced (a valid zip: CRCs recomputed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, new if info.filename == member else src.read(info))
    return out.getvalue()


def member_bytes(data: bytes, member: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(member)
