"""A second process for the month's independent work, so a run uses both cores of a finance PC.

Reading 2,000 survey forms needs nothing the inbox holds, and the
highlighted ledger copy needs nothing the summary forms need: each can run
beside the other half of the month. Threads would not help (the work is
Python and zlib under the GIL), so the helper is one worker process,
started with ``spawn`` on every platform — what Windows must use anyway, so
the path tested on Linux is the one Windows users get, and no lock held by
a thread of ours (the progress bar, SQLite) is ever copied into a fork.

What stays the same whichever way a job runs:

- **Results.** Jobs are pure functions of their arguments, and results come
  back in submission order; the caller merges them as the one-process run
  does. A job kept in this process runs when its result is asked for:
  exactly where the one-process run always did it.
- **Errors.** An exception in the worker is re-raised here with its own
  type and Chinese message (pickled back by ``concurrent.futures``). If the
  worker dies (killed, out of memory) or cannot start at all, the job is
  done again in this process: a run never fails because of the helper.
- **Progress.** A thread of this process waits for the chunks in order and
  ticks the bar per item while the main thread does its own part.
- **Balance.** The main thread, once its own part is done, takes back the
  chunks the worker has not started and does them itself: neither process
  idles while the other has work, whichever half turns out bigger.

Small jobs stay here (``worth``): starting Python and importing the readers
costs ~0.3–0.5 s of the second core, more than a few hundred forms or a
ledger of a few thousand lines take.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["HIGHLIGHT_BYTES", "SURVEY_FORMS", "Helper", "Pending"]

SURVEY_FORMS = 300  # forms (~1.8 ms each): fewer are checked before a worker has even imported its readers
HIGHLIGHT_BYTES = 1024 * 1024  # archived .xlsx of the period: ~20,000 ledger lines, ~0.8 s to copy
CHUNK = 50  # forms per job: the bar ticks every ~0.1 s and pickling stays negligible
ENV = "CREDIT_WORKBOOK_PROCESSES"  # "1": never start a second process (a locked-down PC, a debugger)


class Pending:
    """A job's result, collected where the one-process run would have computed it."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute = compute

    def result(self) -> Any:
        return self._compute()


class Helper:
    """Runs jobs in one spawned worker process, or here.

    ``mode``: None decides per job by its size (``worth``) — the default of
    every run; True sends every job to the worker, False none (the tests
    compare the two). ``CREDIT_WORKBOOK_PROCESSES=1`` turns the default off.
    """

    def __init__(self, mode: bool | None = None):
        if mode is None and (os.environ.get(ENV, "").strip() == "1" or (os.cpu_count() or 1) < 2):
            mode = False
        self.mode = mode
        self._pool: ProcessPoolExecutor | None = None
        self._threads: list[threading.Thread] = []
        self.started = False  # a worker process was asked for (for reports and tests)

    def _wanted(self, worth: bool) -> bool:
        return self.mode is True or (self.mode is None and worth)

    def _submit(self, fn: Callable, *args) -> Future | None:
        try:
            if self._pool is None:
                import multiprocessing

                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
                self.started = True
            return self._pool.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError, OSError, ValueError):  # no worker can run here
            return None

    @staticmethod
    def _outcome(future: Future | None, fn: Callable, *args) -> Any:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                pass  # the worker died mid-job (killed, out of memory): do it here
        return fn(*args)

    def call(self, fn: Callable, *args, worth: bool) -> Pending:
        """``fn(*args)``, in the worker when ``worth`` it (see ``mode``)."""
        if not self._wanted(worth):
            return Pending(lambda: fn(*args))
        future = self._submit(fn, *args)
        return Pending(lambda: self._outcome(future, fn, *args))

    def map_chunks(self, fn: Callable[[list], list], items: Sequence, tick: Callable[[str], None],
                   name: Callable[[Any], str], *, worth: bool) -> Pending:
        """``fn`` over chunks of ``items``; the concatenated results in order, ``tick`` once per item.

        In the worker, chunks are queued at once and the result's caller
        shares the tail (``joined``). Kept here, ``fn`` gets one item at a
        time with its tick just before, as a plain loop would.
        """
        if not self._wanted(worth):
            def one_by_one() -> list:
                out = []
                for item in items:
                    tick(name(item))
                    out += fn([item])
                return out

            return Pending(one_by_one)
        chunks = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
        futures = [self._submit(fn, chunk) for chunk in chunks]
        results: list = [None] * len(chunks)
        done_here = [threading.Event() for _ in chunks]
        failure: list[BaseException] = []

        def collect() -> None:  # a thread: the bar moves while the main thread works
            try:
                for i, (chunk, future) in enumerate(zip(chunks, futures, strict=True)):
                    try:
                        if future is not None and future.cancelled():
                            raise CancelledError
                        results[i] = self._outcome(future, fn, chunk)
                    except CancelledError:  # taken back by the main thread (``joined``)
                        done_here[i].wait()
                    for item in chunk:
                        tick(name(item))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread as it is
                failure.append(exc)

        thread = threading.Thread(target=collect, name="credit-workbook-collect", daemon=True)
        thread.start()
        self._threads.append(thread)

        def joined() -> list:
            # Done with its own work first, this process takes the chunks the worker has not
            # started yet, from the back, while the worker goes on from the front.
            try:
                for i in reversed(range(len(chunks))):
                    if futures[i] is None or not futures[i].cancel():
                        break
                    try:
                        results[i] = fn(chunks[i])
                    finally:
                        done_here[i].set()
            finally:
                for event in done_here:
                    event.set()  # the collector never waits for a chunk nobody will do
                thread.join()
            if failure:
                raise failure[0]
            return [x for chunk in results for x in chunk]

        return Pending(joined)

    def close(self) -> None:
        """Waits for the job under way (its output is whole either way) and drops the queued ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for thread in self._threads:
            thread.join()  # no tick may reach a progress bar after the run returned
        self._threads.clear()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
