"""One worksheet part, patched in place: result values, our conditional formats, the comments' VML link.

Everything else in the sheet — the user's cells, styles, validations (also
the x14 ones in ``extLst``), their own conditional formats, drawings,
controls — stays byte for byte. New elements go where the schema's order
(ECMA-376 CT_Worksheet) wants them and carry the root's namespace prefix.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from credit_workbook.errors import UserError
from credit_workbook.forms.workbook_parts import REL, Styles, cell_position, column_letters
from credit_workbook.forms.xml_spans import Node, esc, prefix_of, scan, splice
from credit_workbook.textsafe import xml_text

MAX_TEXT = 32767  # Excel's limit for a cell
_AFTER_CF = frozenset({
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
    "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
    "AlternateContent"})
_AFTER_LEGACY = frozenset({"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                           "tableParts", "extLst", "AlternateContent"})
_PRIORITY = re.compile(rb'\spriority="(\d+)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*>|<(?:[\w.-]+:)?f\b[^>]*/>")
_REF_ATTR = re.compile(rb"\sref\s*=")  # a shared-formula master or an array formula spans other cells
_EXCEL_EPOCH = date(1899, 12, 30)


class SheetMarks:
    def __init__(self, data: bytes, where: str, token: str):
        self.data = data
        self.where = where  # "file!sheet", for messages
        self.root = scan(data, where, 3, frozenset({"formula"}))
        self.p = prefix_of(data, self.root)
        self.token = token
        self.edits: list[tuple[int, int, bytes]] = []
        self.removed_formula = False
        self._new_cells: dict[int, dict[int, bytes]] = {}  # row -> col -> cell the sheet did not have
        self.sheet_data = self.root.child("sheetData")
        if self.sheet_data is None:
            raise UserError(f"{where}: 工作表缺少 sheetData，工作簿已损坏")
        self.rows: list[tuple[int, Node]] = []
        self.cells: dict[tuple[int, int], Node] = {}
        row_no = 0
        for row in self.sheet_data.all("row"):
            row_no = int(row.attrs["r"]) if row.attrs.get("r", "").isdigit() else row_no + 1
            self.rows.append((row_no, row))
            col_no = 0
            for cell in row.all("c"):
                pos = cell_position(cell.attrs.get("r", ""))
                col_no = pos[1] if pos else col_no + 1
                self.cells[(row_no, col_no)] = cell
        self.our_rules: list[tuple[Node, Node]] = []  # (block, rule)
        for block in self.root.all("conditionalFormatting"):
            for rule in block.all("cfRule"):
                if any(token in f.text for f in rule.all("formula")):
                    self.our_rules.append((block, rule))

    # ------------------------------------------------------------ result cells
    def set_value(self, row: int, col: int, value, styles: Styles | None) -> None:
        coord = f"{column_letters(col)}{row}"
        cell = self.cells.get((row, col))
        if cell is not None:
            old = self.data[cell.start:cell.end]
            for f in _FORMULA.findall(old):
                if _REF_ATTR.search(f):
                    raise UserError(f"{self.where}!{coord}：结果单元格含有共享公式或数组公式，本工具不覆盖；"
                                    "请删除该单元格的公式后再运行")
            if value is None and cell.empty:
                return
            style = cell.attrs.get("s")
            new = self._cell(coord, style, value, styles)
            if new != old:
                self.removed_formula |= bool(_FORMULA.search(old))
                self.edits.append((cell.start, cell.end, new))
            return
        if value is not None:
            self._new_cells.setdefault(row, {})[col] = self._cell(coord, None, value, styles)

    def _cell(self, coord: str, style: str | None, value, styles: Styles | None) -> bytes:
        p = self.p
        if isinstance(value, (date, datetime)):
            base = int(style) if style and style.isdigit() else 0
            style = str(styles.date_xf(base)) if styles is not None else style
        s = b' s="%s"' % style.encode() if style else b""
        head = b'<%sc r="%s"%s' % (p, coord.encode(), s)
        if value is None:
            return head + b"/>"
        if isinstance(value, str):
            text = xml_text(value)[:MAX_TEXT]
            space = b' xml:space="preserve"' if text != text.strip() else b""
            return head + b' t="inlineStr"><%sis><%st%s>%s</%st></%sis></%sc>' % (p, p, space, esc(text), p, p, p)
        if isinstance(value, bool):
            return head + b' t="b"><%sv>%d</%sv></%sc>' % (p, value, p, p)
        return head + b"><%sv>%s</%sv></%sc>" % (p, _number(value), p, p)

    def _add_new_cells(self) -> None:
        """Cells the sheet did not have, in row and column order (a row may get several)."""
        rows = dict(self.rows)
        for row, cells in sorted(self._new_cells.items()):
            if row in rows:
                self._insert_cells(rows[row], row, cells)
            else:
                self._insert_row(row, b"".join(cells[c] for c in sorted(cells)))

    def _insert_row(self, row: int, cells: bytes) -> None:
        new = b'<%srow r="%d">%s</%srow>' % (self.p, row, cells, self.p)
        after = next((node for n, node in self.rows if n > row), None)
        if after is not None:
            self.edits.append((after.start, after.start, new))
        elif self.sheet_data.empty:
            tag = self.data[self.sheet_data.start:self.sheet_data.tag_end]
            self.edits.append((self.sheet_data.start, self.sheet_data.end,
                               tag[:-2].rstrip() + b">" + new + b"</%ssheetData>" % self.p))
        else:
            self.edits.append((self.sheet_data.end_tag, self.sheet_data.end_tag, new))

    def _insert_cells(self, row_node: Node, row: int, cells: dict[int, bytes]) -> None:
        existing = sorted((c, node) for (r, c), node in self.cells.items() if r == row)
        tag = self.data[row_node.start:row_node.tag_end]
        spans = re.search(rb'\sspans="(\d+):(\d+)"', tag)
        if spans:
            low, high = min(int(spans.group(1)), *cells), max(int(spans.group(2)), *cells)
            tag = tag[:spans.start()] + b' spans="%d:%d"' % (low, high) + tag[spans.end():]
        if row_node.empty:
            body = b"".join(cells[c] for c in sorted(cells))
            self.edits.append((row_node.start, row_node.end, tag[:-2].rstrip() + b">" + body + b"</%srow>" % self.p))
            return
        if tag != self.data[row_node.start:row_node.tag_end]:
            self.edits.append((row_node.start, row_node.tag_end, tag))
        at_points: dict[int, list[bytes]] = {}
        for col in sorted(cells):
            at = next((node.start for c, node in existing if c > col), row_node.end_tag)
            at_points.setdefault(at, []).append(cells[col])
        for at, pieces in at_points.items():
            self.edits.append((at, at, b"".join(pieces)))

    # ------------------------------------------------------------ highlights
    def replace_highlights(self, marks: list[tuple[int, int, int, str]]) -> None:
        """Our rules out, then one rule per (row, col, dxf id, level), after the user's own conditional formats."""
        ours = {id(rule) for _block, rule in self.our_rules}
        dropped = []
        for block in self.root.all("conditionalFormatting"):
            rules = block.all("cfRule")
            mine = [r for r in rules if id(r) in ours]
            if mine and len(mine) == len(rules):
                self.edits.append((block.start, block.end, b""))
                dropped.append((block.start, block.end))
            else:
                for rule in mine:
                    self.edits.append((rule.start, rule.end, b""))
                    dropped.append((rule.start, rule.end))
        if not marks:
            return
        top = 0
        for m in _PRIORITY.finditer(self.data):
            if not any(start <= m.start() < end for start, end in dropped):
                top = max(top, int(m.group(1)))
        p = self.p
        new = b"".join(
            b'<%sconditionalFormatting sqref="%s%d"><%scfRule type="expression" dxfId="%d" priority="%d">'
            b'<%sformula>%s</%sformula></%scfRule></%sconditionalFormatting>'
            % (p, column_letters(col).encode(), row, p, dxf, top + i, p, esc(f'"{self.token}:{level}"<>""'), p, p, p)
            for i, (row, col, dxf, level) in enumerate(sorted(marks), start=1))
        blocks = self.root.all("conditionalFormatting")
        at = blocks[-1].end if blocks else self._before(_AFTER_CF)
        self.edits.append((at, at, new))

    # ------------------------------------------------------------ the VML link for comments
    @property
    def legacy_rid(self) -> str | None:
        node = self.root.child("legacyDrawing")
        return node.attrs.get(f"{REL} id") if node is not None else None

    def link_legacy(self, rid: str) -> None:
        rel_prefix = re.search(rb'\sxmlns:([\w.-]+)="%s"' % re.escape(REL.encode()),
                               self.data[self.root.start:self.root.tag_end])
        if rel_prefix:
            new = b'<%slegacyDrawing %s:id="%s"/>' % (self.p, rel_prefix.group(1), rid.encode())
        else:
            new = b'<%slegacyDrawing xmlns:r="%s" r:id="%s"/>' % (self.p, REL.encode(), rid.encode())
        at = self._before(_AFTER_LEGACY)
        self.edits.append((at, at, new))

    def unlink_legacy(self) -> None:
        node = self.root.child("legacyDrawing")
        if node is not None:
            self.edits.append((node.start, node.end, b""))

    def _before(self, successors: frozenset[str]) -> int:
        for node in self.root.children:
            if node.name in successors:
                return node.start
        return self.root.end_tag

    def render(self) -> bytes:
        self._add_new_cells()
        self._new_cells = {}
        return splice(self.data, self.edits)


def _number(value) -> bytes:
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        serial = Decimal(delta.days) + Decimal(delta.seconds) / Decimal(86400)
        return _number(serial.quantize(Decimal("0.000000001")))
    if isinstance(value, date):
        return str((value - _EXCEL_EPOCH).days).encode()
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return (text if text not in ("", "-0") else "0").encode()
    if isinstance(value, float):
        return repr(value).encode()
    raise TypeError(f"cannot write {type(value).__name__} into a cell")
