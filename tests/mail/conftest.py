"""Fixtures for the mail tests: the demo company's real month, a real SMTP server on loopback.

The demo (``credit-workbook demo``, ~15–30 s) runs ONCE per session; every
test gets its own copy of the workspace, so audit rows, [mail] settings and
.eml files never leak between tests. The SMTP server is aiosmtpd on
127.0.0.1 with a free port; TLS uses a self-signed certificate made here
(``cryptography``, or ``openssl req``), which the client trusts through an
injected context.
"""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import os
import re
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from credit_workbook.workspace import Workspace

PASSWORD_ENV = "CREDIT_TEST_SMTP_PASSWORD"
PERIOD = "2026-10"
RECIPIENTS = {
    "营销副总": ["vp.sales@example.com"],
    "财务总监": ["cfo@example.com"],
    "总经理": ["张总 <gm@example.com>"],
    "董事长": ["chair@example.com"],
    "营销部经理": ["sales.mgr@example.com", "cfo@example.com"],  # cfo listed twice: gets ONE message
}


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    from credit_workbook.cli import main

    root = tmp_path_factory.mktemp("mail_demo") / "ws"
    err = io.StringIO()
    assert main(["demo", str(root)], stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    assert (root / "out" / PERIOD / "results.json").is_file()
    return root


@pytest.fixture
def ws(demo_root, tmp_path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(demo_root, root)
    return Workspace(root)


def _toml_list(items) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def configure_mail(ws: Workspace, *, port: int = 25, security: str = "none", user: str = "",
                   recipients: dict | None = None, sender: str = "信用管理 <credit@example.com>",
                   enabled: bool = True, host: str = "127.0.0.1") -> None:
    """Replace credit.toml's [mail] part (the file's last sections) with these settings."""
    text = ws.config_path.read_text(encoding="utf-8")
    head = text[:re.search(r"^\[mail\]", text, re.MULTILINE).start()]
    rec = RECIPIENTS if recipients is None else recipients
    lines = ["[mail]", f"enabled = {'true' if enabled else 'false'}", f'smtp_host = "{host}"',
             f"smtp_port = {port}", f'security = "{security}"', f'user = "{user}"',
             f'password_env = "{PASSWORD_ENV}"', f'sender = "{sender}"', "", "[mail.recipients]"]
    lines += [f'"{role}" = {_toml_list(addrs)}' for role, addrs in rec.items()]
    ws.config_path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


# -- SMTP server -----------------------------------------------------------------------------

class Recorder:
    """aiosmtpd handler: keeps what it accepted; can answer DATA with a temporary error first."""

    def __init__(self, fail_first: int = 0, reply: str = "451 4.3.0 Temporary local problem, try later"):
        self.fail_first, self.reply = fail_first, reply
        self.data_calls = 0
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        if self.data_calls <= self.fail_first:
            return self.reply
        self.envelopes.append(envelope)
        return "250 2.0.0 OK"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.original_content or e.content, policy=default) for e in self.envelopes]


@dataclass
class Server:
    port: int
    handler: Recorder
    logins: list = field(default_factory=list)  # (session id, login, password) per AUTH attempt


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Factory: ``smtp_server(handler=..., password=..., **aiosmtpd options)`` → a running ``Server``."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    controllers = []

    def start(handler: Recorder | None = None, password: str | None = None, **options) -> Server:
        server = Server(free_port(), handler or Recorder())
        if password is not None:
            def authenticator(_server, session, _envelope, _mechanism, auth_data):
                server.logins.append((id(session), auth_data.login, auth_data.password))
                ok = auth_data.password == password.encode()
                return AuthResult(success=ok, handled=False)  # handled=True would mean "already replied"

            options.update(authenticator=authenticator, auth_required=True)
        controller = Controller(server.handler, hostname="127.0.0.1", port=server.port, **options)
        controller.start()
        controllers.append(controller)
        return server

    yield start
    for controller in controllers:
        controller.stop()


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path
    pem: str

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A default (verifying) context that trusts only this certificate."""
        return ssl.create_default_context(cadata=self.pem)


def _with_cryptography(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                        serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))


def _with_openssl(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem"),
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
                   check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> Certificate:
    """Self-signed, for 127.0.0.1 and localhost: what a test needs to verify the server for real.

    Made with ``cryptography`` when installed, else with ``openssl req``; skipped (loudly) only
    when neither exists — and failed instead on CI, where a skip would hide the TLS tests.
    """
    folder = tmp_path_factory.mktemp("tls")
    try:
        _with_cryptography(folder)
    except ImportError:
        if shutil.which("openssl") is None:
            if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
                pytest.fail("CI=true but neither cryptography nor openssl is installed: TLS tests would be skipped")
            pytest.skip("!!! neither cryptography nor openssl installed — SMTP TLS tests SKIPPED !!!")
        _with_openssl(folder)
    return Certificate(folder / "cert.pem", folder / "key.pem", (folder / "cert.pem").read_text())


class Sleeps(list):
    """An injected ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
