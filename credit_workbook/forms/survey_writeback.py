"""Write a rating back into a 《客户信用调查评定表》: result cells, highlights, comments.

The tool only ever touches its own marks. Highlights are conditional-format
rules carrying a marker in their formula (the user's own cell fills are never
changed), comments carry a separator line after any comment the user wrote,
and results go into the ``result_*`` cells. Clearing removes exactly those
marks, so writing twice gives the same workbook, byte for byte.

The workbook is patched at the zip level (``ooxml_zip``): only the marked
sheets, their comments and VML parts, styles (two highlight formats), the
relationships and content types change; every other member is copied with
its compressed bytes. So an ``.xlsm`` keeps its macros, and images, charts,
form controls, pivot tables, slicers, external links, custom XML and
threaded comments stay as they were — openpyxl's load/save dropped several
of those, and cost ~70 ms a form where this costs a few. What cannot be
written without changing the meaning of the user's content (a threaded
comment on a cell we must annotate, a digital signature, a shared
workbook's revision log) is detected first: in place, the marks then go to
a copy (``mark_file(copy_to=…)``) with a note saying why.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.errors import UserError, WorkbookOpenError
from credit_workbook.fileio import atomic_copy, atomic_write
from credit_workbook.forms.comment_marks import idmap_blocks, update_comments, update_vml
from credit_workbook.forms.ooxml_zip import MAX_PART, Package, rels_part
from credit_workbook.forms.sheet_marks import SheetMarks
from credit_workbook.forms.workbook_parts import (
    CT_COMMENTS,
    CT_VML,
    REL,
    REL_CALC_CHAIN,
    REL_COMMENTS,
    REL_THREADED,
    REL_VML,
    ContentTypes,
    Rels,
    Styles,
    Workbook,
    cell_position,
    column_letters,
)
from credit_workbook.forms.xml_spans import scan
from credit_workbook.textsafe import xml_text

MARK_AUTHOR = "信用管理工具"
MARK_TOKEN = "credit_workbook"
COMMENT_SEP = "\n—— 信用管理工具 ——\n"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CORE = "docProps/core.xml"


@dataclass(frozen=True)
class ResultCells:
    """What goes into the result_* cells; None clears a cell."""

    grade: str | None
    reasons: str
    cap: object | None  # Decimal
    max_term_days: int | None
    rated_at: date | None

    def by_name(self) -> dict[str, object]:
        return {"result_grade": self.grade, "result_reasons": self.reasons, "result_cap": self.cap,
                "result_max_term_days": self.max_term_days, "result_rated_at": self.rated_at}


@dataclass(frozen=True)
class WriteBack:
    """What ``mark_file`` did."""

    written: Path | None  # the file written; None when it already held exactly these marks
    backup: Path | None  # the original's byte-for-byte copy, for an in-place write
    note: str | None = None  # why the marks went to a copy instead of the original (or a caveat about them)


def lock_files(path: Path) -> list[Path]:
    """The owner files Excel (``~$``) and LibreOffice (``.~lock.…#``) keep beside an open workbook."""
    name = path.name
    candidates = [f"~${name}", f"~${name[2:]}", f"~${name[1:]}", f".~lock.{name}#"]
    return [path.with_name(c) for c in dict.fromkeys(candidates) if path.with_name(c).exists()]


def ensure_not_open(path: Path) -> None:
    locks = lock_files(Path(path))
    if locks:
        raise WorkbookOpenError(
            f"{Path(path).name}: 该工作簿正在 Excel/WPS/LibreOffice 中打开（发现锁文件 {locks[0].name}），"
            "请先保存并关闭后再运行；如确认已关闭，可删除该锁文件")


def backup(path: Path, backup_dir: Path, stamp: datetime) -> Path:
    """Keep the workbook as it was, byte for byte, before any write-back."""
    path = Path(path)
    target = Path(backup_dir) / f"{path.stem}.{stamp:%Y%m%d-%H%M%S}{path.suffix}"
    n = 1
    while target.exists():
        target = Path(backup_dir) / f"{path.stem}.{stamp:%Y%m%d-%H%M%S}-{n}{path.suffix}"
        n += 1
    atomic_copy(path, target)
    return target


def write_marks(source: Path, target: Path, problems: tuple[Problem, ...], results: ResultCells,
                *, backup_dir: Path | None = None, stamp: datetime | None = None) -> Path | None:
    """Mark ``source`` and save as ``target`` (the same path for an in-place write-back).

    In place: refuses an open workbook, keeps a backup first, and refuses
    (UserError, nothing written) what ``mark_file`` would divert to a copy.
    Returns the backup path, if one was made.
    """
    return mark_file(source, target, problems, results, backup_dir=backup_dir, stamp=stamp).backup


def mark_file(source: Path, target: Path, problems: tuple[Problem, ...], results: ResultCells | None,
              *, backup_dir: Path | None = None, stamp: datetime | None = None,
              copy_to: Path | None = None) -> WriteBack:
    """Clear our old marks in ``source``, write the new ones and the results, save as ``target``.

    ``results=None`` leaves the result cells as they are (``problems=()``
    with it clears our marks and nothing else). In place (``target`` is
    ``source``) the workbook must not be open and is backed up first; when
    writing would change what the user's content means (see the module
    doc), the original is left alone: with ``copy_to`` the marked copy goes
    to ``copy_to/<name>`` and ``note`` says why, without it a UserError.
    Nothing is written when ``target`` already holds these exact bytes.
    """
    source, target = Path(source), Path(target)
    in_place = source.resolve() == target.resolve()
    if in_place:
        ensure_not_open(source)
    if target.suffix.lower() != source.suffix.lower():
        raise UserError(f"{source.name}: 写回的副本必须保持原扩展名 {source.suffix}（.xlsm 改名为 .xlsx 后 Excel 打不开）")
    when = stamp or datetime.combine((results.rated_at if results else None) or date.today(), time(0, 0))
    original = source.read_bytes()
    data, conflicts = marked_bytes(original, source.name, problems, results, when)
    note = None
    if conflicts:
        reason = "；".join(conflicts)
        if in_place:
            if copy_to is None:
                raise UserError(f"{source.name}: {reason}。为不改动原表，未写回；"
                                "请不带 --in-place 运行，结果写入 out/ 目录的副本")
            target, in_place = Path(copy_to) / source.name, False
            note = f"{source.name}：{reason}；原表未改动，结果与标记写在副本 {target} 中"
        else:
            note = f"{source.name}：{reason}"
    if target.exists() and target.read_bytes() == data:
        return WriteBack(None, None, note)  # already up to date: no backup, no write
    saved = backup(source, backup_dir, datetime.now()) if in_place and backup_dir is not None else None
    atomic_write(target, data)
    return WriteBack(target, saved, note)


def marked_bytes(data: bytes, name: str, problems: tuple[Problem, ...], results: ResultCells | None,
                 when: datetime) -> tuple[bytes, list[str]]:
    """The workbook ``data`` with our marks replaced, and what would make writing it in place unsafe.

    Returns ``data`` itself (and no conflicts) when nothing changes.
    """
    pkg = Package(data, name)
    book = Workbook(pkg)
    types = ContentTypes(pkg)
    conflicts = _package_conflicts(pkg)
    values: dict[str, dict[tuple[int, int], object]] = {}
    for field, value in (results.by_name() if results else {}).items():
        ref = book.names.get(field)
        pos = cell_position(ref[1]) if ref else None
        if pos and ref[0] in book.sheets:
            values.setdefault(ref[0], {})[pos] = value
    found: dict[str, dict[tuple[int, int], list[Problem]]] = {}
    for p in problems:
        parts = p.place.rsplit("!", 2)
        pos = cell_position(parts[2]) if len(parts) == 3 else None
        if pos and parts[1] in book.sheets:
            found.setdefault(parts[1], {}).setdefault(pos, []).append(p)
    state = _State(pkg, book)
    for sheet in book.sheets.values():
        _mark_sheet(state, sheet.name, sheet.member, values.get(sheet.name, {}), found.get(sheet.name, {}),
                    types, conflicts)
    if state.removed_formula:
        for rel in book.rels.of_type(REL_CALC_CHAIN):  # Excel "repairs" a chain naming a cell without formula
            member = book.rels.member(rel)
            state.changed[member] = None
            book.rels.remove(rel.id)
            types.remove_override(member)
    if book.rels.changed:
        state.changed[book.rels.part] = book.rels.render()
    if state.styles is not None and state.styles.changed:
        state.changed[state.styles.member] = state.styles.render()
    if not state.changed:
        return data, []  # nothing to write, so nothing it could break
    state.changed[ContentTypes.NAME] = types.render()
    if _CORE in pkg:
        core = pkg.read(_CORE)
        stamped = _MODIFIED.sub(rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", core)
        if stamped != core:
            state.changed[_CORE] = stamped
    return pkg.rebuilt({k: v for k, v in state.changed.items() if not (v is None and k not in pkg)}), conflicts


class _State:
    """What one write-back has changed so far, and the shared parts it loaded."""

    def __init__(self, pkg: Package, book: Workbook):
        self.pkg, self.book = pkg, book
        self.changed: dict[str, bytes | None] = {}
        self.styles: Styles | None = None
        self.removed_formula = False
        self._blocks: list[int] | None = None

    def load_styles(self) -> Styles:
        if self.styles is None:
            rels = self.book.rels.of_type(f"{REL}/styles")
            member = self.book.rels.member(rels[0]) if rels else None
            if member is None or member not in self.pkg:
                raise UserError(f"{self.pkg.name}: 工作簿缺少样式部件（styles.xml），无法标色")
            self.styles = Styles(self.pkg, member)
        return self.styles

    def free_name(self, pattern: str) -> str:
        n = 1
        while pattern % n in self.pkg or pattern % n in self.changed:
            n += 1
        return pattern % n

    def vml_block(self) -> int:
        """A shape-id block no VML drawing of the workbook uses yet."""
        if self._blocks is None:
            self._blocks = [b for name in self.pkg.names if name.lower().endswith(".vml")
                            for b in idmap_blocks(self.pkg.read(name))]
        block = max([0, *self._blocks]) + 1
        self._blocks.append(block)
        return block


def _package_conflicts(pkg: Package) -> list[str]:
    out = []
    if any(n.startswith("_xmlsignatures/") for n in pkg.names):
        out.append("工作簿带有数字签名，任何写入都会使签名失效")
    if any(n.startswith("xl/revisions/") for n in pkg.names):
        out.append("工作簿是共享工作簿（含修订记录），写入会破坏修订记录")
    return out


def _mark_sheet(state: _State, sheet: str, member: str, values: dict[tuple[int, int], object],
                found: dict[tuple[int, int], list[Problem]], types: ContentTypes, conflicts: list[str]) -> None:
    pkg = state.pkg
    where = f"{pkg.name}!{sheet}"
    if member not in pkg:
        raise UserError(f"{where}: 工作表部件 {member} 缺失，工作簿已损坏")
    if not (values or found) and pkg.size(member) > MAX_PART:
        return  # a big data sheet we have nothing to put on is not inflated just to look for old marks
    data = pkg.read(member)
    rels = Rels(pkg, member)
    comments_rel = next(iter(rels.of_type(REL_COMMENTS)), None)
    comments_member = rels.member(comments_rel) if comments_rel else None
    comments = pkg.read(comments_member) if comments_member and comments_member in pkg else None
    ours_in_comments = comments is not None and MARK_AUTHOR.encode() in comments
    if not (values or found or MARK_TOKEN.encode() in data or ours_in_comments):
        return
    marks = SheetMarks(data, where, MARK_TOKEN)
    for (row, col), value in sorted(values.items()):
        marks.set_value(row, col, value, state.load_styles() if isinstance(value, date) else None)
    levels = {pos: ProblemLevel.ERROR if any(p.level is ProblemLevel.ERROR for p in items) else ProblemLevel.WARNING
              for pos, items in found.items()}
    marks.replace_highlights([(row, col, state.load_styles().dxf_id(level.name), level.name)
                              for (row, col), level in levels.items()])
    notes = {pos: "\n".join(f"【{p.level.value}】{xml_text(p.message)}" for p in items) for pos, items in found.items()}
    conflicts += _threaded_conflicts(pkg, rels, sheet, notes)
    update = update_comments(comments, f"{where}!{comments_member or 'comments'}", notes, MARK_AUTHOR, COMMENT_SEP)
    if update.data != comments:
        _replace_comments(state, rels, member, comments_rel, comments_member, update.data, types)
        _replace_vml(state, rels, member, marks, update.cells, types, where)
    new = marks.render()
    if new != data:
        state.changed[member] = new
    if rels.changed:
        state.changed[rels.part] = rels.render()
    state.removed_formula |= marks.removed_formula


def _threaded_conflicts(pkg: Package, rels: Rels, sheet: str, notes: dict[tuple[int, int], str]) -> list[str]:
    """Cells we must annotate that hold an Excel 365 threaded comment: its legacy note is only a mirror."""
    out = []
    for rel in rels.of_type(REL_THREADED) if notes else ():
        part = rels.member(rel)
        if part not in pkg:
            continue
        root = scan(pkg.read(part), f"{pkg.name}!{part}", 1)
        cells = {cell_position(n.attrs.get("ref", "")) for n in root.all("threadedComment")}
        for pos in sorted(cells & set(notes)):
            out.append(f"{sheet}!{column_letters(pos[1])}{pos[0]} 有 Excel 的新式批注（对话），"
                       "本工具的说明只能写进它的旧式副本，Excel 365 不显示")
    return out


def _target(owner: str, member: str) -> str:
    """A relationship target relative to the owning part, as Excel writes it (``../comments1.xml``)."""
    return posixpath.relpath(member, posixpath.dirname(owner) or ".")


def _replace_comments(state: _State, rels: Rels, sheet_member: str, rel, member: str | None, data: bytes | None,
                      types: ContentTypes) -> None:
    if member is None:
        member = state.free_name("xl/comments%d.xml")
        rels.add(REL_COMMENTS, _target(sheet_member, member))
        types.add_override(member, CT_COMMENTS)
        state.changed[member] = data
    elif data is None:
        state.changed[member] = None
        rels.remove(rel.id)
        types.remove_override(member)
    else:
        state.changed[member] = data


def _replace_vml(state: _State, rels: Rels, sheet_member: str, marks: SheetMarks, cells: frozenset,
                 types: ContentTypes, where: str) -> None:
    pkg = state.pkg
    rid = marks.legacy_rid
    rel = rels.by_id(rid) if rid else None
    member = rels.member(rel) if rel else None
    if rid and (member is None or member not in pkg):
        raise UserError(f"{where}: 批注绘图部件（VML）缺失，工作簿已损坏，未写回")
    vml = pkg.read(member) if member else None
    new = update_vml(vml, f"{where}!{member or 'vml'}", cells, state.vml_block() if vml is None and cells else 0)
    if vml is None and new is not None:
        member = state.free_name("xl/drawings/vmlDrawing%d.vml")
        marks.link_legacy(rels.add(REL_VML, _target(sheet_member, member)))
        types.ensure_default("vml", CT_VML)
        state.changed[member] = new
    elif vml is not None and new is None:
        state.changed[member] = None
        if rels_part(member) in pkg:
            state.changed[rels_part(member)] = None  # the images its shapes used went with them
        rels.remove(rel.id)
        types.remove_override(member)
        marks.unlink_legacy()
    elif new != vml:
        state.changed[member] = new


# ---------------------------------------------------------------- openpyxl callers
def clear_marks(wb) -> None:
    """Our marks off an openpyxl workbook already in memory (``port.file`` writes values that way).

    Files on disk are better cleared with ``mark_file(path, path, (), None)``,
    which keeps what openpyxl would drop.
    """
    from openpyxl.comments import Comment
    from openpyxl.formatting.formatting import ConditionalFormattingList

    for ws in wb.worksheets:
        kept = ConditionalFormattingList()
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if not any(MARK_TOKEN in f for f in (rule.formula or ())):
                    kept.add(cf.sqref, rule)
        ws.conditional_formatting = kept
        for row in ws.iter_rows():
            for cell in row:
                comment = cell.comment
                if comment is None:
                    continue
                if COMMENT_SEP in comment.text:
                    user = Comment(xml_text(comment.text.split(COMMENT_SEP)[0]), comment.author)
                    user.width, user.height = 320, 140
                    cell.comment = user
                elif comment.author == MARK_AUTHOR:
                    cell.comment = None
