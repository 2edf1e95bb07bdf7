"""Form 3 《预付、赊销客户汇总表》, which becomes the credit register (授信台账).

营销部 proposes (第二十九条); 总经理 and 董事长 approve by filling the 核定
columns (第三十条); the approved file is then the register every monthly
check reads. So the header texts are a contract (``REGISTER_HEADERS``) and
the approval columns are the only unlocked cells of a proposed row.

Readers: the data rows are the rows below the single header row whose
客户编码 is not blank, up to the 合计 row; heading and 小计 rows leave
客户编码 blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from credit_workbook.forms import fields
from credit_workbook.forms.rows import FormMeta, OverlimitRow, RegisterRow
from credit_workbook.forms.xlsx_style import (
    A3,
    Column,
    Styles,
    add_list_validation,
    col_range,
    merge_formula,
    merge_text,
    new_workbook,
    prose_date,
    prose_period,
    protect,
    ref,
    set_widths,
    setup_print,
    write_band,
    write_column_headers,
    write_header_block,
    write_row,
    write_signature_strip,
    write_total_row,
    write_value,
)

__all__ = ["REGISTER_HEADERS", "REGISTER_COLUMNS", "OVERLIMIT_SHEET", "OVERLIMIT_HEADERS", "SHEET",
           "FormMeta", "RegisterRow", "OverlimitRow", "write_register"]

TITLE = "预付、赊销客户汇总表"
SHEET = "预付赊销客户汇总表"
OVERLIMIT_SHEET = "超额审批"
OVERLIMIT_TABLE = "tbl_overlimit"
OVERLIMIT_HEADERS = ("客户编码", "批准日期", "批准金额", "批准文号")
APPROVAL_STATUSES = ("已批准", "待批", "驳回")
GRADES = ("A", "B", "C")

REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("序号", "int", 5),
    Column("客户编码", "code", 11, "code"),
    Column("客户名称", "text", 22, "name"),
    Column("往来类型", "text", 7, "counterparty_type", align="center"),
    Column("信用等级", "text", 6, "grade", align="center"),
    Column("经办业务员", "text", 8, "salesperson", align="center"),
    Column("平均月发货额", "money", 14, "avg_debit", total=True),
    Column("平均月回款额", "money", 14, "avg_credit", total=True),
    Column("长期额度上限", "money", 14, "cap_long", total=True),
    Column("临时额度上限", "money", 14, "cap_temp", total=True),
    Column("建议授信类型", "text", 7, "proposed_type", align="center"),
    Column("建议额度", "money", 14, "proposed_limit", total=True),
    Column("建议期限(天)", "int", 7, "proposed_term_days"),
    Column("当前占用", "money", 14, "exposure", total=True),
    Column("额度使用率", "percent", 8, "utilization"),
    Column("核定类型", "text", 7, "approved_type", align="center"),
    Column("核定额度", "money", 14, "approved_limit", total=True),
    Column("核定期限(天)", "int", 7, "approved_term_days"),
    Column("担保方式", "text", 8, "collateral_type", align="center"),
    Column("抵押资产价值", "money", 14, "collateral_value"),
    Column("合同开始日期", "date", 12, "contract_start"),
    Column("合同结束日期", "date", 12, "contract_end"),
    Column("审批状态", "text", 7, "status", align="center"),
    Column("批准日期", "date", 12, "approved_on"),
    Column("备注", "text", 18, "note"),
)
REGISTER_HEADERS: tuple[str, ...] = tuple(c.header for c in REGISTER_COLUMNS)
NCOLS = len(REGISTER_COLUMNS)
_COL = {h: i for i, h in enumerate(REGISTER_HEADERS)}
APPROVAL_COLS = frozenset(range(_COL["核定类型"], _COL["批准日期"] + 1)) | {_COL["备注"]}

# Drop-downs: on every row for the approval columns, on hand-added rows also
# for the columns the tool would otherwise fill.
APPROVAL_LISTS = {"核定类型": fields.CREDIT_TYPES, "担保方式": fields.COLLATERAL_TYPES,
                  "审批状态": APPROVAL_STATUSES}
MANUAL_LISTS = {"往来类型": fields.COUNTERPARTY_TYPES, "信用等级": GRADES,
                "建议授信类型": fields.CREDIT_TYPES}

BLOCKS = (("供应商", "一、预付客户（供应商）"), ("客户", "二、赊销客户"))
ROLES = ("营销部经理（编制）", "总经理（批准）", "董事长（批准）")
ARTICLE = ("第二十九、三十条：营销部汇总预付、赊销客户，报公司总经理、董事长批准；批准后本表与《客户信用调查评定表》、"
           "《客户信用等级分类汇总表》及购售合同原件交财务部保管，作为日常发货收款的监控依据。")
OVERLIMIT_NOTE = "第三十二条：超出信用额度的预付款和发货，必须在得到上级相关部门的正式批准文书之后方可办理。"
UNKNOWN_JAN1 = "未知（台账历史未覆盖1月1日）"
SPARE_ROWS = 3
OVERLIMIT_SPARE_ROWS = 20


def _block_of(row: RegisterRow) -> str:
    """供应商 rows are prepayments; anything else is treated as 赊销 (the default business)."""
    return "供应商" if row.counterparty_type == "供应商" else "客户"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def control_line(approved_total: Decimal, jan1_exposure: Decimal | None) -> str:
    """The 第二十四条 total control sentence, as Python computes it (cached value)."""
    text = f"授信总额控制（第二十四条）：核定额度合计 {_money(approved_total)} 元，1月1日占用余额 "
    if jan1_exposure is None:
        return text + UNKNOWN_JAN1
    text += f"{_money(jan1_exposure)} 元"
    if approved_total > jan1_exposure:
        text += f"；超出 {_money(approved_total - jan1_exposure)} 元，须压缩（第二十四条）"
    return text


def _control_formula(first: int, last: int, jan1_exposure: Decimal | None) -> str:
    """The same sentence as a live formula over the 审批状态/核定额度 columns."""
    status = col_range(_COL["审批状态"], first, last, absolute=True)
    limit = col_range(_COL["核定额度"], first, last, absolute=True)
    total = f'SUMIF({status},"已批准",{limit})'
    head = f'"授信总额控制（第二十四条）：核定额度合计 "&TEXT({total},"#,##0.00")&" 元，1月1日占用余额 "'
    if jan1_exposure is None:
        return f'={head}&"{UNKNOWN_JAN1}"'
    y = f"{jan1_exposure:.2f}"
    return (f'={head}&"{_money(jan1_exposure)} 元"'
            f'&IF({total}>{y},"；超出 "&TEXT({total}-{y},"#,##0.00")&" 元，须压缩（第二十四条）","")')


def _values(index: int, row: RegisterRow) -> list:
    return [index] + [getattr(row, c.attr) for c in REGISTER_COLUMNS[1:]]


def write_register(path: Path | str, rows: Sequence[RegisterRow], meta: FormMeta,
                   jan1_exposure: Decimal | None, overlimit: Sequence[OverlimitRow] = (),
                   spare_rows: int = SPARE_ROWS) -> Path:
    """Write Form 3 (proposal or approved register) with its 超额审批 sheet."""
    path = Path(path)
    wb = new_workbook(path, meta.created, title="《" + TITLE + "》", company=meta.company)
    st = Styles(wb, size=10)
    ws = wb.add_worksheet(SHEET)
    widths = set_widths(ws, REGISTER_COLUMNS)
    header_row = write_header_block(
        ws, st, title=TITLE, widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}　评定日期：{prose_date(meta.as_of)}",
        right=f"编号：YFSX-{meta.period}" if meta.period else "编号：",
    )
    write_column_headers(ws, st, header_row, REGISTER_COLUMNS)
    roles = ["input" if c in APPROVAL_COLS else "plain" for c in range(NCOLS)]
    row = header_row + 1
    first_data = row
    subtotals: list[int] = []
    grand = {c: Decimal(0) for c, col in enumerate(REGISTER_COLUMNS) if col.total}
    count_col, code_col = _COL["客户名称"], _COL["客户编码"]

    for kind, band in BLOCKS:
        block = sorted((r for r in rows if _block_of(r) == kind), key=lambda r: r.code)
        write_band(ws, st, row, band, NCOLS)
        row += 1
        first = row
        for i, item in enumerate(block, start=1):
            write_row(ws, st, row, REGISTER_COLUMNS, _values(i, item), roles)
            row += 1
        # Approvers may add a counterparty by hand; an empty block keeps at
        # least one row so its 小计 formulas have a range.
        for _ in range(spare_rows if block else max(spare_rows, 1)):
            write_row(ws, st, row, REGISTER_COLUMNS, [None] * NCOLS, "input")
            row += 1
        last = row - 1
        _validations(ws, first, last, spare_from=first + len(block))
        formulas = {count_col: (f"=COUNTA({col_range(code_col, first, last)})", len(block))}
        for c in grand:
            value = sum((getattr(r, REGISTER_COLUMNS[c].attr) or Decimal(0) for r in block), Decimal(0))
            grand[c] += value
            formulas[c] = (f"=SUM({col_range(c, first, last)})", value)
        write_total_row(ws, st, row, REGISTER_COLUMNS, "小计", formulas)
        subtotals.append(row)
        row += 1
    last_data = row - 1

    formulas = {c: ("=" + "+".join(ref(c, r) for r in subtotals), value)
                for c, value in {count_col: len(rows), **grand}.items()}
    write_total_row(ws, st, row, REGISTER_COLUMNS, "合计", formulas)
    row += 1

    approved = sum((r.approved_limit or Decimal(0) for r in rows if r.status == "已批准"), Decimal(0))
    ws.set_row(row, 22)
    merge_formula(ws, row, 0, row, NCOLS - 1, _control_formula(first_data, last_data, jan1_exposure),
                  st.get(align="left", bold=True), control_line(approved, jan1_exposure))
    row += 2
    row = write_signature_strip(ws, st, row, ROLES, widths, article=ARTICLE)

    ws.freeze_panes(header_row + 1, _COL["客户名称"] + 1)
    setup_print(ws, ncols=NCOLS, last_row=row - 1, landscape=True, repeat=(0, header_row), paper=A3)
    protect(ws)
    ws.activate()

    _write_overlimit(wb, st, meta, overlimit)
    wb.close()
    return path


def _validations(ws, first: int, last: int, spare_from: int) -> None:
    for header, choices in APPROVAL_LISTS.items():
        c = _COL[header]
        add_list_validation(ws, first, c, last, c, choices, title=header)
    if spare_from <= last:
        for header, choices in MANUAL_LISTS.items():
            c = _COL[header]
            add_list_validation(ws, spare_from, c, last, c, choices, title=header)


OVERLIMIT_COLUMNS = (
    Column("客户编码", "code", 14),
    Column("批准日期", "date", 14),
    Column("批准金额", "money", 18),
    Column("批准文号", "code", 28),
)


def _write_overlimit(wb, st: Styles, meta: FormMeta, overlimit: Sequence[OverlimitRow]) -> None:
    """超额审批 (第三十二条) as table ``tbl_overlimit``; spare rows because a
    table on a protected sheet cannot grow."""
    ws = wb.add_worksheet(OVERLIMIT_SHEET)
    ncols = len(OVERLIMIT_COLUMNS)
    widths = set_widths(ws, OVERLIMIT_COLUMNS)
    row = write_header_block(
        ws, st, title="超额审批记录", widths=widths, left=f"编制单位：{meta.company}",
        center=f"期间：{prose_period(meta.period)}", right="", unit="单位：元",
    )
    ws.set_row(row, 30)
    merge_text(ws, row, 0, row, ncols - 1, OVERLIMIT_NOTE, st.note())
    row += 1
    items = sorted(overlimit, key=lambda o: (o.code, o.approved_on, o.doc_no))
    last = row + len(items) + OVERLIMIT_SPARE_ROWS
    formats = [c.fmt(st, "input") for c in OVERLIMIT_COLUMNS]
    ws.add_table(row, 0, last, ncols - 1, {
        "name": OVERLIMIT_TABLE, "style": "Table Style Light 1", "autofilter": False,
        "columns": [{"header": c.header, "header_format": st.header(), "format": f}
                    for c, f in zip(OVERLIMIT_COLUMNS, formats)],
    })
    ws.set_row(row, 20)
    for r in range(row + 1, last + 1):
        item = items[r - row - 1] if r - row - 1 < len(items) else None
        values = (item.code, item.approved_on, item.amount, item.doc_no) if item else (None,) * ncols
        for c, value in enumerate(values):
            write_value(ws, r, c, value, formats[c])
        ws.set_row(r, 18)
    setup_print(ws, ncols=ncols, last_row=last, landscape=False, repeat=(0, row))
    protect(ws)
