"""SMTP delivery: STARTTLS, implicit TLS or plain (a local relay), retried only when retrying can help.

A failure is *temporary* when the server or the network says "later" — a
4xx reply, a refused or reset connection, a timeout — and is then retried
with exponential backoff: ``MAX_ATTEMPTS`` = 3 tries in all, waiting 1 s
then 2 s (the sleep is injectable so tests record it instead of waiting).
A 5xx reply, a certificate or TLS problem and any authentication failure
are *permanent* and never retried: repeating a refused login can lock the
company's mailbox (some servers reply 454 to a bad password — still not
retried). A failure that is the same for every message of a run (login,
TLS, host unreachable) is marked ``session`` so the caller stops instead
of hammering the server once per role.

The password comes from the environment variable named by
``mail.password_env`` — never from the workspace — and is never put into
an error text. Certificates are verified with ``ssl.create_default_context()``
unless the caller injects a context (the tests' self-signed server).
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from credit_workbook.policy import MailPolicy

MAX_ATTEMPTS = 3
FIRST_DELAY = 1.0  # seconds before the 2nd try; doubled before each further one
TIMEOUT = 30.0  # seconds per socket operation


class MailConfigError(Exception):
    """The [mail] settings cannot open a session; the message is Chinese and names the key."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str
    password: str | None
    password_env: str
    ssl_context: ssl.SSLContext | None
    timeout: float = TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Failure:
    text: str  # Chinese, for the clerk and the audit log
    temporary: bool  # another try may succeed
    session: bool  # every message of this run would fail the same way


@dataclass(frozen=True)
class Outcome:
    ok: bool
    attempts: int
    failure: Failure | None = None

    @property
    def error(self) -> str | None:
        if self.failure is None:
            return None
        if self.attempts > 1:
            return f"{self.failure.text}（已尝试 {self.attempts} 次）"
        return self.failure.text


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def smtp_settings(mail: MailPolicy, env: Mapping[str, str], ssl_context: ssl.SSLContext | None = None,
                  timeout: float = TIMEOUT) -> SmtpSettings:
    """Check what a session needs before connecting; every problem is named at once."""
    problems = []
    host = mail.smtp_host.strip()
    if not host:
        problems.append("未设置发信服务器：请在 credit.toml 的 [mail] 中填写 smtp_host，如 \"smtp.exmail.qq.com\"")
    password = None
    if mail.user:
        if mail.security == "none" and host and not _loopback(host):
            problems.append("security = \"none\"（不加密）时不能登录：密码会以明文在网络上传输；"
                            "请改用 \"starttls\" 或 \"ssl\"，或清空 user（公司内网无需登录的中继）")
        password = env.get(mail.password_env) or None
        if password is None:
            problems.append(f"环境变量 {mail.password_env} 未设置：发信邮箱 {mail.user} 的密码只从该环境变量读取"
                            f"（不写在 credit.toml 中），请设置后重试")
    if problems:
        raise MailConfigError("；".join(problems))
    if mail.security != "none" and ssl_context is None:
        ssl_context = ssl.create_default_context()
    return SmtpSettings(host, mail.smtp_port, mail.security, mail.user, password, mail.password_env,
                        ssl_context, timeout)


def open_session(s: SmtpSettings) -> smtplib.SMTP:
    """Connected, encrypted as configured, logged in when a user is set."""
    if s.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.ssl_context)
    else:
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
    try:
        smtp.ehlo()
        if s.security == "starttls":
            smtp.starttls(context=s.ssl_context)  # raises SMTPNotSupportedError if the server offers none
            smtp.ehlo()
        if s.user:
            smtp.login(s.user, s.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely; the message is already accepted, so a failing QUIT is no failure."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def deliver(s: SmtpSettings, message: EmailMessage, sender: str, recipients: tuple[str, ...], *,
            sleep: Callable[[float], None]) -> Outcome:
    """Send one message, retrying temporary failures with backoff; never raises."""
    delay = FIRST_DELAY
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            smtp = open_session(s)
            try:
                refused = smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
            finally:
                _close(smtp)
        except Exception as exc:  # noqa: BLE001 — every failure becomes an Outcome
            failure = classify(exc, s)
            if not failure.temporary or attempt == MAX_ATTEMPTS:
                return Outcome(False, attempt, failure)
            sleep(delay)
            delay *= 2
            continue
        if refused:  # accepted for some recipients: a retry would send the others a second copy
            return Outcome(False, attempt, Failure(_refused_text(refused, "部分收件人被拒收（其余已发出）"),
                                                   temporary=False, session=False))
        return Outcome(True, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}".strip()


def _refused_text(refused: Mapping[str, tuple[int, bytes]], what: str) -> str:
    items = []
    for address, (code, text) in refused.items():
        detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        items.append(f"{address}（{code} {' '.join(detail.split())}）")
    return f"{what}：{'；'.join(items)}"


def classify(exc: BaseException, s: SmtpSettings) -> Failure:
    """What went wrong, in Chinese, and whether trying again can help."""
    where = s.where
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Failure(f"发信服务器拒绝登录（{_reply(exc)}）：请检查 credit.toml [mail] 中的 user 和环境变量 "
                       f"{s.password_env} 中的密码", temporary=False, session=True)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Failure(f"发信服务器 {where} 不支持所需的功能（{exc}）：请核对 mail.security 与 smtp_port"
                       f"（starttls 常用 587，ssl 常用 465）", temporary=False, session=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failure(f"发信服务器 {where} 的证书校验失败（{exc.verify_message or exc.reason}）："
                       f"请确认 smtp_host 与服务器证书上的名称一致", temporary=False, session=True)
    if isinstance(exc, ssl.SSLError):
        return Failure(f"与发信服务器 {where} 建立加密连接失败（{exc.reason or exc}）：请核对 mail.security 与 "
                       f"smtp_port（starttls 常用 587，ssl 常用 465）", temporary=False, session=True)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return Failure(_refused_text(exc.recipients, "收件人被拒收"), temporary=temporary, session=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        temporary = 400 <= exc.smtp_code < 500
        if temporary:
            return Failure(f"发信服务器暂时无法接收邮件（{_reply(exc)}）", temporary=True, session=False)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return Failure(f"发件人地址被拒绝（{_reply(exc)}）：请检查 mail.sender 是否为可发信的邮箱",
                           temporary=False, session=True)
        if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
            return Failure(f"发信服务器 {where} 拒绝连接（{_reply(exc)}）", temporary=False, session=True)
        return Failure(f"发信服务器拒收邮件（{_reply(exc)}）", temporary=False, session=False)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Failure(f"与发信服务器 {where} 的连接意外断开（{exc}）", temporary=True, session=False)
    if isinstance(exc, socket.gaierror):
        return Failure(f"无法解析发信服务器地址 {s.host}（{exc.strerror}）：请检查 smtp_host 与网络",
                       temporary=exc.errno == socket.EAI_AGAIN, session=True)
    if isinstance(exc, ConnectionRefusedError):
        return Failure(f"无法连接发信服务器 {where}（连接被拒绝）：请检查 smtp_host、smtp_port，或服务器是否在运行",
                       temporary=True, session=True)
    if isinstance(exc, TimeoutError):
        return Failure(f"连接发信服务器 {where} 超时（{s.timeout:g} 秒无响应）", temporary=True, session=True)
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return Failure(f"与发信服务器 {where} 的连接被重置", temporary=True, session=False)
    if isinstance(exc, OSError):
        return Failure(f"连接发信服务器 {where} 时网络出错（{exc.strerror or exc}）", temporary=True, session=True)
    if isinstance(exc, smtplib.SMTPException):
        return Failure(f"发送失败（{exc}）", temporary=False, session=False)
    return Failure(f"发送失败（内部错误 {type(exc).__name__}: {exc}）", temporary=False, session=False)
