"""The highlighted copy of a dropped ledger: every row behind a flag coloured and explained.

Finance wants to open the ledger they exported and see at once which rows
broke the policy, so the copy must be *their* workbook — other sheets,
formats, widths, merges, formulas with their cached values, names,
validations, print settings, macros — with only three additions: a fill on
each flagged row (the worst severity wins), a comment on the row's first
cell naming rule, article and numbers, and a legend sheet ``标注说明``.

Two ways to write it, chosen per file:

- **stream** (``xlsx_stream``): every zip member is copied byte for byte
  except the sheets with flagged rows, whose XML is streamed once and gets
  new ``s=`` style indexes, plus styles/comments/relationships. Memory does
  not grow with the ledger; this is the path for anything big and for
  anything openpyxl would damage.
- **openpyxl**: load, style, comment, save — only for small, plain
  workbooks (sheet XML ≤ 5 MB, ≤ 20,000 rows, no formulas — openpyxl drops
  their cached values — only parts openpyxl writes back, and no warning of
  dropped content on load). Anything else falls back to stream.

CSV and .xls cannot carry fills or comments: their data go into a NEW
``<stem>_标注.xlsx`` (values as read; amounts as numbers, codes as text) with
the same marks, and the report says so. Outputs are atomic and
reproducible: the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from credit_workbook.core.model import Flag
from credit_workbook.fileio import (
    atomic_target,
    atomic_write,
    stable_zip,
    workbook_bytes,
)
from credit_workbook.forms.survey_writeback import COMMENT_SEP, MARK_AUTHOR
from credit_workbook.forms.xlsx_stream import (
    AddedSheet,
    Package,
    RowMark,
    StreamUnsupported,
    StyleSpec,
    display_width,
    note_box,
    stream_copy,
    unique_sheet_name,
)
from credit_workbook.guard import check_workbook
from credit_workbook.ledger.read_raw import sniff_format
from credit_workbook.policy import CheckPolicy
from credit_workbook.textsafe import XLSXWRITER_OPTIONS, set_text

__all__ = ["FILLS", "LEGEND_SHEET", "RULES", "HighlightReport", "MarkedRow", "highlight_ledger",
           "highlighted_name"]

LEGEND_SHEET = "标注说明"
MARK_SUFFIX = "_标注"
SEVERITIES = ("红", "黄", "蓝")  # worst first
FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "蓝": "BDD7EE"}  # light red / light yellow / light blue
SEVERITY_NAMES = {"红": "违规", "黄": "预警", "蓝": "提醒"}
SEVERITY_MEANINGS = {
    "红": "违反制度，须立即纠正并按第三十二条上报",
    "黄": "预警，须关注并限期纠正",
    "蓝": "提醒，按制度按期办理",
}
# GUIDE: beyond these, a full openpyxl load/save costs tens of seconds and hundreds of MiB
STREAM_SHEET_BYTES = 5 * 1024 * 1024
STREAM_ROWS = 20_000
CREATED = datetime(1980, 1, 1)  # files we build from CSV/.xls carry no real creation time: bytes stay stable
MAX_CELL_TEXT = 32767
MAX_COMMENT_TEXT = 32767


@dataclass(frozen=True)
class RuleInfo:
    rule: str
    article: str
    meaning: str


# The rule table of SPEC §5 as finance reads it; articles agree with core/checks (a test holds them equal).
RULES = (
    RuleInfo("R01", "第三十二条", "本月最高占用超过核定额度，且没有在超额之前批准、金额足够的超额审批（列明超额金额和超额天数）"),
    RuleInfo("R02", "第三十四条", "未核定信用额度却有资金占用：期末余额比上月增加为红（只能减少不能增加），否则为黄"),
    RuleInfo("R03", "第三十五条", "前欠未清：当天已有逾期未结清的款项，又发生新的发货或预付"),
    RuleInfo("R04", "第三十五条", "月末有逾期未结清的款项：逾期30天以内为黄，超过30天为红"),
    RuleInfo("R05", "第三十六条", "合同期内余额从未清零一次：合同已到期为红，30天内到期仍未清零为黄"),
    RuleInfo("R06", "第三十六条", "合同将在月末后30天内到期：应确定下一年度合作方式，并全部清收欠货、欠款"),
    RuleInfo("R07", "第二十八条", "C级客户仍有资金占用（C级不予授信，不得预付或赊销）"),
    RuleInfo("R08", "第二十七条", "B级客户有核定额度，但没有抵押或抵押资产价值低于额度"),
    RuleInfo("R09", "第二十六至二十八条", "核定额度超过本期可授信上限，或核定期限超过该等级的最长期限"),
    RuleInfo("R10", "第四十二条", "核定额度比上一版台账调高（调整后的信用额度原则上应低于原额度）"),
    RuleInfo("R11", "第二十四条", "授信总额超过1月1日应收、预付余额合计"),
    RuleInfo("R12", "第十二条", "客户信用调查评定表超过3个月未更新，或有往来却没有调查评定表"),
    RuleInfo("R13", "第十一条", "调查评定表填写的情况与台账不符"),
)


@dataclass(frozen=True, slots=True)  # one per flagged row: a million-line month has over a hundred thousand
class MarkedRow:
    sheet: str
    row: int  # 1-based, as Excel numbers it
    severity: str
    rules: tuple[str, ...]
    comment_cell: str | None  # "A12"; None when the row has no cells (nothing to fill or comment)


@dataclass(frozen=True)
class HighlightReport:
    source: Path
    target: Path
    method: str  # stream / openpyxl / new_workbook
    method_reason: str  # why that way, in Chinese
    source_format: str  # xlsx / xlsm / xls / csv
    rows: tuple[MarkedRow, ...]
    legend_sheet: str
    unplaced: tuple[str, ...]  # places that could not be marked, with why
    notes: tuple[str, ...]  # what the clerk should know about the copy

    @property
    def converted(self) -> bool:
        """The copy is a new workbook (the source could not carry fills)."""
        return self.method == "new_workbook"

    def summary(self) -> str:
        counts = {s: sum(1 for r in self.rows if r.severity == s and r.comment_cell) for s in SEVERITIES}
        marked = "，".join(f"{s}{n}行" for s, n in counts.items() if n) or "无需标注的行"
        return f"{self.target.name}：{marked}" + (f"；{len(self.unplaced)}处未能标注" if self.unplaced else "")


class _Fallback(Exception):
    """openpyxl would lose something: use the streaming copy instead."""


# ---------------------------------------------------------------- which rows, which text


@dataclass
class _Plan:
    rows: dict[tuple[str, int], list[int]]  # (sheet, row) -> flag indexes
    places: dict[int, list[tuple[str, int]]]  # flag index -> its rows in this file
    unplaced: list[str]


def _severity(flag: Flag) -> str:
    if flag.severity not in FILLS:
        raise ValueError(f"{flag.rule}: 未知的严重程度“{flag.severity}”（应为 红/黄/蓝）")
    return flag.severity


_ROW_OF = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d+)")


def _rows_of(ref: str) -> range | None:
    parts = ref.split(":")
    ends = [_ROW_OF.fullmatch(p) for p in parts]
    if len(parts) > 2 or None in ends:
        return None
    first, last = int(ends[0].group(1)), int(ends[-1].group(1))
    return range(min(first, last), max(first, last) + 1)


def _plan(flags: Sequence[Flag], display_name: str, sheet_names: Sequence[str]) -> _Plan:
    """Map every place naming this file to a (sheet, row); say why for those that cannot be mapped."""
    exact = {n: n for n in sheet_names}
    folded = {n.casefold(): n for n in sheet_names}
    prefix = display_name + "!"
    plan = _Plan({}, {}, [])
    by_row: dict[tuple[str, int], list[int]] = {}
    for i, flag in enumerate(flags):
        _severity(flag)
        for place in (flag.extra or {}).get("places", ()) or ():
            if not isinstance(place, str) or not place.startswith(prefix):
                continue  # another file's row
            sheet, _, ref = place[len(prefix):].rpartition("!")
            name = exact.get(sheet)
            if name is None:
                if len(sheet) > 1 and sheet.startswith("'") and sheet.endswith("'"):
                    sheet = sheet[1:-1].replace("''", "'")
                name = exact.get(sheet) or folded.get(sheet.casefold())
            one = _ROW_OF.fullmatch(ref)  # nearly every place is one cell
            rows = (int(one.group(1)),) if one else _rows_of(ref) if sheet else None
            if not sheet or rows is None:
                plan.unplaced.append(f"{flag.rule} {place}：位置中没有行号，无法标注")
                continue
            if name is None:
                plan.unplaced.append(f"{flag.rule} {place}：工作表“{sheet}”不存在，无法标注")
                continue
            places = plan.places.setdefault(i, [])
            for row in rows:
                key = (name, row)
                hits = by_row.get(key)
                if hits is None:
                    by_row[key] = [i]
                    places.append(key)
                elif i not in hits:  # a row has a few flags; a flag may have hundreds of rows
                    hits.append(i)
                    places.append(key)
    plan.rows = dict(sorted(by_row.items()))  # in sheet order: the later passes sort it again at no cost
    return plan


def _rank(flag: Flag) -> int:
    return SEVERITIES.index(flag.severity)


# A comment is read beside one row: a flag listing a hundred shipments is cut,
# the whole of it stands in the legend sheet and in Form 4's breach list.
COMMENT_MESSAGE_CHARS = 300


def flag_line(flag: Flag) -> str:
    """One comment line: ``R03 第三十五条：…`` with the amount when the message does not show it."""
    message = flag.message
    if len(message) > COMMENT_MESSAGE_CHARS:
        message = message[:COMMENT_MESSAGE_CHARS - 1] + "…（全文见“标注说明”）"
    text = f"{flag.rule} {flag.article}：{message}"
    if flag.amount is not None:
        shown = f"{flag.amount:,.2f}"
        if shown not in flag.message:
            text += f"（金额 {shown} 元）"
    return text


def _note(flags: Sequence[Flag], indexes: Sequence[int]) -> str:
    ordered = sorted(indexes, key=lambda i: (_rank(flags[i]), flags[i].rule, i))
    lines = list(dict.fromkeys(flag_line(flags[i]) for i in ordered))
    text = "\n".join(lines)
    return text if len(text) <= MAX_COMMENT_TEXT - 200 else text[:MAX_COMMENT_TEXT - 202] + "…"


def _worst(flags: Sequence[Flag], indexes: Sequence[int]) -> str:
    return min((flags[i].severity for i in indexes), key=SEVERITIES.index)


def row_notes(flags: Sequence[Flag], display_name: str,
              sheet_names: Sequence[str]) -> list[tuple[str, int, str, str]]:
    """(sheet, row, worst severity, note) of every row behind a flag, in sheet order.

    The button marks an open workbook with these, so Excel shows a row as the highlighted copy does."""
    plan = _plan(flags, display_name, sheet_names)
    return [(sheet, row, _worst(flags, hits), _note(flags, hits)) for (sheet, row), hits in plan.rows.items()]


def _marks(flags: Sequence[Flag], plan: _Plan) -> dict[str, dict[int, RowMark]]:
    """Fill and note per row; rows behind the same flags (a customer's shipments) share one mark, built once."""
    out: dict[str, dict[int, RowMark]] = {}
    shared: dict[tuple[int, ...], RowMark] = {}
    for (sheet, row), indexes in sorted(plan.rows.items()):
        key = tuple(indexes)
        mark = shared.get(key)
        if mark is None:
            mark = shared[key] = RowMark(FILLS[_worst(flags, indexes)], _note(flags, indexes))
        out.setdefault(sheet, {})[row] = mark
    return out


# ---------------------------------------------------------------- the legend sheet

LEGEND_STYLES = {
    "title": StyleSpec(bold=True, size=14),
    "plain": StyleSpec(),
    "header": StyleSpec(bold=True, fill="D9D9D9", wrap=True, halign="center"),
    "text": StyleSpec(wrap=True),
    "center": StyleSpec(halign="center"),
    "money": StyleSpec(number_format="#,##0.00"),
    "count": StyleSpec(number_format="0", halign="center"),
    **{f"swatch{s}": StyleSpec(bold=True, fill=rgb, halign="center") for s, rgb in FILLS.items()},
}
LEGEND_WIDTHS = (10.0, 18.0, 60.0, 16.0, 8.0, 40.0)


def _places_text(places: Sequence[tuple[str, int]], commented: dict[str, dict[int, str | None]]) -> str:
    """``明细账 第6、8行`` for the rows that were marked; the others are listed as not marked."""
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in places:
        if commented.get(sheet, {}).get(row):
            by_sheet.setdefault(sheet, []).append(row)
    text = "；".join(f"{sheet} 第{'、'.join(str(r) for r in sorted(rows))}行" for sheet, rows in by_sheet.items())
    text = text or "（未能标注，见下方说明）"
    return text if len(text) <= 2000 else text[:1990] + "…等"


def _height(*cells: tuple[str, float]) -> float | None:
    """Points a row needs so its wrapped texts show whole (Excel does not auto-fit on open)."""
    lines = max((sum(max(1, math.ceil(display_width(part) / (width * 1.1))) for part in text.split("\n"))
                 for text, width in cells if text), default=1)
    return None if lines <= 1 else min(15.0 * lines, 409.0)


def build_legend(flags: Sequence[Flag], plan: _Plan, display_name: str,
                 commented: dict[str, dict[int, str | None]]) -> AddedSheet:
    """The legend: colours, the rule table (R01–R13, SPEC §5), this file's flags with their rows."""
    severity_rows = _severity_rows(flags, plan, commented)
    unplaced = plan.unplaced + _empty_rows(flags, plan, commented)
    rows: list[tuple[tuple[object, str], ...]] = []
    heights: dict[int, float] = {}

    def add(*cells: tuple[object, str], wrap_cols: Sequence[int] = ()) -> None:
        rows.append(tuple(cells))
        h = _height(*((str(cells[c][0] or ""), LEGEND_WIDTHS[c]) for c in wrap_cols if c < len(cells)))
        if h:
            heights[len(rows)] = h

    add((f"台账标注说明：{display_name}", "title"))
    add(("本文件是原台账的副本，原文件未作改动。有问题的账行按最严重的等级着色，并在该行第一个单元格加批注，写明规则、条款和数字。", "plain"))
    add()
    add(("颜色", "header"), ("等级", "header"), ("含义", "header"), ("标注行数", "header"))
    for s in SEVERITIES:
        add((s, f"swatch{s}"), (SEVERITY_NAMES[s], "center"), (SEVERITY_MEANINGS[s], "text"),
            (severity_rows.get(s, 0), "count"), wrap_cols=(2,))
    add(("同一行有多条问题时按最严重的等级着色，批注逐条列出。", "plain"))
    add()
    add(("规则", "header"), ("条款", "header"), ("含义", "header"), ("等级", "header"))
    defaults = CheckPolicy().severities
    articles = {}
    for f in flags:
        articles.setdefault(f.rule, f.article)
    for info in RULES:
        add((info.rule, "center"), (articles.get(info.rule, info.article), "text"), (info.meaning, "text"),
            ("/".join(defaults.get(info.rule, ())), "center"), wrap_cols=(1, 2))
    add()
    add(("规则", "header"), ("条款", "header"), ("说明", "header"), ("金额（元）", "header"), ("等级", "header"),
        ("标注位置", "header"))
    listed = sorted(plan.places, key=lambda i: (_rank(flags[i]), flags[i].rule, i))
    for i in listed:
        f = flags[i]
        message = f.message if len(f.message) <= MAX_CELL_TEXT else f.message[:MAX_CELL_TEXT - 1] + "…"
        add((f.rule, "center"), (f.article, "text"), (message, "text"),
            (f.amount if f.amount is not None else None, "money"), (f.severity, f"swatch{f.severity}"),
            (_places_text(plan.places[i], commented), "text"), wrap_cols=(1, 2, 5))
    if not listed:
        add(("本文件没有需要标注的账行。", "plain"))
    if unplaced:
        add()
        add(("未能标注的位置", "header"), (None, "header"), ("原因", "header"))
        for text in unplaced:
            add((None, ""), (None, ""), (text, "text"), wrap_cols=(2,))
    return AddedSheet(LEGEND_SHEET, tuple(rows), LEGEND_STYLES, LEGEND_WIDTHS, heights, tab_color=FILLS["红"])


def _severity_rows(flags: Sequence[Flag], plan: _Plan, commented: dict[str, dict[int, str | None]]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    worst: dict[tuple[int, ...], str] = {}
    for (sheet, row), indexes in plan.rows.items():
        if commented.get(sheet, {}).get(row):
            key = tuple(indexes)
            if key not in worst:
                worst[key] = _worst(flags, indexes)
            out[worst[key]] += 1
    return out


# ---------------------------------------------------------------- naming and choosing the way


def highlighted_name(display_name: str, suffix: str) -> str:
    """``应收明细_2026-10.csv`` -> ``应收明细_2026-10_标注.xlsx`` (suffix: what is written)."""
    return f"{Path(display_name).stem}{MARK_SUFFIX}{suffix}"


def _target(target: Path, display_name: str, suffix: str, source: Path) -> Path:
    target = Path(target)
    if target.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".csv"):
        if target.suffix.lower() != suffix:
            raise ValueError(f"{target.name}: 标注副本应为 {suffix} 文件（由原文件内容决定）")
        out = target
    else:
        out = target / highlighted_name(display_name, suffix)
    if out.resolve() == Path(source).resolve():
        raise ValueError(f"{out.name}: 标注副本不能覆盖原文件")
    return out


_OPENPYXL_PARTS = re.compile(
    r"\[content_types\]\.xml|_rels/\.rels|docprops/(?:core|app|custom)\.xml|xl/workbook\.xml"
    r"|xl/_rels/workbook\.xml\.rels|xl/styles\.xml|xl/sharedstrings\.xml|xl/theme/theme\d+\.xml"
    r"|xl/worksheets/sheet\d+\.xml|xl/worksheets/_rels/sheet\d+\.xml\.rels|xl/comments\d*\.xml"
    r"|xl/comments/comment\d+\.xml|xl/drawings/(?:vmldrawing|commentsdrawing)\d+\.vml|xl/calcchain\.xml"
    r"|xl/tables/table\d+\.xml|xl/vbaproject\.bin")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s+ref\s*=\s*[\"'](?:[A-Za-z]+\d+:)?[A-Za-z]+(\d+)[\"']")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_DROP_WORDS = ("will be removed", "will be lost", "dropped", "not supported", "discarded")


def _sheet_rows(zf: zipfile.ZipFile, member: str) -> int | None:
    with zf.open(member) as fh:
        m = _DIMENSION.search(fh.read(8192))
    return int(m.group(1)) if m else None


def _choose(zf: zipfile.ZipFile, pkg: Package, method: str, suffix: str) -> tuple[str, str]:
    """("stream" | "openpyxl", why) — openpyxl only for small workbooks it writes back whole."""
    if method not in ("auto", "stream", "openpyxl"):
        raise ValueError(f"method 应为 auto/stream/openpyxl，不是 {method!r}")
    if method == "stream":
        return "stream", "指定流式复制"
    sheets = [s.part for s in pkg.sheets if s.kind == "worksheet" and s.part]
    size = sum(zf.getinfo(m).file_size for m in sheets)
    rows = max((_sheet_rows(zf, m) or 0 for m in sheets), default=0)
    if method == "auto" and (size > STREAM_SHEET_BYTES or rows > STREAM_ROWS):
        return "stream", f"文件较大（工作表 XML {size / (1 << 20):.1f} MB，最多 {rows:,} 行）：逐行流式复制"
    odd = [n for n in pkg.names if not _OPENPYXL_PARTS.fullmatch(n.lower())]
    if odd:
        return "stream", f"含有 openpyxl 不能完整保留的部件（{odd[0]}）：流式复制"
    if "xl/vbaproject.bin" in pkg.by_lower and suffix not in (".xlsm", ".xltm"):
        return "stream", "含宏但不是启用宏的格式：流式复制"
    for n in pkg.names:
        if n.lower().endswith(".vml") and re.search(rb'ObjectType\s*=\s*"(?!Note")', zf.read(n)):
            return "stream", "含有按钮等表单控件（openpyxl 会丢失）：流式复制"
    for m in sheets:
        data = zf.read(m)
        if _FORMULA.search(data):
            return "stream", "含公式（openpyxl 会丢失公式的缓存值）：流式复制"
        if b"AlternateContent" in data:
            return "stream", "含有 openpyxl 不能保留的控件或扩展内容：流式复制"
    return "openpyxl", "小文件：openpyxl 读写"


# ---------------------------------------------------------------- the openpyxl way


def _openpyxl_copy(source: Path, suffix: str, flags: Sequence[Flag], plan: _Plan, legend_for
                   ) -> tuple[bytes, dict, str]:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wb = openpyxl.load_workbook(source, keep_vba=suffix in (".xlsm", ".xltm"), rich_text=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on what it cannot model
            raise _Fallback(f"openpyxl 无法读取（{type(exc).__name__}）：流式复制") from None
    dropped = [str(w.message) for w in caught if any(k in str(w.message) for k in _DROP_WORDS)]
    if dropped:
        raise _Fallback(f"openpyxl 提示会丢失内容（{dropped[0]}）：流式复制")
    modified = wb.properties.modified or CREATED
    created = wb.properties.created or CREATED
    marks = _marks(flags, plan)
    commented: dict[str, dict[int, str | None]] = {}
    for sheet, rows in marks.items():
        ws = wb[sheet]
        by_row: dict[int, list[int]] = {}
        for r, c in ws._cells:  # the cells the file has; iter_rows would create the missing ones
            if r in rows:
                by_row.setdefault(r, []).append(c)
        commented[sheet] = {}
        for row, mark in rows.items():
            cols = sorted(by_row.get(row, ()))
            if not cols:
                commented[sheet][row] = None
                continue
            fill = PatternFill(fill_type="solid", fgColor="FF" + mark.fill, bgColor="FF" + mark.fill)
            for c in cols:
                ws._cells[(row, c)].fill = fill
            first = ws._cells[(row, cols[0])]
            old = first.comment
            text, author = (old.text + COMMENT_SEP + mark.note, old.author) if old else (mark.note, MARK_AUTHOR)
            comment = Comment(text, author)
            width, height = note_box(text)
            comment.width, comment.height = round(width * 4 / 3), round(height * 4 / 3)
            first.comment = comment
            commented[sheet][row] = first.coordinate
    legend_name = _openpyxl_sheet(wb, legend_for(commented))
    return workbook_bytes(wb, modified=modified, created=created), commented, legend_name


def _openpyxl_sheet(wb, sheet: AddedSheet) -> str:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    name = unique_sheet_name(sheet.name, wb.sheetnames)
    ws = wb.create_sheet(name)
    base = wb._fonts[0] if wb._fonts else Font()
    looks = {}
    for key, spec in sheet.styles.items():
        font = Font(name=base.name, sz=spec.size or base.sz, b=spec.bold, charset=base.charset,
                    family=base.family, scheme=base.scheme)
        fill = PatternFill(fill_type="solid", fgColor="FF" + spec.fill, bgColor="FF" + spec.fill) if spec.fill else None
        looks[key] = (font, fill, Alignment(horizontal=spec.halign, vertical="top", wrap_text=spec.wrap or None),
                      spec.number_format or "General")
    for r, cells in enumerate(sheet.rows, 1):
        for c, (value, style) in enumerate(cells, 1):
            if value is None and not style:
                continue
            cell = ws.cell(r, c)
            if value is not None:
                set_text(cell, value)  # never a formula, whatever the text starts with
            if style:
                font, fill, align, fmt = looks[style]
                cell.font, cell.alignment, cell.number_format = font, align, fmt
                if fill is not None:
                    cell.fill = fill
    for r, h in sheet.heights.items():
        ws.row_dimensions[r].height = h
    for c, w in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    if sheet.tab_color:
        ws.sheet_properties.tabColor = "FF" + sheet.tab_color
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return name


# ---------------------------------------------------------------- CSV and .xls: a new workbook

_AMOUNT_KEYS = {"debit", "credit", "balance", "opening", "closing", "period_debit", "period_credit",
                "opening_debit", "opening_credit", "closing_debit", "closing_credit"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _safe_sheet_name(name: str, taken: list[str]) -> str:
    cleaned = _SHEET_BAD.sub("_", name).strip("'") or "Sheet1"
    return unique_sheet_name(cleaned[:28], taken + [LEGEND_SHEET])


def _table_copy(source: Path, display_name: str, flags: Sequence[Flag], created: datetime
                ) -> tuple[bytes, str, _Plan, dict, str]:
    import xlsxwriter

    from credit_workbook.core.parse import ValueParseError, parse_amount
    from credit_workbook.ledger.headers import SCAN_ROWS, find_header
    from credit_workbook.ledger.read_raw import open_raw

    book = open_raw(source, display_name)
    plan = _plan(flags, display_name, book.sheet_names)
    marks = _marks(flags, plan)
    tables = [(sheet, book.rows(sheet), book.merged(sheet)) for sheet in book.sheet_names]
    # a big CSV would cost XlsxWriter ~2 KiB per row in memory; row by row it costs nothing (merges need memory)
    streaming = any(len(rows) > STREAM_ROWS for _, rows, _ in tables) and not any(m for _, _, m in tables)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": not streaming, "constant_memory": streaming, **XLSXWRITER_OPTIONS})
    wb.set_properties({"title": f"{display_name}（标注副本）", "author": MARK_AUTHOR, "created": created})
    formats: dict[tuple[str, str | None], object] = {}

    def fmt(kind: str, fill: str | None):
        if (kind, fill) not in formats:
            props = {"font_name": "宋体", "font_size": 10}
            props.update({"money": {"num_format": "#,##0.00"}, "date": {"num_format": "yyyy-mm-dd"},
                          "datetime": {"num_format": "yyyy-mm-dd hh:mm:ss"}, "text": {"num_format": "@"},
                          "general": {}}[kind])
            if fill:
                props.update({"pattern": 1, "bg_color": "#" + fill})
            formats[(kind, fill)] = wb.add_format(props)
        return formats[(kind, fill)]

    commented: dict[str, dict[int, str | None]] = {}
    taken: list[str] = []
    for sheet, rows, merged in tables:
        header = find_header(rows[:SCAN_ROWS + 1], merged)
        money_cols = {c for k, c in (header.columns.items() if header else ()) if k in _AMOUNT_KEYS}
        body_from = header.header_row + 1 if header else len(rows) + 1
        out_name = _safe_sheet_name(sheet, taken)
        taken.append(out_name)
        ws = wb.add_worksheet(out_name)
        sheet_marks = marks.get(sheet, {})
        commented[sheet] = {}
        widths: dict[int, int] = {}
        for r, values in enumerate(rows):
            mark = sheet_marks.get(r + 1)
            filled = [c for c, v in enumerate(values) if v is not None and v != ""]
            span = range(filled[0], filled[-1] + 1) if (mark and filled) else ()
            for c in sorted(set(filled) | set(span)):
                value = values[c] if c < len(values) else None
                fill = mark.fill if mark and c in span else None
                _write_value(ws, r, c, value, r >= body_from and c in money_cols, fmt, fill,
                             parse_amount, ValueParseError)
                if r < 2000 and value not in (None, ""):
                    widths[c] = max(widths.get(c, 0), display_width(_shown(value)))
            if mark:
                if filled:
                    ref = f"{_col(filled[0])}{r + 1}"
                    width, height = note_box(mark.note)
                    ws.write_comment(r, filled[0], mark.note, {"author": MARK_AUTHOR, "width": round(width * 4 / 3),
                                                               "height": round(height * 4 / 3)})
                    commented[sheet][r + 1] = ref
                else:
                    commented[sheet][r + 1] = None
        for row in sheet_marks:
            commented[sheet].setdefault(row, None)
        for r0, c0, r1, c1 in merged:
            if (r0, c0) != (r1, c1):
                value = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
                ws.merge_range(r0, c0, r1, c1, None)
                if value not in (None, ""):
                    _write_value(ws, r0, c0, value, False, fmt, None, parse_amount, ValueParseError)
        for c, w in widths.items():
            ws.set_column(c, c, min(max(w + 2, 6), 50))
        if header:
            ws.freeze_panes(header.header_row + 1, 0)
    legend = build_legend(flags, plan, display_name, commented)
    _xlsxwriter_sheet(wb, legend)
    wb.close()
    data = stable_zip(buf.getvalue()) if streaming else buf.getvalue()  # temp files carry clock-dependent stamps
    return data, book.file_format, plan, commented, legend.name


def _col(c0: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(c0)


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time(0) else value.strftime("%Y-%m-%d")
    return str(value)


def _write_value(ws, r: int, c: int, value, is_money: bool, fmt, fill, parse_amount, ValueParseError) -> None:
    """One cell as read: amounts as numbers, every other text as text (codes keep their leading zeros)."""
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt("general", fill))
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt("general", fill))
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt("money" if is_money else "general", fill))
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, fmt("datetime" if value.time() != time(0) else "date", fill))
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime.combine(value, time(0)), fmt("date", fill))
    elif isinstance(value, (time, timedelta)):
        ws.write_string(r, c, str(value), fmt("text", fill))
    else:
        text = str(value)
        if is_money:
            try:
                number = parse_amount(text)
            except ValueParseError:
                number = None
            if number is not None:
                ws.write_number(r, c, float(number), fmt("money", fill))
                return
        ws.write_string(r, c, text[:MAX_CELL_TEXT], fmt("text", fill))


def _xlsxwriter_sheet(wb, sheet: AddedSheet) -> None:
    ws = wb.add_worksheet(sheet.name)
    looks = {}
    for key, spec in sheet.styles.items():
        props = {"font_name": "宋体", "valign": "top", "bold": spec.bold, "text_wrap": spec.wrap}
        if spec.size:
            props["font_size"] = spec.size
        if spec.fill:
            props.update({"pattern": 1, "bg_color": "#" + spec.fill})
        if spec.halign:
            props["align"] = spec.halign
        if spec.number_format:
            props["num_format"] = spec.number_format
        looks[key] = wb.add_format(props)
    for c, w in enumerate(sheet.widths):
        ws.set_column(c, c, w)
    for r, cells in enumerate(sheet.rows):
        if (r + 1) in sheet.heights:
            ws.set_row(r, sheet.heights[r + 1])
        for c, (value, style) in enumerate(cells):
            look = looks.get(style) if style else None
            if value is None:
                if look is not None:
                    ws.write_blank(r, c, None, look)
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                ws.write_number(r, c, float(value), look)
            else:
                ws.write_string(r, c, str(value), look)
    if sheet.tab_color:
        ws.set_tab_color("#" + sheet.tab_color)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


# ---------------------------------------------------------------- the entry point


def highlight_ledger(source: Path, target: Path, flags: Sequence[Flag], display_name: str, *,
                     method: str = "auto", created: datetime | None = None, chunk: int | None = None
                     ) -> HighlightReport:
    """Write the highlighted copy of the ledger ``source`` (dropped as ``display_name``).

    ``target`` is the output folder (``out/YYYY-MM/``; the name becomes
    ``<stem>_标注<suffix>``) or the full output path. ``flags`` are the
    month's flags; only their places in this file (``extra["places"]`` =
    ``display_name!sheet!cell``) are marked. ``method``: ``auto`` (by size
    and content), ``stream`` or ``openpyxl`` (falls back to stream when
    openpyxl would lose content). ``created`` stamps a workbook built from
    CSV/.xls. Raises ``UnsafeInput`` for files the guard refuses,
    ``UnreadableLedger`` for files the reader refuses, ``StreamUnsupported`` for workbooks the copy cannot
    keep whole.
    """
    source = Path(source)
    with open(source, "rb") as fh:
        kind = sniff_format(fh.read(8))
    flags = list(flags)
    if kind != "xlsx":
        return _convert(source, Path(target), flags, display_name, kind, created or CREATED)
    check_workbook(source, display_name)
    with zipfile.ZipFile(source) as zf:
        pkg = Package.open(zf)
        suffix = pkg.suffix
        if suffix is None:
            raise StreamUnsupported(f"{display_name}: 不是普通 Excel 工作簿（可能是加载项），无法标注")
        out = _target(target, display_name, suffix, source)
        plan = _plan(flags, display_name, [s.name for s in pkg.sheets])
        for sheet in sorted({s for s, _ in plan.rows}):
            entry = next(e for e in pkg.sheets if e.name == sheet)
            if entry.kind != "worksheet" or entry.part is None:
                plan.unplaced.append(f"工作表“{sheet}”不是普通工作表（图表页等），其中的位置无法标注")
                plan.rows = {k: v for k, v in plan.rows.items() if k[0] != sheet}
                plan.places = {i: [p for p in ps if p[0] != sheet] for i, ps in plan.places.items()}
        chosen, why = _choose(zf, pkg, method, suffix)
        notes: list[str] = []

        def legend_for(commented):
            return build_legend(flags, plan, display_name, commented)

        if chosen == "openpyxl":
            try:
                data, commented, legend_name = _openpyxl_copy(source, suffix, flags, plan, legend_for)
                atomic_write(out, data)
            except _Fallback as exc:
                chosen, why = "stream", str(exc)
        if chosen == "stream":
            commented, legend_name = _stream(zf, out, flags, plan, legend_for, chunk)
    unplaced = plan.unplaced + _empty_rows(flags, plan, commented)
    if method == "openpyxl" and chosen == "stream":
        notes.append(f"未使用 openpyxl：{why}")
    return HighlightReport(source, out, chosen, why, suffix.lstrip("."), _marked(flags, plan, commented),
                           legend_name, tuple(unplaced), tuple(notes))


def _stream(zf: zipfile.ZipFile, out: Path, flags, plan: _Plan, legend_for, chunk) -> tuple[dict, str]:
    marks = _marks(flags, plan)
    kwargs = {"chunk": chunk} if chunk else {}
    with atomic_target(out) as tmp, open(tmp, "wb") as fh:
        result = stream_copy(zf, fh, marks, legend_for, author=MARK_AUTHOR, separator=COMMENT_SEP, **kwargs)
    return result.comment_cells, result.legend_name


def _empty_rows(flags: Sequence[Flag], plan: _Plan, commented: dict[str, dict[int, str | None]]) -> list[str]:
    out = []
    for (sheet, row), indexes in sorted(plan.rows.items()):
        if commented.get(sheet, {}).get(row) is None:
            rules = "、".join(dict.fromkeys(flags[i].rule for i in indexes))
            out.append(f"{rules} {sheet}!第{row}行：该行在工作表中不存在或为空行，未标注")
    return out


def _marked(flags: Sequence[Flag], plan: _Plan, commented: dict[str, dict[int, str | None]]) -> tuple[MarkedRow, ...]:
    out = []
    shared: dict[tuple[int, ...], tuple[str, tuple[str, ...]]] = {}
    for (sheet, row), indexes in sorted(plan.rows.items()):
        key = tuple(indexes)
        if key not in shared:
            rules = tuple(dict.fromkeys(flags[i].rule for i in sorted(indexes, key=lambda i: (_rank(flags[i]), i))))
            shared[key] = (_worst(flags, indexes), rules)
        severity, rules = shared[key]
        out.append(MarkedRow(sheet, row, severity, rules, commented.get(sheet, {}).get(row)))
    return tuple(out)


def _convert(source: Path, target: Path, flags: list[Flag], display_name: str, kind: str,
             created: datetime) -> HighlightReport:
    out = _target(target, display_name, ".xlsx", source)
    data, fmt, plan, commented, legend_name = _table_copy(source, display_name, flags, created)
    atomic_write(out, data)
    what = " CSV 文本文件" if fmt == "csv" else "旧版 .xls 文件"
    note = (f"原文件是{what}，不能保存底色和批注；已将其数据另存为新的 Excel 工作簿 {out.name}"
            "（单元格按原样读取：金额为数字、编码为文本），并在其中标注。原文件未改动。")
    unplaced = plan.unplaced + _empty_rows(flags, plan, commented)
    return HighlightReport(source, out, "new_workbook", f"{what}不能保存底色：另存为新工作簿", fmt,
                           _marked(flags, plan, commented), legend_name, tuple(unplaced), (note,))
