"""One batch: ingest the files the watcher found whole, run the month, mail it.

Why not ``run_month(ingest=True)``: it ingests EVERY file in the inbox,
including one that is still being copied next to the settled ones — that
file would be parsed half-written and quarantined. The batch therefore
runs the ingest's own steps on exactly the settled files (in period
order, like ``ingest_inbox``) and then ``run_month`` with the batch's
own ingest report: the month's outputs are those of a ``run`` (marked
copies of the forms with problems only), and ``results.json`` lists the
files the batch quarantined as a ``run`` lists what its ingest refused.

Which month: the latest period of the history (what ``run`` does by
default), plus the newest period the batch brought when that is older (a
late correction re-makes its own month's outputs as well). A batch that
only quarantined files runs the latest month too: its results.json (and
the mail) must say that a file was refused.

Crash safety, read from the audit log so there is no marker file of our
own to get out of step. Right after its ingest a batch writes, in one
transaction, the ``ingest_rejected`` rows and a ``watch_plan`` row: the
periods it owes and the refused files the last of them must list. A
period of the last plan without an ``outputs`` row after it is owed; so is
the latest month when an ``ingest`` row is newer than both the last plan
and the last ``outputs`` (a ``run`` or an ingest killed before its month).
"No ``mail_*`` row for the latest period since its ``outputs`` row" (mail
on) means its mail is owed. A kill anywhere is finished by the next batch
or start-up, and the outputs are then those an uninterrupted batch makes.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from credit_workbook.ingest import IngestReport, Rejected, abridged, superseded_message
from credit_workbook.killpoints import checkpoint
from credit_workbook.ledger.model import SHAPE_DETAIL
from credit_workbook.store import Store
from credit_workbook.workspace import Workspace

Log = Callable[[str], None]
PLAN = "watch_plan"  # audit action: what a batch owes once its ingest is done


@dataclass
class BatchOutcome:
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    months: list[str] = field(default_factory=list)  # periods whose month run finished
    month_left: bool = False  # a stop came before the owed month run


def ingest_paths(ws: Workspace, store: Store, policy, paths: list[Path]) -> IngestReport:
    """Only the files seen complete: ``ingest_inbox`` would also take one still being written."""
    from credit_workbook.ingest import ingest_files

    return ingest_files(ws, store, policy, paths)


@dataclass
class Plan:
    """Month runs owed (oldest first) and the refused files the last of them lists in results.json."""

    periods: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    latest: bool = False  # an ingest without a plan: the latest month, whichever it is when it runs


def _last_id(store: Store, action: str) -> int:
    return store.db.execute("SELECT COALESCE(MAX(id), 0) FROM audit WHERE action = ?", (action,)).fetchone()[0]


def owed(store: Store) -> Plan:
    """What an earlier batch, or an ingest without its month run, left undone."""
    plan = Plan()
    row = store.db.execute("SELECT id, detail FROM audit WHERE action = ? ORDER BY id DESC LIMIT 1",
                           (PLAN,)).fetchone()
    since = 0
    if row is not None:
        since, detail = row[0], json.loads(row[1])
        done = {json.loads(d).get("period") for (d,) in store.db.execute(
            "SELECT detail FROM audit WHERE action = 'outputs' AND id > ?", (since,))}
        plan.periods = [p for p in detail["periods"] if p not in done]
        if detail["periods"] and detail["periods"][-1] in plan.periods:
            plan.rejected = [Rejected(**r) for r in detail["rejected"]]
    plan.latest = _last_id(store, "ingest") > max(since, _last_id(store, "outputs"))
    return plan


def needs_recovery(ws: Workspace, mail: bool) -> bool:
    """A stopped run left a committed file unarchived, a month run owed, or the latest month's mail unsent."""
    if not ws.store_path.is_file():
        return False
    with Store(ws.store_path) as store:
        if (o := owed(store)).periods or o.latest or any(f.archived_at is None for f in store.ledger_files()):
            return True
        return bool(mail and mail_owed(ws, store, ws.policy()))


def mail_owed(ws: Workspace, store: Store, policy) -> list[str]:
    """The latest month, when mail is on and no mail was attempted since its outputs were written
    (a kill between the month run and its mail). A mail that was attempted and failed is not retried
    here: the log and the audit say so, and ``credit-workbook mail`` sends it once it is fixed."""
    from credit_workbook.ledger.history_store import latest_period

    period = latest_period(store)
    if not policy.mail.enabled or period is None or not (ws.out_dir(period) / "results.json").is_file():
        return []
    last_outputs, attempted = None, False
    for row_id, action, detail in store.db.execute(
            "SELECT id, action, detail FROM audit WHERE action IN ('outputs', 'mail_sent', 'mail_failed')"
            " ORDER BY id"):
        if json.loads(detail).get("period") != period:
            continue
        if action == "outputs":
            last_outputs, attempted = row_id, False
        else:
            attempted = True
    return [period] if last_outputs is not None and not attempted else []


def file_lines(report: IngestReport, names: list[str]) -> list[str]:
    """One line per file of the batch saying what happened to it, then any other note of the ingest."""
    lines: dict[str, str] = {}
    for a in report.accepted:
        unit = "笔明细" if a.shape == SHAPE_DETAIL else "行余额"
        done = "已完成上次中断的导入并归档到" if a.resumed else "已导入并归档到"
        text = f"{a.file}：{a.period} {a.shape} {a.entries} {unit}，{done} {a.archived}"
        extra = [superseded_message(a.period, a.file, old) for old in a.superseded] + a.warnings
        lines[a.file] = text + "".join(f"；{w}" for w in extra)
    for r in report.rejected:
        where = f"已移入 {r.quarantined}，原因见 {r.quarantined}.error.txt" if r.quarantined else "仍在 inbox/"
        more = f"（共 {len(r.errors)} 个问题）" if len(r.errors) > 1 else ""
        lines[r.file] = f"{r.file}：未导入，{where}：{r.errors[0] if r.errors else ''}{more}"
    notes = list(report.notes)
    for name in report.duplicates:
        note = next((n for n in notes if n.startswith(f"{name}：")), None)
        if note is not None:
            notes.remove(note)
        lines[name] = note or f"{name}：与已导入的文件完全相同，未重复导入"
    out = [lines.get(name) or f"{name}：已不在 inbox/（被移走，或已由其他任务处理），跳过" for name in names]
    out += [line for name, line in lines.items() if name not in names]
    return out + notes


def periods_to_run(store: Store, report: IngestReport, carried: Plan) -> list[str]:
    """What an earlier batch owes, and — when this one brought or refused anything, or an ingest went
    without its month — the latest month and the newest one this batch brought."""
    from credit_workbook.ledger.history_store import latest_period

    periods = set(carried.periods)
    latest = latest_period(store)
    if latest is not None and (report.accepted or report.rejected or carried.latest):
        periods |= {latest, max((a.period for a in report.accepted), default=latest)}
    return sorted(periods)


def plan_batch(store: Store, report: IngestReport, carried: Plan) -> Plan:
    """Record what this batch owes (one transaction with its refusals), so a kill cannot lose it."""
    refused = [abridged(r) for r in report.rejected]
    plan = Plan(periods_to_run(store, report, carried), carried.rejected + refused)
    if not (report.accepted or report.rejected):
        return plan  # nothing owed changed: an earlier plan is carried out as it was recorded
    with store.transaction():
        for r in refused:  # the ingest audits what it imports and what it skips, not what it refuses
            store.audit("ingest_rejected", file=r.file, quarantined=r.quarantined, errors=r.errors)
        store.audit(PLAN, periods=plan.periods,
                    rejected=[{"file": r.file, "errors": r.errors, "quarantined": r.quarantined}
                              for r in plan.rejected])
    return plan


def month_line(report) -> str:
    flags = [f for fl in report.flags.values() for f in fl] + list(report.total_flags)
    count = {s: sum(1 for f in flags if f.severity == s) for s in ("红", "黄", "蓝")}
    rated = sum(1 for cp in report.counterparties if cp.rating)
    rejected = f"，{len(report.rejected)} 个输入未采用" if report.rejected else ""
    return (f"{report.period} 月度运行完成：往来单位 {len(report.counterparties)} 户（已评定 {rated} 户），"
            f"预警 红{count['红']} 黄{count['黄']} 蓝{count['蓝']}{rejected}，结果在 out/{report.period}/")


def run_batch(ws: Workspace, paths: list[Path], *, stop: threading.Event, log: Log, mail: bool) -> BatchOutcome:
    """Ingest ``paths`` (already whole), then the owed month runs and their mail. The caller holds the
    workspace lock. A stop asked for during the ingest leaves the month run owed for the next start."""
    from credit_workbook.actions.month import run_month

    policy = ws.policy()  # read per batch: an edited credit.toml applies without a restart
    outcome = BatchOutcome()
    with Store(ws.store_path) as store:
        carried = owed(store)
        report = ingest_paths(ws, store, policy, paths)
        plan = plan_batch(store, report, carried)
        for line in file_lines(report, [p.name for p in paths]):
            log(line)
        outcome.accepted, outcome.rejected = len(report.accepted), len(report.rejected)
        outcome.duplicates = len(report.duplicates)
        unmailed = [] if plan.periods or not mail else mail_owed(ws, store, policy)
    checkpoint("watch_ingested")
    if plan.periods and stop.is_set():
        log(f"收到停止信号：{'、'.join(plan.periods)} 的月度运行留待下次启动时完成")
        outcome.month_left = True
        return outcome
    for period in plan.periods:
        listed = plan.rejected if period == plan.periods[-1] else []
        month = run_month(ws, period, ingest=IngestReport(rejected=listed), command="watch")
        outcome.months.append(period)
        log(month_line(month))
        checkpoint("watch_month_run", period)
        if mail:
            send_mail(ws, period, policy, log)
    for period in unmailed:
        log(f"{period} 的月度结果尚未发送邮件，现在补发")
        send_mail(ws, period, policy, log)
    return outcome


def _mail_api():
    """(send_month_mail, already_sent or None) of the mail module, or None when it is not installed."""
    try:
        module = importlib.import_module("credit_workbook.mail")
    except ModuleNotFoundError as exc:
        if exc.name in ("credit_workbook.mail", "credit_workbook"):
            return None
        raise
    already = getattr(module, "already_sent", None)
    if already is None:
        with contextlib.suppress(ImportError):
            already = getattr(importlib.import_module("credit_workbook.mail.monthly"), "already_sent", None)
    return module.send_month_mail, already


def send_mail(ws: Workspace, period: str, policy, log: Log) -> None:
    """The month's mail when credit.toml enables it — unless these very results were already sent."""
    if not policy.mail.enabled:
        return
    try:
        api = _mail_api()
    except Exception as exc:  # noqa: BLE001 - a broken mail module must not stop the watcher
        log(f"{period} 邮件功能无法加载（月度结果已生成，不受影响）：{type(exc).__name__}: {exc}")
        return
    if api is None:
        log(f"{period} 邮件：本程序尚未包含邮件功能，未发送")
        return
    send, already_sent = api
    try:
        if already_sent is not None and already_sent(ws, period, policy):
            log(f"{period} 邮件：结果与已发送的完全相同，不重复发送")
            return
        result = send(ws, period, policy)
    except Exception as exc:  # noqa: BLE001 - it promises never to raise; a watcher must outlive a broken promise
        log(f"{period} 邮件发送出错（月度结果已生成，不受影响）：{type(exc).__name__}: {exc}")
        return
    for line in mail_lines(result):
        log(f"{period} 邮件：{line}")


def mail_lines(result) -> list[str]:
    """MailResult's own lines (what was sent, what failed); ``str`` if it ever offers none."""
    done = _lines(result, "report_lines")
    failed = [f"未成功：{line}" for line in _lines(result, "error_lines")]
    return done + failed or [str(result)]


def _lines(result, name: str) -> list[str]:
    method = getattr(result, name, None)
    try:
        return [str(line) for line in method()] if callable(method) else []
    except Exception:  # noqa: BLE001 - describing a result must never stop the watcher
        return []
