"""Write a rating back into a 《客户信用调查评定表》: result cells, highlights, comments.

The tool only ever touches its own marks. Highlights are conditional-format
rules carrying a marker in their formula (the user's own cell fills are never
changed), comments carry a separator line after any comment the user wrote,
and results go into the ``result_*`` cells. Clearing removes exactly those
marks, so writing twice gives the same workbook, byte for byte.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.errors import UserError, WorkbookOpenError
from credit_workbook.fileio import atomic_copy, atomic_write, workbook_bytes
from credit_workbook.forms.names import defined_cells
from credit_workbook.textsafe import set_text, xml_text

MARK_AUTHOR = "信用管理工具"
MARK_TOKEN = "credit_workbook"
COMMENT_SEP = "\n—— 信用管理工具 ——\n"
_FILLS = {ProblemLevel.ERROR: "FFC7CE", ProblemLevel.WARNING: "FFEB9C"}
_FONTS = {ProblemLevel.ERROR: "9C0006", ProblemLevel.WARNING: "9C5700"}
# openpyxl warns before it drops parts of a workbook it does not understand.
_DROP_WORDS = ("will be removed", "will be lost", "dropped", "not supported", "discarded")


@dataclass(frozen=True)
class ResultCells:
    """What goes into the result_* cells; None clears a cell."""

    grade: str | None
    reasons: str
    cap: object | None  # Decimal
    max_term_days: int | None
    rated_at: date | None


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


def _split_place(place: str) -> tuple[str, str] | None:
    parts = place.rsplit("!", 2)
    if len(parts) != 3:
        return None
    return parts[1], parts[2]


def clear_marks(wb) -> None:
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
                    _set_comment(cell, comment.text.split(COMMENT_SEP)[0], comment.author)
                elif comment.author == MARK_AUTHOR:
                    cell.comment = None


def _set_comment(cell, text: str, author: str) -> None:
    from openpyxl.comments import Comment

    comment = Comment(xml_text(text), author)
    comment.width, comment.height = 320, 140
    cell.comment = comment


def _mark(ws, coord: str, level: ProblemLevel, messages: list[str]) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill(fill_type="solid", start_color=_FILLS[level], end_color=_FILLS[level])
    rule = FormulaRule(formula=[f'"{MARK_TOKEN}:{level.name}"<>""'], fill=fill,
                       font=Font(color=_FONTS[level]), stopIfTrue=False)
    ws.conditional_formatting.add(coord, rule)
    ours = "\n".join(messages)
    cell = ws[coord]
    if cell.comment is not None:
        _set_comment(cell, cell.comment.text + COMMENT_SEP + ours, cell.comment.author)
    else:
        _set_comment(cell, ours, MARK_AUTHOR)


def apply_marks(wb, problems: tuple[Problem, ...], results: ResultCells) -> None:
    """Clear the tool's old marks, then mark each problem cell and fill the result cells."""
    clear_marks(wb)
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        where = _split_place(p.place)
        if where and where[0] in wb.sheetnames:
            by_cell.setdefault(where, []).append(p)
    for (sheet, coord), items in by_cell.items():
        level = ProblemLevel.ERROR if any(p.level is ProblemLevel.ERROR for p in items) else ProblemLevel.WARNING
        _mark(wb[sheet], coord, level, [f"【{p.level.value}】{p.message}" for p in items])
    cells = defined_cells(wb)
    values = {
        "result_grade": results.grade,
        "result_reasons": results.reasons,
        "result_cap": results.cap,
        "result_max_term_days": results.max_term_days,
        "result_rated_at": results.rated_at,
    }
    for name, value in values.items():
        ref = cells.get(name)
        if ref is None or ref.sheet not in wb.sheetnames:
            continue
        set_text(wb[ref.sheet][ref.coord], value)  # never a formula, whatever the text starts with


def write_marks(source: Path, target: Path, problems: tuple[Problem, ...], results: ResultCells,
                *, backup_dir: Path | None = None, stamp: datetime | None = None) -> Path | None:
    """Mark ``source`` and save as ``target`` (the same path for an in-place write-back).

    In place: refuses an open workbook, keeps a backup first, and refuses when
    openpyxl says it would drop content it does not understand. Returns the
    backup path, if one was made.
    """
    import openpyxl

    source, target = Path(source), Path(target)
    in_place = source.resolve() == target.resolve()
    if in_place:
        ensure_not_open(source)
    keep_vba = source.suffix.lower() == ".xlsm"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(source, keep_vba=keep_vba)
    dropped = [str(w.message) for w in caught if any(k in str(w.message) for k in _DROP_WORDS)]
    if dropped and in_place:
        raise UserError(f"{source.name}: 工作簿含有本工具无法完整保留的内容（{dropped[0]}），"
                        "为避免丢失，未写回原文件；请不带 --in-place 运行，结果写入 out/ 目录的副本")
    apply_marks(wb, problems, results)
    when = stamp or datetime.combine(results.rated_at or date.today(), time(0, 0))
    data = workbook_bytes(wb, modified=when)
    if target.exists() and target.read_bytes() == data:
        return None  # already up to date: no backup, no write
    saved = None
    if in_place and backup_dir is not None:
        saved = backup(source, backup_dir, datetime.now())
    atomic_write(target, data)
    return saved
