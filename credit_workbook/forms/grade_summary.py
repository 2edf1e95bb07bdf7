"""Form 2 《客户信用等级分类汇总表》 (第十九条).

The 营销部经理 hands this to 主管副总, 财务总监 and 总经理, so it reads as a
signed paper form: customers grouped A / B / C, subtotals as live formulas
(their cached values set from Python so every reader agrees before a
recalculation), the grade mix and the grade changes at the foot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from credit_workbook.forms.rows import FormMeta, GradeSummaryRow
from credit_workbook.forms.xlsx_style import (
    Column,
    Styles,
    col_range,
    merge_text,
    new_workbook,
    prose_date,
    prose_period,
    ref,
    set_widths,
    setup_print,
    write_band,
    write_column_headers,
    write_header_block,
    write_row,
    write_signature_strip,
    write_total_row,
)

__all__ = ["FormMeta", "GradeSummaryRow", "COLUMNS", "grade_change", "write_grade_summary"]

TITLE = "客户信用等级分类汇总表"
SHEET = "等级分类汇总表"
GRADES = ("A", "B", "C")
_RANK = {"A": 3, "B": 2, "C": 1}
CHANGES = ("升级", "降级", "不变", "新评")
BANDS = {
    "A": "一、A级客户（信用程度高，第十五条）",
    "B": "二、B级客户（信用程度中，第十七条）",
    "C": "三、C级客户（信用程度低，第十六条；不予授信，第二十八条）",
}
ROLES = ("营销部经理（初评）", "主管副总（审核）", "财务总监（审核）", "总经理（审批）")
ARTICLE = ("第十九条：营销部经理会同经办业务员、财务部信用控制主管初步评定客户信用等级，"
           "报公司主管副总、财务总监审核，总经理审批。")

COLUMNS = (
    Column("序号", "int", 5),
    Column("客户编码", "code", 12, "code"),
    Column("客户名称", "text", 24, "name"),
    Column("往来类型", "text", 7, "counterparty_type", align="center"),
    Column("经办业务员", "text", 9, "salesperson", align="center"),
    Column("业务部门", "text", 10, "department", align="center"),
    Column("本次等级", "text", 6, "grade", align="center"),
    Column("上次等级", "text", 6, "previous_grade", align="center"),
    Column("等级变动", "text", 6, None, align="center"),
    Column("评定依据", "text", 40, "reasons"),
    Column("申请类型", "text", 7, "requested_type", align="center"),
    Column("申请额度", "money", 15, "requested_limit", total=True),
    Column("可授信额度上限", "money", 15, "cap", total=True),
    Column("最长期限(天)", "int", 8, "max_term_days"),
    Column("填表日期", "date", 12, "surveyed_on"),
)
NCOLS = len(COLUMNS)
_COL = {c.header: i for i, c in enumerate(COLUMNS)}
COUNT_COL = _COL["客户名称"]  # 小计 shows the number of customers here
CODE_COL = _COL["客户编码"]
CHANGE_COL = _COL["等级变动"]


def grade_change(grade: str, previous: str | None) -> str:
    """升级 / 降级 / 不变 / 新评 (A > B > C; no previous grade = first rating)."""
    if not previous:
        return "新评"
    now, before = _RANK[grade], _RANK[previous]
    return "升级" if now > before else "降级" if now < before else "不变"


def _values(index: int, row: GradeSummaryRow) -> list:
    out = []
    for column in COLUMNS:
        if column.header == "序号":
            out.append(index)
        elif column.header == "等级变动":
            out.append(grade_change(row.grade, row.previous_grade))
        else:
            out.append(getattr(row, column.attr))
    return out


def _sum(rows: Sequence[GradeSummaryRow], attr: str) -> Decimal:
    return sum((getattr(r, attr) or Decimal(0) for r in rows), Decimal(0))


def write_grade_summary(path: Path | str, rows: Sequence[GradeSummaryRow], meta: FormMeta) -> Path:
    """Write Form 2; an empty ``rows`` gives the blank form (blocks with 小计 0)."""
    path = Path(path)
    unknown = {r.grade for r in rows} - set(GRADES)
    if unknown:
        raise ValueError(f"grade must be A/B/C, got {sorted(unknown)}")
    wb = new_workbook(path, meta.created, title="《" + TITLE + "》", company=meta.company)
    st = Styles(wb, size=11)
    ws = wb.add_worksheet(SHEET)
    widths = set_widths(ws, COLUMNS)

    number = f"编号：XYDJ-{meta.period}" if meta.period else "编号："
    header_row = write_header_block(
        ws, st, title=TITLE, widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}　评定日期：{prose_date(meta.as_of)}",
        right=number,
    )
    write_column_headers(ws, st, header_row, COLUMNS)
    row = header_row + 1
    first_data = row
    totals = {c: Decimal(0) for c, col in enumerate(COLUMNS) if col.total}
    subtotal_rows: dict[str, int] = {}
    counts: dict[str, int] = {}

    for grade in GRADES:
        block = sorted((r for r in rows if r.grade == grade), key=lambda r: r.code)
        write_band(ws, st, row, BANDS[grade], NCOLS)
        row += 1
        first = row
        if block:
            for i, item in enumerate(block, start=1):
                write_row(ws, st, row, COLUMNS, _values(i, item))
                row += 1
        else:  # keeps the 小计 formulas over a real (blank) range
            write_row(ws, st, row, COLUMNS, [None] * NCOLS)
            ws.write_string(row, COUNT_COL, "（无）", st.cell("text", align="center"))
            row += 1
        last = row - 1
        formulas = {COUNT_COL: (f"=COUNTA({col_range(CODE_COL, first, last)})", len(block))}
        for c in totals:
            value = _sum(block, COLUMNS[c].attr)
            totals[c] += value
            formulas[c] = (f"=SUM({col_range(c, first, last)})", value)
        write_total_row(ws, st, row, COLUMNS, f"{grade}级小计", formulas)
        subtotal_rows[grade] = row
        counts[grade] = len(block)
        row += 1
    last_data = row - 1

    total_row = row
    formulas = {c: ("=" + "+".join(ref(c, subtotal_rows[g]) for g in GRADES), value)
                for c, value in {COUNT_COL: len(rows), **totals}.items()}
    write_total_row(ws, st, total_row, COLUMNS, "合计", formulas)
    row += 2

    changes = Counter(grade_change(r.grade, r.previous_grade) for r in rows)
    row = _write_mix(ws, st, row, subtotal_rows, total_row, counts, len(rows))
    _write_changes(ws, st, total_row + 2, first_data, last_data, changes)
    row += 1
    row = write_signature_strip(ws, st, row, ROLES, widths, article=ARTICLE)

    ws.freeze_panes(header_row + 1, 0)
    setup_print(ws, ncols=NCOLS, last_row=row - 1, landscape=True, repeat=(0, header_row))
    ws.activate()
    wb.close()
    return path


def _write_mix(ws, st: Styles, row: int, subtotal_rows: dict[str, int], total_row: int,
               counts: dict[str, int], total: int) -> int:
    """等级分布: grade, count (from the 小计 cells), share. Returns next row."""
    c_grade, c_count, c_share = 1, 2, 3
    merge_text(ws, row, c_grade, row, c_share, "等级分布", st.header())
    row += 1
    for c, text in ((c_grade, "等级"), (c_count, "户数"), (c_share, "占比")):
        ws.write_string(row, c, text, st.header())
    row += 1
    first = row
    total_ref = xl_rowcol_to_cell(total_row, COUNT_COL, row_abs=True, col_abs=True)
    for grade in GRADES:
        ws.write_string(row, c_grade, f"{grade}级", st.cell("text", align="center"))
        ws.write_formula(row, c_count, "=" + ref(COUNT_COL, subtotal_rows[grade]), st.cell("count"),
                         counts[grade])
        share = counts[grade] / total if total else 0
        ws.write_formula(row, c_share, f"=IF({total_ref}=0,0,{ref(c_count, row)}/{total_ref})",
                         st.cell("percent"), share)
        row += 1
    ws.write_string(row, c_grade, "合计", st.cell("text", "total", align="center"))
    ws.write_formula(row, c_count, f"=SUM({col_range(c_count, first, row - 1)})", st.cell("count", "total"), total)
    ws.write_formula(row, c_share, f"=SUM({col_range(c_share, first, row - 1)})", st.cell("percent", "total"),
                     1 if total else 0)
    return row + 1


def _write_changes(ws, st: Styles, row: int, first_data: int, last_data: int, changes: Counter) -> None:
    """等级变动: COUNTIF over the 等级变动 column of all blocks."""
    c_kind, c_count = 5, 6
    merge_text(ws, row, c_kind, row, c_count, "等级变动", st.header())
    row += 1
    ws.write_string(row, c_kind, "变动", st.header())
    ws.write_string(row, c_count, "户数", st.header())
    row += 1
    span = col_range(CHANGE_COL, first_data, last_data, absolute=True)
    for kind in CHANGES:
        ws.write_string(row, c_kind, kind, st.cell("text", align="center"))
        ws.write_formula(row, c_count, f'=COUNTIF({span},"{kind}")', st.cell("count"), changes.get(kind, 0))
        row += 1
