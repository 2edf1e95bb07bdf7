"""The month's messages: one per role, each a complete ``EmailMessage``.

Why one message per role rather than one to everybody: the 营销部经理 checks
Form 4 line by line and signs an opinion on it (第四十一条), so his message
also lists every 黄 flag; the approvers get the red flags and the totals.
Each message opens with what the policy asks of that role. An address listed
under several roles receives one message only — the first of
``ROLE_ORDER`` it appears in, 营销部经理 first so the fuller message wins —
and that message's greeting names every role its readers hold.

Attachments are Forms 2, 3 and 4 as written to out/ (never the
highlighted ledger copies, never results.json); with ``[privacy]
mask_outgoing`` every 统一社会信用代码 and account number in their text is
masked (``credit_workbook.privacy``) — the forms carry no such column, so
this only catches one typed into a name or a note. Their Chinese names are
written twice, the way Thunderbird does it: RFC 2231 ``filename*=utf-8''…``
on Content-Disposition (the standard, on one line: the email package would
otherwise split it into ``filename*0*``/``filename*1*`` continuations that
some clients do not join) and RFC 2047 encoded words in Content-Type's
``name`` (what Outlook and the Chinese webmail clients fall back to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import quote

from credit_workbook.mail.digest import MonthDigest, form_paths
from credit_workbook.policy import MailPolicy

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# Headers set with ``set_raw`` (only the two attachment name headers) are written as given.
POLICY = SMTP.clone(refold_source="none")
DETAILED_ROLE = "营销部经理"
ROLE_ORDER = ("营销部经理", "营销副总", "财务总监", "总经理", "董事长")
# What the policy asks of each role with these forms (the articles of credit.toml's comments).
ROLE_DUTY = {
    "营销副总": "请审核信用等级并审批授信（第十九、二十六、二十七条）。",
    "财务总监": "请审核信用等级并审批授信（第十九、二十六、二十七条）。",
    "总经理": "请审批信用等级与《预付、赊销客户汇总表》（第十九、二十九、三十条）。",
    "董事长": "请批准《预付、赊销客户汇总表》及额度调整（第二十九、三十、四十一条）。",
    "营销部经理": "请核对《客户授信额度执行评价表》并签署书面评价意见，上报营销主管副总（第四十、四十一条）。",
}


class MessageError(Exception):
    """The mail settings cannot make a message; the message is Chinese and names the key."""


@dataclass(frozen=True)
class RoleMessage:
    role: str
    recipients: tuple[str, ...]  # bare addresses: the SMTP envelope
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def attachment_names(self) -> list[str]:
        return [part.get_filename() for part in self.message.iter_attachments()]


def prose_period(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


def subject(company: str, period: str) -> str:
    return f"【信用管理】{company} {prose_period(period)} 客户信用月报"


def _bare(address: str) -> str:
    return parseaddr(address)[1]


@dataclass(frozen=True)
class Audience:
    role: str  # whose message it is: the .eml name and the audit rows
    addresses: tuple[str, ...]  # as written in credit.toml
    roles: tuple[str, ...]  # every role its readers hold, ``role`` first: the greeting names them all


def audiences(mail: MailPolicy) -> list[Audience]:
    """One audience per role with someone not yet written to, in ``ROLE_ORDER``."""
    holders: dict[str, set[str]] = {}
    for role in ROLE_ORDER:
        for address in mail.recipients.get(role, ()):
            holders.setdefault(_bare(address).lower(), set()).add(role)
    seen: set[str] = set()
    out = []
    for role in ROLE_ORDER:
        fresh = []
        for address in mail.recipients.get(role, ()):
            key = _bare(address).lower()
            if key and key not in seen:
                seen.add(key)
                fresh.append(address)
        if fresh:
            held = set().union(*(holders[_bare(a).lower()] for a in fresh))
            roles = (role, *(r for r in ROLE_ORDER if r in held and r != role))
            out.append(Audience(role, tuple(fresh), roles))
    return out


def _domain(sender: str) -> str:
    bare = _bare(sender)
    return bare.rpartition("@")[2] or "localhost"


def body_context(roles: tuple[str, ...], company: str, digest: MonthDigest, attachments: list[str]) -> dict:
    """What both templates see; the same dict renders the HTML and the plain-text body."""
    duties: list[str] = []
    for role in roles:  # 营销副总 and 财务总监 share one duty: say it once, naming both
        same = [r for r in roles if ROLE_DUTY[r] == ROLE_DUTY[role]]
        line = (f"{'、'.join(same)}：" if len(roles) > 1 else "") + ROLE_DUTY[role]
        if line not in duties:
            duties.append(line)
    return {"roles": roles, "duties": duties, "detailed": DETAILED_ROLE in roles, "company": company,
            "subject": subject(company, digest.period), "period_text": prose_period(digest.period), "d": digest,
            "attachments": attachments}


def build_message(*, audience: Audience, sender: str, company: str, digest: MonthDigest, out_dir: Path,
                  now: datetime, mask: bool = False) -> RoleMessage:
    """One role's message: headers, plain text + HTML alternatives, the three forms attached."""
    from credit_workbook.mail.render import render_html, render_text

    if not _bare(sender):
        raise MessageError("未设置发件人：请在 credit.toml 的 [mail] 中填写 sender，如 \"信用管理 <credit@example.com>\"")
    forms = form_paths(out_dir, digest.period)
    missing = [p.name for p in forms if not p.is_file()]
    if missing:
        raise MessageError(f"{out_dir} 中缺少 {'、'.join(missing)}；请先运行 credit-workbook run --period {digest.period}")
    title = subject(company, digest.period)
    context = body_context(audience.roles, company, digest, [p.name for p in forms])
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = title
    msg["From"] = _address_header(sender)
    msg["To"] = [_address_header(a) for a in audience.addresses]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=_domain(sender))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders stay quiet
    msg.set_content(render_text(context), subtype="plain", charset="utf-8")
    msg.add_alternative(render_html(context), subtype="html", charset="utf-8")
    for path in forms:
        data = path.read_bytes()
        if mask:
            from credit_workbook.privacy import mask_xlsx

            data = mask_xlsx(data)
        _attach(msg, path.name, data)
    return RoleMessage(audience.role, tuple(_bare(a) for a in audience.addresses), msg)


def _attach(msg: EmailMessage, name: str, data: bytes) -> None:
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    part = list(msg.iter_attachments())[-1]
    words = "\n ".join(Header(name, "utf-8").encode(maxlinelen=75).split())  # encoded words, <= 75 chars each
    del part["Content-Type"], part["Content-Disposition"]
    part.set_raw("Content-Type", f'{"/".join(XLSX_TYPE)};\n name="{words}"')
    part.set_raw("Content-Disposition", f"attachment; filename*=utf-8''{quote(name, safe='')}")


def _address_header(text: str) -> Address:
    """"信用管理 <credit@example.com>" as an Address, so a Chinese display name is RFC 2047-encoded."""
    (name, addr), = getaddresses([text])
    user, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)
