"""Benchmark ``credit-workbook run`` against the floor of the I/O it cannot avoid.

    python benchmarks/run_benchmark.py                       # 2,000 counterparties, 100,000 lines, 1 month
    python benchmarks/run_benchmark.py --lines 1000000       # the large case (minutes; not for CI)
    python benchmarks/run_benchmark.py --counterparties 50 --lines 2000 --repeat 1   # smoke

What it does:

1. generates a workspace with ``make_workspace.py`` into a temp folder;
2. ``--repeat`` times, interleaved so drift hits both alike:
   (a) copies the workspace (``run`` moves inbox files and writes out/) and
       measures ``python -m credit_workbook run DIR --period P`` in a child
       process;
   (b) measures the FLOOR in a child process: this script with
       ``--floor-of``, which does in one process the reading and writing a
       run of that size cannot avoid, with the fastest tools the project
       uses (GUIDE.md): python-calamine ``to_python()`` of every ledger file,
       every survey and the register; XlsxWriter ``constant_memory`` writes
       of Forms 2, 3 and 4 sized outputs (one row per counterparty, 30
       columns), a cell-for-cell copy of every ledger (the highlighted
       copy), a zip-level rewrite of as many surveys as the run wrote marked
       copies of (the cheapest way to produce one), and results.json;
3. prints a Markdown table: min/median wall time, median CPU time, peak RSS,
   run/floor ratio, the floor's components and the issue's targets (≤ 1.5 × floor and ≤ 1 GiB at 100,000 lines;
   ≤ 2 × floor and ≤ 2 GiB at 1,000,000 lines).

Wall time is measured around each child; CPU and ``ru_maxrss`` come from
``os.wait4`` (``getrusage(RUSAGE_CHILDREN)`` would be the maximum over every
child so far, the generator included). A run may use a second process of
its own, so the peak RSS reported is the larger of ``ru_maxrss`` (the
largest single process) and the sampled sum over the child's process tree. ``--profile``
adds one ``python -m cProfile`` run and prints its top entries.

Children import the package from this checkout (PYTHONPATH), so the
figures belong to the commit printed in the header — plus any uncommitted
change, which the header flags. ``--commit REV`` measures exactly a commit
instead: ``git archive REV`` is unpacked into the work folder (read-only git)
and the children import from there.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MANIFEST = "benchmark-workspace.json"
MIB = 1024 * 1024
FORM_COLUMNS = 30
LARGE_LINES = 1_000_000


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- measuring a child process

@dataclass
class Measurement:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child: less sensitive than wall time to a busy machine
    peak_rss: int  # bytes
    returncode: int
    log: str
    load: float  # 1-minute load average when the child ended (other work on the machine skews wall time)


CODE = REPO  # the tree whose credit_workbook the children import (--commit replaces it)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CODE), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants now (Linux /proc; 0 where unreadable)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", "rb") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue  # ended meanwhile
    return total


class TreeSampler:
    """The peak of the summed RSS of a process and its children, sampled every 50 ms.

    ``wait4``'s ``ru_maxrss`` is the largest single process of the tree, not
    the sum: a run that hands work to a second process would look smaller
    than the memory it really holds at once.
    """

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if os.path.isdir("/proc"):
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _tree_rss(self.pid))

    def stop(self) -> int:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak


def measure(cmd: list[str], log_path: Path, extra_env: dict[str, str] | None = None) -> Measurement:
    """Run ``cmd``; its wall time, CPU and peak RSS (its own tree's, not the maximum over all children so far).

    The child runs in the log's folder, never in the checkout: ``python -m``
    puts the current directory first on sys.path, which would import the
    work tree's package instead of the one PYTHONPATH names (``--commit``).
    CPU and ``ru_maxrss`` from ``wait4`` include the child's own workers
    (reaped before it exits); the peak is the larger of that and the
    sampled sum over the process tree (``TreeSampler``).
    """
    with open(log_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=log_path.parent,
                                env={**child_env(), **(extra_env or {})})
        sampler = TreeSampler(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        tree_peak = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; tell Popen
    scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB, macOS bytes
    return Measurement(wall, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss * scale, tree_peak),
                       proc.returncode, str(log_path), os.getloadavg()[0])


def tail(path: str, n: int = 30) -> str:
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(lines[-n:])


# ---------------------------------------------------------------- the floor (runs in its own process)

def _xlsx(path: Path):
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})


def _write_form_sized(path: Path, n: int, codes: list[str]) -> None:
    """A generated form's worth of cells: one styled row per counterparty, 30 columns."""
    wb = _xlsx(path)
    text = wb.add_format({"border": 1})
    money = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    day = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("表")
    ws.write_string(0, 0, "编制单位：示例有限公司", text)
    for c in range(FORM_COLUMNS):
        ws.write_string(1, c, f"列{c + 1}", text)
    today = date(2026, 10, 31)
    for i in range(n):
        r = i + 2
        code = codes[i % len(codes)] if codes else f"KH{i:05d}"
        ws.write_string(r, 0, code, text)
        ws.write_string(r, 1, "杭州锦绣服饰有限公司", text)
        ws.write_string(r, 2, "客户", text)
        ws.write_string(r, 3, "A", text)
        ws.write_string(r, 4, "陈建国", text)
        for c in range(5, 25):
            ws.write_number(r, c, 12345.67 + i + c, money)
        ws.write_datetime(r, 25, today, day)
        ws.write_datetime(r, 26, today, day)
        ws.write_string(r, 27, "长期", text)
        ws.write_string(r, 28, "已批准", text)
        ws.write_string(r, 29, "第三十二条：超额发货须事先报批", text)
    wb.close()


def _write_copy(path: Path, rows: list[list]) -> int:
    """Every cell of a ledger sheet written back with a style: what a highlighted copy must at least cost."""
    wb = _xlsx(path)
    fmt = wb.add_format({"border": 1})
    day = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("明细账")
    cells = 0
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str):
                if v:
                    ws.write_string(r, c, v, fmt)
                else:
                    ws.write_blank(r, c, None, fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, fmt)
            elif isinstance(v, (date, datetime)):
                ws.write_datetime(r, c, v, day)
            else:
                ws.write_blank(r, c, None, fmt)
            cells += 1
    wb.close()
    return cells


def floor(workspace: Path, out: Path, marked: int | None = None) -> dict:
    """The I/O floor of a run over ``workspace``; returns seconds per component.

    ``marked``: how many marked survey copies the run wrote (it writes only
    the forms with problems); None = all of them.
    """
    from python_calamine import CalamineWorkbook

    out.mkdir(parents=True, exist_ok=True)
    t: dict[str, float] = {}
    counts: dict[str, int] = {}

    def read_all(path: Path) -> list[list[list]]:
        wb = CalamineWorkbook.from_path(str(path))
        return [wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names]

    # Ledgers: read each, write its copy, let it go (the run needs them one at a time too).
    inbox = sorted(p for p in (workspace / "inbox").iterdir() if p.is_file())
    read_s = write_s = 0.0
    counts["ledger_rows"] = counts["ledger_cells_written"] = 0
    for p in inbox:
        s = time.perf_counter()
        sheets = read_all(p)
        read_s += time.perf_counter() - s
        s = time.perf_counter()
        for i, rows in enumerate(sheets):
            counts["ledger_rows"] += len(rows)
            counts["ledger_cells_written"] += _write_copy(out / f"{p.stem}.{i}.copy.xlsx", rows)
        write_s += time.perf_counter() - s
        del sheets
    t["read ledgers (calamine)"] = read_s
    t["write ledger copies (XlsxWriter)"] = write_s

    surveys = sorted(p for p in (workspace / "surveys").iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))
    s = time.perf_counter()
    cells = 0
    for p in surveys:
        for rows in read_all(p):
            cells += sum(len(r) for r in rows)
    t["read surveys (calamine)"] = time.perf_counter() - s
    counts["surveys"], counts["survey_cells"] = len(surveys), cells

    s = time.perf_counter()
    if (workspace / "register.xlsx").is_file():
        read_all(workspace / "register.xlsx")
    t["read register (calamine)"] = time.perf_counter() - s

    s = time.perf_counter()
    folder = out / "调查评定表"
    folder.mkdir(exist_ok=True)
    copies = surveys if marked is None else surveys[:marked]
    for p in copies:
        with zipfile.ZipFile(p) as src, zipfile.ZipFile(folder / p.name, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info.filename))
    t[f"rewrite {len(copies)} marked survey copies (zip)"] = time.perf_counter() - s
    counts["marked_copies"] = len(copies)

    n = len(surveys) + max(0, json.loads((workspace / MANIFEST).read_text(encoding="utf-8")).get("ledger_only", 0))
    codes = [p.name.split("_")[0] for p in surveys]
    s = time.perf_counter()
    for form in ("form2", "form3", "form4"):
        _write_form_sized(out / f"{form}.xlsx", n, codes)
    t["write Forms 2-4 (XlsxWriter)"] = time.perf_counter() - s
    counts["form_rows"] = n

    s = time.perf_counter()
    entries = [{"code": c, "name": "杭州锦绣服饰有限公司", "grade": "A", **{f"f{k}": "12345.67" for k in range(25)},
                "aging": {str(k): "0.00" for k in range(7)}, "flags": []} for c in codes]
    (out / "results.json").write_text(json.dumps({"counterparties": entries}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    t["write results.json"] = time.perf_counter() - s
    return {"seconds": t, "counts": counts}


# ---------------------------------------------------------------- one benchmark

@dataclass
class Result:
    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rsss: list[int] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    def add(self, m: Measurement) -> None:
        self.walls.append(m.wall)
        self.cpus.append(m.cpu)
        self.rsss.append(m.peak_rss)
        self.loads.append(m.load)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def min(self) -> float:
        return min(self.walls)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak(self) -> int:
        return max(self.rsss)


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout


def git_commit(rev: str | None = None) -> str:
    """The commit measured (read-only git calls); the work tree's state is flagged when it is what runs."""
    try:
        head = _git("log", "-1", "--format=%h %cd", rev or "HEAD").strip()
        if rev:
            return head + " (exported with git archive)"
        dirty = _git("status", "--porcelain", "--untracked-files=no").strip()
        return head + (" + uncommitted changes in the work tree" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def export_commit(rev: str, target: Path) -> Path:
    """Unpack the tree of ``rev`` (git archive: reads the repository, changes nothing)."""
    import tarfile

    data = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev], capture_output=True,
                          check=True).stdout
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target


def check_run(ws: Path, period: str, m: Measurement) -> dict:
    """Make sure the run did the work being timed: the ledger was accepted and results were written."""
    if m.returncode not in (0, 2):
        raise SystemExit(f"run failed (exit {m.returncode}); last lines of {m.log}:\n{tail(m.log)}")
    results = ws / "out" / period / "results.json"
    if not results.is_file():
        raise SystemExit(f"run wrote no {results}; see {m.log}")
    data = json.loads(results.read_text(encoding="utf-8"))
    quarantined = [p.name for p in (ws / "quarantine").iterdir() if not p.name.endswith(".error.txt")]
    if quarantined:
        raise SystemExit(f"ledger files were quarantined, the run did not do the work measured: {quarantined}; "
                         f"see {ws / 'quarantine'}")
    marked = ws / "out" / period / "调查评定表"
    copies = sum(1 for p in marked.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm")) if marked.is_dir() else 0
    grades: dict[str, int] = {}
    for cp in data["counterparties"]:
        grades[str(cp.get("grade"))] = grades.get(str(cp.get("grade")), 0) + 1
    flags = sum(len(cp.get("flags", [])) for cp in data["counterparties"])
    return {"counterparties": len(data["counterparties"]), "grades": grades, "flags": flags,
            "rejected_inputs": len(data.get("rejected_inputs", [])), "marked_survey_copies": copies,
            "exit": m.returncode}


def profile_run(base: Path, work: Path, period: str, top: int) -> str:
    import pstats

    ws = work / "profile-ws"
    shutil.copytree(base, ws, symlinks=True)
    prof = work / "run.prof"
    # One process, so the profile sees every job (a second process's work would be missing from it).
    m = measure([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "credit_workbook", "run", str(ws),
                 "--period", period], work / "profile.log", {"CREDIT_WORKBOOK_PROCESSES": "1"})
    check_run(ws, period, m)
    buf = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buf)
    buf.write(f"cProfile run: {m.wall:.1f} s wall under the profiler ({prof})\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.print_callees(r"\(run_month\)")  # the phases of the month
    stats.sort_stats("tottime").print_stats(top)
    shutil.rmtree(ws, ignore_errors=True)
    return _short_paths(buf.getvalue())


def _short_paths(text: str) -> str:
    """Paths relative to the package tree or site-packages: file:function stays readable."""
    import site
    import sysconfig

    prefixes = [str(CODE) + os.sep, str(REPO) + os.sep, sysconfig.get_paths()["stdlib"] + os.sep]
    prefixes += [p + os.sep for p in site.getsitepackages()]
    for prefix in sorted(set(prefixes), key=len, reverse=True):
        text = text.replace(prefix, "")
    return text


def phase_run(base: Path, work: Path, period: str) -> str:
    """One more run under phase_times.py: wall seconds per phase of run_month, as a Markdown table."""
    ws = work / "phases-ws"
    shutil.copytree(base, ws, symlinks=True)
    cmd = [sys.executable, str(HERE / "phase_times.py"), str(ws), "--period", period]
    log_path = work / "phases.log"
    with open(log_path, "wb") as out, open(work / "phases.stderr.log", "wb") as err:
        proc = subprocess.run(cmd, stdout=out, stderr=err, cwd=work, env=child_env(), check=False)
    if proc.returncode not in (0, 2):
        raise SystemExit(f"phase timing failed; see {work / 'phases.stderr.log'}")
    data = json.loads(log_path.read_text(encoding="utf-8").strip().splitlines()[-1])
    shutil.rmtree(ws, ignore_errors=True)
    rows = [("| phase (function called by run_month; `inner` = part of a phase; `worker` = in the second "
             "process, beside the others) | calls | seconds | share | peak RSS growth |"), "|---|---:|---:|---:|---:|"]
    for p in data["phases"]:
        if p["seconds"] >= 0.05 or p.get("peak_growth_mib", 0) >= 5:
            rows.append(f"| `{p['name']}` | {p['calls']:,} | {p['seconds']:.2f} | {p['seconds'] / data['total']:.0%} "
                        f"| {p.get('peak_growth_mib', 0):,.0f} MiB |")
    worker = data.get("worker_peak_rss_mib", 0)
    rows.append(f"| whole run in-process (without interpreter start) | | {data['total']:.2f} | 100% "
                f"| peak {data.get('peak_rss_mib', 0):,.0f} MiB"
                + (f" (+ worker process {worker:,.0f} MiB)" if worker else "") + " |")
    return "\n".join(rows)


def imported_from(work: Path) -> str:
    """Where the children's ``credit_workbook`` comes from (the proof that --commit measures that commit)."""
    proc = subprocess.run([sys.executable, "-c", "import credit_workbook; print(credit_workbook.__file__)"],
                          capture_output=True, text=True, cwd=work, env=child_env(), check=False)
    return proc.stdout.strip() or proc.stderr.strip()


def targets(lines: int) -> tuple[float, int]:
    """The issue's targets: (max run/floor ratio, max peak RSS bytes)."""
    return (2.0, 2 * 1024 * MIB) if lines >= LARGE_LINES else (1.5, 1024 * MIB)


def markdown(args, manifest: dict, gen: Measurement, run: Result, flo: Result, floor_parts: list[dict],
             sanity: dict, commit: str, package: str) -> str:
    ratio_max, rss_max = targets(args.lines)
    ratio_med, ratio_min = run.median / flo.median, run.min / flo.min
    size = (f"{manifest['surveys']:,} surveys (+{manifest['ledger_only']} ledger-only), "
            f"{args.lines:,} lines × {args.months} month(s), {manifest['approved']} approved in the register")
    ok = lambda cond: "✅" if cond else "❌"
    lines = [
        f"### {size}",
        "",
        (f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"commit {commit} (package {package}); {args.repeat} repetition(s), period {manifest['period']}; "
        "1-minute load average "
        f"at the end of each child {min(run.loads + flo.loads):.1f}–{max(run.loads + flo.loads):.1f} "
        "(above ~1 other work shared the cores: compare the CPU columns)."),
        "",
        "| measure | min wall | median wall | median CPU | peak RSS | run / floor (median wall) | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        (f"| `credit-workbook run` | {run.min:.1f} s | {run.median:.1f} s | {run.cpu:.1f} s "
        f"| {run.peak / MIB:,.0f} MiB | **{ratio_med:.1f}×** (min/min {ratio_min:.1f}×, CPU {run.cpu / flo.cpu:.1f}×) "
        f"| ≤ {ratio_max:g}× {ok(ratio_med <= ratio_max)}, ≤ {rss_max // MIB:,} MiB {ok(run.peak <= rss_max)} |"),
        (f"| floor (calamine read + XlsxWriter write) | {flo.min:.1f} s | {flo.median:.1f} s | {flo.cpu:.1f} s "
        f"| {flo.peak / MIB:,.0f} MiB | 1.0× | |"),
        (f"| generating the workspace (once) | {gen.wall:.1f} s | | {gen.cpu:.1f} s | {gen.peak_rss / MIB:,.0f} MiB "
        "| | |"),
        "",
        "Floor components (median of the repetitions):",
        "",
        "| component | seconds |",
        "|---|---:|",
    ]
    for key in floor_parts[0]["seconds"]:
        values = [p["seconds"][key] for p in floor_parts if key in p["seconds"]]
        lines.append(f"| {key} | {statistics.median(values):.2f} |")
    lines += ["", f"Run outcome (last repetition): {json.dumps(sanity, ensure_ascii=False)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--counterparties", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=100_000, help="ledger entries per month")
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--period", default="2026-10", help="last month of the ledgers, the period run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (0 with --profile: profile only)")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a temp folder, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (workspace, logs, outputs)")
    parser.add_argument("--profile", action="store_true", help="also profile one run with cProfile")
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--phases", action="store_true",
                        help="also time the phases of one run (phase_times.py; low overhead)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--commit", metavar="REV",
                        help="measure this commit (exported with git archive) instead of the work tree")
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)  # internal: the floor child
    parser.add_argument("--floor-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-marked", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.floor_of:
        print(json.dumps(floor(args.floor_of, args.floor_out, args.floor_marked)))
        return 0

    work = args.workdir or Path(tempfile.mkdtemp(prefix="credit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    base = work / "workspace"
    global CODE
    try:
        if args.commit:
            args.commit = _git("rev-parse", "--verify", args.commit + "^{commit}").strip()  # pin it now
            CODE = export_commit(args.commit, work / "code")
            log(f"measuring {args.commit} exported into {CODE}")
        log(f"generating {args.counterparties:,} counterparties × {args.lines:,} lines × {args.months} month(s) "
            f"into {base}")
        gen = measure([sys.executable, str(HERE / "make_workspace.py"), str(base),
                       "--counterparties", str(args.counterparties), "--lines", str(args.lines),
                       "--months", str(args.months), "--period", args.period, "--seed", str(args.seed)],
                      work / "generate.log")
        if gen.returncode != 0:
            raise SystemExit(f"generator failed:\n{tail(gen.log)}")
        log(tail(gen.log, 1))
        manifest = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
        period = manifest["period"]
        commit = git_commit(args.commit)
        package = imported_from(work)
        log(f"children import {package}")

        run, flo = Result("run"), Result("floor")
        floor_parts: list[dict] = []
        sanity: dict = {}
        for i in range(args.repeat):
            ws = work / f"run-{i + 1}"
            shutil.copytree(base, ws, symlinks=True)  # run moves the inbox files: a fresh copy each time
            m = measure([sys.executable, "-m", "credit_workbook", "run", str(ws), "--period", period],
                        work / f"run-{i + 1}.log")
            sanity = check_run(ws, period, m)
            run.add(m)
            log(f"run {i + 1}/{args.repeat}: {m.wall:.1f} s (CPU {m.cpu:.1f} s), {m.peak_rss / MIB:,.0f} MiB, "
                f"exit {m.returncode}, load {m.load:.1f}")
            if not args.keep:
                shutil.rmtree(ws, ignore_errors=True)

            out = work / f"floor-{i + 1}"
            f = measure([sys.executable, str(Path(__file__).resolve()), "--floor-of", str(base),
                         "--floor-out", str(out), "--floor-marked", str(sanity["marked_survey_copies"])],
                        work / f"floor-{i + 1}.log")
            if f.returncode != 0:
                raise SystemExit(f"floor failed:\n{tail(f.log)}")
            floor_parts.append(json.loads(Path(f.log).read_text(encoding="utf-8").strip().splitlines()[-1]))
            flo.add(f)
            log(f"floor {i + 1}/{args.repeat}: {f.wall:.1f} s (CPU {f.cpu:.1f} s), {f.peak_rss / MIB:,.0f} MiB, "
                f"load {f.load:.1f}")
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)

        if args.repeat:
            print(markdown(args, manifest, gen, run, flo, floor_parts, sanity, commit, package))
        if args.phases:
            log("timing the phases of one run")
            phases = phase_run(base, work, period)
            (work / "phases.md").write_text(phases, encoding="utf-8")
            print("\n" + phases)
        prof_text = None
        if args.profile:
            log("profiling one run with cProfile")
            prof_text = profile_run(base, work, period, args.profile_top)
            (work / "profile.txt").write_text(prof_text, encoding="utf-8")
            print("\n```\n" + prof_text + "```")
        if args.json and args.repeat:
            args.json.write_text(json.dumps({
                "commit": commit, "package": package, "measured_at": datetime.now().isoformat(timespec="seconds"),
                "cores": os.cpu_count(), "python": platform.python_version(), "manifest": manifest,
                "generate": asdict(gen), "run": asdict(run), "floor": asdict(flo), "floor_parts": floor_parts,
                "ratio_median": run.median / flo.median, "sanity": sanity,
            }, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        if args.keep or args.profile:
            log(f"kept {work}")
        elif args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
