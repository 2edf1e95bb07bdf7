"""The button on a 《客户授信额度执行评价表》: regenerate it for its month from the current history.

Form 4 is generated, with live totals and charts that reference its rows, so
a refresh is a new form written by the same writer ``run`` uses
(``forms.execution_review``) for the month the form names (期间 in its header,
else ``_YYYY-MM`` in the file name). The one column people type,
业务部门说明, is carried over by 客户编码. On a file the form is replaced
after a backup; in Excel, which holds the open file, the new form is written
to ``out/YYYY-MM/`` (beside the open one when that is the open one) and opened.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time

from credit_workbook.errors import UserError
from credit_workbook.ribbon.outcome import Outcome
from credit_workbook.ribbon.recognise import REVIEW, header_row

_PERIOD_TEXT = re.compile(r"期间[:：]\s*(\d{4})\s*年\s*(\d{1,2})\s*月")
_PERIOD_NAME = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def form_period(grid: list[list], file_name: str) -> str | None:
    for row in grid[:10]:
        for value in row:
            m = _PERIOD_TEXT.search(value) if isinstance(value, str) else None
            if m:
                return f"{int(m[1]):04d}-{int(m[2]):02d}"
    m = _PERIOD_NAME.search(file_name)
    return f"{m[1]}-{m[2]}" if m else None


def department_notes(grid: list[list]) -> dict[str, str]:
    """业务部门说明 by 客户编码, as typed into the form."""
    from credit_workbook.core import parse

    hit = header_row(grid, ("客户编码", "业务部门说明"))
    if hit is None:
        return {}
    r0, texts = hit
    code_col, note_col = texts["客户编码"], texts["业务部门说明"]
    notes = {}
    for row in grid[r0:]:
        code = row[code_col - 1] if code_col - 1 < len(row) else None
        note = row[note_col - 1] if note_col - 1 < len(row) else None
        try:
            code = parse.clean_code(code)
        except parse.ValueParseError:
            continue
        if code and parse.clean_text(note):
            notes[code] = parse.clean_text(note)
    return notes


def refresh_review(port, ws, found) -> Outcome:
    from credit_workbook.actions.single import evaluate_month
    from credit_workbook.forms.execution_review import write_execution_review
    from credit_workbook.forms.execution_rows import execution_rows
    from credit_workbook.forms.rows import FormMeta
    from credit_workbook.store import Store

    grid = port.values(found.sheet)
    period = form_period(grid, port.name)
    if period is None:
        raise UserError(f"{port.name}!{found.sheet}: 表头中找不到期间（如“期间：2026年10月”），无法确定刷新哪个月")
    notes = department_notes(grid)
    port.status(f"正在按最新台账刷新 {period} 执行评价表……")
    with Store(ws.store_path) as store:
        view = evaluate_month(ws, store, period)
    report = view.report
    rows, flag_rows, salespeople = execution_rows(report.counterparties, {**report.flags, "": report.total_flags},
                                                  period=report.period)
    rows = [replace(r, department_note=notes.get(r.code)) if r.code in notes else r for r in rows]
    meta = FormMeta(ws.policy().company, report.period, report.as_of,
                    created=datetime.combine(report.as_of, time(0, 0)))
    target = ws.out_dir(report.period) / f"客户授信额度执行评价表_{report.period}.xlsx"
    written = port.replace_generated(
        lambda path: write_execution_review(path, rows, meta=meta, flags=flag_rows, salespeople=salespeople),
        target)
    kept = f"，保留业务部门说明 {len(notes)} 条" if notes else ""
    summary = (f"已按最新台账刷新 {report.period} 执行评价表：{len(rows)} 户，事项 {len(flag_rows)} 条{kept}")
    return Outcome(REVIEW, summary, written=[written])
