"""Validation of the credit register (授信台账): the approved 《预付、赊销客户汇总表》
and its 超额审批 sheet (第二十九–三十三条).

Input is what a reader found in ``register.xlsx`` — raw cell values with their
``file!sheet!cell`` places — and output is the typed ``Register`` every
monthly check works from, plus each problem a clerk must fix.

Only rows whose 审批状态 is 已批准 are in force (第三十条: approved by 总经理、
董事长), so only they are validated beyond their status; a 待批 or 驳回 row may
hold half-filled 核定 cells and that is nobody's mistake.

An error makes its ROW unusable, never the whole register: one typo in one
approval must not switch off the limits of forty other counterparties. The
counterparty of an unusable row is then treated as having no approved credit
(R02 and the 0-day due date apply to it), which is the conservative reading,
and the run still reports the error (the CLI exits 2 on any ERROR). Warnings
keep the row.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_workbook.core import parse
from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.survey_checks import RawValue

__all__ = [
    "APPROVED",
    "BLOCK_HEADINGS",
    "COLLATERAL_TYPES",
    "COUNTERPARTY_TYPES",
    "CREDIT_TYPES",
    "LABELS",
    "MAX_TERM_DAYS",
    "NO_CREDIT",
    "OVERLIMIT_LABELS",
    "PENDING",
    "REJECTED",
    "STATUSES",
    "ApprovedCredit",
    "OverlimitApproval",
    "RawRegister",
    "RawRegisterRow",
    "RawValue",
    "Register",
    "check_register",
]

ERROR = ProblemLevel.ERROR
WARNING = ProblemLevel.WARNING

# Kept here rather than imported from forms.register so the core does not pull
# in XlsxWriter; tests/register asserts both stay identical.
APPROVED, PENDING, REJECTED = STATUSES = ("已批准", "待批", "驳回")
NO_CREDIT = "无"
CREDIT_TYPES = ("无", "临时", "长期")
COLLATERAL_TYPES = ("无", "抵押", "质押", "保证", "保证金")
COUNTERPARTY_TYPES = ("客户", "供应商")
BLOCK_HEADINGS = {"供应商": "一、预付客户（供应商）", "客户": "二、赊销客户"}
MAX_TERM_DAYS = 366

# Column attribute (as in forms.rows.RegisterRow) -> header text a clerk sees.
LABELS = {
    "code": "客户编码",
    "name": "客户名称",
    "counterparty_type": "往来类型",
    "approved_type": "核定类型",
    "approved_limit": "核定额度",
    "approved_term_days": "核定期限(天)",
    "collateral_type": "担保方式",
    "collateral_value": "抵押资产价值",
    "contract_start": "合同开始日期",
    "contract_end": "合同结束日期",
    "status": "审批状态",
    "approved_on": "批准日期",
}
OVERLIMIT_LABELS = {"code": "客户编码", "approved_on": "批准日期", "amount": "批准金额", "doc_no": "批准文号"}

# Cells whose content on a row means somebody took an approval decision there.
_DECISION_ATTRS = ("approved_type", "approved_limit", "approved_term_days", "approved_on")


@dataclass(frozen=True)
class RawRegisterRow:
    """One data row of the register as found.

    ``cells`` is keyed by column attribute (``LABELS``); a column the sheet
    lacks is simply absent. ``place`` is the row's 客户编码 cell, the cell a
    clerk jumps to. ``block`` is 供应商/客户 from the heading the row sits
    under (一、预付客户 / 二、赊销客户), None when there is none.
    """

    cells: dict[str, RawValue]
    place: str
    block: str | None = None


@dataclass(frozen=True)
class RawRegister:
    """A register as a reader found it.

    ``problems`` carries what only the reader can see (no such sheet, a
    header missing); a reader that found no register table passes no rows.
    """

    file_name: str
    rows: tuple[RawRegisterRow, ...] = ()
    overlimit: tuple[dict[str, RawValue], ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ApprovedCredit:
    """An approved row of the register, in force.

    ``credit_type`` 无 is an approved decision to give no credit (limit 0).
    ``approved_on`` is None only for such a 无 row; a credit needs its date.
    ``place`` is the row's 客户编码 cell.
    """

    code: str
    name: str
    counterparty_type: str  # 客户 / 供应商
    credit_type: str  # 临时 / 长期 / 无
    limit: Decimal
    term_days: int
    collateral_type: str  # 无 when the cell is blank
    collateral_value: Decimal | None
    contract_start: date | None
    contract_end: date | None
    approved_on: date | None
    place: str

    @property
    def has_credit(self) -> bool:
        return self.credit_type != NO_CREDIT


@dataclass(frozen=True)
class OverlimitApproval:
    """An over-limit approval (第三十二条: 正式批准文书); ``place`` is its 客户编码 cell."""

    code: str
    approved_on: date
    amount: Decimal
    doc_no: str
    place: str


@dataclass(frozen=True)
class Register:
    """The register in force.

    ``pending`` lists codes awaiting a decision: 待批, a blank status, or a
    status that could not be read. ``rejected_codes`` lists 驳回. A code may
    appear in ``approved`` and in ``pending`` at once (an approved limit with
    a new proposal for it not yet decided).
    """

    approved: dict[str, ApprovedCredit]
    pending: tuple[str, ...] = ()
    rejected_codes: tuple[str, ...] = ()
    overlimit: tuple[OverlimitApproval, ...] = ()
    problems: tuple[Problem, ...] = ()

    @classmethod
    def empty(cls, problems: tuple[Problem, ...] = ()) -> Register:
        """No register yet (a new company), or one that could not be read at all."""
        return cls({}, problems=problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is WARNING)

    def overlimit_for(self, code: str) -> tuple[OverlimitApproval, ...]:
        return tuple(o for o in self.overlimit if o.code == code)


# ---------------------------------------------------------------- helpers

def _q(label: str) -> str:
    return f"“{label}”"


def _cell(place: str) -> str:
    """The cell part of a place, for naming a second cell inside a message."""
    return place.rsplit("!", 1)[-1]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _blank(rv: RawValue | None) -> bool:
    """Absent column, empty cell, or only spaces: nothing was typed."""
    return rv is None or parse.clean_text(rv.value) is None


def _word(value: object) -> str | None:
    """A drop-down answer as typed: spaces (also inside, 已 批准) and full-width forms ignored."""
    text = parse.clean_text(value)
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split()) or None


def _enum_error(label: str, choices: tuple[str, ...], shown: str) -> str:
    return f"{_q(label)}应为{'/'.join(choices)}之一，填的是“{shown}”"


class _RowIssues:
    """Problems of one row; ``bad`` records whether an error made the row unusable."""

    def __init__(self, sink: list[Problem], code: str, *, field_prefix: str = "",
                 unusable: str = "，该行不予采用"):
        self.sink = sink
        self.who = f"客户编码 {code}："  # the register has many rows: say whose row it is
        self.prefix = field_prefix
        self.unusable = unusable
        self.bad = False

    def error(self, attr: str, place: str, text: str) -> None:
        self.bad = True
        self.sink.append(Problem(ERROR, self.prefix + attr, place, f"{self.who}{text}{self.unusable}"))

    def warning(self, attr: str, place: str, text: str) -> None:
        self.sink.append(Problem(WARNING, self.prefix + attr, place, f"{self.who}{text}"))


def _convert(issues: _RowIssues, cells: dict[str, RawValue], attr: str, labels: dict[str, str], parser):
    """The parsed value of one cell, or None (blank, absent, or reported as unreadable)."""
    rv = cells.get(attr)
    if rv is None:
        return None
    try:
        return parser(rv.value)
    except parse.ValueParseError as exc:
        issues.error(attr, rv.place, f"{_q(labels[attr])}：{exc}")
        return None


def _place(cells: dict[str, RawValue], attr: str, fallback: str) -> str:
    rv = cells.get(attr)
    return rv.place if rv is not None else fallback


# ---------------------------------------------------------------- register rows

@dataclass
class _Seen:
    """What the row pass learnt, for the duplicate and 超额审批 passes."""

    candidates: list[tuple[ApprovedCredit | None, str, str]]  # (credit or None if unusable, code, place)
    all_codes: set[str]
    pending: list[str]
    rejected: list[str]
    status_errors: set[str]  # codes whose 审批状态 could not be read (already reported)


def _check_row(problems: list[Problem], row: RawRegisterRow, seen: _Seen) -> None:
    cells = row.cells
    code_rv = cells.get("code")
    try:
        code = parse.clean_code(code_rv.value) if code_rv is not None else None
    except parse.ValueParseError as exc:
        problems.append(Problem(ERROR, "code", row.place, f"{_q('客户编码')}：{exc}，该行不予采用"))
        return
    if code is None:
        if not _blank(cells.get("status")) or any(not _blank(cells.get(a)) for a in _DECISION_ATTRS):
            problems.append(Problem(ERROR, "code", row.place,
                                    "该行填写了审批内容，但“客户编码”为空，无法对应到客户，该行不予采用"))
        return
    seen.all_codes.add(code)
    issues = _RowIssues(problems, code)

    status_rv = cells.get("status")
    status = _word(status_rv.value) if status_rv is not None else None
    if status is None:
        if any(not _blank(cells.get(a)) for a in _DECISION_ATTRS):
            issues.warning("status", _place(cells, "status", row.place), "未填写审批状态，按未批准处理")
        seen.pending.append(code)
        return
    if status not in STATUSES:
        problems.append(Problem(ERROR, "status", status_rv.place,
                                f"客户编码 {code}：{_enum_error('审批状态', STATUSES, parse.clean_text(status_rv.value))}"
                                "，按未批准处理"))
        seen.status_errors.add(code)
        seen.pending.append(code)
        return
    if status == PENDING:
        seen.pending.append(code)
        return
    if status == REJECTED:
        seen.rejected.append(code)
        return
    credit = _approved(issues, row, code)
    seen.candidates.append((None if issues.bad else credit, code, row.place))


def _enum(issues: _RowIssues, cells, attr: str, choices: tuple[str, ...]) -> str | None:
    rv = cells.get(attr)
    if rv is None:
        return None
    word = _word(rv.value)
    if word is None:
        return None
    if word not in choices:
        issues.error(attr, rv.place, _enum_error(LABELS[attr], choices, parse.clean_text(rv.value)))
        return None
    return word


def _approved(issues: _RowIssues, row: RawRegisterRow, code: str) -> ApprovedCredit | None:
    """Validate an 已批准 row; every problem is reported, not just the first."""
    cells = row.cells

    def where(attr: str) -> str:
        return _place(cells, attr, row.place)

    name = parse.clean_text(cells["name"].value) if "name" in cells else None

    counterparty = _enum(issues, cells, "counterparty_type", COUNTERPARTY_TYPES)
    if counterparty is None and _blank(cells.get("counterparty_type")):
        # a hand-added row: the heading it was typed under says which side it is
        if row.block is None:
            issues.error("counterparty_type", where("counterparty_type"),
                         "未填写“往来类型”（客户/供应商），无法确定按应收还是预付计算占用")
        counterparty = row.block
    elif counterparty is not None and row.block is not None and counterparty != row.block:
        issues.warning("counterparty_type", where("counterparty_type"),
                       f"往来类型为“{counterparty}”，却放在“{BLOCK_HEADINGS[row.block]}”分组下，按往来类型“{counterparty}”处理")

    credit_type = _enum(issues, cells, "approved_type", CREDIT_TYPES)
    if credit_type is None and _blank(cells.get("approved_type")):
        issues.error("approved_type", where("approved_type"),
                     "已批准，但未填写“核定类型”（临时/长期；不授信填“无”）")
    has_credit = credit_type in ("临时", "长期")

    limit = _convert(issues, cells, "approved_limit", LABELS, parse.parse_amount)
    if limit is not None and limit < 0:
        issues.error("approved_limit", where("approved_limit"), f"“核定额度”不能为负数，填的是 {_money(limit)}")
        limit = None
    elif limit is None and _blank(cells.get("approved_limit")):
        if has_credit:
            issues.error("approved_limit", where("approved_limit"), f"核定类型为“{credit_type}”，但未填写“核定额度”")
        elif credit_type == NO_CREDIT:
            limit = Decimal("0.00")
    if credit_type == NO_CREDIT and limit is not None and limit > 0:
        issues.error("approved_limit", where("approved_limit"),
                     f"核定类型为“无”（不授信），“核定额度”却填了 {_money(limit)} 元，请改为0或改核定类型")

    term = _convert(issues, cells, "approved_term_days", LABELS, parse.parse_int)
    if term is not None and not 0 <= term <= MAX_TERM_DAYS:
        issues.error("approved_term_days", where("approved_term_days"),
                     f"“核定期限(天)”应在0–{MAX_TERM_DAYS}天之间，填的是 {term}")
        term = None
    elif term is None and _blank(cells.get("approved_term_days")):
        if has_credit:
            issues.error("approved_term_days", where("approved_term_days"),
                         f"核定类型为“{credit_type}”，但未填写“核定期限(天)”")
        else:
            term = 0

    approved_on = _convert(issues, cells, "approved_on", LABELS, parse.parse_date)
    if approved_on is None and _blank(cells.get("approved_on")) and has_credit:
        issues.error("approved_on", where("approved_on"), "已批准，但未填写“批准日期”")

    collateral_type = _enum(issues, cells, "collateral_type", COLLATERAL_TYPES)
    collateral_value = _convert(issues, cells, "collateral_value", LABELS, parse.parse_amount)
    if collateral_value is not None and collateral_value < 0:
        issues.error("collateral_value", where("collateral_value"),
                     f"“抵押资产价值”不能为负数，填的是 {_money(collateral_value)}")
        collateral_value = None
    if collateral_type is None and _blank(cells.get("collateral_type")):
        collateral_type = "无"
    if collateral_type not in (None, "无") and not collateral_value and _blank(cells.get("collateral_value")):
        issues.warning("collateral_value", where("collateral_value"),
                       f"担保方式为“{collateral_type}”，但未填写“抵押资产价值”")
    if collateral_type == "无" and collateral_value:
        issues.warning("collateral_type", where("collateral_type"),
                       f"填了抵押资产价值 {_money(collateral_value)} 元，但“担保方式”为“无”或未填写")

    start = _convert(issues, cells, "contract_start", LABELS, parse.parse_date)
    end = _convert(issues, cells, "contract_end", LABELS, parse.parse_date)
    if start is not None and end is not None and end < start:
        issues.error("contract_end", where("contract_end"),
                     f"“合同结束日期” {end:%Y-%m-%d} 早于“合同开始日期” {start:%Y-%m-%d}")
    if has_credit and end is None and _blank(cells.get("contract_end")):
        issues.warning("contract_end", where("contract_end"),
                       "未填写“合同结束日期”，无法检查合同期内清零及到期提醒（第三十六条）")

    if issues.bad:
        return None
    return ApprovedCredit(
        code=code, name=name or "", counterparty_type=counterparty, credit_type=credit_type,
        limit=limit, term_days=term, collateral_type=collateral_type, collateral_value=collateral_value,
        contract_start=start, contract_end=end, approved_on=approved_on, place=row.place,
    )


def _resolve_duplicates(problems: list[Problem], seen: _Seen) -> dict[str, ApprovedCredit]:
    """Two 已批准 rows for one code: which one the approvers meant cannot be
    guessed, so neither is used and both cells are named."""
    first: dict[str, str] = {}
    dup: set[str] = set()
    for _credit, code, place in seen.candidates:
        if code in first:
            dup.add(code)
            problems.append(Problem(
                ERROR, "code", place,
                f"客户编码 {code}：有两行“已批准”（{_cell(first[code])} 与 {_cell(place)}），"
                "无法确定以哪一行为准，两行均不予采用"))
        else:
            first[code] = place
    return {code: credit for credit, code, _place in seen.candidates
            if credit is not None and code not in dup}


# ---------------------------------------------------------------- 超额审批

def _check_overlimit(problems: list[Problem], rows, approved: dict[str, ApprovedCredit],
                     seen: _Seen) -> tuple[OverlimitApproval, ...]:
    out = []
    for cells in rows:
        if all(_blank(rv) for rv in cells.values()):
            continue  # a spare row of the table
        first = next(iter(cells.values())).place
        code_place = _place(cells, "code", first)
        try:
            code = parse.clean_code(cells["code"].value) if "code" in cells else None
        except parse.ValueParseError as exc:
            problems.append(Problem(ERROR, "overlimit.code", code_place,
                                    f"超额审批“客户编码”：{exc}，该条超额审批不予采用"))
            continue
        if code is None:
            problems.append(Problem(ERROR, "overlimit.code", code_place,
                                    "超额审批：该行填了内容但“客户编码”为空，该条超额审批不予采用"))
            continue
        issues = _RowIssues(problems, code, field_prefix="overlimit.", unusable="，该条超额审批不予采用")

        approved_on = _convert(issues, cells, "approved_on", OVERLIMIT_LABELS, parse.parse_date)
        if approved_on is None and _blank(cells.get("approved_on")):
            issues.error("approved_on", _place(cells, "approved_on", code_place), "超额审批未填写“批准日期”")
        amount = _convert(issues, cells, "amount", OVERLIMIT_LABELS, parse.parse_amount)
        if amount is None and _blank(cells.get("amount")):
            issues.error("amount", _place(cells, "amount", code_place), "超额审批未填写“批准金额”")
        elif amount is not None and amount <= 0:
            issues.error("amount", _place(cells, "amount", code_place), f"“批准金额”应大于0，填的是 {_money(amount)}")
        doc_no = _convert(issues, cells, "doc_no", OVERLIMIT_LABELS, parse.clean_text)
        if doc_no is None and _blank(cells.get("doc_no")):
            issues.error("doc_no", _place(cells, "doc_no", code_place), "超额审批未填写“批准文号”（第三十二条：须有正式批准文书）")

        if code not in seen.all_codes:
            issues.warning("code", code_place, "不在《预付、赊销客户汇总表》中，请核对客户编码")
        elif code not in {c for _credit, c, _place in seen.candidates} | seen.status_errors:
            # (an 已批准 row that is unusable, or an unreadable status, has its own error already)
            issues.warning("code", code_place, "在《预付、赊销客户汇总表》中没有可用的已批准额度，超额审批无从对应")
        if not issues.bad:
            out.append(OverlimitApproval(code, approved_on, amount, doc_no, code_place))
    return tuple(out)


def _unique(codes: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def check_register(raw: RawRegister) -> Register:
    problems: list[Problem] = list(raw.problems)
    seen = _Seen([], set(), [], [], set())
    for row in raw.rows:
        _check_row(problems, row, seen)
    approved = _resolve_duplicates(problems, seen)
    overlimit = _check_overlimit(problems, raw.overlimit, approved, seen)
    return Register(approved, _unique(seen.pending), _unique(seen.rejected), overlimit, tuple(problems))
