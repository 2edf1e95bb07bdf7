"""fileio's atomic writes reach the disk before they count: the file is fsynced before the rename, the folder
after it (otherwise a power cut can leave the new name pointing at nothing, or the old name back)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from credit_workbook import fileio

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name an fd's file")


@pytest.fixture()
def journal(monkeypatch):
    """The real fsync and rename, each call noted with the path it acted on."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, *a, **k):
        events.append(("replace", f"{os.fspath(src)} -> {os.fspath(dst)}"))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(fileio.os, "fsync", fsync)
    monkeypatch.setattr(fileio.os, "replace", replace)
    return events


@pytest.mark.parametrize("write", ["atomic_write", "atomic_copy", "atomic_target"])
def test_the_file_is_fsynced_before_the_rename_and_the_folder_after(tmp_path, journal, write):
    target = tmp_path / "out" / "2026-10" / "results.json"
    source = tmp_path / "source.json"
    source.write_bytes(b"{}")
    if write == "atomic_write":
        fileio.atomic_write(target, b"{}")
    elif write == "atomic_copy":
        fileio.atomic_copy(source, target)
    else:
        with fileio.atomic_target(target) as tmp:
            tmp.write_bytes(b"{}")
    (fsync_file, replace, fsync_dir) = journal
    temp = replace[1].split(" -> ")[0]
    assert fsync_file == ("fsync", temp) and Path(temp).parent == target.parent
    assert replace == ("replace", f"{temp} -> {target}")
    assert fsync_dir == ("fsync", str(target.parent))
    assert target.read_bytes() == b"{}" and sorted(p.name for p in target.parent.iterdir()) == ["results.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, journal):
    target = tmp_path / "results.json"
    fileio.atomic_write(target, b"old")
    journal.clear()
    with pytest.raises(RuntimeError):
        with fileio.atomic_target(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["results.json"]
    assert [e for e in journal if e[0] == "replace"] == []
