"""The button on a shipment request sheet: may each shipment / prepayment go out? (``check`` of SPEC §6)

Layout (any sheet, any position, recognised by its header row):

    客户编码 | 金额 (or 发货金额/预付金额/本次金额/申请金额) | 日期 (optional) | … | 审核结论 | 审核说明

one request per row below the header. Each row gets exactly the answer of
``credit-workbook check`` (``actions.shipment.check_shipment``): 审核结论 is
the verdict (可以发货/付款, 须凭超额审批办理, 不可以), 审核说明 the exposure
before and after, the limit and every reason with its rule and article; the
结论 cell is yellow for 3 and red for 4. A blank date is today. When the two
result columns are missing they are added right of the header's last column.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credit_workbook.errors import UserError
from credit_workbook.port.base import CellMark
from credit_workbook.ribbon.outcome import Outcome
from credit_workbook.ribbon.recognise import AMOUNT_HEADERS, DATE_HEADERS, SHIPMENT

VERDICT, EXPLAIN = "审核结论", "审核说明"
SEVERITY = {3: "黄", 4: "红"}


def _yuan(text: str | None) -> str:
    return "无有效授信" if text is None else f"{Decimal(text):,.2f} 元"


def explain(answer: dict) -> str:
    head = (f"占用 {_yuan(answer['exposure_before'])} → {_yuan(answer['exposure_after'])}，"
            f"核定额度 {_yuan(answer['limit'])}")
    if answer["approval"]:
        a = answer["approval"]
        head += f"；超额审批 {a['doc_no']}（{a['approved_on']}，{_yuan(a['amount'])}）"
    return "；".join([head] + [f"{r['rule']}（{r['article']}）{r['message']}" for r in answer["reasons"]])


def check_requests(port, ws, found, today: date | None = None) -> Outcome:
    from credit_workbook.actions.shipment import check_shipment
    from credit_workbook.core import parse

    grid = port.values(found.sheet)
    head, cols = found.header_row, found.columns
    code_col = cols["客户编码"]
    amount_col = next(cols[h] for h in AMOUNT_HEADERS if h in cols)
    date_col = next((cols[h] for h in DATE_HEADERS if h in cols), None)
    last = max(cols.values())
    verdict_col, explain_col = cols.get(VERDICT, last + 1), cols.get(EXPLAIN, cols.get(VERDICT, last + 1) + 1)
    values: dict[tuple[int, int], object] = {(head, verdict_col): VERDICT, (head, explain_col): EXPLAIN}
    marks: list[CellMark] = []
    decisions: list[int] = []
    errors = 0
    details = []

    def cell(row: list, col: int | None):
        return row[col - 1] if col and col - 1 < len(row) else None

    for r, row in enumerate(grid[head:], start=head + 1):
        raw_code, raw_amount = cell(row, code_col), cell(row, amount_col)
        if raw_code in (None, "") and raw_amount in (None, ""):
            continue
        try:
            code = parse.clean_code(raw_code)
            amount = parse.parse_amount(raw_amount)
            day = parse.parse_date(cell(row, date_col)) or today or date.today()
            if not code:
                raise parse.ValueParseError("客户编码为空")
            if amount is None or amount <= 0:
                raise parse.ValueParseError("金额应大于0")
            answer = check_shipment(ws, code, amount, day)
        except (parse.ValueParseError, UserError) as exc:
            errors += 1
            values[(r, verdict_col)] = "无法判断"
            values[(r, explain_col)] = str(exc)
            marks.append(CellMark(found.sheet, r, verdict_col, "红", str(exc)))
            details.append(f"第{r}行：{exc}")
            continue
        decision = answer["decision"]
        decisions.append(decision)
        values[(r, verdict_col)] = answer["verdict"]
        values[(r, explain_col)] = explain(answer)
        if decision in SEVERITY:
            marks.append(CellMark(found.sheet, r, verdict_col, SEVERITY[decision], values[(r, explain_col)]))
        details.append(f"第{r}行 {code} {amount:,.2f} 元（{day:%Y-%m-%d}）：{answer['verdict']}")
    if not decisions and not errors:
        return Outcome(SHIPMENT, f"{port.name}：表头下没有发货申请", exit_code=2)
    port.write_values(found.sheet, values)
    port.mark_cells(marks)
    counts = {d: decisions.count(d) for d in (0, 3, 4)}
    summary = (f"{port.name}：{len(decisions) + errors} 笔申请，可以 {counts[0]} 笔，须凭超额审批 {counts[3]} 笔，"
               f"不可以 {counts[4]} 笔" + (f"，无法判断 {errors} 笔" if errors else ""))
    code = 2 if errors else max(decisions, default=0)
    return Outcome(SHIPMENT, summary, details, exit_code=code)
