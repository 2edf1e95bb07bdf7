"""Form 4 《客户授信额度执行评价表》 (第四十、四十一条), monthly.

财务部 fills it from the ledgers and hands it to the 营销部经理 to check,
who signs an opinion for the 营销主管副总. Sheets:

- 执行评价表: one row per counterparty with credit or exposure, 合计 as live
  formulas (cached values computed in Python, so every reader agrees before
  a recalculation), the definitions in a 说明 block, the signature strip;
- 超限逾期清单: every flag of the month's checks, filterable, coloured by severity;
- 业务员汇总: the 回收责任制 (第三十六条) / 罚则 (第四十三条) view;
- 图表 (only when there are rows): native Excel charts a manager reads at
  a glance — aging, top-10 utilisation, grade mix, 执行评价 mix — drawn from
  small tables that reference the form's own cells.

Only 业务部门说明 is typed by people; everything else comes from the ledger.
Rows are built by ``credit_workbook.forms.execution_rows``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from xlsxwriter.utility import quote_sheetname

from credit_workbook.forms.rows import ExecutionRow, FlagRow, FormMeta, SalespersonRow
from credit_workbook.forms.xlsx_style import (
    A3,
    A4,
    Column,
    Styles,
    col_range,
    lines_needed,
    merge_text,
    new_workbook,
    prose_date,
    prose_period,
    ref,
    row_height,
    set_widths,
    setup_print,
    write_column_headers,
    write_header_block,
    write_row,
    write_signature_strip,
    write_total_row,
)

__all__ = [
    "CHART_SHEET",
    "EXECUTION_COLUMNS",
    "FLAG_COLUMNS",
    "FLAG_SHEET",
    "SALESPERSON_COLUMNS",
    "SALESPERSON_SHEET",
    "SHEET",
    "ExecutionRow",
    "FlagRow",
    "SalespersonRow",
    "write_execution_review",
]

TITLE = "客户授信额度执行评价表"
SHEET = "执行评价表"
FLAG_SHEET = "超限逾期清单"
SALESPERSON_SHEET = "业务员汇总"
CHART_SHEET = "图表"
ROLES = ("财务部信用控制主管（填表）", "营销部经理（核对）", "营销主管副总（审阅）")
ARTICLE = ("第四十、四十一条：财务部每月填写本表后交营销部经理核对，财务部门对财务数据的真实性负责；"
           "营销部经理签署书面评价意见，上报营销主管副总。")
BLANK_ROWS = 8  # a template with no rows still looks like the form

EXECUTION_COLUMNS: tuple[Column, ...] = (
    Column("序号", "int", 5),
    Column("客户编码", "code", 10, "code"),
    Column("客户名称", "text", 22, "name"),
    Column("往来类型", "text", 7, "counterparty_type", align="center"),
    Column("信用等级", "text", 6, "grade", align="center"),
    Column("经办业务员", "text", 8, "salesperson", align="center"),
    Column("核定额度", "money", 13, "approved_limit", total=True),
    Column("核定期限(天)", "int", 7, "approved_term_days"),
    Column("期初余额", "money", 13, "opening", total=True),
    Column("本期借方", "money", 13, "debit", total=True),
    Column("本期贷方", "money", 13, "credit", total=True),
    Column("期末余额", "money", 13, "closing", total=True),
    Column("本期最高占用", "money", 13, "peak"),
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
    Column("执行评价", "text", 7, "assessment", align="center"),
    Column("建议措施", "text", 30, "measures"),
    Column("业务部门说明", "text", 14, "department_note"),
)
INPUT_HEADERS = frozenset({"业务部门说明"})
COL = {c.header: i for i, c in enumerate(EXECUTION_COLUMNS)}
AGING_HEADERS = ("未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期91-180天", "逾期181-360天",
                 "逾期360天以上")
NOTES = (
    "说明：1. 额度使用率 = 期末占用 ÷ 核定额度（期末余额为负即预收、预付款，按0计）；合计行为已授信客户期末占用合计 ÷ 核定额度合计。",
    ("2. 超限金额：月度检查R01报告的超出金额；未报R01的，为本期最高占用超过核定额度的部分（须有超额审批文书，第三十二条）。"
     "超限天数为日终占用超过核定额度的天数。"),
    ("3. 账龄按先进先出核销：到期日 = 发生日 + 核定期限（无授信的为0天）；逾期金额为各逾期区间之和。"
     "回款率 = 本期贷方 ÷（期初余额 + 本期借方）。"),
    ("4. 执行评价取最重者：逾期（R03前欠未清又发货，或R04逾期超过30天）＞ 超限（R01超过核定额度、R02无额度而占用增加、"
     "R07 C级仍有占用）＞ 关注（其他红色、黄色事项）＞ 正常（无事项或仅蓝色提醒）。各事项见《超限逾期清单》。"),
    "5. 业务部门说明（黄色单元格）由营销部填写；其余数据由财务部依据往来明细账生成。",
)

FLAG_COLUMNS: tuple[Column, ...] = (
    Column("规则", "text", 6, "rule", align="center"),
    Column("严重程度", "text", 7, "severity", align="center"),
    Column("条款", "text", 12, "article", align="center"),
    Column("客户编码", "code", 11, "code"),
    Column("客户名称", "text", 28, "name"),
    Column("经办业务员", "text", 9, "salesperson", align="center"),
    Column("金额", "money", 15, "amount"),
    Column("说明", "text", 105, "message"),
)
SEVERITIES = (("红", "红色（违规）"), ("黄", "黄色（警告）"), ("蓝", "蓝色（提醒）"))
FLAG_NOTE = ("说明：红色 = 违规，须限期纠正并上报（第三十二、四十三条）；黄色 = 警告，须关注并采取措施；"
             "蓝色 = 提醒。规则编号见《客户信用管理制度》月度检查（第三十一至四十二条）。")

SALESPERSON_COLUMNS: tuple[Column, ...] = (
    Column("经办业务员", "text", 14, "salesperson", align="center"),
    Column("客户数", "int", 10, "customers", total=True),
    Column("核定额度合计", "money", 18, "approved_total", total=True),
    Column("期末占用合计", "money", 18, "closing_total", total=True),
    Column("逾期金额合计", "money", 18, "overdue_total", total=True),
    Column("红色事项", "int", 11, "red", total=True),
    Column("黄色事项", "int", 11, "yellow", total=True),
)
SALESPERSON_NOTE = (
    "说明：第三十六条，营销部建立欠货、欠款回收责任制，将回收情况与责任人员的利益挂钩；第四十三条，超越授信范围从事业务的，"
    "限期纠正和补救，并视情节予以警告、通报批评、行政处分、经济处罚直至追究法律责任。客户数及金额按《执行评价表》各行汇总"
    "（期末占用为期末余额，负数按0计）；红色、黄色事项按《超限逾期清单》中该业务员客户的事项计数，全公司事项不计入个人。"
)

SEVERITY_FILL = {"红": "#F8CBAD", "黄": "#FFE699", "蓝": "#BDD7EE"}
ASSESSMENT_FILL = {"逾期": "#F4B183", "超限": "#F8CBAD", "关注": "#FFE699", "正常": "#E2EFDA"}
ASSESSMENT_FONT = {"逾期": "#9C0006", "超限": "#9C0006", "关注": "#7F6000", "正常": "#375623"}
EVAL_ORDER = ("正常", "关注", "超限", "逾期")  # chart order: mild to severe
GRADE_ORDER = ("A", "B", "C", "未评")
CHART_FONT = "SimSun"


def _frame(wb, st: Styles, meta: FormMeta, name: str, title: str, columns: Sequence[Column], *,
           number: bool):
    """Header block (编制单位 | 期间 | 编号, 单位：元) and the column headers; returns (ws, widths, header_row)."""
    ws = wb.add_worksheet(name)
    widths = set_widths(ws, columns)
    header_row = write_header_block(
        ws, st, title=title, widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}　评定日期：{prose_date(meta.as_of)}",
        right=f"编号：ZXPJ-{meta.period}" if meta.period and number else "",
    )
    write_column_headers(ws, st, header_row, columns)
    return ws, widths, header_row


def _write_items(ws, st: Styles, columns: Sequence[Column], items: Sequence, row: int,
                 input_headers: frozenset[str] = frozenset()) -> int:
    """The data rows (序号 where a column has no attribute); blank rows for an empty form. Returns next row."""
    cell_roles = ["input" if c.header in input_headers else "plain" for c in columns]
    for i, item in enumerate(items, start=1):
        values = [i if c.attr is None else getattr(item, c.attr) for c in columns]
        write_row(ws, st, row, columns, values, cell_roles)
        row += 1
    for _ in range(0 if items else BLANK_ROWS):
        write_row(ws, st, row, columns, [None] * len(columns), cell_roles)
        row += 1
    return row


def _total(items: Sequence, attr: str) -> Decimal:
    return sum((Decimal(getattr(x, attr) or 0) for x in items), Decimal(0))


def _sum_formulas(columns: Sequence[Column], items: Sequence, first: int, last: int) -> dict:
    out = {}
    for c, column in enumerate(columns):
        if column.total:
            value = _total(items, column.attr)
            out[c] = (f"=SUM({col_range(c, first, last)})", int(value) if column.kind == "int" else value)
    return out


def _notes(ws, st: Styles, row: int, lines: Sequence[str], widths: Sequence[float]) -> int:
    """A 说明 block over the table width, one merged cell per paragraph. Returns next row."""
    total = sum(widths)
    for text in lines:
        ws.set_row(row, row_height(lines_needed(text, total - 2), st.size - 1))
        merge_text(ws, row, 0, row, len(widths) - 1, text, st.note())
        row += 1
    return row


# -- 执行评价表 ------------------------------------------------------------------------
def _execution_sheet(wb, st: Styles, meta: FormMeta, rows: Sequence[ExecutionRow]) -> dict:
    """The form itself; returns where the chart sheet finds its cells."""
    columns = EXECUTION_COLUMNS
    ws, widths, header_row = _frame(wb, st, meta, SHEET, TITLE, columns, number=True)
    first = header_row + 1
    row = _write_items(ws, st, columns, rows, first, INPUT_HEADERS)
    last = row - 1
    total_row = row

    formulas = _sum_formulas(columns, rows, first, last)
    formulas[COL["客户名称"]] = (f"=COUNTA({col_range(COL['客户编码'], first, last)})", len(rows))
    limit, closing = COL["核定额度"], COL["期末余额"]
    limit_total = _total(rows, "approved_limit")
    used = sum((max(r.closing or 0, 0) for r in rows if (r.approved_limit or 0) > 0), Decimal(0))
    # 已授信客户期末占用合计 ÷ 核定额度合计: only rows with a limit, a prepayment counting 0
    limits, closings = col_range(limit, first, last), col_range(closing, first, last)
    use = f"SUMPRODUCT(({limits}>0)*({closings}>0)*{closings})"
    formulas[COL["额度使用率"]] = (f"=IF({ref(limit, total_row)}>0,{use}/{ref(limit, total_row)},\"\")",
                                   used / limit_total if limit_total > 0 else "")
    opening, debit, credit = (ref(COL[h], total_row) for h in ("期初余额", "本期借方", "本期贷方"))
    base = _total(rows, "opening") + _total(rows, "debit")
    formulas[COL["回款率"]] = (f"=IF({opening}+{debit}>0,{credit}/({opening}+{debit}),\"\")",
                               _total(rows, "credit") / base if base > 0 else "")
    days = COL["最长逾期天数"]
    formulas[days] = (f"=MAX({col_range(days, first, last)})", max((r.max_overdue_days or 0 for r in rows), default=0))
    write_total_row(ws, st, total_row, columns, "合计", formulas)

    # Colour carries the verdict: the 执行评价 cell, a use over 100 %, any excess.
    for text, fill in ASSESSMENT_FILL.items():
        ws.conditional_format(first, COL["执行评价"], last, COL["执行评价"], {
            "type": "cell", "criteria": "==", "value": f'"{text}"',
            "format": wb.add_format({"bg_color": fill, "font_color": ASSESSMENT_FONT[text], "bold": True})})
    red_font = wb.add_format({"font_color": "#C00000", "bold": True})
    ws.conditional_format(first, COL["额度使用率"], last, COL["额度使用率"],
                          {"type": "cell", "criteria": ">", "value": 1, "format": red_font})
    for h in ("超限金额", "超限天数", "逾期金额", "最长逾期天数"):
        ws.conditional_format(first, COL[h], last, COL[h],
                              {"type": "cell", "criteria": ">", "value": 0, "format": red_font})

    row = _notes(ws, st, total_row + 1, NOTES, widths)
    row = write_signature_strip(ws, st, row + 1, ROLES, widths, article=ARTICLE)
    ws.freeze_panes(first, COL["客户名称"] + 1)
    setup_print(ws, ncols=len(columns), last_row=row - 1, landscape=True, repeat=(0, header_row), paper=A3)
    ws.activate()
    return {"first": first, "last": last, "total_row": total_row}


# -- 超限逾期清单 ------------------------------------------------------------------------
def _flag_sheet(wb, st: Styles, meta: FormMeta, flags: Sequence[FlagRow]) -> None:
    columns = FLAG_COLUMNS
    ws, widths, header_row = _frame(wb, st, meta, FLAG_SHEET, "超限、逾期事项清单", columns, number=False)
    first = header_row + 1
    sev_col = next(k for k, c in enumerate(columns) if c.attr == "severity")
    if not flags and meta.period:  # a real month without a single flag says so
        ws.set_row(first, 22)
        merge_text(ws, first, 0, first, len(columns) - 1, "本月无超限、逾期及其他预警事项。",
                   st.cell("text", align="center"))
        row = first + 1
    else:
        row = _write_items(ws, st, columns, flags, first)
        for i, item in enumerate(flags):
            if item.severity in SEVERITY_FILL:
                ws.write_string(first + i, sev_col, item.severity, st.get(**_severity(item.severity)))
    last = row - 1
    ws.autofilter(header_row, 0, last, len(columns) - 1)

    # 事项统计: COUNTIF over the severity column, so a filtered or edited list still adds up.
    row += 1
    label_end, count_col = 2, 3
    merge_text(ws, row, 0, row, label_end, "事项统计", st.header())
    ws.write_string(row, count_col, "项数", st.header())
    ws.set_row(row, 20)
    row += 1
    span = col_range(sev_col, first, last, absolute=True)
    counter = Counter(f.severity for f in flags)
    count_fmt = st.get(border=1, border_color="#808080", num_format='0"项"', align="center")
    stat_first = row
    for sev, label in SEVERITIES:
        ws.set_row(row, 18)
        merge_text(ws, row, 0, row, label_end, label, st.get(**_severity(sev)))
        ws.write_formula(row, count_col, f'=COUNTIF({span},"{sev}")', count_fmt, counter.get(sev, 0))
        row += 1
    merge_text(ws, row, 0, row, label_end, "合计", st.cell("text", "total", align="center"))
    ws.write_formula(row, count_col, f"=SUM({col_range(count_col, stat_first, row - 1)})",
                     st.get(border=1, border_color="#808080", num_format='0"项"', align="center", bold=True,
                            bg_color="#F2F2F2"), len(flags))
    row = _notes(ws, st, row + 2, (FLAG_NOTE,), widths)
    ws.freeze_panes(first, 0)
    setup_print(ws, ncols=len(columns), last_row=row - 1, landscape=True, repeat=(0, header_row), paper=A3)


def _severity(severity: str) -> dict:
    return {"border": 1, "border_color": "#808080", "align": "center", "bold": True,
            "bg_color": SEVERITY_FILL[severity]}


# -- 业务员汇总 --------------------------------------------------------------------------
def _salesperson_sheet(wb, st: Styles, meta: FormMeta, people: Sequence[SalespersonRow]) -> None:
    columns = SALESPERSON_COLUMNS
    ws, widths, header_row = _frame(wb, st, meta, SALESPERSON_SHEET, "业务员授信执行汇总（回收责任制）", columns,
                                    number=False)
    first = header_row + 1
    row = _write_items(ws, st, columns, people, first)
    last = row - 1
    write_total_row(ws, st, row, columns, "合计", _sum_formulas(columns, people, first, last), label_cols=1)
    for header, sev in (("红色事项", "红"), ("黄色事项", "黄")):
        c = next(k for k, col in enumerate(columns) if col.header == header)
        ws.conditional_format(first, c, last, c, {"type": "cell", "criteria": ">", "value": 0,
                                                  "format": wb.add_format({"bg_color": SEVERITY_FILL[sev],
                                                                           "bold": True})})
    row = _notes(ws, st, row + 1, (SALESPERSON_NOTE,), widths)
    row = write_signature_strip(ws, st, row + 1, ROLES, widths, article=ARTICLE)
    ws.freeze_panes(first, 0)
    setup_print(ws, ncols=len(columns), last_row=row - 1, landscape=False, repeat=(0, header_row), paper=A4)


# -- 图表 -------------------------------------------------------------------------------
def _chart_font(size: int, bold: bool = False) -> dict:
    return {"name": CHART_FONT, "size": size, "bold": bold}


def _chart_sheet(wb, st: Styles, meta: FormMeta, rows: Sequence[ExecutionRow], where: dict) -> None:
    """Four native charts beside the small tables they plot; every table cell
    references the 执行评价表, so the charts follow the form."""
    ws = wb.add_worksheet(CHART_SHEET)
    table_widths = [14, 26, 11]
    widths = table_widths + [2] + [9.5] * 16
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    header_row = write_header_block(
        ws, st, title="客户授信执行分析图表", widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}　评定日期：{prose_date(meta.as_of)}",
        right=f"编号：ZXPJ-{meta.period}" if meta.period else "",
    )
    ws.set_default_row(18)
    src = quote_sheetname(SHEET)
    first, last, total_row = where["first"], where["last"], where["total_row"]
    money_fmt = st.cell("money")
    pct_fmt = st.cell("percent")
    count_fmt = st.cell("count")
    text_fmt = st.cell("text", align="center")
    row = header_row

    def heading(r: int, text: str, headers: Sequence[str]) -> int:
        merge_text(ws, r, 0, r, 2, text, st.section())
        for c, h in enumerate(headers):
            ws.write_string(r + 1, c, h, st.header())
        return r + 2

    # 一、账龄分布: the 合计 row of the aging columns.
    row = heading(row, "一、账龄分布（期末，元）", ("账龄区间", "金额", "占比"))
    aging_first = row
    aging_values = [_sum(rows, EXECUTION_COLUMNS[COL[h]].attr) for h in AGING_HEADERS]
    aging_sum = sum(aging_values, Decimal(0))
    for h, value in zip(AGING_HEADERS, aging_values):
        ws.write_string(row, 0, h, text_fmt)
        ws.write_formula(row, 1, f"={src}!{ref(COL[h], total_row)}", money_fmt, float(value))
        row += 1
    aging_last = row - 1
    ws.write_string(row, 0, "合计", st.cell("text", "total", align="center"))
    ws.write_formula(row, 1, f"=SUM({col_range(1, aging_first, aging_last)})", st.cell("money", "total"),
                     float(aging_sum))
    for r, value in zip(range(aging_first, aging_last + 1), aging_values):
        ws.write_formula(r, 2, f"=IF({ref(1, row)}=0,0,{ref(1, r)}/{ref(1, row)})", pct_fmt,
                         float(value / aging_sum) if aging_sum else 0)
    ws.write_formula(row, 2, f"=SUM({col_range(2, aging_first, aging_last)})", st.cell("percent", "total"),
                     1 if aging_sum else 0)
    row += 2

    # 二、额度使用率前十名: references to the rows with the highest use.
    row = heading(row, "二、额度使用率前十名", ("客户编码", "客户名称", "使用率"))
    ranked = sorted(((r.utilization, i) for i, r in enumerate(rows) if r.utilization is not None),
                    key=lambda t: (-t[0], rows[t[1]].code or ""))[:10]
    top_first = row
    for util, i in ranked:
        src_row = first + i
        ws.write_formula(row, 0, f"={src}!{ref(COL['客户编码'], src_row)}", st.cell("code"), rows[i].code or "")
        ws.write_formula(row, 1, f"={src}!{ref(COL['客户名称'], src_row)}", st.cell("text", wrap=False),
                         rows[i].name or "")
        ws.write_formula(row, 2, f"={src}!{ref(COL['额度使用率'], src_row)}", pct_fmt, float(util))
        row += 1
    top_last = row - 1
    if not ranked:
        merge_text(ws, row, 0, row, 2, "（本月无已授信客户）", text_fmt)
        row += 1
    row += 1

    # 三、信用等级分布 and 四、执行评价分布: COUNTIF over the form's columns.
    def mix(r: int, title: str, col_header: str, labels: Sequence[str], shown: Sequence[str], attr: str) -> tuple:
        r = heading(r, title, (col_header, "户数", "占比"))
        span = f"{src}!{col_range(COL[col_header], first, last, absolute=True)}"
        counts = Counter(getattr(x, attr) for x in rows)
        start = r
        for label, text in zip(labels, shown):
            ws.write_string(r, 0, text, text_fmt)
            ws.write_formula(r, 1, f'=COUNTIF({span},"{label}")', count_fmt, counts.get(label, 0))
            r += 1
        end = r - 1
        ws.write_string(r, 0, "合计", st.cell("text", "total", align="center"))
        ws.write_formula(r, 1, f"=SUM({col_range(1, start, end)})", st.cell("count", "total"),
                         sum(counts.get(label, 0) for label in labels))
        total = sum(counts.get(label, 0) for label in labels)
        for k, label in enumerate(labels):
            ws.write_formula(start + k, 2, f"=IF({ref(1, r)}=0,0,{ref(1, start + k)}/{ref(1, r)})", pct_fmt,
                             counts.get(label, 0) / total if total else 0)
        ws.write_formula(r, 2, f"=SUM({col_range(2, start, end)})", st.cell("percent", "total"), 1 if total else 0)
        return start, end, r + 2

    grade_first, grade_last, row = mix(row, "三、信用等级分布", "信用等级", GRADE_ORDER,
                                       ("A级", "B级", "C级", "未评定"), "grade")
    eval_first, eval_last, row = mix(row, "四、执行评价分布", "执行评价", EVAL_ORDER, EVAL_ORDER, "assessment")
    last_row = row - 2

    # The charts: two by two to the right of the tables.
    name = CHART_SHEET
    size = {"width": 560, "height": 420}
    chart_col, second_col = 4, 12

    aging = wb.add_chart({"type": "column"})
    aging.add_series({
        "name": [name, aging_first - 1, 1], "categories": [name, aging_first, 0, aging_last, 0],
        "values": [name, aging_first, 1, aging_last, 1],
        "points": [{"fill": {"color": c}} for c in
                   ("#A9D18E", "#FFE699", "#FFC000", "#F4B183", "#ED7D31", "#C00000", "#7B0000")],
        "data_labels": {"value": True, "num_format": "#,##0", "font": _chart_font(8)},
        "gap": 60,
    })
    _style(aging, "账龄分布（期末，元）", legend=False)
    aging.set_y_axis({"num_format": "#,##0", "num_font": _chart_font(8),
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    aging.set_x_axis({"num_font": _chart_font(8)})
    aging.set_size(size)
    ws.insert_chart(header_row, chart_col, aging, {"x_offset": 4, "y_offset": 4, "object_position": 3})

    if ranked:
        top = wb.add_chart({"type": "bar"})
        top.add_series({
            "name": [name, top_first - 1, 2], "categories": [name, top_first, 1, top_last, 1],
            "values": [name, top_first, 2, top_last, 2],
            "points": [{"fill": {"color": "#C00000" if u > 1 else "#FFC000" if u >= Decimal("0.8") else "#5B9BD5"}}
                       for u, _ in ranked],
            "data_labels": {"value": True, "num_format": "0.0%", "font": _chart_font(8)},
            "gap": 50,
        })
        _style(top, "额度使用率前十名（期末占用÷核定额度）", legend=False)
        top.set_y_axis({"reverse": True, "crossing": "max", "num_font": _chart_font(8)})  # categories: highest on top
        top.set_x_axis({"num_format": "0%", "min": 0, "num_font": _chart_font(8),
                        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        top.set_size(size)
        ws.insert_chart(header_row, second_col, top, {"x_offset": 4, "y_offset": 4, "object_position": 3})

    chart_rows = 19  # 420 px at 18 pt rows (24 px each), and a gap
    grades = wb.add_chart({"type": "pie"})
    grades.add_series({
        "name": [name, grade_first - 1, 1], "categories": [name, grade_first, 0, grade_last, 0],
        "values": [name, grade_first, 1, grade_last, 1],
        "points": [{"fill": {"color": c}} for c in ("#70AD47", "#5B9BD5", "#C00000", "#A5A5A5")],
        "data_labels": {"value": True, "percentage": True, "separator": "\n", "leader_lines": True,
                        "position": "outside_end", "font": _chart_font(9)},
    })
    _style(grades, "客户信用等级分布（户）", legend=True)
    grades.set_size(size)
    ws.insert_chart(header_row + chart_rows, chart_col, grades, {"x_offset": 4, "y_offset": 4, "object_position": 3})

    verdicts = wb.add_chart({"type": "column"})
    verdicts.add_series({
        "name": [name, eval_first - 1, 1], "categories": [name, eval_first, 0, eval_last, 0],
        "values": [name, eval_first, 1, eval_last, 1],
        "points": [{"fill": {"color": c}} for c in ("#70AD47", "#FFC000", "#ED7D31", "#C00000")],
        "data_labels": {"value": True, "font": _chart_font(9)},
        "gap": 80,
    })
    _style(verdicts, "执行评价分布（户）", legend=False)
    verdicts.set_y_axis({"num_format": "0", "min": 0, "num_font": _chart_font(8),
                         "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    verdicts.set_x_axis({"num_font": _chart_font(9)})
    verdicts.set_size(size)
    ws.insert_chart(header_row + chart_rows, second_col, verdicts,
                    {"x_offset": 4, "y_offset": 4, "object_position": 3})

    last_row = max(last_row, header_row + 2 * chart_rows)
    ws.hide_gridlines(2)
    ws.set_paper(A3)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, last_row, len(widths) - 1)


def _sum(rows: Sequence[ExecutionRow], attr: str) -> Decimal:
    return _total(rows, attr)


def _style(chart, title: str, *, legend: bool) -> None:
    chart.set_title({"name": title, "name_font": _chart_font(12, bold=True)})
    if legend:
        chart.set_legend({"position": "right", "font": _chart_font(9)})
    else:
        chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})


def write_execution_review(path: Path | str, rows: Sequence[ExecutionRow] = (), *, meta: FormMeta,
                           flags: Sequence[FlagRow] = (), salespeople: Sequence[SalespersonRow] = ()) -> Path:
    """Write Form 4; with no rows it is the blank monthly form (three sheets, no charts)."""
    path = Path(path)
    wb = new_workbook(path, meta.created, title="《" + TITLE + "》", company=meta.company)
    st = Styles(wb, size=10)
    where = _execution_sheet(wb, st, meta, rows)
    _flag_sheet(wb, st, meta, flags)
    _salesperson_sheet(wb, st, meta, salespeople)
    if rows:
        _chart_sheet(wb, st, meta, rows, where)
    wb.close()
    return path
