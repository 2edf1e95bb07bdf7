"""``send_month_mail``: the month's summary to the managers, by SMTP or as .eml files (dry run).

It is called after a run (by ``run``/``watch`` when ``mail.enabled``) and by
``credit-workbook mail``. It NEVER raises: mail is the last step of the
month's processing and a mail server that is down must not turn a finished
run into a failed one. Every outcome is a ``MailResult`` and an audit row —
``mail_sent`` per message accepted (to whom, subject, attachments,
Message-ID, whether codes and accounts were masked), ``mail_failed`` per
message not sent (recipients, error), and ``mail_dry_run`` per .eml written.
The workspace lock is the caller's business: the watcher already holds it
when it calls this.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

from credit_workbook.policy import MANAGER_ROLES, Policy
from credit_workbook.workspace import Workspace

CONFIG, DISABLED, FAULT = "config", "disabled", "fault"  # MailResult.kind when nothing was attempted


@dataclass
class Delivery:
    """One role's message and what became of it."""

    role: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    attachments: tuple[str, ...]
    ok: bool
    attempts: int = 0
    error: str | None = None
    eml: Path | None = None  # dry run: where the message was written


@dataclass
class MailResult:
    period: str | None
    dry_run: bool
    deliveries: list[Delivery] = field(default_factory=list)
    problem: str | None = None  # why nothing was attempted (Chinese)
    kind: str | None = None  # CONFIG | DISABLED | FAULT with ``problem``
    notes: list[str] = field(default_factory=list)  # e.g. the audit log could not be written

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.deliveries) and all(d.ok for d in self.deliveries)

    @property
    def exit_code(self) -> int:
        """0 sent (or written); 2 the settings or the month's outputs need fixing; 1 sending failed."""
        if self.ok:
            return 0
        return 2 if self.kind in (CONFIG, DISABLED) else 1

    def report_lines(self) -> list[str]:
        """What went well, for stdout."""
        lines = []
        for d in self.deliveries:
            if not d.ok:
                continue
            to = "、".join(d.recipients)
            if d.eml is not None:
                lines.append(f"演练：{d.role}（{to}）的邮件已写入 {d.eml}，未发送")
            else:
                lines.append(f"已发送：{d.role}（{to}）《{d.subject}》，附件 {len(d.attachments)} 个")
        return lines + self.notes

    def error_lines(self) -> list[str]:
        """What failed, for stderr (the CLI prefixes 错误：)."""
        if self.problem:
            return [self.problem]
        return [f"发送给 {d.role}（{'、'.join(d.recipients)}）失败：{d.error}" for d in self.deliveries if not d.ok]


def send_month_mail(ws: Workspace, period: str | None = None, policy: Policy | None = None, *,
                    dry_run: bool = False, sleep: Callable[[float], None] = time.sleep,
                    ssl_context=None, env: Mapping[str, str] | None = None,
                    now: datetime | None = None) -> MailResult:
    """Mail (or, with ``dry_run``, write as .eml) the period's summary to every role with recipients.

    ``period`` defaults to the latest out/YYYY-MM holding a results.json;
    ``policy`` to the workspace's credit.toml. ``sleep``, ``ssl_context``,
    ``env`` (where the password is looked up) and ``now`` are for tests.
    """
    from credit_workbook.mail.digest import DigestError, latest_period, load_digest
    from credit_workbook.mail.message import MessageError, audiences, build_message
    from credit_workbook.mail.send import MailConfigError, smtp_settings

    result = MailResult(period, dry_run)
    everyone: tuple[str, ...] = ()
    try:
        if policy is None:
            policy = ws.policy()
        mail = policy.mail
        everyone = tuple(parseaddr(a)[1] for addrs in mail.recipients.values() for a in addrs)
        result.period = period = period or latest_period(ws.root / "out")
        if period is None:
            return _fail(ws, result, CONFIG, "out/ 中还没有任何月份的结果（results.json）；请先运行 credit-workbook run",
                         everyone)
        if not dry_run and not mail.enabled:
            result.problem = "邮件发送未启用（credit.toml [mail] 中 enabled = false）；可先加 --dry-run 生成 .eml 文件查看"
            result.kind = DISABLED
            return result
        groups = audiences(mail)
        if not groups:
            return _fail(ws, result, CONFIG, "没有收件人：请在 credit.toml 的 [mail.recipients] 中为至少一个角色填写邮箱地址",
                         everyone)
        settings = None if dry_run else smtp_settings(mail, os.environ if env is None else env, ssl_context)
        out = ws.out_dir(period)
        digest = load_digest(out, period)
        stamp = now or datetime.now().astimezone()
        messages = [build_message(audience=a, sender=mail.sender, company=policy.company, digest=digest,
                                  out_dir=out, now=stamp, mask=policy.privacy.mask_outgoing) for a in groups]
    except (MailConfigError, DigestError, MessageError) as exc:
        return _fail(ws, result, CONFIG, str(exc), everyone)
    except Exception as exc:  # noqa: BLE001 — a bad credit.toml (ConfigError) or a fault of ours
        from credit_workbook.errors import UserError

        kind = CONFIG if isinstance(exc, UserError) else FAULT
        text = str(exc) if kind == CONFIG else f"内部错误：{type(exc).__name__}: {exc}"
        return _fail(ws, result, kind, text, everyone)
    try:
        if dry_run:
            result.deliveries = _write_eml(out / "mail", messages)
        else:
            result.deliveries = _transmit(settings, parseaddr(mail.sender)[1], messages, sleep)
    except Exception as exc:  # noqa: BLE001 — e.g. out/ not writable for the dry run
        return _fail(ws, result, FAULT, f"内部错误：{type(exc).__name__}: {exc}", everyone)
    _audit_deliveries(ws, result, _sha256(out / "results.json"), policy.privacy.mask_outgoing)
    return result


def _transmit(settings, sender: str, messages, sleep) -> list[Delivery]:
    from credit_workbook.mail.send import deliver

    deliveries, stop = [], None
    for m in messages:
        d = Delivery(m.role, m.recipients, m.subject, m.message_id, tuple(m.attachment_names), ok=False)
        if stop is not None:  # the same login / TLS / host failure would only repeat
            d.error = f"未发送：{stop.text}"
        else:
            outcome = deliver(settings, m.message, sender, m.recipients, sleep=sleep)
            d.ok, d.attempts, d.error = outcome.ok, outcome.attempts, outcome.error
            if outcome.failure is not None and outcome.failure.session:
                stop = outcome.failure
        deliveries.append(d)
    return deliveries


def _write_eml(folder: Path, messages) -> list[Delivery]:
    """out/YYYY-MM/mail/<role>.eml, atomically; files of roles no longer mailed are removed."""
    from credit_workbook.fileio import atomic_write

    deliveries = []
    for m in messages:
        path = folder / f"{m.role}.eml"
        atomic_write(path, m.message.as_bytes())
        deliveries.append(Delivery(m.role, m.recipients, m.subject, m.message_id, tuple(m.attachment_names),
                                   ok=True, eml=path))
    written = {m.role for m in messages}
    for role in MANAGER_ROLES:
        stale = folder / f"{role}.eml"
        if role not in written and stale.is_file():
            stale.unlink()
    return deliveries


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _audit(ws: Workspace, result: MailResult, rows: list[tuple[str, dict]]) -> None:
    """Audit rows, all or none; a store that cannot be written is noted, never raised."""
    if not rows:
        return
    try:
        from credit_workbook.store import Store

        with Store(ws.store_path) as store, store.transaction():
            for action, detail in rows:
                store.audit(action, **detail)
    except Exception as exc:  # noqa: BLE001
        result.notes.append(f"警告：审计日志写入失败（{type(exc).__name__}: {exc}）")


def _fail(ws: Workspace, result: MailResult, kind: str, text: str, everyone: tuple[str, ...]) -> MailResult:
    result.problem, result.kind = text, kind
    _audit(ws, result, [("mail_failed", {"period": result.period, "recipients": list(everyone), "error": text,
                                         "dry_run": result.dry_run})])
    return result


def _audit_deliveries(ws: Workspace, result: MailResult, results_sha256: str | None, masked: bool) -> None:
    rows = []
    for d in result.deliveries:
        base = {"period": result.period, "role": d.role, "recipients": list(d.recipients), "subject": d.subject,
                "message_id": d.message_id, "results_sha256": results_sha256, "masked": masked}
        if d.eml is not None:
            rows.append(("mail_dry_run", {**base, "file": str(d.eml), "attachments": list(d.attachments)}))
        elif d.ok:
            rows.append(("mail_sent", {**base, "attachments": list(d.attachments), "attempts": d.attempts}))
        else:
            rows.append(("mail_failed", {**base, "error": d.error, "attempts": d.attempts}))
    _audit(ws, result, rows)


def already_sent(ws: Workspace, period: str, policy: Policy | None = None) -> bool:
    """True when every role now configured was sent this exact results.json of ``period``: lets the
    watcher skip a re-send after a run that changed nothing, yet retry a role that failed. (A dry
    run does not count.)"""
    from credit_workbook.mail.message import audiences
    from credit_workbook.store import Store

    sha = _sha256(ws.out_dir(period) / "results.json")
    if sha is None or not ws.store_path.is_file():
        return False
    roles = {a.role for a in audiences((policy or ws.policy()).mail)}
    with Store(ws.store_path) as store:
        done = {d.get("role") for _, _, _, d in store.audit_rows("mail_sent")
                if d.get("period") == period and d.get("results_sha256") == sha}
    return bool(roles) and roles <= done
