"""``--dry-run`` .eml files, and the ``mail`` subcommand as cli.py will wire it."""

from __future__ import annotations

import argparse
import io
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default

import pytest

from credit_workbook.mail.command import add_mail_parser, run_mail_command
from credit_workbook.mail.monthly import send_month_mail
from credit_workbook.store import Store

from .conftest import PERIOD, configure_mail, free_port

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def _cli(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="credit-workbook")
    add_mail_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["mail", *argv])
    out, err = io.StringIO(), io.StringIO()
    return run_mail_command(args, out, err), out.getvalue(), err.getvalue()


def _parts(msg) -> dict:
    """Everything a reader sees, decoded: what "the same message" means."""
    return {"headers": {h: str(msg[h]) for h in ("Subject", "From", "To", "Date", "Auto-Submitted")},
            "text": msg.get_body(("plain",)).get_content(), "html": msg.get_body(("html",)).get_content(),
            "attachments": [(a.get_filename(), a.get_content_type(), a.get_content()) for a in msg.iter_attachments()]}


def test_dry_run_eml_parses_back_to_the_message_that_is_sent(ws, smtp_server, sleeps):
    server = smtp_server()
    configure_mail(ws, port=server.port, enabled=False)  # a dry run needs no enabled mail
    dry = send_month_mail(ws, dry_run=True, now=NOW, sleep=sleeps)
    assert dry.ok and server.handler.envelopes == []
    folder = ws.out_dir(PERIOD) / "mail"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{d.role}.eml" for d in dry.deliveries)  # no temp files
    configure_mail(ws, port=server.port)
    sent = send_month_mail(ws, now=NOW, sleep=sleeps)
    assert sent.ok
    received = {d.role: m for d, m in zip(sent.deliveries, server.handler.messages())}
    for d in dry.deliveries:
        eml = message_from_bytes(d.eml.read_bytes(), policy=default)
        assert eml["Message-ID"] == d.message_id
        assert _parts(eml) == _parts(received[d.role])
    with Store(ws.store_path) as store:
        rows = [detail for _, _, _, detail in store.audit_rows("mail_dry_run")]
    assert sorted(r["file"] for r in rows) == sorted(str(d.eml) for d in dry.deliveries)


def test_dry_run_removes_the_eml_of_a_role_no_longer_mailed(ws):
    configure_mail(ws)
    assert send_month_mail(ws, dry_run=True).ok
    configure_mail(ws, recipients={"董事长": ["chair@example.com"]})
    assert send_month_mail(ws, dry_run=True).ok
    assert [p.name for p in (ws.out_dir(PERIOD) / "mail").iterdir()] == ["董事长.eml"]


def test_cli_dry_run_defaults_to_the_latest_month_and_takes_a_period(ws):
    configure_mail(ws, enabled=False)
    code, out, err = _cli(str(ws.root), "--dry-run")
    assert code == 0 and err == ""
    assert out.count("演练：") == 4 and f"out/{PERIOD}/mail/总经理.eml" in out
    code, out, _ = _cli(str(ws.root), "--dry-run", "--period", "2026-09")
    assert code == 0 and (ws.out_dir("2026-09") / "mail" / "营销部经理.eml").is_file()
    eml = message_from_bytes((ws.out_dir("2026-09") / "mail" / "总经理.eml").read_bytes(), policy=default)
    assert "2026年9月" in eml["Subject"]


def test_cli_exit_codes_and_chinese_errors(ws, smtp_server, monkeypatch):
    from credit_workbook.mail import send

    configure_mail(ws, enabled=False)
    code, out, err = _cli(str(ws.root))
    assert code == 2 and err.startswith("错误：邮件发送未启用") and out == ""

    configure_mail(ws, port=smtp_server().port)
    code, out, err = _cli(str(ws.root))
    assert code == 0 and out.count("已发送：") == 4 and err == ""

    code, _, err = _cli(str(ws.root), "--period", "2024-02")
    assert code == 2 and "错误：" in err and "results.json" in err

    configure_mail(ws, port=free_port(), recipients={"总经理": ["gm@example.com"]})
    waited: list[float] = []
    real = send.deliver
    # the CLI sleeps for real between tries: record the waits instead
    monkeypatch.setattr(send, "deliver", lambda *a, **kw: real(*a, **{**kw, "sleep": waited.append}))
    code, out, err = _cli(str(ws.root))
    assert code == 1 and "错误：发送给 总经理（gm@example.com）失败：无法连接发信服务器" in err
    assert "已尝试 3 次" in err and "审计日志" in err and waited == [1.0, 2.0]


def test_cli_rejects_a_malformed_period(capsys):
    with pytest.raises(SystemExit) as exc:
        _cli(".", "--period", "2026-13")
    assert exc.value.code == 2 and "应为 YYYY-MM" in capsys.readouterr().err
