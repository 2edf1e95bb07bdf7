"""``run`` mails the month when [mail] is enabled, and a mail failure never fails the run."""

from __future__ import annotations

import io

from credit_workbook.cli import main

from .conftest import configure_mail, free_port


def _run(ws) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", str(ws.root), "--period", "2026-10"], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_run_sends_the_month_to_the_managers(ws, smtp_server):
    server = smtp_server()
    configure_mail(ws, port=server.port)
    code, out, err = _run(ws)
    assert code == 0, err
    messages = server.handler.messages()
    assert messages and all("2026年10月" in m["Subject"] for m in messages)
    assert ws.state.joinpath("credit.sqlite").exists()


def test_an_unreachable_mail_server_is_reported_and_the_run_still_succeeds(ws):
    configure_mail(ws, port=free_port())  # nothing listens there
    code, out, err = _run(ws)
    assert code == 0
    assert err.strip() and "Traceback" not in err
    assert (ws.out_dir("2026-10") / "results.json").exists()
