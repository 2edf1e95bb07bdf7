"""Rate every survey of a workspace: validate, grade, cap, mark the forms, write Form 2 and results.json.

This is the use case behind ``credit-workbook rate`` and the survey part of
``run``; it owns the order of things and where outputs go, while the rules
live in ``credit_workbook.core`` and the file formats in ``credit_workbook.forms``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable, Iterable

from credit_workbook.core.model import Problem, ProblemLevel
from credit_workbook.core.rating import Rating, rate
from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import UserError
from credit_workbook.fileio import atomic_target, atomic_write
from credit_workbook.forms.survey_reader import read_survey_file
from credit_workbook.forms.survey_writeback import ResultCells, write_marks
from credit_workbook.results import build_results, counterparty_entry, dumps
from credit_workbook.workspace import Workspace

RATED_COPIES = "调查评定表"


@dataclass
class RatedSurvey:
    path: Path
    rating: Rating | None
    problems: tuple[Problem, ...]


@dataclass
class RateReport:
    period: str
    as_of: date
    rated: list[RatedSurvey] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.rejected else 0


def resolve_period(period: str | None, as_of: date | None, today: date | None = None) -> tuple[str, date]:
    """SPEC §6: the evaluation date defaults to the period's last day.

    Without ledger history the period defaults to the current month, and the
    evaluation date is then capped at today (a rating cannot look ahead).
    """
    today = today or date.today()
    if period is None:
        base = as_of or today
        period = f"{base:%Y-%m}"
    try:
        year, month = (int(x) for x in period.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise UserError(f"期间“{period}”格式不对，应为 YYYY-MM，例如 2026-10") from None
    if as_of is None:
        as_of = min(last, today)
    return f"{year:04d}-{month:02d}", as_of


def result_cells(rating: Rating | None, problems: tuple[Problem, ...]) -> ResultCells:
    if rating is None:
        errors = [p.message for p in problems if p.level is ProblemLevel.ERROR]
        return ResultCells(None, "未评定：" + "；".join(errors[:3]), None, None, None)
    cap, term = rating.headline_cap
    reasons = list(rating.result.reasons) + list(rating.caps.reasons)
    return ResultCells(rating.result.grade.value, "\n".join(reasons), cap, term, rating.as_of)


def grade_summary_rows(ratings: list[Rating], previous: dict[str, str]):
    """Form 2 rows: one per rated counterparty, with last period's grade beside this one."""
    from credit_workbook.forms.rows import GradeSummaryRow

    rows = []
    for r in ratings:
        s = r.survey
        cap, term = r.headline_cap
        rows.append(GradeSummaryRow(
            code=s.customer_code, name=s.customer_name, counterparty_type=s.counterparty_type or "",
            salesperson=s.salesperson, department=s.department, grade=r.result.grade.value,
            previous_grade=previous.get(s.customer_code), reasons="；".join(r.result.reasons),
            requested_type=s.requested_type, requested_limit=s.requested_limit, cap=cap,
            max_term_days=term, surveyed_on=s.surveyed_on))
    return rows


def rate_surveys(ws: Workspace, policy, files: Iterable[Path], as_of: date,
                 tick: Callable[[str], None] = lambda name: None) -> tuple[list[RatedSurvey], list[dict]]:
    rated: list[RatedSurvey] = []
    rejected: list[dict] = []
    seen: dict[str, Path] = {}
    for path in files:
        tick(path.name)
        try:
            raw = read_survey_file(path)
        except UserError as exc:
            rejected.append({"file": str(path.relative_to(ws.root)) if path.is_relative_to(ws.root) else str(path),
                             "errors": [str(exc)]})
            continue
        check = check_survey(raw, as_of)
        survey = check.survey
        problems = check.problems
        if survey is not None and survey.customer_code in seen:
            dup = Problem(ProblemLevel.ERROR, "customer_code", raw.fields["customer_code"].place,
                          f"客户编码“{survey.customer_code}”与 {seen[survey.customer_code].name} 重复，本表未评定")
            problems, survey = problems + (dup,), None
        if survey is None:
            rejected.append({"file": f"surveys/{path.name}",
                             "errors": [p.render() for p in problems if p.level is ProblemLevel.ERROR]})
            rated.append(RatedSurvey(path, None, problems))
            continue
        seen[survey.customer_code] = path
        rating = rate(survey, problems, None, policy, as_of)
        rated.append(RatedSurvey(path, rating, problems))
    return rated, rejected


def rate_workspace(ws: Workspace, period: str | None = None, as_of: date | None = None, *,
                   in_place: bool = False, progress=None, command: str = "rate") -> RateReport:
    from credit_workbook.forms.grade_summary import write_grade_summary
    from credit_workbook.forms.rows import FormMeta
    from credit_workbook.store import Store

    started = datetime.now()
    policy = ws.policy()
    period, as_of = resolve_period(period, as_of)
    report = RateReport(period, as_of)
    out = ws.out_dir(period)
    files = ws.survey_files()
    tick = progress.start("评定调查表", len(files)) if progress else (lambda name: None)
    report.rated, report.rejected = rate_surveys(ws, policy, files, as_of, tick)
    stamp = datetime.combine(as_of, time(0, 0))
    tick = progress.start("写入评定结果", len(report.rated)) if progress else (lambda name: None)
    for item in report.rated:
        tick(item.path.name)
        target = item.path if in_place else out / RATED_COPIES / item.path.name
        saved = write_marks(item.path, target, item.problems, result_cells(item.rating, item.problems),
                            backup_dir=ws.backups, stamp=stamp)
        if saved:
            report.backups.append(saved)
        report.outputs.append(target)
    ratings = [r.rating for r in report.rated if r.rating is not None]
    with Store(ws.store_path) as store:
        previous = store.previous_grades(period)
        form2 = out / f"客户信用等级分类汇总表_{period}.xlsx"
        meta = FormMeta(policy.company, period, as_of, created=stamp)
        with atomic_target(form2) as tmp:
            write_grade_summary(tmp, grade_summary_rows(ratings, previous), meta)
        report.outputs.append(form2)
        entries = [counterparty_entry(r.rating, f"surveys/{r.path.name}") for r in report.rated if r.rating]
        results = build_results(period, f"{as_of:%Y-%m-%d}", entries, report.rejected)
        atomic_write(out / "results.json", dumps(results))
        report.outputs.append(out / "results.json")
        store.record_run(
            command, period, f"{as_of:%Y-%m-%d}", started,
            [{"code": r.survey.customer_code, "name": r.survey.customer_name,
              "type": r.survey.counterparty_type, "grade": r.result.grade.value,
              "reasons": list(r.result.reasons), "cap_long": str(r.caps.cap_long),
              "cap_temp": str(r.caps.cap_temp), "proposed_type": r.caps.proposed_type,
              "proposed_limit": str(r.caps.proposed_limit), "survey_file": item.path.name}
             for item in report.rated if (r := item.rating) is not None],
            {"rated": len(ratings), "rejected": len(report.rejected), "in_place": in_place},
        )
        for item in report.backups:
            store.audit("backup", file=str(item))
        if in_place:
            store.audit("write_back", files=[r.path.name for r in report.rated])
    return report
