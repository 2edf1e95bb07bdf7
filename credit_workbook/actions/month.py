"""The month's work (``run``; ``rate`` is the same without ingesting the inbox).

Order: ingest the inbox → check every survey → load the ledger history and
the register → evaluate each counterparty (grade with ledger evidence, caps
with 从低, position, aging) → write the marked forms, Forms 2–4, the
highlighted ledger copies and results.json → record the run. The rules live
in ``credit_workbook.core``; this module only decides what is read and where
things are written.

A big month uses both cores (``second_process``): a worker process reads
the register and checks the surveys while this one ingests the inbox and
decodes the ledger history, and it writes the highlighted copies and Forms
2–4 while this one marks the surveys. The outputs are byte for byte those
of the one-process order, which small months keep.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from credit_workbook.actions.second_process import (
    HIGHLIGHT_BYTES,
    SURVEY_FORMS,
    Helper,
    Pending,
)
from credit_workbook.actions.surveys import (
    CheckedSurvey,
    grade_summary_rows,
    mark_surveys,
    merge_checks,
    start_survey_check,
)
from credit_workbook.core.checks.r11_total_limit import check_total_limit
from credit_workbook.core.evaluation import (
    CounterpartyMonth,
    company_total,
    evaluate_counterparty,
)
from credit_workbook.errors import UserError
from credit_workbook.fileio import atomic_target, atomic_write
from credit_workbook.results import build_results, counterparty_entry, dumps
from credit_workbook.workspace import Workspace


@dataclass
class MonthReport:
    period: str
    as_of: date
    checked: list[CheckedSurvey] = field(default_factory=list)
    counterparties: list[CounterpartyMonth] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    flags: dict[str, list] = field(default_factory=dict)  # code -> Flags of R01–R13 (R11 in total_flags)
    total_flags: list = field(default_factory=list)
    ingest: object | None = None  # ingest.IngestReport
    survey_files: dict[str, str] = field(default_factory=dict)  # code -> surveys/… of its form
    notes: list[str] = field(default_factory=list)  # one line each for the user (highlighted copies …)
    outputs: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.rejected else 0


def resolve_period(period: str | None, as_of: date | None, latest: str | None,
                   today: date | None = None) -> tuple[str, date]:
    """SPEC §6: the period defaults to the latest month in history, the evaluation date to its last day.

    Without history the period is the current month, and the evaluation
    date is then capped at today (a rating cannot look ahead).
    """
    today = today or date.today()
    if period is None:
        period = latest if latest and as_of is None else f"{(as_of or today):%Y-%m}"
    try:
        year, month = (int(x) for x in period.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise UserError(f"期间“{period}”格式不对，应为 YYYY-MM，例如 2026-10") from None
    if as_of is None:
        as_of = last if latest and period <= latest else min(last, today)
    return f"{year:04d}-{month:02d}", as_of


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


def _register_rows(cps: list[CounterpartyMonth]):
    """Form 3 (第二十九条): every counterparty with credit, a proposal, or money of ours in its hands."""
    from credit_workbook.forms.rows import RegisterRow

    rows = []
    for cp in cps:
        r, ap = cp.rating, cp.approved
        caps = r.caps if r else None
        credit = ap is not None and ap.credit_type not in (None, "无")
        if not (credit or cp.exposure > 0 or (caps and caps.proposed_limit > 0)):
            continue
        term = None
        if caps and caps.proposed_type == "长期":
            term = caps.max_term_long_days
        elif caps and caps.proposed_type == "临时":
            term = caps.max_term_temp_days
        s = cp.survey
        rows.append(RegisterRow(
            code=cp.code, name=cp.name, counterparty_type=cp.counterparty_type,
            grade=r.result.grade.value if r else "未评定", salesperson=s.salesperson if s else None,
            avg_debit=cp.evidence.avg_debit if cp.evidence else None,
            avg_credit=cp.evidence.avg_credit if cp.evidence else None,
            cap_long=caps.cap_long if caps else None, cap_temp=caps.cap_temp if caps else None,
            proposed_type=caps.proposed_type if caps else "无",
            proposed_limit=caps.proposed_limit if caps else None, proposed_term_days=term,
            exposure=cp.exposure,
            utilization=(cp.exposure / ap.limit) if credit and ap.limit > 0 else None,
            approved_type=ap.credit_type if ap else None, approved_limit=ap.limit if ap else None,
            approved_term_days=ap.term_days if ap else None,
            collateral_type=(ap.collateral_type if ap else None) or (s.collateral_type if s else None),
            collateral_value=(ap.collateral_value if ap else None) or (s.collateral_value if s else None),
            contract_start=ap.contract_start if ap else None, contract_end=ap.contract_end if ap else None,
            status="待批", approved_on=None,
            note=None if r else "无调查评定表，请补填（第十三条）"))
    return rows


def _snapshot(approved: dict) -> dict[str, dict]:
    """Approved rows as JSON-able dicts, for the store's register versions."""
    from dataclasses import asdict

    return {code: {k: (str(v) if v is not None else None) for k, v in asdict(a).items()}
            for code, a in approved.items()}


def _previous_approved(snapshot: dict[str, dict]) -> dict:
    from credit_workbook.core.register_checks import ApprovedCredit

    def parse(row: dict) -> ApprovedCredit:
        day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        return ApprovedCredit(
            code=row["code"], name=row["name"], counterparty_type=row["counterparty_type"],
            credit_type=row["credit_type"], limit=Decimal(row["limit"]), term_days=int(row["term_days"]),
            collateral_type=row["collateral_type"],
            collateral_value=Decimal(row["collateral_value"]) if row["collateral_value"] else None,
            contract_start=day(row["contract_start"]), contract_end=day(row["contract_end"]),
            approved_on=day(row["approved_on"]), place=row["place"])

    return {code: parse(row) for code, row in snapshot.items()}


def month_flags(report: "MonthReport", histories: dict, register, previous: dict, policy) -> dict[str, list]:
    """Every counterparty's flags of R01–R10, R12, R13 (R11 is the company's, apart)."""
    from credit_workbook.core.checks.context import CheckContext
    from credit_workbook.core.checks.run import run_checks
    from credit_workbook.core.history import first_day, last_day

    start, end = first_day(report.period), last_day(report.period)
    flags = {}
    for cp in report.counterparties:
        ctx = CheckContext(report.period, start, end, report.as_of, cp, histories.get(cp.code),
                           register.overlimit_for(cp.code), previous.get(cp.code), policy)
        flags[cp.code] = run_checks(ctx)
    return flags


def highlight_period_ledgers(ws: Workspace, store, report: "MonthReport", out: Path, stamp: datetime) -> list[Path]:
    """A highlighted copy of each ledger file of the period, the rows behind every flag coloured."""
    done = highlight_files(period_ledgers(ws, store, report.period), out, _all_flags(report), stamp)
    report.notes.extend(d.summary() for d in done)
    return [d.target for d in done]


def period_ledgers(ws: Workspace, store, period: str) -> list[tuple[Path, str]]:
    """(archived file, the name finance dropped it as) of every active ledger file of ``period``."""
    return [(ws.root / lf.archived_path, lf.original_name) for lf in store.ledger_files(active_only=True)
            if lf.period == period and lf.archived_path]


def _all_flags(report: "MonthReport") -> list:
    return [f for fl in report.flags.values() for f in fl]


def highlight_files(files: list[tuple[Path, str]], out: Path, flags: list, stamp: datetime) -> list:
    """``highlight_ledger`` of each (archived file, display name): one job, for whichever process takes it."""
    from credit_workbook.forms.ledger_highlight import highlight_ledger

    return [highlight_ledger(path, out, flags, name, created=stamp) for path, name in files]


def write_form(path: Path, writer, *args) -> Path:
    """One summary form written atomically: one job, for whichever process takes it."""
    with atomic_target(path) as tmp:
        writer(tmp, *args)
    return path


def run_month(ws: Workspace, period: str | None = None, as_of: date | None = None, *, ingest: bool = True,
              in_place: bool = False, progress=None, command: str = "run",
              parallel: bool | None = None) -> MonthReport:
    """``parallel``: None lets big months use a second process (``second_process``); True/False force it."""
    from credit_workbook.ingest import audit_refusals, ingest_inbox
    from credit_workbook.ledger.history_store import latest_period
    from credit_workbook.store import Store

    started = datetime.now()
    policy = ws.policy()
    files = ws.survey_files()
    with Helper(parallel) as helper, Store(ws.store_path) as store:
        reads = _start_reading(ws, files, helper, progress)  # in the worker, beside the ingest, when many
        if ingest is True:
            ingested = ingest_inbox(ws, store, policy)
            audit_refusals(store, ingested.rejected)  # a watcher's batch audits its own, with its plan
        else:
            ingested = ingest or None  # a watcher batch's report
        period, as_of = resolve_period(period, as_of, latest_period(store))
        report = MonthReport(period, as_of, ingest=ingested)
        if ingested is not None:
            report.rejected.extend(ingested.rejected_inputs())
        register, total = _evaluate(ws, store, policy, report, reads)  # the histories die here
        _write_outputs(ws, store, policy, report, register, total, in_place, progress, helper,
                       only_with_problems=ingest and not in_place)
        _record(ws, store, report, command, started, in_place)
    return report


def _start_reading(ws: Workspace, files: list[Path], helper: Helper, progress) -> tuple[Pending, Pending]:
    """The register and the surveys, read and checked by the worker when there are many forms.

    Neither needs the inbox; kept in this process they are read where
    ``_evaluate`` asks for them, as they always were.
    """
    from credit_workbook.forms.register_reader import read_register

    register = helper.call(read_register, ws.register, worth=len(files) >= SURVEY_FORMS)  # the worker's first job
    if progress is None:
        return register, start_survey_check(files, helper)
    ticks: list = []

    def tick(name: str) -> None:  # the bar starts when the first form is done, as it always did
        if not ticks:
            ticks.append(progress.start("校验调查表", len(files)))
        ticks[0](name)

    return register, start_survey_check(files, helper, tick)


def _collect_surveys(ws: Workspace, forms: Pending):
    """The checked forms, merged in file order: this process takes the chunks the worker has not
    started, then waits for the rest."""
    return merge_checks(forms.result(), lambda p: _rel(ws, p))


def evaluate_period(ws: Workspace, store, policy, report: MonthReport):
    """``report`` filled as a run fills it before writing anything — checked surveys, counterparties,
    flags — all in this process (one click in Excel starts no second process); (register, company total)."""
    with Helper(False) as helper:
        return _evaluate(ws, store, policy, report, _start_reading(ws, ws.survey_files(), helper, None))


def _evaluate(ws: Workspace, store, policy, report: MonthReport, reads: tuple[Pending, Pending]):
    """Surveys checked, history and register read, every counterparty evaluated and checked."""
    import hashlib

    from credit_workbook.ledger.history_store import histories_from, read_ledger

    ledger = read_ledger(store)  # needs no survey: done while a worker may still be checking them
    register = reads[0].result()
    report.checked, rejected = _collect_surveys(ws, reads[1])
    report.rejected.extend(rejected)
    surveys = {c.survey.customer_code: c for c in report.checked if c.survey}
    types = {code: c.survey.counterparty_type for code, c in surveys.items() if c.survey.counterparty_type}
    histories, names = histories_from(ledger, types), ledger.names
    del ledger  # its line lists and per-file sums: garbage from here on (a million lines at scale)
    previous = {}
    if ws.register.is_file():
        sha = hashlib.sha256(ws.register.read_bytes()).hexdigest()
        store.remember_register(sha, _snapshot(register.approved))
        previous = _previous_approved(store.previous_register(sha))
    if register.errors:
        report.rejected.append({"file": _rel(ws, ws.register), "errors": [p.render() for p in register.errors]})
    for code in sorted(set(surveys) | set(histories)):
        checked = surveys.get(code)
        report.counterparties.append(evaluate_counterparty(
            code, checked.survey if checked else None, checked.problems if checked else (),
            histories.get(code), register.approved.get(code), policy, report.period, report.as_of,
            names.get(code, "")))
    total = company_total(list(histories.values()), list(register.approved.values()), report.as_of)
    report.flags = month_flags(report, histories, register, previous, policy)
    report.total_flags = check_total_limit(total.approved, total.jan1_exposure, policy.checks.severities["R11"][0])
    return register, total


def _write_outputs(ws: Workspace, store, policy, report: MonthReport, register, total, in_place: bool, progress,
                   helper: Helper, only_with_problems: bool):
    """Marked surveys, Forms 2–4, the highlighted ledgers and results.json of out/YYYY-MM/.

    Forms 2–4 and the highlighted copies need nothing more of the run: they
    are shared with the worker (which starts on the ledgers, the biggest)
    while this process marks the surveys. results.json comes last, when
    everything it describes exists.
    """
    from functools import partial

    from credit_workbook.forms.execution_review import write_execution_review
    from credit_workbook.forms.execution_rows import execution_rows
    from credit_workbook.forms.grade_summary import write_grade_summary
    from credit_workbook.forms.register import write_register
    from credit_workbook.forms.rows import FormMeta, OverlimitRow

    period, as_of = report.period, report.as_of
    out = ws.out_dir(period)
    stamp = datetime.combine(as_of, time(0, 0))  # output bytes depend on the inputs only
    ratings = {cp.code: cp.rating for cp in report.counterparties if cp.rating}
    meta = FormMeta(policy.company, period, as_of, created=stamp)
    forms = [out / f"客户信用等级分类汇总表_{period}.xlsx", out / f"预付赊销客户汇总表_{period}.xlsx",
             out / f"客户授信额度执行评价表_{period}.xlsx"]
    overlimit = [OverlimitRow(o.code, o.approved_on, o.amount, o.doc_no) for o in register.overlimit]
    rows4, flag_rows, salespeople = execution_rows(report.counterparties, {**report.flags, "": report.total_flags},
                                                   period=period)
    ledgers = period_ledgers(ws, store, period)
    size = sum(path.stat().st_size for path, _ in ledgers if path.is_file())
    written = helper.share([
        (write_form, (forms[0], write_grade_summary,
                      grade_summary_rows(list(ratings.values()), store.previous_grades(period)), meta)),
        (write_form, (forms[1], write_register, _register_rows(report.counterparties), meta, total.jan1_exposure,
                      overlimit)),
        (write_form, (forms[2], partial(write_execution_review, meta=meta, flags=flag_rows, salespeople=salespeople),
                      rows4)),
        (highlight_files, (ledgers, out, _all_flags(report), stamp)),
    ], worth=size >= HIGHLIGHT_BYTES or helper.running, worker_from_end=True)
    tick = progress.start("写入评定结果", len(report.checked)) if progress else _noop
    report.outputs, report.backups = mark_surveys(report.checked, ratings, out, in_place=in_place,
                                                  backup_dir=ws.backups, stamp=stamp, tick=tick,
                                                  only_with_problems=only_with_problems)
    report.survey_files = {c.survey.customer_code: _rel(ws, c.path) for c in report.checked if c.survey}
    entries = [counterparty_entry(cp, report.survey_files.get(cp.code), report.flags[cp.code])
               for cp in report.counterparties]
    results = dumps(build_results(period, f"{as_of:%Y-%m-%d}", entries, report.rejected, total, report.total_flags))
    *_, highlights = _collect_outputs(written)
    report.notes.extend(d.summary() for d in highlights)
    atomic_write(out / "results.json", results)
    report.outputs += [*forms, out / "results.json"] + [d.target for d in highlights]


def _collect_outputs(written: Pending) -> list:
    """The shared writes' results: this process takes the ones the worker has not started, then waits."""
    return written.result()


def _record(ws: Workspace, store, report: MonthReport, command: str, started: datetime, in_place: bool) -> None:
    """The run, its ratings (what the next period's Form 2 compares with) and the audit rows."""
    store.record_run(
        command, report.period, f"{report.as_of:%Y-%m-%d}", started,
        [{"code": cp.code, "name": cp.name, "type": cp.counterparty_type, "grade": r.result.grade.value,
          "reasons": list(r.result.reasons), "cap_long": str(r.caps.cap_long),
          "cap_temp": str(r.caps.cap_temp), "proposed_type": r.caps.proposed_type,
          "proposed_limit": str(r.caps.proposed_limit), "survey_file": report.survey_files.get(cp.code, "")}
         for cp in report.counterparties if (r := cp.rating) is not None],
        {"rated": sum(1 for cp in report.counterparties if cp.rating), "rejected": len(report.rejected),
         "in_place": in_place},
    )
    from credit_workbook.store import file_record

    rewritten = [p for p in report.outputs if p.parent == ws.surveys]
    with store.transaction():
        for item in report.backups:  # the copy of each form kept before it changed
            store.audit("backup", **file_record(ws.root, item))
        if in_place:  # the forms as they are now
            store.audit_files("write_back", ws.root, rewritten, period=report.period,
                              backups=[_rel(ws, b) for b in report.backups])
        store.audit_files("outputs", ws.root, [p for p in report.outputs if p.parent != ws.surveys],
                          period=report.period, command=command)


def _noop(name: str) -> None:
    pass
