"""The button on a 《客户信用调查评定表》: validate and rate it in place, as ``rate`` would.

The form is read by its defined names and tables from the port (the same
fields the file readers take), checked and rated by the core with this
counterparty's ledger evidence and the register in force
(``actions.single.evaluate_survey``), and written back through the port:
result cells, and each problem cell coloured with a note saying what is wrong.
"""

from __future__ import annotations

from credit_workbook.core.survey_checks import RawSurvey, RawValue
from credit_workbook.errors import NotAFormError
from credit_workbook.port.base import col_letter, parse_range
from credit_workbook.ribbon.outcome import Outcome
from credit_workbook.ribbon.recognise import MIN_SURVEY_NAMES, SURVEY


def raw_survey(port) -> RawSurvey:
    """Form 1 as the port shows it: the ``RawSurvey`` the file readers give for the same workbook."""
    from credit_workbook.forms.fields import FIELDS, TABLES

    name = port.name
    cells = port.defined_names()
    if sum(f.name in cells for f in FIELDS) < MIN_SURVEY_NAMES:
        raise NotAFormError(f"{name}: 这不是《客户信用调查评定表》（缺少表内名称，如 customer_code），请使用标准模板")

    def value(sheet: str, row: int, col: int):
        grid = port.values(sheet)
        line = grid[row - 1] if row - 1 < len(grid) else ()
        return line[col - 1] if col - 1 < len(line) else None

    sheets = set(port.sheet_names())
    fields: dict[str, RawValue] = {}
    missing: list[str] = []
    for spec in FIELDS:
        cell = cells.get(spec.name)
        if cell is None:
            if not spec.output:
                missing.append(spec.name)
            continue
        v = value(cell.sheet, cell.row, cell.col) if cell.sheet in sheets else None
        fields[spec.name] = RawValue(v, cell.place(name))
    tables = port.tables()
    raw_tables = {}
    for spec in TABLES:
        found = tables.get(spec.name)
        box = parse_range(found[1]) if found else None
        if box is None or found[0] not in sheets:
            missing.append(spec.name)
            continue
        sheet = found[0]
        r1, c1, r2, c2 = box
        headers = {}
        for c in range(c1, c2 + 1):
            text = value(sheet, r1, c)
            headers[str(text).strip() if text is not None else ""] = c
        rows = []
        for r in range(r1 + 1, r2 + 1):
            rows.append({attr: RawValue(value(sheet, r, headers[header]),
                                        f"{name}!{sheet}!{col_letter(headers[header])}{r}")
                         for attr, header, _kind in spec.columns if header in headers})
        raw_tables[spec.name] = tuple(rows)
    return RawSurvey(name, fields, raw_tables, tuple(missing))


def rate_survey(port, ws, found=None) -> Outcome:
    from credit_workbook.actions.single import evaluate_survey
    from credit_workbook.actions.surveys import result_cells
    from credit_workbook.core.model import ProblemLevel
    from credit_workbook.core.survey_checks import check_survey

    check = check_survey(raw_survey(port))
    rating = None
    if check.survey is not None:
        port.status(f"正在评定 {check.survey.customer_code} {check.survey.customer_name}……")
        rating = evaluate_survey(ws, check.survey, check.problems).rating
    results = result_cells(rating, check.problems)
    port.write_survey(check.problems, results)
    errors = sum(1 for p in check.problems if p.level is ProblemLevel.ERROR)
    warnings = len(check.problems) - errors
    marks = f"错误 {errors} 处、警告 {warnings} 处，已在表中标注" if check.problems else "没有发现问题"
    if rating is None:
        summary = f"{port.name}：未能评定（{marks}）"
        return Outcome(SURVEY, summary, [p.render() for p in check.errors], exit_code=2)
    s = rating.survey
    cap, term = rating.headline_cap
    summary = (f"{s.customer_code} {s.customer_name}：{rating.result.grade.value}级，"
               f"可授信额度上限 {cap:,.2f} 元（最长 {term} 天）；{marks}")
    details = [*rating.result.reasons, *(f"[{p.level.value}] {p.render()}" for p in check.problems)]
    return Outcome(SURVEY, summary, details)  # as ``rate``: a rated form with problems is a result, not a failure
