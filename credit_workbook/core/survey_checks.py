"""Validation of a filled 《客户信用调查评定表》 (第十条、第十一条).

Input is what a reader found in the workbook — raw cell values and their
``file!sheet!cell`` places, from a file or from live Excel alike — and output
is a typed ``Survey`` plus every problem a clerk must fix. An invalid value
is reported and then treated as blank, so one typo costs the customer its A
grade (第十八条 资料不全) instead of producing a wrong one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from credit_workbook.core import parse
from credit_workbook.core.model import BankAccount, Officer, Problem, ProblemLevel, Survey
from credit_workbook.core.uscc import uscc_problem
from credit_workbook.forms.fields import BY_NAME, INPUT_FIELDS, TABLE_BY_NAME, FieldSpec

ERROR = ProblemLevel.ERROR
WARNING = ProblemLevel.WARNING

# Without these the form cannot be tied to a counterparty at all.
IDENTITY_FIELDS = ("customer_code", "customer_name")


@dataclass(frozen=True)
class RawValue:
    value: object
    place: str


@dataclass(frozen=True)
class RawSurvey:
    """A Form 1 as a reader found it: values by defined name, table rows by column attribute."""

    file_name: str
    fields: dict[str, RawValue]
    tables: dict[str, tuple[dict[str, RawValue], ...]] = field(default_factory=dict)
    missing_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyCheck:
    survey: Survey | None  # None: the form cannot be rated (identity missing)
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is ERROR)


class _Collector:
    def __init__(self, raw: RawSurvey):
        self.raw = raw
        self.problems: list[Problem] = []

    def add(self, level: ProblemLevel, name: str, place: str, message: str) -> None:
        self.problems.append(Problem(level, name, place, message))

    def place(self, name: str) -> str:
        rv = self.raw.fields.get(name)
        return rv.place if rv else self.raw.file_name


def _label(name: str) -> str:
    return f"“{BY_NAME[name].label}”"


def _no_excel_error(value: object) -> None:
    """An error value is no answer: not a code "#N/A", not a name, not a blank either."""
    if isinstance(value, str) and value.strip() in parse.EXCEL_ERRORS:
        raise parse.ValueParseError(f"单元格是公式错误值“{value.strip()}”，请改正公式或直接填写")


def _convert(spec: FieldSpec, value: object):
    """Typed value of one cell; raises parse.ValueParseError with the reason."""
    _no_excel_error(value)
    if spec.kind == "text":
        return parse.clean_text(value)
    if spec.kind == "code":
        return parse.clean_code(value)
    if spec.kind == "date":
        return parse.parse_date(value)
    if spec.kind == "number":
        return parse.parse_number(value, wan_unit=spec.unit == "万元")
    if spec.kind == "integer":
        return parse.parse_int(value)
    if spec.kind == "yesno":
        return parse.parse_yesno(value)
    if spec.kind == "enum":
        text = parse.clean_text(value)
        if text is None:
            return None
        if text not in spec.choices:
            raise parse.ValueParseError(f"应为{'/'.join(spec.choices)}之一，填的是“{text}”")
        return text
    raise AssertionError(f"unknown field kind {spec.kind}")


def _read_fields(c: _Collector) -> dict[str, object]:
    values: dict[str, object] = {}
    for spec in INPUT_FIELDS:
        rv = c.raw.fields.get(spec.name)
        if rv is None:
            continue  # missing defined names are reported once, in check_survey
        try:
            value = _convert(spec, rv.value)
        except parse.ValueParseError as exc:
            c.add(ERROR, spec.name, rv.place, f"{_label(spec.name)}{_join(str(exc))}")
            continue
        if value is None:
            if spec.required:
                c.add(ERROR, spec.name, rv.place, f"{_label(spec.name)}为必填项，未填写")
            continue
        values[spec.name] = value
    return values


def _join(message: str) -> str:
    return message if message.startswith(("：", "应", "不")) else f"：{message}"


def _check_uscc(c: _Collector, values: dict) -> None:
    code = values.get("uscc")
    if code is None:
        return
    message = uscc_problem(code)
    if message is None:
        return
    # A wrong length or alphabet is not a code at all; a bad check digit can be a real early code.
    bad_digit = len(code) == 18 and message.startswith("校验位")
    c.add(WARNING if bad_digit else ERROR, "uscc", c.place("uscc"), f"{_label('uscc')}：{message}")
    if not bad_digit:
        del values["uscc"]


def _check_numbers(c: _Collector, values: dict) -> None:
    for name in ("registered_capital", "prior_limit", "requested_limit", "collateral_value",
                 "total_assets", "total_liabilities", "revenue_y1", "revenue_y2"):
        value = values.get(name)
        if value is not None and value < 0:
            c.add(ERROR, name, c.place(name), f"{_label(name)}不能为负数，填的是 {value}")
            del values[name]
    term = values.get("requested_term_days")
    if term is not None and not 0 <= term <= 366:
        c.add(ERROR, "requested_term_days", c.place("requested_term_days"),
              f"{_label('requested_term_days')}应在0–366天之间，填的是 {term}")
        del values["requested_term_days"]


def _check_contradictions(c: _Collector, values: dict) -> None:
    """第十一条 1、资信资料之间有无相互矛盾."""
    est, coop = values.get("established_on"), values.get("coop_start")
    if est and coop and coop < est:
        c.add(ERROR, "coop_start", c.place("coop_start"),
              f"资料相互矛盾（第十一条）：合作开始日期 {coop:%Y-%m-%d} 早于成立日期 {est:%Y-%m-%d}，请核对")
        del values["coop_start"]
    surveyed = values.get("surveyed_on")
    for name in ("established_on", "coop_start"):
        d = values.get(name)
        if d is not None and surveyed is not None and d > surveyed:
            c.add(ERROR, name, c.place(name),
                  f"资料相互矛盾（第十一条）：{_label(name)} {d:%Y-%m-%d} 晚于填表日期 {surveyed:%Y-%m-%d}，请核对")
            del values[name]
    assets, debts = values.get("total_assets"), values.get("total_liabilities")
    if assets is not None and debts is not None and debts > assets:
        c.add(WARNING, "total_liabilities", c.place("total_liabilities"),
              f"总负债 {debts} 万元大于总资产 {assets} 万元（资不抵债），与“偿债能力”的填写请一并核对")
    profit, operation = values.get("net_profit_y1"), values.get("operation_2y")
    if profit is not None and profit < 0 and operation == "良好":
        c.add(WARNING, "operation_2y", c.place("operation_2y"),
              f"资料相互矛盾（第十一条）：上年净利润为 {profit} 万元（亏损），经营状况却填“良好”")
    kind, amount = values.get("collateral_type"), values.get("collateral_value")
    if kind not in (None, "无") and not amount:
        c.add(WARNING, "collateral_value", c.place("collateral_value"),
              f"担保方式为“{kind}”，但未填写抵押资产价值，按无担保处理")
    if kind in (None, "无") and amount:
        c.add(WARNING, "collateral_type", c.place("collateral_type"),
              f"填了抵押资产价值 {amount:,.2f} 元，但担保方式为“{kind or '未填写'}”，按无担保处理")
    if values.get("requested_type") == "无" and values.get("requested_limit"):
        c.add(WARNING, "requested_limit", c.place("requested_limit"),
              "申请授信类型为“无”，申请信用额度不予考虑")


def _norm_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _read_table(c: _Collector, name: str, customer_name: str | None):
    spec = TABLE_BY_NAME[name]
    rows = []
    for raw_row in c.raw.tables.get(name, ()):
        cells: dict[str, object] = {}
        for attr, header, kind in spec.columns:
            rv = raw_row.get(attr)
            if rv is None:
                continue
            try:
                _no_excel_error(rv.value)
                if kind == "code":
                    value = parse.clean_code(rv.value)
                elif kind == "percent":
                    value = parse.parse_number(rv.value)
                else:
                    value = parse.clean_text(rv.value)
            except parse.ValueParseError as exc:
                c.add(ERROR, f"{name}.{attr}", rv.place, f"{spec.section[2:]}“{header}”{_join(str(exc))}")
                continue
            if value is not None:
                cells[attr] = value
        if not cells:
            continue  # a blank row of the table
        key = spec.columns[0][0]
        if key not in cells:
            first = next(iter(raw_row.values()))
            c.add(ERROR, f"{name}.{key}", raw_row.get(key, first).place,
                  f"{spec.section[2:]}：该行填了内容但“{spec.columns[0][1]}”为空")
            continue
        rows.append((cells, raw_row))
    if name == "tbl_banks":
        out = []
        for cells, raw_row in rows:
            acc_name = cells.get("account_name")
            if acc_name and customer_name and _norm_name(acc_name) != _norm_name(customer_name):
                c.add(WARNING, "tbl_banks.account_name", raw_row["account_name"].place,
                      f"账户名称“{acc_name}”与客户名称“{customer_name}”不一致，请核实是否为客户本单位账户")
            out.append(BankAccount(**cells))
        return tuple(out)
    out = []
    for cells, raw_row in rows:
        share = cells.get("share_pct")
        if share is not None and share > 1:
            share = share / 100  # typed 40 meaning 40 %
            cells["share_pct"] = share
        out.append(Officer(**cells))
    total = sum((o.share_pct or Decimal(0) for o in out), Decimal(0))
    if total > 1 and rows:
        c.add(WARNING, "tbl_officers.share_pct", rows[0][1].get("share_pct", next(iter(rows[0][1].values()))).place,
              f"主要股东持股比例合计 {total:.0%}，超过100%")
    return tuple(out)


def check_survey(raw: RawSurvey) -> SurveyCheck:
    c = _Collector(raw)
    for name in raw.missing_names:
        c.add(ERROR, name, raw.file_name,
              f"表中找不到名称“{name}”（{BY_NAME[name].label if name in BY_NAME else name}），"
              "请使用标准模板《客户信用调查评定表》")
    values = _read_fields(c)
    _check_uscc(c, values)
    _check_numbers(c, values)
    _check_contradictions(c, values)
    banks = _read_table(c, "tbl_banks", values.get("customer_name"))
    officers = _read_table(c, "tbl_officers", values.get("customer_name"))
    if any(name not in values for name in IDENTITY_FIELDS):
        return SurveyCheck(None, tuple(c.problems))
    survey = Survey(**values, banks=banks, officers=officers)
    return SurveyCheck(survey, tuple(c.problems))
