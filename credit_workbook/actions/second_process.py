"""A second process for the month's independent work, so a run uses both cores of a finance PC.

Reading 2,000 survey forms needs nothing the inbox holds, and the
highlighted ledger copy and the summary forms need nothing of each other:
each can run beside the rest of the month. Threads would not help (the
work is Python and zlib under the GIL), so the helper is one worker
process, started with ``spawn`` on every platform — what Windows must use
anyway, so the path tested on Linux is the one Windows users get, and no
lock held by a thread of ours (the progress bar, SQLite) is ever copied
into a fork.

How a list of independent jobs is shared (``Helper.share``): a thread of
this process hands the worker one job at a time from one end of the list,
and whoever asks for the results does the jobs left from the other end
itself. Neither process idles while the other has work, whichever part
turns out bigger on the day (a huge ledger, a slow disk, thousands of forms).

What stays the same whichever way a job runs:

- **Results** come back in job order; jobs are pure functions of their
  arguments or write their own file, so the run's outputs are byte for
  byte those of the one-process run. Jobs kept in this process run in job
  order when their results are asked for.
- **Errors.** An exception in the worker is re-raised here with its own
  type and Chinese message (pickled back by ``concurrent.futures``); after
  one, no further job starts, and the earliest job's error is raised. If
  the worker dies (killed, out of memory) or cannot start at all, its job
  is done again here: a run never fails because of the helper.
- **Progress.** ``done(i)`` is called for every job in job order as the
  finished part grows, from whichever thread finished it.

Small work stays here (``worth``): starting Python and importing the
readers costs ~0.3–0.5 s of the second core, more than a few hundred forms
or a ledger of a few thousand lines take.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["HIGHLIGHT_BYTES", "SURVEY_FORMS", "Helper", "Pending"]

SURVEY_FORMS = 300  # forms (~1.8 ms each): fewer are checked before a worker has even imported its readers
HIGHLIGHT_BYTES = 1024 * 1024  # archived .xlsx of the period: ~20,000 ledger lines, ~0.5 s to copy
CHUNK = 50  # forms per job: the bar ticks every ~0.1 s and pickling stays negligible
ENV = "CREDIT_WORKBOOK_PROCESSES"  # "1": never start a second process (a locked-down PC, a debugger)

Job = tuple[Callable, tuple]  # fn, args: fn must be importable by name (the worker unpickles it)


class Pending:
    """Results to be collected later (and, for work kept here, computed then)."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute = compute

    def result(self) -> Any:
        return self._compute()


class Helper:
    """Runs jobs in one spawned worker process and here.

    ``mode``: None decides by the work's size (``worth``) — the default of
    every run; True shares every list of jobs with the worker, False none
    (the tests compare the two). ``CREDIT_WORKBOOK_PROCESSES=1`` turns the
    default off.
    """

    def __init__(self, mode: bool | None = None):
        if mode is None and (os.environ.get(ENV, "").strip() == "1" or (os.cpu_count() or 1) < 2):
            mode = False
        self.mode = mode
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._shared: list[_Shared] = []

    @property
    def running(self) -> bool:
        """A worker has been started: sharing more with it costs no start-up."""
        return self._pool is not None

    def _submit(self, fn: Callable, *args) -> Future | None:
        try:
            with self._lock:  # each share's feeding thread submits: one pool for all of them
                if self._closed:
                    return None
                if self._pool is None:
                    import multiprocessing

                    from credit_workbook import guard

                    # a spawned worker starts with the guard's defaults: give it this workspace's [inputs]
                    self._pool = ProcessPoolExecutor(max_workers=1,
                                                     mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=guard.use_limits,
                                                     initargs=(guard.active_limits(),))
                pool = self._pool
            return pool.submit(fn, *args)
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

    def share(self, jobs: Sequence[Job], *, worth: bool, worker_from_end: bool = False,
              done: Callable[[int], None] = lambda i: None) -> Pending:
        """Every ``fn(*args)`` of ``jobs``; ``.result()`` is the list of their results in job order.

        The worker takes jobs from the start of the list (from the end with
        ``worker_from_end``: put the biggest job last when the list's order
        is the one-process order); ``.result()`` does the rest from the other end.
        """
        jobs = list(jobs)
        if not (self.mode is True or (self.mode is None and worth)):
            def in_order() -> list:
                out = []
                for i, (fn, args) in enumerate(jobs):
                    out.append(fn(*args))
                    done(i)
                return out

            return Pending(in_order)
        shared = _Shared(self, jobs, worker_from_end, done)
        self._shared.append(shared)
        return Pending(shared.result)

    def call(self, fn: Callable, *args, worth: bool) -> Pending:
        """One job; its ``.result()`` is ``fn(*args)``, done by the worker when ``worth`` it."""
        shared = self.share([(fn, args)], worth=worth)
        return Pending(lambda: shared.result()[0])

    def map_chunks(self, fn: Callable[[list], list], items: Sequence, tick: Callable[[str], None],
                   name: Callable[[Any], str], *, worth: bool) -> Pending:
        """``fn`` over chunks of ``items``; the concatenated results in order, ``tick`` once per item.

        The worker starts at the front, so the bar moves from the first item
        on; kept here, every item is its own chunk, as a plain loop.
        """
        size = CHUNK if self.mode is True or (self.mode is None and worth) else 1
        chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]

        def ticked(i: int) -> None:
            for item in chunks[i]:
                tick(name(item))

        shared = self.share([(fn, (chunk,)) for chunk in chunks], worth=worth, done=ticked)
        return Pending(lambda: [x for chunk in shared.result() for x in chunk])

    def close(self) -> None:
        """Lets the jobs under way end (each output is whole either way); starts no other."""
        for shared in self._shared:
            shared.stop()
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for shared in self._shared:
            shared.dispatcher.join()  # no tick may reach a progress bar after the run returned
        self._shared.clear()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Shared:
    """One list of jobs, taken by the worker from one end and by ``result()``'s caller from the other."""

    def __init__(self, helper: Helper, jobs: list[Job], worker_from_end: bool, done: Callable[[int], None]):
        self.helper, self.jobs, self.done = helper, jobs, done
        self.worker_from_end = worker_from_end
        self.results: list = [None] * len(jobs)
        self.errors: dict[int, BaseException] = {}
        self.finished = [False] * len(jobs)
        self.low, self.high = 0, len(jobs) - 1  # the jobs nobody has taken yet
        self.reported = 0  # jobs before this index have been passed to ``done``
        self.stopped = False
        self.lock = threading.Lock()
        self.dispatcher = threading.Thread(target=self._feed_worker, name="credit-workbook-worker-feed",
                                           daemon=True)
        self.dispatcher.start()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True

    def _take(self, for_worker: bool) -> int | None:
        with self.lock:
            if self.stopped or self.errors or self.low > self.high:
                return None
            if for_worker != self.worker_from_end:
                self.low += 1
                return self.low - 1
            self.high -= 1
            return self.high + 1

    def _finish(self, i: int, value: Any = None, error: BaseException | None = None) -> None:
        with self.lock:
            if error is not None:
                self.errors[i] = error
            self.results[i], self.finished[i] = value, True
            while self.reported < len(self.jobs) and self.finished[self.reported]:
                if self.reported not in self.errors:
                    self.done(self.reported)
                self.reported += 1

    def _feed_worker(self) -> None:
        while (i := self._take(for_worker=True)) is not None:
            fn, args = self.jobs[i]
            try:
                value = self.helper._outcome(self.helper._submit(fn, *args), fn, *args)
            except BaseException as exc:  # noqa: BLE001 - re-raised by result() in the main thread
                self._finish(i, error=exc)
            else:
                self._finish(i, value)

    def result(self) -> list:
        while (i := self._take(for_worker=False)) is not None:
            fn, args = self.jobs[i]
            try:
                value = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - raised below, after the worker's job ended
                self._finish(i, error=exc)
            else:
                self._finish(i, value)
        self.dispatcher.join()
        if self.errors:
            raise self.errors[min(self.errors)]
        return self.results
