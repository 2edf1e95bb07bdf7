"""Every hostile file at once in a real inbox: `run` quarantines each with its reason, imports the good one.

The run is a child process (``python -m credit_workbook``), so a file that
got past the guard and made calamine abort would show as a dead process,
not take the test session down with it. The table this produces is the
one in the README (hostile input → outcome).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .hostile import (
    LOL,
    Member,
    lying_sizes,
    parts,
    with_dtd,
    with_sheet,
    write_zip,
    xls_with_cell,
    xxe,
    zip_bomb,
)
from .test_encrypted import encrypt
from .test_sheet_extent import FAR_CELLS

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "sample_workbooks/ledgers/应收账款明细账_202610.xlsx"


def hostile_files(folder: Path, base: Path, real_xls: Path | None) -> dict[str, str]:
    """Write the hostile set into ``folder``; file name → what its quarantine note must say."""
    expect = {}

    def add(name: str, fragment: str) -> Path:
        expect[name] = fragment
        return folder / name

    zip_bomb(base, add("炸弹_32GiB.xlsx", "疑似压缩炸弹"), unpacked=32 << 30)
    zip_bomb(base, add("炸弹_压缩比.xlsx", "压缩比异常"), unpacked=16 << 20)
    lying_sizes(base, add("炸弹_谎报大小.xlsx", "文件不完整或已损坏"), unpacked=64 << 20, declared=1000)
    members = [Member.deflated(n, d) for n, d in parts(base).items()]
    write_zip(add("部件洪水.xlsx", "个部件（上限 10,000）"),
              members + [Member.deflated(f"xl/media/{i}.bin", b"") for i in range(20_000)])
    with_sheet(base, add("远处单元格.xlsx", "已用范围至少达"), FAR_CELLS["canonical"], dimension="A1:B2")
    with_sheet(base, add("远处单元格_空格引用.xlsx", "已用范围至少达"), FAR_CELLS["spaced_equals"])
    with_sheet(base, add("远处单元格_无引用.xlsx", "已用范围至少达"), FAR_CELLS["cells_without_r"])
    with_sheet(base, add("声明范围过大.xlsx", "声明的范围为 A1:XFD1048576"), b"", dimension="A1:XFD1048576")
    with_dtd(base, add("实体炸弹.xlsx", "部件 xl/sharedStrings.xml 含有 DTD/实体声明"), "xl/sharedStrings.xml", LOL)
    secret = folder.parent / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    with_dtd(base, add("外部实体.xlsx", "部件 xl/worksheets/sheet1.xml 含有 DTD/实体声明"),
             "xl/worksheets/sheet1.xml", xxe(secret))
    encrypt(GOOD, add("加密.xlsx", "文件已加密，无法读取"))
    data = GOOD.read_bytes()
    add("半截.xlsx", "文件不完整或已损坏").write_bytes(data[: len(data) // 2])
    add("网页.xls", "网页（HTML/XML）格式").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
    write_zip(add("其实是Word.xlsx", "Word 文档"), [Member.deflated("word/document.xml", b"<w/>")])
    write_zip(add("其实是ods.xlsx", "OpenDocument 表格"),
              [Member.deflated("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
               Member.deflated("content.xml", b"<office/>")])
    add("二进制.csv", "二进制内容无法识别").write_bytes(b"%PDF-1.4\x00\x01\x02")
    if real_xls is not None:
        xls_with_cell(real_xls, add("远处单元格.xls", "第1张工作表的已用范围达 65,536 行 × 65,536 列"),
                      row=65535, col=0xFFFF)
    return expect


@pytest.fixture
def maybe_xls(request):
    try:
        return request.getfixturevalue("real_xls")
    except pytest.skip.Exception:
        return None


def test_run_quarantines_every_hostile_file_and_imports_the_good_one(tmp_path, base, maybe_xls):
    from credit_workbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    expect = hostile_files(ws.inbox, base, maybe_xls)
    shutil.copyfile(GOOD, ws.inbox / GOOD.name)
    env = {k: v for k, v in os.environ.items() if k != "CREDIT_WORKBOOK_PASSWORD"}
    env["PYTHONPATH"] = str(REPO)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.run([sys.executable, "-m", "credit_workbook", "run", str(ws.root)],
                           capture_output=True, text=True, check=False, timeout=600, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert child.returncode == 2, child.stderr  # inputs rejected; the process itself survived every file
    assert "Traceback" not in child.stdout + child.stderr

    assert sorted(p.name for p in ws.inbox.iterdir()) == []
    assert [p.name for p in (ws.root / "archive/2026-10").iterdir()] == [GOOD.name]
    results = json.loads((ws.root / "out/2026-10/results.json").read_text(encoding="utf-8"))
    rejected = {Path(r["file"]).name: r["errors"] for r in results["rejected_inputs"]}
    assert set(rejected) == set(expect)
    outcome = {}
    for name, fragment in expect.items():
        assert (ws.quarantine / name).read_bytes()  # the original, kept
        note = (ws.quarantine / f"{name}.error.txt").read_text(encoding="utf-8")
        assert fragment in note and name in note, (name, note)
        assert fragment in rejected[name][0], (name, rejected[name])
        outcome[name] = rejected[name][0]
    with sqlite3.connect(ws.store_path) as db:
        files = [row[0] for row in db.execute("SELECT original_name FROM ledger_files")]
    assert files == [GOOD.name]  # nothing from any hostile file entered history
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert cpu < 60, cpu  # the bombs cost the run nothing like their unpacked size
    (tmp_path / "outcomes.json").write_text(json.dumps(outcome, ensure_ascii=False, indent=1), encoding="utf-8")
