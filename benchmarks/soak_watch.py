"""Soak the real watcher: hundreds of files dropped into a running ``credit-workbook watch`` as an office drops them.

    python benchmarks/soak_watch.py --files 1000 [--seed 1] [--settle 1] [--json FILE] [--keep] [--workdir DIR]

A real ``credit-workbook watch`` process (its watchdog observer, its settle
rules, its batches, its month runs) watches a fresh workspace while this
script drops ``--files`` files into ``inbox/``, in bursts, some while a
batch is running (it waits for the workspace lock's record to appear):

- **good**: monthly ledgers of one company (应收账款 and 预付账款, 明细账 as
  用友 / 金蝶 .xlsx or GBK CSV, and 余额表), each month of each account
  and shape once, in random order. Every counterparty's balance is the same
  at every month end (each month ships and collects the same amount), so any
  arrival order passes the opening-balance checks;
- **correction**: the same month, account and shape again with other
  figures: it replaces the earlier file (or is replaced, if it came first);
- **duplicate** (same bytes, another name) and **redrop** (same bytes, same
  name, once the first copy has left the inbox);
- **bad_balance** (a 本月合计 balance edited by hand), **truncated** (an
  .xlsx cut short, or a GBK CSV cut inside a row, arriving with an old
  mtime as a broken copy would),
  **random** (random bytes named .xlsx/.xls), **empty** (0 bytes);
- **lock** (``~$x.xlsx``, ``.~lock.x.xlsx#``), **partial** (a ``.crdownload``
  never finished), **temp** (``ABCD1234.tmp``): never ledgers.

Drop modes: written at once; copied slowly in chunks (an .xlsx copy stalls
longer than ``--settle`` half-way: only its zip directory says it is whole);
saved like Excel (``~$`` owner file, a ``.tmp`` written then renamed, owner
file removed); downloaded like a browser (``NAME.crdownload`` renamed);
moved in from elsewhere (keeps its mtime).

Then it waits until the inbox holds only the never-ledgers and the watcher
is idle, stops it with SIGTERM, and checks, from the store, the folders and
the audit log, that every good file was imported exactly once (the store's
``ledger_files`` are exactly the distinct good sha256s, each archived byte
for byte), every duplicate is in the audit log as one, every bad file is in
``quarantine/`` byte for byte with its ``.error.txt``, every never-ledger is
still in the inbox untouched, the watcher logged no fault and exited 0.

The default test run has a bounded version (``tests/watch/test_soak.py``,
~120 files); ``--files 1000`` is the long one (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from credit_workbook.samples.exports import (  # noqa: E402
    BALANCE,
    GBK_CSV,
    KINGDEE,
    WRITERS,
    YONYOU,
    Block,
    Entry,
    MonthLedger,
    write_yonyou,
)

GOOD, CORRECTION, DUPLICATE, REDROP = "good", "correction", "duplicate", "redrop"
BAD_BALANCE, TRUNCATED, RANDOM, EMPTY = "bad_balance", "truncated", "random", "empty"
LOCK, PARTIAL, TEMP = "lock", "partial", "temp"
IMPORTED, DUPLICATE_FATE, QUARANTINED, IGNORED = "imported", "duplicate", "quarantined", "ignored"
# good/correction/duplicate/redrop: of each distinct content exactly one copy is imported (whichever the
# watcher takes first, usually the original) and every other copy is recorded as a duplicate.
EXPECT = {GOOD: IMPORTED, CORRECTION: IMPORTED, DUPLICATE: DUPLICATE_FATE, REDROP: DUPLICATE_FATE,
          BAD_BALANCE: QUARANTINED, TRUNCATED: QUARANTINED, RANDOM: QUARANTINED, EMPTY: QUARANTINED,
          LOCK: IGNORED, PARTIAL: IGNORED, TEMP: IGNORED}
MIX = {GOOD: 0.50, CORRECTION: 0.05, DUPLICATE: 0.07, REDROP: 0.03, BAD_BALANCE: 0.08, TRUNCATED: 0.07,
       RANDOM: 0.05, EMPTY: 0.03, LOCK: 0.06, PARTIAL: 0.03, TEMP: 0.03}
DIRECT, CHUNKED, EXCEL, DOWNLOAD, MOVE = "direct", "chunked", "excel", "download", "move"
# Found and fixed (seed 1, 1,000 files): a GBK CSV cut inside a row (a copy that died, arriving with its
# old mtime) parsed as a month whose last row had no amounts, replaced the good file of its month, and the
# next months failed their opening balance. The ingest now refuses a CSV whose last line stops short
# (ledger/read_raw.py; tests/watch/test_soak.py and tests/ingest/test_cut_csv.py), so cuts include CSVs.

COMPANY = "浙江江南华盛实业有限公司"
ACCOUNTS = (("应收账款", "1122", "客户", "KH", ("锦绣服饰", "云锦纺织", "鸿泰制衣", "雅菲家纺", "甬达进出口")),
            ("预付账款", "1123", "供应商", "GY", ("新宇化纤", "华翔化纤", "宏宇染料", "新棉棉业")))
CENT = Decimal("0.01")


# ---------------------------------------------------------------- the ledgers

@dataclass(frozen=True)
class Slot:
    """One month of one account in one shape: the unit a correction replaces."""

    period: str
    account: int  # index into ACCOUNTS
    balance_table: bool

    def style(self) -> str:
        if self.balance_table:
            return BALANCE
        month = int(self.period[5:])
        return (YONYOU, KINGDEE, GBK_CSV)[month % 3] if self.account == 0 else (YONYOU, KINGDEE)[month % 2]

    def name(self, tag: str = "") -> str:
        account = ACCOUNTS[self.account][0]
        y, m = self.period.split("-")
        if self.balance_table:
            return f"{account}余额表_{y}年{int(m)}月{tag}.xlsx"
        return f"{account}明细账_{y}{m}{tag}.{'csv' if self.style() == GBK_CSV else 'xlsx'}"


def _periods(count: int) -> list[str]:
    """``count`` consecutive months ending 2026-09."""
    end = 2026 * 12 + 8
    return [f"{(end - i) // 12}-{(end - i) % 12 + 1:02d}" for i in reversed(range(count))]


def month_ledger(slot: Slot, variant: int, seed: int) -> MonthLedger:
    """Each counterparty ships and is paid the same amount in the month: the balance never moves."""
    account, _, role, prefix, names = ACCOUNTS[slot.account]
    rng = random.Random(f"{seed}/{slot.period}/{slot.account}/{variant}")
    y, m = (int(x) for x in slot.period.split("-"))
    blocks = []
    voucher = 1
    for i, short in enumerate(names, 1):
        balance = Decimal(10000 * i + 1234) + Decimal(i) * CENT
        amount = (Decimal(rng.randint(100_00, 80_000_00)) * CENT).quantize(CENT)
        d1, d2 = sorted(rng.sample(range(1, 29), 2))
        out, back = ("销售发货", "收到货款") if role == "客户" else ("预付货款", "到货冲减预付")
        entries = (Entry(date(y, m, d1), f"记-{voucher:04d}", f"{out} {short}", amount, Decimal("0.00"), balance + amount),
                   Entry(date(y, m, d2), f"记-{voucher + 1:04d}", f"{back} {short}", Decimal("0.00"), amount, balance))
        voucher += 2
        blocks.append(Block(f"{prefix}{i:03d}", f"{short}有限公司", balance, entries, amount, amount, balance,
                            amount * m, amount * m))
    return MonthLedger(slot.period, account, ACCOUNTS[slot.account][1], role, tuple(blocks), COMPANY,
                       datetime(y, m, 28, 17, 30))


def ledger_bytes(slot: Slot, variant: int, seed: int, folder: Path, bad: bool = False) -> bytes:
    ledger = month_ledger(slot, variant, seed)
    path = folder / f"v{variant}{'bad' if bad else ''}_{slot.name()}"
    if bad:  # a clerk "fixed" the month total by hand: it no longer follows from the lines
        block = ledger.blocks[0]
        write_yonyou(path, ledger, {(block.code, "本月合计"): block.closing + Decimal("100.00")})
    else:
        WRITERS[slot.style()](path, ledger)
    return path.read_bytes()


# ---------------------------------------------------------------- the drops

@dataclass
class Drop:
    name: str  # in inbox/
    data: bytes
    kind: str
    mode: str
    old_mtime: bool = False
    phase: int = 1  # 2: dropped again once the first copy has left the inbox
    during_batch: bool = False  # the watcher held the workspace lock when it was dropped

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def expect(self) -> str:
        return EXPECT[self.kind]


def counts(total: int) -> dict[str, int]:
    out = {k: max(1, round(total * share)) for k, share in MIX.items()}
    out[GOOD] += total - sum(out.values())
    return out


def plan(total: int, seed: int, folder: Path, *, fresh_bad: bool = False) -> list[Drop]:
    """What to drop, in no particular order yet (phase 2 drops go after phase 1). Deterministic from ``seed``.

    ``fresh_bad``: some truncated/empty files arrive as fresh writes (the watcher waits its grace, 60 s,
    before judging a still, unreadable file); otherwise they come with an old mtime and are judged at once.
    """
    rng = random.Random(seed)
    n = counts(total)
    slots = [Slot(p, a, b) for p in _periods((n[GOOD] + 3) // 4 + 1) for a in (0, 1) for b in (False, True)]
    rng.shuffle(slots)
    good_slots = slots[:n[GOOD]]
    drops: list[Drop] = []
    modes = [DIRECT, CHUNKED, EXCEL, DOWNLOAD, MOVE]
    for slot in good_slots:
        drops.append(Drop(slot.name(), ledger_bytes(slot, 0, seed, folder), GOOD, rng.choice(modes)))
    for i, slot in enumerate(rng.sample(good_slots, min(n[CORRECTION], len(good_slots)))):
        drops.append(Drop(slot.name("(更正)"), ledger_bytes(slot, 1, seed, folder), CORRECTION, rng.choice(modes)))
    originals = [d for d in drops if d.kind == GOOD]
    for i, d in enumerate(rng.choices(originals, k=n[DUPLICATE])):
        stem, _, suffix = d.name.rpartition(".")
        drops.append(Drop(f"{stem} - 副本{i + 1}.{suffix}", d.data, DUPLICATE, rng.choice(modes)))
    for d in rng.sample(originals, min(n[REDROP], len(originals))):
        drops.append(Drop(d.name, d.data, REDROP, rng.choice([DIRECT, MOVE, EXCEL]), phase=2))
    for i, slot in enumerate(rng.choices(slots, k=n[BAD_BALANCE])):
        drops.append(Drop(f"手工调整{i + 1}_{slot.name().rsplit('.', 1)[0]}.xlsx",
                          ledger_bytes(Slot(slot.period, slot.account, False), 2 + i, seed, folder, bad=True),
                          BAD_BALANCE, rng.choice(modes)))
    texts = [slot for slot in slots if slot.style() == GBK_CSV]
    for i in range(n[TRUNCATED]):
        slot = rng.choice(texts if texts and i % 3 == 1 else slots)  # a third at least are CSV
        whole = ledger_bytes(slot, 100 + i, seed, folder)
        fresh = fresh_bad and i % 3 == 0
        suffix = "csv" if slot.style() == GBK_CSV else "xlsx"
        drops.append(Drop(f"传输中断{i + 1}.{suffix}", whole[:cut_point(whole, rng)], TRUNCATED,
                          DIRECT if fresh else MOVE, old_mtime=not fresh))
    for i in range(n[RANDOM]):
        drops.append(Drop(f"扫描件{i + 1}.{rng.choice(['xlsx', 'xls'])}", rng.randbytes(rng.randint(4096, 20000)),
                          RANDOM, rng.choice(modes)))
    for i in range(n[EMPTY]):
        fresh = fresh_bad and i % 2 == 0
        drops.append(Drop(f"空文件{i + 1}.xlsx", b"", EMPTY, DIRECT if fresh else MOVE, old_mtime=not fresh))
    for i in range(n[LOCK]):  # owner files of workbooks someone has open (never one this soak saves like Excel)
        target = f"往来对账{i + 1}.xlsx"
        name = f"~${target}" if i % 2 == 0 else f".~lock.{target}#"
        drops.append(Drop(name, b"\x0c" + "财务部".encode("utf-16-le") + bytes(150), LOCK, DIRECT))
    for i, d in enumerate(rng.choices(originals, k=n[PARTIAL])):
        drops.append(Drop(f"{d.name.rsplit('.', 1)[0]}-下载{i + 1}.xlsx.crdownload", d.data[:len(d.data) // 2],
                          PARTIAL, DIRECT))
    for i in range(n[TEMP]):
        drops.append(Drop(f"{rng.getrandbits(32):08X}.tmp", rng.randbytes(512), TEMP, DIRECT))
    assert len(drops) == total, (len(drops), total)
    return drops


def cut_point(whole: bytes, rng: random.Random) -> int:
    """Where a dead copy stops: anywhere in a zip; inside a row of a CSV (between two of its bytes, or one
    byte into a character), never where a row ends — a copy cut exactly at a row's end is text that looks
    whole (only --settle guards that), which is not what this kind tests."""
    while True:
        cut = rng.randint(64, len(whole) - 64)
        if whole[:2] == b"PK" or not (whole[cut - 1:cut] in (b"\r", b"\n", b'"') or whole[cut:cut + 1] in (b"\r", b"\n")):
            return cut


class Dropper:
    """Puts files into the inbox the ways people and programs do."""

    def __init__(self, inbox: Path, staging: Path, settle: float, rng: random.Random):
        self.inbox, self.staging, self.settle, self.rng = inbox, staging, settle, rng

    def drop(self, d: Drop) -> None:
        getattr(self, f"_{d.mode}")(d)

    def _direct(self, d: Drop) -> None:
        with open(self.inbox / d.name, "wb") as fh:
            fh.write(d.data)

    def _chunked(self, d: Drop) -> None:
        """A slow copy. A zip stalls longer than --settle half-way (its own directory says it is not whole);
        a CSV never pauses that long (a text file cut at a line end looks whole: --settle is its only guard)."""
        zipped = d.data[:2] == b"PK"
        pieces = self.rng.randint(3, 6)
        size = -(-len(d.data) // pieces) or 1
        with open(self.inbox / d.name, "wb") as fh:
            for i in range(0, max(len(d.data), 1), size):
                fh.write(d.data[i:i + size])
                fh.flush()
                if i + size < len(d.data):
                    stall = zipped and i == size * (pieces // 2)
                    time.sleep(self.settle * 1.6 if stall else self.settle / 8)

    def _excel(self, d: Drop) -> None:
        """Excel's save: its owner file, a temp file written in full, renamed over the name, owner file gone."""
        owner = self.inbox / f"~${d.name}"
        owner.write_bytes(b"\x0c" + "财务部".encode("utf-16-le") + bytes(150))
        temp = self.inbox / f"{self.rng.getrandbits(32):08X}.tmp"
        temp.write_bytes(d.data)
        os.replace(temp, self.inbox / d.name)
        owner.unlink()

    def _download(self, d: Drop) -> None:
        part = self.inbox / f"{d.name}.crdownload"
        with open(part, "wb") as fh:
            half = len(d.data) // 2
            fh.write(d.data[:half])
            fh.flush()
            time.sleep(self.settle / 4)
            fh.write(d.data[half:])
        os.replace(part, self.inbox / d.name)

    def _move(self, d: Drop) -> None:
        """Made elsewhere on the same disk and moved in whole (keeps its mtime: an old one for a broken copy)."""
        src = self.staging / f"{self.rng.getrandbits(64):016x}"
        src.write_bytes(d.data)
        if d.old_mtime:
            old = time.time() - 3600
            os.utime(src, (old, old))
        os.replace(src, self.inbox / d.name)


# ---------------------------------------------------------------- the run

@dataclass
class Outcome:
    drops: list[Drop]
    fates: dict[int, str]  # index into drops → what became of it
    problems: list[str]  # every broken promise (empty when the soak passed)
    figures: dict = field(default_factory=dict)

    def table(self) -> str:
        """Markdown: per kind, the files, how they were dropped and what became of them."""
        rows = ["| kind | files | dropped as | became | while a batch ran |", "|---|---|---|---|---|"]
        for kind in EXPECT:
            idx = [i for i, d in enumerate(self.drops) if d.kind == kind]
            if not idx:
                continue
            modes = Counter(self.drops[i].mode for i in idx)
            fates = Counter(self.fates.get(i, "LOST") for i in idx)
            rows.append(f"| {kind} | {len(idx)} | {', '.join(f'{m} {c}' for m, c in sorted(modes.items()))} | "
                        f"{', '.join(f'{f} {c}' for f, c in sorted(fates.items()))} | "
                        f"{sum(self.drops[i].during_batch for i in idx)} |")
        f = self.figures
        rows.append(f"| **all** | {len(self.drops)} | | lost {f.get('lost', '?')}; {f.get('contents', '?')} distinct "
                    f"ledgers, each imported once | {f.get('during_batch', '?')} |")
        return "\n".join(rows)


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CREDIT_WORKBOOK_TEST_KILL_AT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _bursts(drops: list[Drop], rng: random.Random) -> list[list[Drop]]:
    out, i = [], 0
    while i < len(drops):
        size = rng.choice([1, 1, 2, 3, 5, 8, 13])
        out.append(drops[i:i + size])
        i += size
    return out


def soak(root: Path, total: int = 120, *, seed: int = 1, settle: float = 0.5, fresh_bad: bool = False,
         log=lambda message: None, deadline: float | None = None) -> Outcome:
    """Make a workspace at ``root``, start the watcher, drop ``total`` files, wait, stop it, judge."""
    from credit_workbook.workspace import Workspace, init_workspace

    ws: Workspace = init_workspace(root)
    staging = root.parent / f"{root.name}-staging"
    staging.mkdir(exist_ok=True)
    rng = random.Random(seed)
    t0 = time.monotonic()
    drops = plan(total, seed, staging, fresh_bad=fresh_bad)
    generated = time.monotonic() - t0
    first = [d for d in drops if d.phase == 1]
    rng.shuffle(first)
    later = [d for d in drops if d.phase == 2]
    log(f"{total} files planned in {generated:.1f} s; starting the watcher")

    out_log = open(root.parent / f"{root.name}-watch.out", "wb")
    watcher = subprocess.Popen([sys.executable, "-m", "credit_workbook", "watch", str(root), "--settle", str(settle),
                                "--no-mail"], env=_child_env(), stdout=out_log, stderr=subprocess.STDOUT)
    record = ws.state / "lock.json"
    watch_record = ws.state / "watch.lock.json"
    problems: list[str] = []
    try:
        _wait(lambda: watch_record.exists() or watcher.poll() is not None, 60, "the watcher to start")
        dropper = Dropper(ws.inbox, staging, settle, rng)
        started = time.monotonic()
        for n, burst in enumerate(_bursts(first, rng)):
            if n % 4 == 3:  # this burst waits for a batch in progress
                _wait(lambda: record.exists(), 10, None)
            for d in burst:
                d.during_batch = record.exists()
                dropper.drop(d)
            time.sleep(rng.choice([0, 0.1, 0.3, settle, settle * 2]))
        for d in later:  # the same file again, once the first copy has left the inbox
            _wait(lambda d=d: not (ws.inbox / d.name).exists(), 120 + 2 * total, f"{d.name} to leave the inbox")
            d.during_batch = record.exists()
            dropper.drop(d)
        dropped = time.monotonic() - started
        leftovers = {d.name for d in drops if d.expect == IGNORED}
        limit = deadline or (90 + (65 if fresh_bad else 0) + total * 1.0)

        def quiet() -> bool:
            names = {p.name for p in ws.inbox.iterdir()}
            return names <= leftovers and not record.exists() and watcher.poll() is None

        if not _wait(quiet, limit, None):
            problems.append(f"the inbox did not empty within {limit:.0f} s: "
                            f"{sorted(p.name for p in ws.inbox.iterdir() if p.name not in leftovers)[:10]}")
        time.sleep(max(0.5, settle * 2))  # one more quiet stretch: nothing was half-taken
        if not quiet():
            _wait(quiet, 60, None)
        finished = time.monotonic() - started
    finally:
        if watcher.poll() is None:
            watcher.send_signal(signal.SIGTERM)
        try:
            _, status, usage = os.wait4(watcher.pid, 0)
            watcher.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
        except ChildProcessError:
            cpu = float("nan")
        out_log.close()
    output = (root.parent / f"{root.name}-watch.out").read_text(encoding="utf-8", errors="replace")
    if watcher.returncode != 0:
        problems.append(f"the watcher exited {watcher.returncode}")
    if "Traceback" in output or "内部错误" in output:
        problems.append("the watcher logged a fault: " + next(line for line in output.splitlines()
                                                                 if "Traceback" in line or "内部错误" in line))
    fates = judge(ws, drops, problems)
    batches = sum(1 for line in output.splitlines() if "月度运行完成" in line)
    outcome = Outcome(drops, fates, problems)
    outcome.figures = {
        "files": total, "seed": seed, "settle": settle, "kinds": dict(Counter(d.kind for d in drops)),
        "modes": dict(Counter(d.mode for d in drops)), "fates": dict(Counter(fates.values())),
        "lost": sum(1 for i in range(len(drops)) if i not in fates),
        "contents": len({d.sha for d in drops if d.expect == IMPORTED}),
        "during_batch": sum(d.during_batch for d in drops), "month_runs": batches,
        "dropping_s": round(dropped, 1), "until_quiet_s": round(finished, 1), "watcher_cpu_s": round(cpu, 1),
        "generate_s": round(generated, 1), "problems": len(problems),
        **_cut_csv_figures(ws, drops),
    }
    return outcome


def _cut_csv_figures(ws, drops: list[Drop]) -> dict[str, int]:
    """How many cut CSVs there were and how many notes name the cut itself (文件不完整) rather than a symptom."""
    cut = [d for d in drops if d.kind == TRUNCATED and d.name.endswith(".csv")]
    said = 0
    for d in cut:
        note = ws.quarantine / f"{d.name}.error.txt"
        said += note.is_file() and "文件不完整" in note.read_text(encoding="utf-8")
    return {"cut_csv": len(cut), "cut_csv_said_cut": said}


def _wait(condition, timeout: float, what: str | None) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            if what:
                raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
            return False
        time.sleep(0.05)
    return True


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def judge(ws, drops: list[Drop], problems: list[str]) -> dict[int, str]:
    """What became of each drop, read from the store, the audit log and the folders; broken promises noted."""
    db = sqlite3.connect(ws.store_path)
    try:
        if db.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems.append("the store fails PRAGMA integrity_check")
        files = db.execute("SELECT sha256, archived_path, archived_at FROM ledger_files").fetchall()
        audit = [(a, json.loads(d)) for a, d in db.execute("SELECT action, detail FROM audit ORDER BY id")]
    finally:
        db.close()
    good = {d.sha for d in drops if d.expect == IMPORTED}
    stored = Counter(sha for sha, _, _ in files)
    if set(stored) != good:
        problems.append(f"ledger_files ≠ the distinct good files: {len(set(stored) - good)} extra, "
                        f"{len(good - set(stored))} missing")
    if any(c > 1 for c in stored.values()):
        problems.append("a file was imported twice")
    imports = Counter(d["sha256"] for a, d in audit if a == "ingest")
    if any(c != 1 for c in imports.values()) or set(imports) != good:
        problems.append("the audit log does not show each good file imported exactly once")
    for sha, rel, archived_at in files:
        path = ws.root / rel
        if archived_at is None or not path.is_file() or _sha(path) != sha:
            problems.append(f"{rel}: not archived byte for byte")
    archive = Counter(_sha(p) for p in (ws.root / "archive").rglob("*") if p.is_file())
    # Copies of the same bytes: whichever the watcher took first is imported, the others are duplicates.
    events: dict[tuple[str, str], list[str]] = {}
    for action, d in audit:
        if action in ("ingest", "ingest_duplicate"):
            events.setdefault((d["file"], d["sha256"]), []).append(IMPORTED if action == "ingest" else DUPLICATE_FATE)
    inbox = {p.name: p for p in ws.inbox.iterdir()}
    quarantined = {p.name for p in ws.quarantine.iterdir()} if ws.quarantine.is_dir() else set()
    fates: dict[int, str] = {}
    for i, d in enumerate(drops):
        if d.expect in (IMPORTED, DUPLICATE_FATE):
            seen = events.get((d.name, d.sha))
            if seen and archive.get(d.sha):
                fates[i] = seen.pop(0)
        elif d.expect == QUARANTINED:
            q, note = ws.quarantine / d.name, ws.quarantine / f"{d.name}.error.txt"
            if q.is_file() and q.read_bytes() == d.data and note.is_file() and \
                    "处理结果：未导入" in note.read_text(encoding="utf-8"):
                fates[i] = QUARANTINED
        elif d.name in inbox and inbox[d.name].read_bytes() == d.data:
            fates[i] = IGNORED
        if i not in fates:
            where = "still in inbox/" if d.name in inbox else "in quarantine/" if d.name in quarantined else "gone"
            problems.append(f"{d.kind} {d.name} ({d.mode}): expected {d.expect}, {where}")
        elif d.expect not in (IMPORTED, DUPLICATE_FATE) and fates[i] != d.expect:
            problems.append(f"{d.kind} {d.name} ({d.mode}): expected {d.expect}, became {fates[i]}")
    for sha in {d.sha for d in drops if d.expect in (IMPORTED, DUPLICATE_FATE)}:
        same = [fates.get(i) for i, d in enumerate(drops) if d.sha == sha]
        if same.count(IMPORTED) != 1 or same.count(DUPLICATE_FATE) != len(same) - 1:
            problems.append(f"{sha[:12]}: {len(same)} copies became {same}, not one import and the rest duplicates")
    if any(events.values()):
        problems.append(f"audit rows for files never dropped: {[k for k, v in events.items() if v][:5]}")
    expected_q = {d.name for d in drops if d.expect == QUARANTINED}
    extra = {n for n in quarantined if not n.endswith(".error.txt")} - expected_q
    if extra:
        problems.append(f"quarantined although good: {sorted(extra)[:10]}")
    left = set(inbox) - {d.name for d in drops if d.expect == IGNORED}
    if left:
        problems.append(f"left in the inbox: {sorted(left)[:10]}")
    return fates


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--settle", type=float, default=1.0, help="the watcher's --settle (default 1)")
    p.add_argument("--json", type=Path, help="write the figures and the per-kind table here")
    p.add_argument("--workdir", type=Path, help="where to make the workspace (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the workspace afterwards")
    args = p.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="credit-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        outcome = soak(work / "ws", args.files, seed=args.seed, settle=args.settle, fresh_bad=True,
                       log=lambda m: print(m, file=sys.stderr, flush=True))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(outcome.table())
    print()
    print(json.dumps(outcome.figures, ensure_ascii=False))
    for line in outcome.problems:
        print(f"PROBLEM: {line}")
    print(f"soak of {args.files} files: {'PASSED' if not outcome.problems else 'FAILED'} "
          f"in {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({**outcome.figures, "table": outcome.table(), "problems": outcome.problems},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if not outcome.problems else 1


if __name__ == "__main__":
    sys.exit(main())
