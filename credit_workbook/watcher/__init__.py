"""The inbox watcher (``credit-workbook watch``): finance drops ledger exports, the month runs itself.

files.py   which names to ignore, when a file's structure says it is whole
settle.py  when a file and a batch are ready (pure timing rules)
locks.py   one watcher per workspace; the workspace lock per batch
batch.py   ingest the settled files, run the owed month, mail it
loop.py    the observer and the single worker loop
log.py     timestamped lines on stderr and in .credit/watch.log
"""

from credit_workbook.watcher.loop import Watcher

__all__ = ["Watcher"]
