"""When a file — and a batch of files — is ready: the watcher's timing, with no I/O of its own.

Events are only hints (a network share may send none, Excel sends a
created/deleted/moved storm); what counts is what ``stat`` says over time:

- a file is *changing* until its (size, mtime) has been SEEN unchanged for
  ``settle`` seconds — seen, not inferred from an old mtime: a network
  share's clock may lag, and a copy tool may set the mtime first;
- then it is *ready* when its structure says it is whole (``files.py``),
  otherwise *waiting*; a file still not whole after ``grace`` seconds of
  stillness is handed over anyway, so the ingest can quarantine it with the
  parser's reason instead of it lying in the inbox forever. Here a file
  found unchanged since the watcher first saw it counts its own age, so
  ``--once`` and a restart judge an old cut file at once;
- a *batch* is taken when the whole inbox is quiet (nothing changing) and
  something is ready — several files dropped together give one run — or
  when a ready file has waited ``max_delay`` for a neighbour that keeps
  changing, so one endless writer cannot starve the rest.

The clocks and the two file probes are injected so the rules are tested
without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from credit_workbook.watcher.files import Signature, incomplete_reason, signature

CHANGING, WAITING, READY = "changing", "waiting", "ready"


@dataclass
class Entry:
    path: Path
    sig: Signature
    still_since: float  # monotonic time the signature was last seen to change (or first seen)
    reason: str | None = None  # why it is not whole, for the current signature
    checked: bool = False  # reason is up to date for sig
    ready_since: float | None = None
    changed: bool = False  # seen to change: a live copy, whose mtime age means nothing
    told_waiting: bool = False  # the log said once that it waits


@dataclass
class Tracker:
    settle: float
    grace: float
    max_delay: float
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    probe_sig: Callable[[Path], Signature | None] = signature
    probe_whole: Callable[[Path], str | None] = incomplete_reason
    entries: dict[str, Entry] = field(default_factory=dict)
    done: dict[str, Signature] = field(default_factory=dict)  # what was handed over, by name

    def see(self, path: Path) -> None:
        """A file appeared or changed (an event or a listing); unknown ones start being watched."""
        if path.name in self.entries:
            return
        sig = self.probe_sig(path)
        if sig is None or self.done.get(path.name) == sig:
            return  # gone, or exactly what was already handled (a file the ingest had to leave)
        self.entries[path.name] = Entry(path, sig, self.clock())

    def refresh(self) -> None:
        """Stat every watched file: forget vanished ones, restart the clock of changed ones."""
        now = self.clock()
        for name, e in list(self.entries.items()):
            sig = self.probe_sig(e.path)
            if sig is None or self.done.get(name) == sig:
                del self.entries[name]
            elif sig != e.sig:
                e.sig, e.still_since, e.checked, e.ready_since, e.changed = sig, now, False, None, True

    def state(self, e: Entry) -> str:
        now = self.clock()
        if now - e.still_since < self.settle:
            return CHANGING
        if not e.checked:
            e.reason, e.checked = self.probe_whole(e.path), True
        if e.reason is not None and self.still_for(e) < self.grace:
            return WAITING
        if e.ready_since is None:
            e.ready_since = now
        return READY

    def still_for(self, e: Entry) -> float:
        """Seconds of stillness for ``grace``: what was watched, or the age of a file never seen changing."""
        watched = self.clock() - e.still_since
        return watched if e.changed else max(watched, self.wall() - e.sig[1] / 1e9)

    def states(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {CHANGING: [], WAITING: [], READY: []}
        for e in self.entries.values():
            out[self.state(e)].append(e)
        return out

    def take_batch(self) -> list[Entry]:
        """The ready files, when the inbox is quiet or the oldest ready one has waited long enough."""
        states = self.states()
        ready = states[READY]
        if not ready:
            return []
        oldest = min(e.ready_since for e in ready)
        if states[CHANGING] and self.clock() - oldest < self.max_delay:
            return []
        return sorted(ready, key=lambda e: e.path.name)

    def handed_over(self, entries: list[Entry]) -> None:
        """Stop watching these. One the ingest had to leave in the inbox (it could not be moved) is
        remembered by signature, so it is not taken again and again; it comes back when it changes."""
        for e in entries:
            self.entries.pop(e.path.name, None)
            if self.probe_sig(e.path) == e.sig:
                self.done[e.path.name] = e.sig
            else:
                self.done.pop(e.path.name, None)

    def listed(self, paths: list[Path]) -> None:
        """A full listing of the inbox: watch what is new, forget the memory of names now gone
        (the same file dropped again — Explorer keeps its mtime — is a new drop)."""
        names = {p.name for p in paths}
        for name in [n for n in self.done if n not in names]:
            del self.done[name]
        for p in paths:
            self.see(p)

    def forget(self, name: str) -> None:
        """The name left the inbox: a file dropped under it later is a new drop."""
        self.done.pop(name, None)

    @property
    def busy(self) -> bool:
        return bool(self.entries)
