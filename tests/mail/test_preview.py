"""The HTML body in a real browser engine (headless Debian chromium) at phone widths.

A screenshot is kept (pytest's tmp and /tmp/mail_preview.png) for a person
to look at; the assertions are what can be measured: the PNG is a full,
non-blank 420×2400 image, and in a 360 or 420 px wide frame nothing is wider
than the frame (no sideways scrolling on a phone). Skipped only where chromium is
absent; on CI (CI=true) its absence fails instead, as for the other oracles.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from email import message_from_bytes
from email.policy import default
from html import escape
from pathlib import Path

import pytest

from credit_workbook.mail.monthly import send_month_mail

from .conftest import configure_mail

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PREVIEW = Path("/tmp/mail_preview.png")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
# Headless chromium will not make a window narrower than 500 px, so a phone is an iframe of
# its exact width; the page around it writes the widest thing inside where --dump-dom shows it.
PHONE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="mail" style="width:{width}px;height:20000px;border:0" srcdoc="{srcdoc}"></iframe>
<script>window.addEventListener('load', function () {{
  var d = document.getElementById('mail').contentDocument, w = d.documentElement.scrollWidth;
  d.querySelectorAll('body *').forEach(function (e) {{ w = Math.max(w, Math.ceil(e.getBoundingClientRect().right)); }});
  document.body.setAttribute('data-widest', String(w));
}});</script></body></html>"""


def _chromium():
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("CI=true but chromium is not installed (apt-get install chromium): mail preview would be skipped")
        pytest.skip("!!! chromium NOT INSTALLED (apt-get install chromium) — mail preview SKIPPED !!!")
    return CHROMIUM


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, timeout=120, check=False)


def _png(path: Path) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, the filtered scanlines) of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color = ihdr
    assert depth == 8 and color in (2, 6)
    return width, height, 3 if color == 2 else 4, zlib.decompress(idat)


def _html(ws) -> str:
    configure_mail(ws)
    result = send_month_mail(ws, dry_run=True)
    eml = next(d.eml for d in result.deliveries if d.role == "营销部经理")  # the longest message
    return message_from_bytes(eml.read_bytes(), policy=default).get_body(("html",)).get_content()


@pytest.mark.oracle
def test_html_body_reads_on_a_phone(ws, tmp_path):
    html = _html(ws)
    page = tmp_path / "mail.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "mail_preview.png"
    proc = _run(tmp_path, "--window-size=420,2400", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    shutil.copyfile(shot, PREVIEW)

    width, height, bpp, lines = _png(shot)
    assert (width, height) == (420, 2400) and shot.stat().st_size > 30_000
    stride = 1 + width * bpp
    assert len(lines) == stride * height
    # A one-colour image filters to zeros; text, tables and bars do not. Each third of the
    # height must carry drawing: the page is filled top to bottom, not blank below a header.
    for third in range(3):
        part = lines[third * stride * height // 3:(third + 1) * stride * height // 3]
        assert sum(1 for b in part if b) / len(part) > 0.02, f"third {third + 1} of the screenshot is blank"

    for phone in (360, 420):
        page = tmp_path / f"phone{phone}.html"
        page.write_text(PHONE.format(width=phone, srcdoc=escape(html, quote=True)), encoding="utf-8")
        dom = _run(tmp_path, "--window-size=600,2400", "--virtual-time-budget=10000", "--dump-dom",
                   page.as_uri()).stdout.decode()
        widest = re.search(r'data-widest="(\d+)"', dom)
        assert widest, dom[-2000:]
        assert int(widest.group(1)) <= phone, f"the mail is {widest.group(1)} px wide on a {phone} px phone"
