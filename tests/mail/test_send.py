"""The demo company's October mail through a REAL SMTP server (aiosmtpd on loopback).

Assertions are on what the server RECEIVED: envelope, headers, both bodies,
the attachments' decoded names and bytes; and on the audit log.
"""

from __future__ import annotations

import json
from collections import Counter
from email.utils import getaddresses
from urllib.parse import quote

from credit_workbook.mail.monthly import send_month_mail
from credit_workbook.store import Store

from .conftest import PASSWORD_ENV, PERIOD, Recorder, configure_mail, free_port

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS = (f"客户信用等级分类汇总表_{PERIOD}.xlsx", f"预付赊销客户汇总表_{PERIOD}.xlsx",
         f"客户授信额度执行评价表_{PERIOD}.xlsx")


def _audit(ws, action):
    with Store(ws.store_path) as store:
        return [detail for _, _, _, detail in store.audit_rows(action)]


def _bodies(msg) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def _results(ws) -> dict:
    return json.loads((ws.out_dir(PERIOD) / "results.json").read_text(encoding="utf-8"))


def test_every_role_receives_the_month_with_the_three_forms(ws, smtp_server, sleeps):
    server = smtp_server()
    configure_mail(ws, port=server.port)
    result = send_month_mail(ws, sleep=sleeps)  # period: the latest out/ month

    assert result.ok and result.exit_code == 0 and result.period == PERIOD, result.error_lines()
    assert sleeps == []
    received = server.handler.messages()
    by_role = {d.role: d for d in result.deliveries}
    # cfo@ is 财务总监's only address and is also on 营销部经理's list: one message, the fuller one
    assert list(by_role) == ["营销部经理", "营销副总", "总经理", "董事长"]
    envelope_to = Counter(r for e in server.handler.envelopes for r in e.rcpt_tos)
    assert envelope_to["cfo@example.com"] == 1 and len(received) == 4 and sum(envelope_to.values()) == 5

    company = ws.policy().company
    subject = f"【信用管理】{company} 2026年10月 客户信用月报"
    out = ws.out_dir(PERIOD)
    for msg, envelope in zip(received, server.handler.envelopes):
        assert msg["Subject"] == subject
        assert msg["From"].addresses[0].addr_spec == "credit@example.com"
        assert msg["From"].addresses[0].display_name == "信用管理"
        assert msg["Message-ID"] and msg["Date"] and envelope.mail_from == "credit@example.com"
        to = [a for _, a in getaddresses([str(msg["To"])])]
        assert sorted(to) == sorted(envelope.rcpt_tos)
        attachments = list(msg.iter_attachments())
        assert [a.get_filename() for a in attachments] == list(FORMS)  # decoded from the wire form below
        raw = envelope.original_content or envelope.content
        for part in attachments:
            assert part.get_content_type() == XLSX
            assert part.get_content() == (out / part.get_filename()).read_bytes()
            on_wire = f"Content-Disposition: attachment; filename*=utf-8''{quote(part.get_filename(), safe='')}\r\n"
            assert on_wire.encode() in raw  # RFC 2231, one line: no filename*0*/*1* continuations
        assert b"results.json" not in raw and quote("标注").encode() not in raw

    gm = next(m for m in received if "gm@example.com" in str(m["To"]))
    assert str(gm["To"]).startswith("张总 <gm@example.com>")
    mgr = next(m for m in received if "sales.mgr@example.com" in str(m["To"]))
    assert sorted(a for _, a in getaddresses([str(mgr["To"])])) == ["cfo@example.com", "sales.mgr@example.com"]
    assert "呈：营销部经理、财务总监" in _bodies(mgr)[0]

    # audit: one mail_sent per message, naming what was received
    sent = _audit(ws, "mail_sent")
    assert sorted(d["message_id"] for d in sent) == sorted(m["Message-ID"] for m in received)
    for d in sent:
        assert d["subject"] == subject and d["attachments"] == list(FORMS) and d["period"] == PERIOD
        assert d["recipients"] == list(by_role[d["role"]].recipients)
    assert _audit(ws, "mail_failed") == []


def test_bodies_state_the_months_facts(ws, smtp_server, sleeps):
    server = smtp_server()
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"],
                                                     "营销部经理": ["sales.mgr@example.com"]})
    assert send_month_mail(ws, PERIOD, sleep=sleeps).ok
    mgr, gm = server.handler.messages()  # 营销部经理 first
    results = _results(ws)
    grades = Counter(c["grade"] for c in results["counterparties"])
    reds = [(c["name"], f) for c in results["counterparties"] for f in c["flags"] if f["severity"] == "红"]
    yellows = [(c["name"], f) for c in results["counterparties"] for f in c["flags"] if f["severity"] == "黄"]
    assert reds and yellows and results["total"]["jan1_exposure"] is not None
    for msg in (gm, mgr):
        text, html = _bodies(msg)
        for body in (text, html):
            for g in "ABC":
                assert f"{grades[g]}" in body
            assert f"A级 {grades['A']}" in text and f"C级 {grades['C']}" in text
            assert f"红色违规 {len(reds) + 1} 项" in body  # + R11, the company's
            for name, flag in reds:
                assert name in body and f"{flag['rule']} 红" in body
            assert "R11 红" in body and "第二十四条" in body
            assert "8,000,000.00" in body and "7,905,000.00" in body and "超出 95,000.00 元" in body
            assert "杭州萧山华翔化纤有限公司" in body and "175.0%" in body  # top of the utilisation list
            assert "陈建国" in body and "未指定" in body  # 回收责任制: salespeople from Form 4
            for name in FORMS:
                assert name in body
    gm_text, gm_html = _bodies(gm)
    mgr_text, mgr_html = _bodies(mgr)
    for rule in {f["rule"] for _, f in yellows}:  # the 黄 list is the 营销部经理's only
        marker = f"{rule} 黄"
        assert marker in mgr_text and marker in mgr_html and marker not in gm_text and marker not in gm_html
    assert f"黄色预警事项（{len(yellows)} 项）" in mgr_text and "黄色预警事项（" not in gm_text
    assert "呈：总经理" in gm_text and "呈：营销部经理" in mgr_text


def test_no_bank_account_or_credit_code_reaches_a_body(ws, smtp_server, sleeps):
    from credit_workbook.forms.survey_reader import read_survey_file

    secrets = set()
    for path in ws.survey_files():
        raw = read_survey_file(path)
        if raw.fields.get("uscc") and raw.fields["uscc"].value:
            secrets.add(str(raw.fields["uscc"].value))
        for row in raw.tables.get("tbl_banks", ()):
            if row["account_no"].value:
                secrets.add(str(row["account_no"].value))
    assert len(secrets) > 40  # the demo's forms carry codes and accounts: the check has something to find
    server = smtp_server()
    configure_mail(ws, port=server.port)
    assert send_month_mail(ws, sleep=sleeps).ok
    for msg in server.handler.messages():
        for body in _bodies(msg):
            assert not [s for s in secrets if s in body]
            assert "统一社会信用代码" not in body and "账号" not in body


def test_starttls_with_login_against_a_verified_certificate(ws, smtp_server, certificate, sleeps):
    server = smtp_server(password="s3cret", tls_context=certificate.server_context(), require_starttls=True)
    configure_mail(ws, port=server.port, security="starttls", user="credit@example.com",
                   recipients={"总经理": ["gm@example.com"]})
    result = send_month_mail(ws, sleep=sleeps, ssl_context=certificate.client_context(),
                             env={PASSWORD_ENV: "s3cret"})
    assert result.ok, result.error_lines()
    assert [m["To"] for m in server.handler.messages()] == ["gm@example.com"]
    assert server.logins and all(p == b"s3cret" for _, _, p in server.logins)  # aiosmtpd allows AUTH only after TLS


def test_starttls_refuses_a_certificate_it_cannot_verify(ws, smtp_server, certificate, sleeps):
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    configure_mail(ws, port=server.port, security="starttls", recipients={"总经理": ["gm@example.com"],
                                                                          "董事长": ["chair@example.com"]})
    result = send_month_mail(ws, sleep=sleeps)  # the default context: the self-signed cert is not trusted
    assert not result.ok and result.exit_code == 1
    assert sleeps == [] and server.handler.envelopes == []
    first, second = result.deliveries
    assert "证书校验失败" in first.error and first.attempts == 1
    assert second.error.startswith("未发送：") and second.attempts == 0  # no second try at the same server


def test_implicit_tls(ws, smtp_server, certificate, sleeps):
    server = smtp_server(ssl_context=certificate.server_context())
    configure_mail(ws, port=server.port, security="ssl", recipients={"董事长": ["chair@example.com"]})
    result = send_month_mail(ws, sleep=sleeps, ssl_context=certificate.client_context())
    assert result.ok, result.error_lines()
    assert len(server.handler.envelopes) == 1


def test_authentication_failure_is_not_retried_and_is_audited(ws, smtp_server, certificate, sleeps):
    server = smtp_server(password="right", tls_context=certificate.server_context(), require_starttls=True)
    configure_mail(ws, port=server.port, security="starttls", user="credit@example.com",
                   recipients={"总经理": ["gm@example.com"], "董事长": ["chair@example.com"]})
    result = send_month_mail(ws, sleep=sleeps, ssl_context=certificate.client_context(),
                             env={PASSWORD_ENV: "wrong-pw"})
    assert not result.ok and result.exit_code == 1
    assert sleeps == [] and server.handler.envelopes == []
    assert len({session for session, _, _ in server.logins}) == 1  # one session: no retry, not once per role
    assert all(d.attempts <= 1 for d in result.deliveries)
    lines = result.error_lines()
    assert len(lines) == 2 and "发信服务器拒绝登录" in lines[0] and "535" in lines[0] and PASSWORD_ENV in lines[0]
    failed = _audit(ws, "mail_failed")
    assert [d["recipients"] for d in failed] == [["gm@example.com"], ["chair@example.com"]]
    assert all("拒绝登录" in d["error"] and "wrong-pw" not in json.dumps(d, ensure_ascii=False) for d in failed)
    assert _audit(ws, "mail_sent") == []


def test_temporary_refusal_is_retried_with_backoff_then_succeeds(ws, smtp_server, sleeps):
    server = smtp_server(Recorder(fail_first=2))
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"]})
    result = send_month_mail(ws, sleep=sleeps)
    assert result.ok and result.deliveries[0].attempts == 3
    assert sleeps == [1.0, 2.0] and server.handler.data_calls == 3 and len(server.handler.envelopes) == 1
    assert _audit(ws, "mail_sent")[0]["attempts"] == 3


def test_temporary_refusal_gives_up_after_three_tries(ws, smtp_server, sleeps):
    server = smtp_server(Recorder(fail_first=99))
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"]})
    result = send_month_mail(ws, sleep=sleeps)
    assert not result.ok and result.exit_code == 1
    assert sleeps == [1.0, 2.0] and server.handler.data_calls == 3
    error = result.deliveries[0].error
    assert "暂时无法接收" in error and "451" in error and "已尝试 3 次" in error
    assert _audit(ws, "mail_failed")[0]["attempts"] == 3


def test_permanent_refusal_fails_that_message_only(ws, smtp_server, sleeps):
    server = smtp_server(Recorder(fail_first=1, reply="554 5.7.1 Message rejected"))
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"], "董事长": ["chair@example.com"]})
    result = send_month_mail(ws, sleep=sleeps)
    gm, chair = result.deliveries
    assert not gm.ok and gm.attempts == 1 and "554" in gm.error and sleeps == []
    assert chair.ok and [e.rcpt_tos for e in server.handler.envelopes] == [["chair@example.com"]]
    assert result.exit_code == 1


def test_unreachable_server_is_retried_then_the_other_roles_are_skipped(ws, sleeps):
    configure_mail(ws, port=free_port(), recipients={"总经理": ["gm@example.com"], "董事长": ["chair@example.com"]})
    result = send_month_mail(ws, sleep=sleeps)
    first, second = result.deliveries
    assert "连接被拒绝" in first.error and first.attempts == 3 and sleeps == [1.0, 2.0]
    assert second.error.startswith("未发送：") and second.attempts == 0
    assert len(_audit(ws, "mail_failed")) == 2


def test_settings_are_checked_before_connecting(ws, smtp_server, sleeps):
    server = smtp_server()
    configure_mail(ws, port=server.port, security="starttls", user="credit@example.com")
    result = send_month_mail(ws, sleep=sleeps, env={})
    assert result.exit_code == 2 and result.deliveries == [] and server.handler.data_calls == 0
    assert f"环境变量 {PASSWORD_ENV} 未设置" in result.problem
    failed = _audit(ws, "mail_failed")
    assert len(failed) == 1 and "cfo@example.com" in failed[0]["recipients"]

    configure_mail(ws, port=server.port, enabled=False)
    result = send_month_mail(ws, sleep=sleeps)
    assert result.exit_code == 2 and "未启用" in result.problem and server.handler.data_calls == 0

    configure_mail(ws, port=server.port, recipients={})
    assert "没有收件人" in send_month_mail(ws, sleep=sleeps).problem

    configure_mail(ws, port=server.port)
    result = send_month_mail(ws, "2025-01", sleep=sleeps)
    assert result.exit_code == 2 and "results.json" in result.problem and "不存在" in result.problem


def test_a_fault_of_ours_is_reported_not_raised(ws, smtp_server, sleeps, monkeypatch):
    from credit_workbook.mail import message

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(message, "build_message", broken)
    server = smtp_server()
    configure_mail(ws, port=server.port)
    result = send_month_mail(ws, sleep=sleeps)
    assert result.exit_code == 1 and result.problem == "内部错误：RuntimeError: boom"
    assert _audit(ws, "mail_failed")[0]["error"] == "内部错误：RuntimeError: boom"


def test_the_watcher_can_tell_a_month_was_already_mailed(ws, smtp_server, sleeps):
    from credit_workbook.mail.monthly import already_sent

    server = smtp_server()
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"]})
    assert not already_sent(ws, PERIOD)
    assert send_month_mail(ws, sleep=sleeps).ok
    assert already_sent(ws, PERIOD)
    configure_mail(ws, port=server.port, recipients={"总经理": ["gm@example.com"], "董事长": ["chair@example.com"]})
    assert not already_sent(ws, PERIOD)  # a role added since: not everybody has it
