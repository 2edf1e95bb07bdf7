"""The button on a 《预付、赊销客户汇总表》 (a proposal or the register): recompute what the tool computes.

The workbook is read with the register reader ``run`` uses (through
``port.gridbook``), the month is evaluated as ``rate`` evaluates it
(``actions.single.evaluate_month``: latest month, register in force, 从低),
and on every data row the computed columns are rewritten — 信用等级, the
averages, both caps, the proposal (type, limit, term), 当前占用 and
额度使用率 (占用 ÷ the limit in force, as Form 3 shows it). The approvers'
columns (核定…, 审批状态, 批准日期, 备注) and anything they added are never
written. Columns are found by their header text, so a reordered sheet works.
"""

from __future__ import annotations

from credit_workbook.ribbon.outcome import Outcome
from credit_workbook.ribbon.recognise import REGISTER, header_row

# The computed columns, by RegisterRow attribute.
COMPUTED = ("grade", "avg_debit", "avg_credit", "cap_long", "cap_temp", "proposed_type", "proposed_limit",
            "proposed_term_days", "exposure", "utilization")


def computed_values(cp) -> dict[str, object]:
    """Form 3's computed columns for one evaluated counterparty — the values ``run`` writes into its proposal."""
    r, ap = cp.rating, cp.approved
    caps = r.caps if r else None
    credit = ap is not None and ap.credit_type not in (None, "无")
    term = None
    if caps and caps.proposed_type == "长期":
        term = caps.max_term_long_days
    elif caps and caps.proposed_type == "临时":
        term = caps.max_term_temp_days
    return {
        "grade": r.result.grade.value if r else "未评定",
        "avg_debit": cp.evidence.avg_debit if cp.evidence else None,
        "avg_credit": cp.evidence.avg_credit if cp.evidence else None,
        "cap_long": caps.cap_long if caps else None,
        "cap_temp": caps.cap_temp if caps else None,
        "proposed_type": caps.proposed_type if caps else "无",
        "proposed_limit": caps.proposed_limit if caps else None,
        "proposed_term_days": term,
        "exposure": cp.exposure,
        "utilization": (cp.exposure / ap.limit) if credit and ap.limit > 0 else None,
    }


def recompute_register(port, ws, found=None) -> Outcome:
    from credit_workbook.actions.single import evaluate_month
    from credit_workbook.core import parse
    from credit_workbook.forms.register import REGISTER_COLUMNS
    from credit_workbook.forms.register_reader import raw_register_from_workbook
    from credit_workbook.ledger.headers import normalise_header
    from credit_workbook.port.base import split_coord
    from credit_workbook.port.gridbook import GridBook
    from credit_workbook.store import Store

    raw = raw_register_from_workbook(GridBook(port), port.name)
    if not raw.rows:
        problems = [p.render() for p in raw.problems] or ["表中没有带客户编码的数据行"]
        return Outcome(REGISTER, f"{port.name}：没有可重算的行", problems, exit_code=2)
    port.status("正在按最新台账重算建议额度……")
    with Store(ws.store_path) as store:
        view = evaluate_month(ws, store)
    cps = {cp.code: cp for cp in view.report.counterparties}
    sheet = raw.rows[0].place.rsplit("!", 2)[1]
    _row, texts = header_row(port.values(sheet), ("客户编码", "核定额度"))
    columns = {c.attr: texts[normalise_header(c.header)] for c in REGISTER_COLUMNS
               if c.attr in COMPUTED and normalise_header(c.header) in texts}
    values: dict[tuple[int, int], object] = {}
    unknown = []
    for row in raw.rows:
        try:
            code = parse.clean_code(row.cells["code"].value)
        except parse.ValueParseError:
            code = None
        cp = cps.get(code)
        if cp is None:
            unknown.append(f"{row.place}: 客户编码“{code or ''}”既无调查评定表也无台账记录，未重算")
            continue
        r = split_coord(row.place.rsplit("!", 1)[1])[0]
        for attr, value in computed_values(cp).items():
            if attr in columns:
                values[(r, columns[attr])] = value
    port.write_values(sheet, values)
    done = len(raw.rows) - len(unknown)
    summary = (f"{port.name}：按 {view.report.period} 台账（评定日期 {view.report.as_of:%Y-%m-%d}）"
               f"重算了 {done} 户的等级、额度上限、建议额度和额度使用率；核定与审批栏未改动")
    problems = [p.render() for p in raw.problems]
    return Outcome(REGISTER, summary, unknown + problems)
