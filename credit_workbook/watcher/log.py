"""The watcher's journal: one timestamped Chinese line per event, on stderr and in ``.credit/watch.log``.

A service has no console anyone reads, so the file is what a clerk or the
IT person opens to see what happened to a dropped file. Each line is
appended and closed at once (a kill loses nothing written, and Windows
lets the file be opened meanwhile); the file is rotated once it passes
``MAX_BYTES`` so a watcher running for years stays small.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import TextIO

from credit_workbook.fileio import open_private, private_dir

LOG_NAME = "watch.log"
MAX_BYTES = 5 << 20


class WatchLog:
    def __init__(self, path: Path, stream: TextIO | None):
        self.path = Path(path)
        self.stream = stream
        self._lock = threading.RLock()  # re-entrant: a line may be logged from a signal handler

    def __call__(self, message: str) -> None:
        line = f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}"
        with self._lock:
            if self.stream is not None:
                try:
                    print(line, file=self.stream, flush=True)
                except (OSError, ValueError):  # a closed console must not stop the watcher
                    pass
            try:
                self._rotate()
                with open_private(self.path, "a", encoding="utf-8") as fh:  # names customers: owner-only
                    fh.write(line + "\n")
            except OSError:
                pass  # a full disk shows elsewhere; the stream already has the line

    def _rotate(self) -> None:
        try:
            if self.path.stat().st_size < MAX_BYTES:
                return
        except FileNotFoundError:
            private_dir(self.path.parent)
            return
        os.replace(self.path, self.path.with_name(self.path.name + ".1"))
