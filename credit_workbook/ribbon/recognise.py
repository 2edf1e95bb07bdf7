"""What the active workbook is, from what it contains — never from its file name.

In order, the first that fits:

- 《客户信用调查评定表》: at least five of Form 1's defined names (SPEC §3);
- 《客户授信额度执行评价表》: a sheet 执行评价表, or a header row with
  客户编码, 执行评价 and 逾期金额 (Form 4 also has 核定额度, so before the register);
- 《预付、赊销客户汇总表》 (a proposal or the register): a header row with
  客户编码, 核定额度 and 审批状态 (``REGISTER_HEADERS``);
- a ledger export: a 明细账 or 余额表 header (``ledger.headers.find_header``,
  with the workspace's header aliases);
- a shipment request (发货申请): a header row with 客户编码 and an amount
  column (金额, 发货金额, 预付金额, 本次金额, 申请金额) and no ledger columns;
  one request per row below it. See ``ribbon.shipment`` for the layout.

Only the first ``HEAD_ROWS`` rows of each sheet are looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from credit_workbook.ledger.headers import normalise_header

SURVEY = "调查评定表"
REVIEW = "执行评价表"
REGISTER = "预付赊销客户汇总表"
LEDGER = "台账"
SHIPMENT = "发货申请"

HEAD_ROWS = 40
MIN_SURVEY_NAMES = 5
AMOUNT_HEADERS = ("金额", "发货金额", "预付金额", "本次金额", "申请金额", "发货/预付金额")
DATE_HEADERS = ("日期", "发货日期", "付款日期", "申请日期", "预付日期")

UNKNOWN_HELP = (
    "未识别当前工作簿。“信用管理”按钮可处理：\n"
    "· 《客户信用调查评定表》（按模板填写）：校验并评定等级、额度；\n"
    "· 《预付、赊销客户汇总表》/授信台账：重算建议额度和额度使用率；\n"
    "· 财务导出的往来明细账或余额表：检查并标注违规行；\n"
    "· 《客户授信额度执行评价表》：按最新台账刷新；\n"
    "· 发货申请表（表头含“客户编码”“金额”，可选“日期”）：逐行判断能否发货。"
)


@dataclass(frozen=True)
class Found:
    kind: str
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    columns: dict[str, int] | None = None  # normalised header -> 1-based column


def header_row(grid: list[list], needed: tuple[str, ...], any_of: tuple[str, ...] = ()) -> tuple[int, dict] | None:
    """(1-based row, {normalised text: column}) of the first row holding every ``needed`` text
    (and one of ``any_of``, when given)."""
    for r, row in enumerate(grid[:HEAD_ROWS], start=1):
        texts: dict[str, int] = {}
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                texts.setdefault(normalise_header(value), c)
        if all(n in texts for n in needed) and (not any_of or any(a in texts for a in any_of)):
            return r, texts
    return None


def recognise(port, aliases=None) -> Found | None:
    from credit_workbook.forms.fields import FIELDS

    names = port.defined_names()
    if sum(f.name in names for f in FIELDS) >= MIN_SURVEY_NAMES:
        return Found(SURVEY)
    heads = {s: port.values(s, max_rows=HEAD_ROWS) for s in port.sheet_names()}
    for sheet, grid in heads.items():
        hit = header_row(grid, ("客户编码", "执行评价", "逾期金额"))
        if hit or (sheet == REVIEW and header_row(grid, ("客户编码",))):
            hit = hit or header_row(grid, ("客户编码",))
            return Found(REVIEW, sheet, hit[0], hit[1])
    for sheet, grid in heads.items():
        hit = header_row(grid, ("客户编码", "核定额度", "审批状态"))
        if hit:
            return Found(REGISTER, sheet, hit[0], hit[1])
    from credit_workbook.ledger.headers import find_header

    for sheet, grid in heads.items():
        if find_header(grid, (), aliases) is not None:
            return Found(LEDGER, sheet)
    for sheet, grid in heads.items():
        hit = header_row(grid, ("客户编码",), AMOUNT_HEADERS)
        if hit:
            return Found(SHIPMENT, sheet, hit[0], hit[1])
    return None
