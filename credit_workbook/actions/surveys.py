"""The survey side of a run: read and check every Form 1, and put results back into them.

Checking comes first and apart from grading, because the grade needs the
ledger evidence, and the ledger needs the surveys' counterparty types.
Each form is read and checked on its own (``check_form``), so a worker
process can take any of them; only the duplicate-code rule looks across
forms, and it runs afterwards in file order (``merge_checks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from credit_workbook.actions.second_process import SURVEY_FORMS, Helper, Pending
from credit_workbook.core.model import Problem, ProblemLevel, Survey
from credit_workbook.core.rating import Rating
from credit_workbook.core.survey_checks import check_survey
from credit_workbook.errors import UserError
from credit_workbook.forms.survey_fast_reader import read_survey_fast
from credit_workbook.forms.survey_reader import read_survey_file
from credit_workbook.forms.survey_writeback import ResultCells, write_marks

RATED_COPIES = "调查评定表"


@dataclass
class CheckedSurvey:
    path: Path
    survey: Survey | None  # None: cannot be rated (identity missing or duplicated)
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class FormCheck:
    """One form read and checked on its own: what any process can do without seeing the other forms."""

    path: Path
    survey: Survey | None
    problems: tuple[Problem, ...]
    code_place: str | None  # where customer_code sits, for a duplicate's message
    error: str | None = None  # the form could not be read at all


def check_form(path: Path) -> FormCheck:
    try:
        raw = read_survey_fast(path) or read_survey_file(path)
    except UserError as exc:
        return FormCheck(path, None, (), None, str(exc))
    check = check_survey(raw)
    code = raw.fields.get("customer_code")
    return FormCheck(path, check.survey, check.problems, code.place if code else None)


def check_forms(paths: list[Path]) -> list[FormCheck]:
    """A chunk of forms (the unit a worker process is given)."""
    return [check_form(path) for path in paths]


def merge_checks(forms: Iterable[FormCheck], rel: Callable[[Path], str]) -> tuple[list[CheckedSurvey], list[dict]]:
    """Forms in file order: a customer code seen before makes the later form unratable, as before."""
    checked: list[CheckedSurvey] = []
    rejected: list[dict] = []
    seen: dict[str, Path] = {}
    for form in forms:
        if form.error is not None:
            rejected.append({"file": rel(form.path), "errors": [form.error]})
            continue
        survey, problems = form.survey, form.problems
        if survey is not None and survey.customer_code in seen:
            dup = Problem(ProblemLevel.ERROR, "customer_code", form.code_place,
                          f"客户编码“{survey.customer_code}”与 {seen[survey.customer_code].name} 重复，本表未评定")
            problems, survey = problems + (dup,), None
        if survey is None:
            rejected.append({"file": rel(form.path),
                             "errors": [p.render() for p in problems if p.level is ProblemLevel.ERROR]})
        else:
            seen[survey.customer_code] = form.path
        checked.append(CheckedSurvey(form.path, survey, problems))
    return checked, rejected


def check_surveys(files: Iterable[Path], rel: Callable[[Path], str],
                  tick: Callable[[str], None] = lambda name: None) -> tuple[list[CheckedSurvey], list[dict]]:
    """Every readable form, checked; unreadable or unratable ones also listed as rejected inputs."""
    def each():
        for path in files:
            tick(path.name)
            yield check_form(path)

    return merge_checks(each(), rel)


def start_survey_check(files: list[Path], helper: Helper, tick: Callable[[str], None] = lambda name: None) -> Pending:
    """``check_forms`` over every form, in the helper's worker process when there are many.

    Its ``.result()`` are the ``FormCheck``s in file order, for ``merge_checks``.
    """
    return helper.map_chunks(check_forms, files, tick, _name, worth=len(files) >= SURVEY_FORMS)


def _name(path: Path) -> str:
    return path.name


def result_cells(rating: Rating | None, problems: tuple[Problem, ...]) -> ResultCells:
    if rating is None:
        errors = [p.message for p in problems if p.level is ProblemLevel.ERROR]
        return ResultCells(None, "未评定：" + "；".join(errors[:3]), None, None, None)
    cap, term = rating.headline_cap
    reasons = list(rating.result.reasons) + list(rating.caps.reasons)
    return ResultCells(rating.result.grade.value, "\n".join(reasons), cap, term, rating.as_of)


def mark_surveys(checked: list[CheckedSurvey], ratings: dict[str, Rating], out_dir: Path, *, in_place: bool,
                 backup_dir: Path, stamp: datetime, only_with_problems: bool = False,
                 tick: Callable[[str], None] = lambda name: None) -> tuple[list[Path], list[Path]]:
    """Write results and marks into each form (in place after a backup, or into a copy in out/).

    ``only_with_problems``: the monthly run returns to the clerks just the
    forms they must correct; rewriting thousands of clean forms every month
    would cost minutes and tell nobody anything Form 2 does not.
    """
    outputs, backups = [], []
    if only_with_problems:
        checked = [item for item in checked if item.problems]
    for item in checked:
        tick(item.path.name)
        rating = ratings.get(item.survey.customer_code) if item.survey else None
        target = item.path if in_place else out_dir / RATED_COPIES / item.path.name
        saved = write_marks(item.path, target, item.problems, result_cells(rating, item.problems),
                            backup_dir=backup_dir, stamp=stamp)
        if saved:
            backups.append(saved)
        outputs.append(target)
    return outputs, backups


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
