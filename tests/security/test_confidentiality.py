"""客户信息保密: the audit log names every file written and mailed; what the product creates is owner-only;
no secret is ever written into the workspace."""

from __future__ import annotations

import base64
import getpass
import hashlib
import os
import socket
import stat
from datetime import datetime
from pathlib import Path

import pytest
from mail.conftest import PASSWORD_ENV

from credit_workbook.store import Store

from .conftest import cli, configure_mail, process
from .hostile import PERIOD, build

USER = "credit@example.com"


def _audit(ws) -> list[tuple[str, str, str, dict]]:
    with Store(ws.store_path) as store:
        return store.audit_rows()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_files(ws, files: list[dict]) -> None:
    for f in files:
        path = ws.root / f["path"]
        assert path.is_file() and f["sha256"] == _sha(path) and f["bytes"] == path.stat().st_size, f


def test_the_audit_log_names_who_when_and_every_file_written(hostile):
    ws = hostile
    rows = _audit(ws)
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    assert {w for _, w, _, _ in rows} == {who}
    assert all(datetime.fromisoformat(at).tzinfo is not None for at, _, _, _ in rows)
    by_action: dict[str, list[dict]] = {}
    for _, _, action, detail in rows:
        by_action.setdefault(action, []).append(detail)
    assert [d["period"] for d in by_action["run"]] == [PERIOD] and [d["period"] for d in by_action["rate"]] == [PERIOD]
    assert sorted(d["file"] for d in by_action["ingest"]) == ["应收账款明细账_202610.xlsx", "预付账款明细账_202610.csv"]

    # exports: every workbook and results.json in out/ is named by the outputs row of the run that wrote it
    out = ws.out_dir(PERIOD)
    run_out, rate_out = by_action["outputs"]
    assert run_out["command"] == "run" and rate_out["command"] == "rate"
    audited = {f["path"] for d in by_action["outputs"] for f in d["files"]}
    on_disk = {p.relative_to(ws.root).as_posix() for p in out.rglob("*") if p.suffix in (".xlsx", ".json")}
    assert on_disk == audited
    _check_files(ws, rate_out["files"])  # the latest run: the very bytes on disk

    # write-back: each survey as written, and the backup kept before
    (write_back,) = by_action["write_back"]
    assert sorted(f["path"] for f in write_back["files"]) == sorted(f"surveys/{p.name}" for p in ws.survey_files())
    _check_files(ws, write_back["files"])
    backups = by_action["backup"]
    assert len(backups) == 9 and sorted(b["path"] for b in backups) == sorted(write_back["backups"])
    _check_files(ws, backups)

    (export,) = by_action["export"]
    assert export["rows"] == 9 and export["masked"] is False
    _check_files(ws, export["files"])
    dry = by_action["mail_dry_run"]
    assert sorted(d["role"] for d in dry) == ["总经理", "营销副总", "营销部经理", "董事长"]
    assert all(len(d["attachments"]) == 3 and d["recipients"] and Path(d["file"]).is_file() for d in dry)


# -- no secret in the workspace --------------------------------------------------------------

def _forms_of(password: str, user: str = USER) -> list[bytes]:
    """The password as it could end up in a file: plain, UTF-16, and as AUTH PLAIN / LOGIN send it."""
    plain = password.encode()
    return [plain, password.encode("utf-16-le"), base64.b64encode(plain),
            base64.b64encode(b"\0" + user.encode() + b"\0" + plain)]


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
            and any(n in p.read_bytes() for n in needles)]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_no_secret_is_written_anywhere_and_every_mail_is_audited(hostile_copy, smtp_server, monkeypatch):
    ws = hostile_copy
    password, wrong = "Pw-" + os.urandom(9).hex(), "Wrong-" + os.urandom(9).hex()
    server = smtp_server(password=password, auth_require_tls=False)
    configure_mail(ws, port=server.port, user=USER)  # loopback, no TLS: login allowed on 127.0.0.1 only
    monkeypatch.setenv(PASSWORD_ENV, password)
    code, out, err = cli("run", ws.root, "--period", PERIOD)  # [mail] enabled: run mails the month
    assert code == 0 and "已发送" in out, err
    assert cli("export", ws.root, "--mask")[0] == 0
    assert cli("watch", ws.root, "--once", "--no-mail")[0] == 0  # writes .credit/watch.log
    monkeypatch.setenv(PASSWORD_ENV, wrong)
    code, out, err = cli("mail", ws.root, "--period", PERIOD)
    assert code == 1 and "拒绝登录" in err
    assert server.logins and {p for _, _, p in server.logins} == {password.encode(), wrong.encode()}
    assert len(server.handler.envelopes) == 4

    assert _files_holding(ws.root, _forms_of(password) + _forms_of(wrong)) == []
    assert (ws.state / "watch.log").is_file() and ws.store_path.is_file()

    rows = _audit(ws)
    sent = [d for _, _, a, d in rows if a == "mail_sent"]
    failed = [d for _, _, a, d in rows if a == "mail_failed"]
    assert len(sent) == 4 and len(failed) == 4
    assert {r for d in sent for r in d["recipients"]} == {
        "vp.sales@example.com", "cfo@example.com", "gm@example.com", "chair@example.com", "sales.mgr@example.com"}
    assert all(len(d["attachments"]) == 3 and d["message_id"] for d in sent)
    assert all("拒绝登录" in d["error"] for d in failed)


# -- owner-only files --------------------------------------------------------------------------

PRIVATE = ("out", "archive", "quarantine", ".credit")


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes; on Windows the folder's ACL is inherited")
def test_everything_the_product_creates_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)  # the most permissive: any mode not set explicitly would show as 0o666 / 0o777
    try:
        ws = build(tmp_path / "ws")
        shared = ws.surveys / "KH001.xlsx"
        shared.chmod(0o640)  # a form the user shares with the group
        (ws.inbox / "乱码.csv").write_bytes(b"\xff\xfe not a ledger \x00\x01")  # quarantined by watch
        assert cli("watch", ws.root, "--once", "--no-mail")[0] == 2
        process(ws)
        with Store(ws.store_path) as store:  # -wal and -shm exist while a connection is open
            store.audit("probe")
            wal = [ws.store_path.with_name(ws.store_path.name + s) for s in ("-wal", "-shm")]
            assert all(p.is_file() for p in wal)
            assert [oct(stat.S_IMODE(p.stat().st_mode)) for p in wal] == ["0o600", "0o600"]
    finally:
        os.umask(old)

    files = dirs = 0
    for top in PRIVATE:
        for path in [ws.root / top, *(ws.root / top).rglob("*")]:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_dir():
                dirs += 1
                assert mode == 0o700, (str(path), oct(mode))
            else:
                files += 1
                assert mode == 0o600, (str(path), oct(mode))
    assert files >= 30 and dirs >= 8
    kinds = {p.suffix for top in PRIVATE for p in (ws.root / top).rglob("*") if p.is_file()}
    assert {".xlsx", ".json", ".csv", ".eml", ".txt", ".sqlite", ".log"} <= kinds, kinds
    assert any((ws.root / "quarantine").glob("乱码.csv")) and any((ws.state / "backups").iterdir())
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640  # rewritten in place, still shared as it was


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_atomic_writes_create_owner_only_and_keep_the_mode_of_what_they_replace(tmp_path):
    from credit_workbook.fileio import atomic_copy, atomic_write, private_dir

    old = os.umask(0)
    try:
        source = tmp_path / "inbox" / "ledger.csv"
        source.parent.mkdir()
        source.write_bytes(b"a,b\n")
        source.chmod(0o644)
        atomic_write(tmp_path / "new" / "deeper" / "out.json", b"{}")
        atomic_copy(source, tmp_path / "archive" / "ledger.csv")
        shared = tmp_path / "inbox" / "shared.xlsx"
        shared.write_bytes(b"old")
        shared.chmod(0o664)
        atomic_write(shared, b"new")
        private_dir(tmp_path / "inbox" / "sub")
    finally:
        os.umask(old)

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "deeper") == 0o700
    assert mode(tmp_path / "new" / "deeper" / "out.json") == 0o600
    assert mode(tmp_path / "archive" / "ledger.csv") == 0o600  # not the 0o644 of the dropped file
    assert (tmp_path / "archive" / "ledger.csv").stat().st_mtime == source.stat().st_mtime  # times kept
    assert shared.read_bytes() == b"new" and mode(shared) == 0o664
    assert mode(tmp_path / "inbox") == 0o777 and mode(tmp_path / "inbox" / "sub") == 0o700  # existing: untouched
