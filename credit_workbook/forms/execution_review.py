"""Form 4 《客户授信额度执行评价表》 (第四十、四十一条), monthly.

财务部 fills it from the ledgers and hands it to the 营销部经理 to check;
the monthly checks will supply the rows. Three sheets: the form itself,
the breach list, and the per-salesperson sums (回收责任制, 第三十六条).
Only 业务部门说明 is typed by people; everything else comes from the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from credit_workbook.forms.rows import ExecutionRow, FlagRow, FormMeta, SalespersonRow
from credit_workbook.forms.xlsx_style import (
    A3,
    Column,
    Styles,
    col_range,
    new_workbook,
    prose_date,
    prose_period,
    set_widths,
    setup_print,
    write_column_headers,
    write_header_block,
    write_row,
    write_signature_strip,
    write_total_row,
)

__all__ = ["EXECUTION_COLUMNS", "FLAG_COLUMNS", "SALESPERSON_COLUMNS", "SHEET", "FLAG_SHEET",
           "SALESPERSON_SHEET", "ExecutionRow", "FlagRow", "SalespersonRow", "write_execution_review"]

TITLE = "客户授信额度执行评价表"
SHEET = "执行评价表"
FLAG_SHEET = "超限逾期清单"
SALESPERSON_SHEET = "业务员汇总"
ROLES = ("财务部信用控制主管（填表）", "营销部经理（核对）", "营销主管副总（审阅）")
ARTICLE = ("第四十、四十一条：财务部每月填写本表后交营销部经理核对，财务部门对财务数据的真实性负责；"
           "营销部经理签署书面评价意见，上报营销主管副总。")
BLANK_ROWS = 8  # a template with no rows still looks like the form

EXECUTION_COLUMNS: tuple[Column, ...] = (
    Column("序号", "int", 5),
    Column("客户编码", "code", 11, "code"),
    Column("客户名称", "text", 22, "name"),
    Column("往来类型", "text", 7, "counterparty_type", align="center"),
    Column("信用等级", "text", 6, "grade", align="center"),
    Column("经办业务员", "text", 8, "salesperson", align="center"),
    Column("核定额度", "money", 14, "approved_limit", total=True),
    Column("核定期限(天)", "int", 7, "approved_term_days"),
    Column("期初余额", "money", 14, "opening", total=True),
    Column("本期借方", "money", 14, "debit", total=True),
    Column("本期贷方", "money", 14, "credit", total=True),
    Column("期末余额", "money", 14, "closing", total=True),
    Column("本期最高占用", "money", 14, "peak"),
    Column("额度使用率", "percent", 8, "utilization"),
    Column("超限金额", "money", 13, "over_limit_amount", total=True),
    Column("超限天数", "int", 6, "over_limit_days"),
    Column("未到期", "money", 13, "aging_current", total=True),
    Column("逾期1-30天", "money", 13, "aging_1_30", total=True),
    Column("逾期31-60天", "money", 13, "aging_31_60", total=True),
    Column("逾期61-90天", "money", 13, "aging_61_90", total=True),
    Column("逾期91-180天", "money", 13, "aging_91_180", total=True),
    Column("逾期181-360天", "money", 13, "aging_181_360", total=True),
    Column("逾期360天以上", "money", 13, "aging_over_360", total=True),
    Column("逾期金额", "money", 13, "overdue", total=True),
    Column("最长逾期天数", "int", 7, "max_overdue_days"),
    Column("回款率", "percent", 8, "collection_rate"),
    Column("执行评价", "text", 14, "assessment"),
    Column("建议措施", "text", 18, "measures"),
    Column("业务部门说明", "text", 18, "department_note"),
)
INPUT_HEADERS = frozenset({"业务部门说明"})

FLAG_COLUMNS: tuple[Column, ...] = (
    Column("规则", "text", 6, "rule", align="center"),
    Column("严重程度", "text", 7, "severity", align="center"),
    Column("条款", "text", 12, "article", align="center"),
    Column("客户编码", "code", 11, "code"),
    Column("客户名称", "text", 22, "name"),
    Column("经办业务员", "text", 9, "salesperson", align="center"),
    Column("金额", "money", 14, "amount"),
    Column("说明", "text", 50, "message"),
)

SALESPERSON_COLUMNS: tuple[Column, ...] = (
    Column("经办业务员", "text", 14, "salesperson", align="center"),
    Column("客户数", "int", 10, "customers", total=True),
    Column("核定额度合计", "money", 18, "approved_total", total=True),
    Column("期末占用合计", "money", 18, "closing_total", total=True),
    Column("逾期金额合计", "money", 18, "overdue_total", total=True),
    Column("红色事项", "int", 11, "red", total=True),
    Column("黄色事项", "int", 11, "yellow", total=True),
)

SEVERITY_FILL = {"红": "#F8CBAD", "黄": "#FFE699", "蓝": "#BDD7EE"}


def _sheet(wb, st: Styles, meta: FormMeta, name: str, title: str, columns: Sequence[Column],
           items: Sequence, *, number: bool, landscape: bool, roles: Sequence[str] = (),
           input_headers: frozenset[str] = frozenset(), label_cols: int = 2) -> None:
    """Header block, one header row, the rows, a 合计 row of SUM formulas,
    then the signature strip; the same frame for each sheet of Form 4."""
    ws = wb.add_worksheet(name)
    ncols = len(columns)
    widths = set_widths(ws, columns)
    header_row = write_header_block(
        ws, st, title=title, widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}　评定日期：{prose_date(meta.as_of)}",
        right=f"编号：ZXPJ-{meta.period}" if meta.period and number else "",
    )
    write_column_headers(ws, st, header_row, columns)
    cell_roles = ["input" if c.header in input_headers else "plain" for c in columns]
    row = first = header_row + 1
    for i, item in enumerate(items, start=1):
        values = [i if c.attr is None else getattr(item, c.attr) for c in columns]
        write_row(ws, st, row, columns, values, cell_roles)
        severity = getattr(item, "severity", None)
        if severity in SEVERITY_FILL:
            col = next(k for k, c in enumerate(columns) if c.attr == "severity")
            ws.write_string(row, col, severity, st.get(**_severity(severity)))
        row += 1
    for _ in range(0 if items else BLANK_ROWS):
        write_row(ws, st, row, columns, [None] * ncols, cell_roles)
        row += 1
    last = row - 1
    formulas = {}
    for c, column in enumerate(columns):
        if column.total:
            value = sum((Decimal(getattr(x, column.attr) or 0) for x in items), Decimal(0))
            formulas[c] = (f"=SUM({col_range(c, first, last)})",
                           int(value) if column.kind == "int" else value)
    if formulas:
        write_total_row(ws, st, row, columns, "合计", formulas, label_cols=label_cols)
        row += 1
    if roles:
        row = write_signature_strip(ws, st, row + 1, roles, widths, article=ARTICLE)
    ws.freeze_panes(header_row + 1, 0)
    setup_print(ws, ncols=ncols, last_row=row - 1, landscape=landscape, repeat=(0, header_row), paper=A3)


def _severity(severity: str) -> dict:
    return {"border": 1, "border_color": "#808080", "align": "center", "bold": True,
            "bg_color": SEVERITY_FILL[severity]}


def write_execution_review(path: Path | str, rows: Sequence[ExecutionRow] = (), *, meta: FormMeta,
                           flags: Sequence[FlagRow] = (), salespeople: Sequence[SalespersonRow] = ()) -> Path:
    """Write Form 4; with no rows it is the blank monthly form."""
    path = Path(path)
    wb = new_workbook(path, meta.created, title="《" + TITLE + "》", company=meta.company)
    st = Styles(wb, size=10)
    _sheet(wb, st, meta, SHEET, TITLE, EXECUTION_COLUMNS, rows, number=True, landscape=True,
           roles=ROLES, input_headers=INPUT_HEADERS)
    _sheet(wb, st, meta, FLAG_SHEET, "超限、逾期事项清单", FLAG_COLUMNS, flags, number=False,
           landscape=True, label_cols=3)
    _sheet(wb, st, meta, SALESPERSON_SHEET, "业务员授信执行汇总", SALESPERSON_COLUMNS, salespeople,
           number=False, landscape=False, roles=ROLES, label_cols=1)
    wb.worksheets()[0].activate()
    wb.close()
    return path
