"""Atomic, reproducible writes: the promise every output and write-back relies on."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from credit_workbook.fileio import ZIP_EPOCH, atomic_target, atomic_write, save_openpyxl


def test_same_content_gives_the_same_bytes_with_pinned_stamps(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "江南华盛"
    for i in range(30):  # many merged ranges: openpyxl writes them in set order
        wb.active.merge_cells(start_row=i + 2, start_column=1, end_row=i + 2, end_column=3)
    stamp = datetime(2026, 10, 31, 9, 0)
    save_openpyxl(wb, tmp_path / "a.xlsx", modified=stamp, created=stamp)
    save_openpyxl(wb, tmp_path / "b.xlsx", modified=stamp, created=stamp)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {ZIP_EPOCH}
        core = z.read("docProps/core.xml")
        assert core.count(b"2026-10-31T09:00:00Z") == 2


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "out.xlsx"
    atomic_write(target, b"old")

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with atomic_target(target) as tmp:
            tmp.write_bytes(b"half")
            raise Boom
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
