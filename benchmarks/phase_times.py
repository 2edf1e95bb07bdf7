"""Wall time per phase of one ``credit-workbook run``, without a profiler's distortion.

    python benchmarks/phase_times.py DIR --period 2026-10      # DIR: a workspace copy (run changes it)

cProfile makes openpyxl-heavy code 3–4× slower than C-backed code (it pays
per Python call), so its percentages overstate the openpyxl phases. This
driver instead wraps the functions ``run_month`` calls — found by reading
its imports, so phases added later (Form 4, highlighted ledger copies) are
timed without editing this file — plus month.py's own functions and a few
known inner steps, with a
``perf_counter`` around each call, then runs the CLI's ``run`` in-process.
The overhead is a few microseconds per call.

Memory too: each wrapper reads the process's peak RSS (``ru_maxrss``)
before and after the call, and the growth of the peak while a phase ran is
charged to it — the phase that sets the run's peak RSS is the one to fix.

The run's second process (``actions/second_process``: the survey check
beside the ingest, the highlighted copy beside the forms) is timed too:
every job sent to it is wrapped so the worker measures its own wall time
and peak RSS and hands them back with the result. Those entries are marked
``worker``: they ran beside the main process, so they are not part of
``total``; what the main process lost to them is the wait in
``_collect_surveys`` / ``_collect_highlights``.

Prints JSON: {"total": s, "peak_rss_mib": m, "worker_peak_rss_mib": m,
"phases": [{"name", "calls", "seconds", "peak_growth_mib"}, ...]}. Nested
entries (marked ``inner``) are also inside their caller's figures.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
try:
    import credit_workbook  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO))

# Inner steps worth seeing separately (module, attribute as looked up by its caller).
INNER = (
    ("credit_workbook.ingest", "parse_ledger"),
    ("credit_workbook.actions.surveys", "check_forms"),
    ("credit_workbook.actions.surveys", "read_survey_fast"),
    ("credit_workbook.actions.surveys", "read_survey_file"),
    ("credit_workbook.actions.surveys", "check_survey"),
    ("credit_workbook.ledger.history_store", "read_ledger"),
    ("credit_workbook.ledger.history_store", "histories_from"),
    ("credit_workbook.actions.surveys", "write_marks"),
    ("credit_workbook.forms.survey_writeback", "marked_bytes"),
)

_stats: dict[str, list] = {}  # label -> [calls, seconds, peak RSS growth KiB]


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _wrap(module, attr: str, label: str) -> bool:
    fn = getattr(module, attr, None)
    if fn is None or not callable(fn) or inspect.isclass(fn) or getattr(fn, "_phase_timed", False):
        return False
    entry = _stats.setdefault(label, [0, 0.0, 0])

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        peak = _peak_kib()
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            entry[0] += 1
            entry[1] += time.perf_counter() - start
            entry[2] += _peak_kib() - peak

    timed._phase_timed = True
    setattr(module, attr, timed)
    return True


def _run_month_imports() -> list[tuple[str, str]]:
    """(module, name) of every ``from credit_workbook… import name`` in month.py, the function's own included."""
    month = importlib.import_module("credit_workbook.actions.month")
    tree = ast.parse(inspect.getsource(month))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("credit_workbook"):
            found += [(node.module, alias.asname or alias.name) for alias in node.names]
    return found


class _Timed:
    """A worker job's result with the worker's own measurements of it."""

    def __init__(self, result, seconds: float, peak_growth_kib: int, peak_kib: int):
        self.result, self.seconds, self.peak_growth_kib, self.peak_kib = result, seconds, peak_growth_kib, peak_kib


def _timed_job(fn, *args):
    """Runs in the worker process (this module is its ``__mp_main__``)."""
    peak = _peak_kib()
    start = time.perf_counter()
    result = fn(*args)
    return _Timed(result, time.perf_counter() - start, _peak_kib() - peak, _peak_kib())


_worker_peak_kib = [0]


def _time_worker_jobs() -> None:
    """Wraps every job ``Helper`` sends to its worker; jobs it keeps in this process are timed as usual."""
    try:
        from credit_workbook.actions.second_process import Helper
    except ImportError:  # a commit without a second process
        return
    submit, outcome = Helper._submit, Helper._outcome

    def timed_submit(self, fn, *args):
        return submit(self, functools.partial(_timed_job, fn), *args)

    def timed_outcome(future, fn, *args):
        value = outcome(future, functools.partial(_timed_job, fn), *args)
        label = f"worker {fn.__module__.removeprefix('credit_workbook.')}.{fn.__qualname__}"
        entry = _stats.setdefault(label, [0, 0.0, 0])
        if future is not None:  # sent to the worker (or redone here if it died): the job's own figures
            entry[0] += 1
            entry[1] += value.seconds
            entry[2] += value.peak_growth_kib
            _worker_peak_kib[0] = max(_worker_peak_kib[0], value.peak_kib)
        return value.result

    Helper._submit, Helper._outcome = timed_submit, staticmethod(timed_outcome)


def install() -> None:
    month = importlib.import_module("credit_workbook.actions.month")
    for module_name, name in _run_month_imports():
        source = importlib.import_module(module_name)
        label = f"{module_name.removeprefix('credit_workbook.')}.{name}"
        wrapped = _wrap(source, name, label)  # looked up at call time by run_month's local imports
        if wrapped and getattr(month, name, None) is not None and not getattr(getattr(month, name), "_phase_timed",
                                                                              False):
            setattr(month, name, getattr(source, name))  # bound at import time by month.py's own imports
    for name, obj in list(vars(month).items()):  # month.py's own steps (_evaluate, month_flags, …)
        if inspect.isfunction(obj) and obj.__module__ == month.__name__ and name not in ("run_month", "_rel"):
            _wrap(month, name, f"actions.month.{name}")
    for module_name, name in INNER:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        _wrap(module, name, f"inner {module_name.removeprefix('credit_workbook.')}.{name}")
    _time_worker_jobs()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    install()
    from credit_workbook import cli

    start = time.perf_counter()
    code = cli.main(["run", *argv], stdout=sys.stderr)  # stdout carries only the JSON
    total = time.perf_counter() - start
    phases = [{"name": k, "calls": v[0], "seconds": round(v[1], 3), "peak_growth_mib": round(v[2] / 1024, 1)}
              for k, v in _stats.items() if v[0]]
    phases.sort(key=lambda p: -p["seconds"])
    print(json.dumps({"exit": code, "total": round(total, 3), "peak_rss_mib": round(_peak_kib() / 1024, 1),
                      "worker_peak_rss_mib": round(_worker_peak_kib[0] / 1024, 1), "phases": phases},
                     ensure_ascii=False))
    return 0 if code in (0, 2) else code


if __name__ == "__main__":
    sys.exit(main())
