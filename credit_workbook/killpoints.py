"""Test hook: die at a named point, as a power cut would, so tests can prove "old or new, never half".

``CREDIT_WORKBOOK_TEST_KILL_AT`` names the point (the same variable the
ingest's own checkpoints read):

- ``NAME``           the first time ``checkpoint(NAME, …)`` is reached;
- ``NAME:GLOB``      the first time its ``detail`` (a file name) matches GLOB,
                     e.g. ``before_replace:results.json`` or
                     ``before_replace:客户信用等级分类汇总表_*``;
- ``NAME:GLOB#N``    the N-th matching time (1-based).

The process sends itself SIGKILL: no ``finally``, no ``atexit``, no flush.
Unset, a checkpoint costs one environment lookup. Where they sit:

==================  =========================================================
``before_replace``  fileio.atomic_target: the temp file written and fsynced,
                    not yet renamed over the target (detail: the target's name)
``run_recorded``    store.record_run: the run and its ratings inserted, not
                    committed
``run_committed``   store.record_run: committed; the run's audit of its
                    outputs not yet written
``watch_ingested``  watcher batch: the batch's files imported and audited,
                    its month run not begun
``watch_month_run`` watcher batch: the month run done, its mail not sent
==================  =========================================================
"""

from __future__ import annotations

import os
import signal

ENV = "CREDIT_WORKBOOK_TEST_KILL_AT"
_hits: dict[str, int] = {}


def checkpoint(name: str, detail: str = "") -> None:
    wanted = os.environ.get(ENV)
    if not wanted or not wanted.startswith(name):
        return
    point, _, rest = wanted.partition(":")
    if point != name:
        return
    import fnmatch

    pattern, _, nth = rest.partition("#")
    if pattern and not fnmatch.fnmatchcase(detail, pattern):
        return
    _hits[wanted] = _hits.get(wanted, 0) + 1
    if _hits[wanted] == (int(nth) if nth else 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
