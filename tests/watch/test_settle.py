"""The timing rules on a fake clock: settle, grace, debounce, starvation, memory of handled files."""

from __future__ import annotations

from pathlib import Path

from credit_workbook.watcher.settle import CHANGING, READY, WAITING, Tracker

T0 = 1_000_000.0  # wall clock of the fake files' mtimes


class World:
    """Files as (size, mtime) and whether their structure is whole; one clock for both."""

    def __init__(self):
        self.now = 0.0
        self.files: dict[str, tuple[int, int]] = {}
        self.broken: dict[str, str] = {}

    def write(self, name: str, size: int) -> Path:
        self.files[name] = (size, int((T0 + self.now) * 1e9))
        return Path(name)

    def tracker(self, settle=2.0, grace=60.0, max_delay=30.0) -> Tracker:
        return Tracker(settle, grace, max_delay, clock=lambda: self.now, wall=lambda: T0 + self.now,
                       probe_sig=lambda p: self.files.get(p.name), probe_whole=lambda p: self.broken.get(p.name))


def names(entries) -> list[str]:
    return [e.path.name for e in entries]


def test_a_growing_file_is_ready_only_after_settle_seconds_without_change():
    w = World()
    t = w.tracker()
    t.see(w.write("a.xlsx", 100))
    for _ in range(5):  # a slow copy: a chunk every 1.5 s
        w.now += 1.5
        w.write("a.xlsx", w.files["a.xlsx"][0] + 100)
        t.refresh()
        assert t.take_batch() == []
    w.now += 1.9
    t.refresh()
    assert t.take_batch() == []
    w.now += 0.2
    t.refresh()
    assert names(t.take_batch()) == ["a.xlsx"]


def test_several_files_dropped_together_make_one_batch_after_the_last_settles():
    w = World()
    t = w.tracker()
    for i, name in enumerate(["a.xlsx", "b.xlsx", "c.xlsx"]):
        t.see(w.write(name, 10))
        w.now += 1.0
        t.refresh()
        assert t.take_batch() == [], i  # the earlier ones are ready, but a neighbour is still changing
    w.now += 1.0
    t.refresh()
    assert names(t.take_batch()) == ["a.xlsx", "b.xlsx", "c.xlsx"]


def test_ready_files_do_not_wait_forever_for_a_file_that_never_stops_changing():
    w = World()
    t = w.tracker(max_delay=30.0)
    t.see(w.write("done.xlsx", 10))
    t.see(w.write("log.csv", 10))
    taken = []
    for step in range(40):
        w.now += 1.0
        w.write("log.csv", 10 + step)
        t.refresh()
        taken = t.take_batch()
        if taken:
            break
    assert names(taken) == ["done.xlsx"] and 31 <= w.now <= 33


def test_a_still_but_unreadable_file_waits_for_grace_then_goes_to_the_ingest():
    w = World()
    t = w.tracker(grace=60.0)
    w.broken["cut.xlsx"] = "目录区尚未写入"
    t.see(w.write("cut.xlsx", 10))
    w.now += 3
    t.refresh()
    (e,) = t.entries.values()
    assert t.state(e) == WAITING and t.take_batch() == []
    w.now += 58
    assert t.state(e) == READY and names(t.take_batch()) == ["cut.xlsx"]


def test_a_cut_file_found_at_start_up_counts_its_own_age_for_grace_but_settle_is_always_watched():
    w = World()
    w.write("old.xlsx", 10)
    w.broken["old.xlsx"] = "目录区尚未写入"
    w.now += 3600  # the watcher was down for an hour
    t = w.tracker()
    t.see(Path("old.xlsx"))
    (e,) = t.entries.values()
    assert t.state(e) == CHANGING  # an old mtime proves nothing about a copy in progress
    w.now += 2
    assert t.state(e) == READY  # but the hour it lay there counts as grace


def test_the_age_of_a_file_seen_changing_does_not_count():
    w = World()
    w.write("live.xlsx", 10)
    w.broken["live.xlsx"] = "目录区尚未写入"
    w.now += 3600
    t = w.tracker()
    t.see(Path("live.xlsx"))
    w.now += 1
    w.files["live.xlsx"] = (20, int(T0 * 1e9))  # grew, mtime still old (a share whose clock lags)
    t.refresh()
    (e,) = t.entries.values()
    w.now += 3
    assert t.state(e) == WAITING


def test_a_change_restarts_the_clock():
    w = World()
    t = w.tracker()
    t.see(w.write("a.xlsx", 10))
    w.now += 1.9
    w.write("a.xlsx", 10)  # same size, new mtime (Excel re-saved it)
    t.refresh()
    (e,) = t.entries.values()
    assert t.state(e) == CHANGING
    w.now += 2.0
    assert t.state(e) == READY


def test_a_file_the_ingest_had_to_leave_is_not_taken_again_until_it_changes_or_leaves():
    w = World()
    t = w.tracker()
    t.see(w.write("a.xlsx", 10))
    w.now += 3
    batch = t.take_batch()
    t.handed_over(batch)  # still there afterwards: remembered
    t.listed([Path("a.xlsx")])
    assert not t.busy
    w.now += 1
    w.write("a.xlsx", 11)
    t.listed([Path("a.xlsx")])
    assert t.busy


def test_a_file_that_left_and_came_back_identical_is_a_new_drop():
    """Explorer keeps a copied file's mtime: the same bytes dropped twice have the same signature."""
    w = World()
    t = w.tracker()
    t.see(w.write("a.xlsx", 10))
    w.now += 3
    batch = t.take_batch()
    t.handed_over(batch)
    assert "a.xlsx" in t.done
    saved = w.files.pop("a.xlsx")  # the ingest archived it
    t.listed([])
    w.files["a.xlsx"] = saved  # dropped again, same size and mtime
    t.listed([Path("a.xlsx")])
    assert t.busy


def test_a_vanished_file_is_forgotten():
    w = World()
    t = w.tracker()
    t.see(w.write("a.xlsx", 10))
    del w.files["a.xlsx"]  # Excel's temp, renamed away
    t.refresh()
    assert not t.busy and t.take_batch() == []
