"""The button on a ledger export: would ``run`` accept it, and which of its rows break the policy?

The saved file is checked as the next ``run`` would ingest it
(``actions.single.preview_ledger``: parse checks, then the history checks and
the month's rules R01–R13 with this file in the history — on a scratch copy of
the store, so nothing enters the real history). Then:

- a file ``run`` would quarantine: every error cell marked red with its
  reason (in Excel; for a file the errors are listed, finance's export is
  not written to);
- else every row behind a flag gets the colour of its worst flag and a note
  naming rule, article and numbers (in Excel on the open book; for a file
  in the highlighted copy ``out/YYYY-MM/<name>_标注.xlsx``, the copy ``run``
  writes).

The file on disk is what is checked: in Excel, unsaved edits are not seen
(the message says to save first when the book has never been saved).
"""

from __future__ import annotations

from datetime import datetime, time

from credit_workbook.errors import UserError
from credit_workbook.port.base import SEVERITIES, CellMark, parse_range
from credit_workbook.ribbon.outcome import Outcome
from credit_workbook.ribbon.recognise import LEDGER


def place_rows(place: str, file_name: str) -> tuple[str, list[int], int] | None:
    """``file!sheet!A12`` or ``file!sheet!A12:J12`` of this file -> (sheet, rows, first column)."""
    prefix = file_name + "!"
    if not place.startswith(prefix):
        return None
    sheet, _, ref = place[len(prefix):].rpartition("!")
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    box = parse_range(ref) if sheet else None
    if box is None:
        return None
    return sheet, list(range(box[0], box[2] + 1)), box[1]


def row_marks(flags, file_name: str, sheets: list[str]) -> list[CellMark]:
    """One whole-row mark per flagged row of this file: the fill and note the highlighted copy gives it."""
    from credit_workbook.forms.ledger_highlight import row_notes

    return [CellMark(sheet, r, 1, worst, note, whole_row=True)
            for sheet, r, worst, note in row_notes(flags, file_name, sheets)]


def error_marks(errors: list[str], file_name: str, sheets: list[str]) -> list[CellMark]:
    marks = []
    for text in errors:
        place, _, message = text.partition(": ")
        where = place_rows(place, file_name)
        if where is None or where[0] not in sheets:
            continue
        marks.append(CellMark(where[0], where[1][0], where[2], "红", message))
    return marks


def check_ledger(port, ws, found=None) -> Outcome:
    from credit_workbook.actions.single import preview_ledger

    if port.path is None:
        raise UserError(f"{port.name}: 台账尚未保存；请先保存到工作目录（例如 inbox/）后再检查")
    port.status(f"正在按制度检查台账 {port.name}……")
    preview = preview_ledger(ws, port.path)
    sheets = port.sheet_names()
    if preview.errors:
        port.mark_ledger((), error_marks(preview.errors, port.name, sheets), None, None)
        summary = (f"{port.name}：有 {len(preview.errors)} 处错误，放入 inbox/ 后整个文件将被隔离（quarantine/），"
                   "请改正后再放入")
        return Outcome(LEDGER, summary, preview.errors + preview.warnings, exit_code=2)
    view = preview.month
    flags = [f for fl in view.report.flags.values() for f in fl] + list(view.report.total_flags)
    marks = row_marks(flags, preview.stored_name, sheets)
    stamp = datetime.combine(preview.as_of, time(0, 0))
    copy = port.mark_ledger(flags, marks, ws.out_dir(view.report.period), stamp, preview.stored_name)
    counts = {s: sum(1 for m in marks if m.severity == s) for s in SEVERITIES}
    shown = "，".join(f"{s}{n}行" for s, n in counts.items() if n) or "没有违反制度的账行"
    summary = f"{port.name}（{preview.period} {preview.shape}）：{shown}；格式与余额检查通过"
    details = [*preview.notes, *preview.warnings]
    for m in sorted(marks, key=lambda m: SEVERITIES.index(m.severity))[:20]:  # the worst first
        details.append(f"[{m.severity}] {m.sheet} 第{m.row}行：{m.text.splitlines()[0]}")
    return Outcome(LEDGER, summary, details, written=[copy] if copy else [])
