"""What the monthly mail says, read from the month's own outputs in ``out/YYYY-MM/``.

The mail never recomputes anything: a manager must read the same numbers in
the body as in the attached forms. Grades, flags, the company total and the
rejected inputs come from ``results.json`` (the SPEC §6 contract); the two
things results.json does not carry — the limit *in force* with its
utilisation, and the 经办业务员 of each counterparty — come from Form 4, the
attachment they summarise (its 执行评价表 and 业务员汇总 sheets, found by
their header texts, never by coordinates).

Everything free-text that reaches the body goes through ``redact``: the
body is built from an allow-list of fields (no 统一社会信用代码, no bank
account), and a flag message or an error that happens to quote one is
masked anyway (客户信息保密: a mail is forwarded, printed, kept on phones).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from credit_workbook.privacy import ACCOUNT, USCC

RED, YELLOW, BLUE = "红", "黄", "蓝"
SEVERITY_RANK = {RED: 0, YELLOW: 1, BLUE: 2}
GRADES = ("A", "B", "C")
UNRATED = "未评定"
COMPANY = "全公司"  # a flag of the company total (R11), not of one counterparty
TOP_UTILISATION = 10
MESSAGE_LIMIT = 90  # characters of a flag message kept in the body; the form has the full text

FORM2 = "客户信用等级分类汇总表_{period}.xlsx"
FORM3 = "预付赊销客户汇总表_{period}.xlsx"
FORM4 = "客户授信额度执行评价表_{period}.xlsx"
FORM_PATTERNS = (FORM2, FORM3, FORM4)  # the attachments, in this order (as written by actions.month)

CENT = Decimal("0.01")
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# "…。第三十二条：…" / "…；第三十四条：…" — the citation tail of a flag message (the article is shown apart)
_CITATION_TAIL = re.compile(r"[。；;]\s*第[一二三四五六七八九十百零〇]+条[：:（(、]")
_CITATION_PAREN = re.compile(r"（第[一二三四五六七八九十百零〇]+条[^（）]*）")
_BREAKS = "，；;。："  # full-width only: "," and ":" sit inside amounts and times


class DigestError(Exception):
    """The month's outputs are missing or unreadable; the message is Chinese and names the file."""


def redact(text: str) -> str:
    """Remove anything shaped like a 统一社会信用代码 or a bank account number (the shapes of
    ``credit_workbook.privacy``); the body needs neither, so it drops them whole, masked or not."""
    text = USCC.sub("［统一社会信用代码已隐去］", text)
    return ACCOUNT.sub("［账号已隐去］", text)


def _clauses(text: str) -> list[str]:
    """Split at ，；。： outside brackets, each clause keeping its punctuation."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in _BREAKS:
            out.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


def _unbracketed(text: str) -> str:
    """The text without its top-level （…） asides."""
    out, depth = [], 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def shorten(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A flag message cut to what a phone screen needs.

    The policy citation is dropped (the article is shown beside it), then
    whole clauses are kept while they fit, never cutting inside brackets; a
    first clause too long even without its asides is cut with "…". The full
    text is in Form 4's 超限逾期清单, attached.
    """
    text = redact(" ".join(message.split()))
    m = _CITATION_TAIL.search(text)
    if m:
        text = text[:m.start() + 1]
    text = _CITATION_PAREN.sub("", text).strip()
    if not text:
        return ""
    clauses = _clauses(text)
    kept = ""
    for clause in clauses:
        if len(kept) + len(clause) > limit:
            break
        kept += clause
    if not kept and clauses:
        first = _unbracketed(clauses[0])
        kept = first if len(first) <= limit else first[:limit - 1]
    whole = kept == text
    kept = kept.rstrip("，,；;：:。 ")
    return kept + ("。" if whole else "…")


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class FlagLine:
    rule: str
    severity: str
    article: str
    code: str
    name: str
    amount: Decimal | None
    message: str  # shortened and redacted


@dataclass(frozen=True)
class UtilisationLine:
    code: str
    name: str
    grade: str
    limit: Decimal
    exposure: Decimal  # 期末余额, a negative (预收/预付) counting 0
    ratio: Decimal  # 0.80 = 80 %

    @property
    def over(self) -> bool:
        return self.ratio > 1


@dataclass(frozen=True)
class SalespersonLine:
    name: str
    customers: int
    overdue: Decimal
    red: int
    yellow: int


@dataclass(frozen=True)
class RejectedInput:
    file: str
    errors: tuple[str, ...]  # the first few, redacted
    more: int  # how many more the file has


@dataclass
class MonthDigest:
    period: str
    as_of: str
    grades: dict[str, int]  # A/B/C/未评定 -> count
    flags: list[FlagLine]  # every flag, worst first
    approved_total: Decimal
    jan1_exposure: Decimal | None  # None: history does not reach 1 January (未知)
    total_exceeded: bool | None
    rejected: list[RejectedInput] = field(default_factory=list)
    top_utilisation: list[UtilisationLine] | None = None  # None: Form 4 unreadable
    salespeople: list[SalespersonLine] | None = None  # None: Form 4 unreadable
    form4_problem: str | None = None

    @property
    def red(self) -> list[FlagLine]:
        return [f for f in self.flags if f.severity == RED]

    @property
    def yellow(self) -> list[FlagLine]:
        return [f for f in self.flags if f.severity == YELLOW]

    @property
    def severity_counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.flags)
        return {s: c.get(s, 0) for s in (RED, YELLOW, BLUE)}

    @property
    def rated(self) -> int:
        return sum(self.grades[g] for g in GRADES)

    @property
    def headroom(self) -> Decimal | None:
        """1 January exposure minus approved total: negative when exceeded (第二十四条)."""
        return None if self.jan1_exposure is None else self.jan1_exposure - self.approved_total


def form_paths(out_dir: Path, period: str) -> list[Path]:
    return [out_dir / p.format(period=period) for p in FORM_PATTERNS]


def latest_period(out_root: Path) -> str | None:
    """The newest ``out/YYYY-MM`` that holds a results.json (what a finished run leaves)."""
    if not out_root.is_dir():
        return None
    months = [p.name for p in out_root.iterdir()
              if p.is_dir() and _PERIOD.fullmatch(p.name) and (p / "results.json").is_file()]
    return max(months) if months else None


def load_digest(out_dir: Path, period: str) -> MonthDigest:
    path = out_dir / "results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DigestError(f"{path}: 不存在；请先运行 credit-workbook run --period {period}") from None
    except (OSError, ValueError) as exc:
        raise DigestError(f"{path}: 无法读取（{exc}）；请重新运行 credit-workbook run --period {period}") from None
    try:
        digest = _from_results(results)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DigestError(f"{path}: 内容不完整（缺少 {exc}）；请重新运行 credit-workbook run --period {period}") \
            from None
    _add_form4(digest, out_dir / FORM4.format(period=period))
    return digest


def _from_results(results: dict) -> MonthDigest:
    cps = results["counterparties"]
    grades = Counter(cp.get("grade") or UNRATED for cp in cps)
    flags = []
    for cp in cps:
        for f in cp["flags"]:
            flags.append(_flag(f, cp["code"], cp.get("name") or ""))
    total = results["total"]
    flags += [_flag(f, COMPANY, "") for f in total.get("flags", [])]
    flags.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.rule, f.code))
    jan1 = _money(total.get("jan1_exposure"))
    approved = _money(total.get("approved")) or Decimal("0.00")
    rejected = []
    for item in results.get("rejected_inputs", []):
        errors = [redact(str(e)) for e in item.get("errors", [])]
        rejected.append(RejectedInput(redact(str(item.get("file", ""))), tuple(errors[:5]), max(len(errors) - 5, 0)))
    return MonthDigest(
        period=results["period"], as_of=results["as_of"],
        grades={g: grades.get(g, 0) for g in (*GRADES, UNRATED)},
        flags=flags, approved_total=approved, jan1_exposure=jan1,
        total_exceeded=None if jan1 is None else approved > jan1, rejected=rejected)


def _flag(f: dict, code: str, name: str) -> FlagLine:
    return FlagLine(rule=f["rule"], severity=f["severity"], article=f.get("article") or "", code=code,
                    name=redact(name), amount=_money(f.get("amount")), message=shorten(f.get("message") or ""))


# -- Form 4 ------------------------------------------------------------------------------

def _table(rows: list[list], headers: tuple[str, ...]) -> list[dict]:
    """Rows under the header row holding ``headers``, up to the first row without a first value."""
    for i, row in enumerate(rows):
        cells = [str(c).strip() for c in row]
        if all(h in cells for h in headers):
            at = {h: cells.index(h) for h in headers}
            out = []
            for data in rows[i + 1:]:
                key = data[at[headers[0]]] if at[headers[0]] < len(data) else ""
                if key in ("", None) or str(key).strip() in ("合计", "小计"):
                    break
                out.append({h: data[at[h]] if at[h] < len(data) else "" for h in headers})
            return out
    raise DigestError(f"找不到表头 {'、'.join(headers)}")


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _add_form4(digest: MonthDigest, path: Path) -> None:
    """Top-10 utilisation and the 回收责任制 counts from Form 4; a gap is reported, never fatal."""
    from python_calamine import CalamineWorkbook

    from credit_workbook.forms.execution_review import SALESPERSON_SHEET, SHEET

    try:
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_name(SHEET).to_python()
        people = wb.get_sheet_by_name(SALESPERSON_SHEET).to_python()
        lines = _table(rows, ("客户编码", "客户名称", "信用等级", "核定额度", "期末余额", "额度使用率"))
        sales = _table(people, ("经办业务员", "客户数", "逾期金额合计", "红色事项", "黄色事项"))
    except Exception as exc:  # noqa: BLE001 — missing, locked, restyled: the mail goes without these parts
        digest.form4_problem = f"未能读取《客户授信额度执行评价表》（{path.name}：{exc}）"
        return
    used = []
    for r in lines:
        limit, ratio = _money(r["核定额度"]), r["额度使用率"]
        if limit is None or limit <= 0 or ratio in ("", None):
            continue
        exposure = max(_money(r["期末余额"]) or Decimal("0.00"), Decimal("0.00"))
        used.append(UtilisationLine(code=str(r["客户编码"]), name=redact(str(r["客户名称"])),
                                    grade=str(r["信用等级"]), limit=limit, exposure=exposure,
                                    ratio=(exposure / limit).quantize(Decimal("0.0001"))))
    used.sort(key=lambda u: (-u.ratio, -u.exposure, u.code))
    digest.top_utilisation = used[:TOP_UTILISATION]
    digest.salespeople = [
        SalespersonLine(name=redact(str(s["经办业务员"])), customers=_int(s["客户数"]),
                        overdue=_money(s["逾期金额合计"]) or Decimal("0.00"),
                        red=_int(s["红色事项"]), yellow=_int(s["黄色事项"]))
        for s in sales]
