"""Full collections wait for a quiet moment (deploy/gunicorn-socketio.conf.py installs this)."""

import gc
import threading

from app import gc_when_quiet
from app.gc_when_quiet import FORCE_AFTER, FULL_AFTER, QuietCollector


class Clock:
    def __init__(self):
        self.wall = self.cpu = 0.0

    def tick(self, wall, cpu):
        self.wall += wall
        self.cpu += cpu


def collector(clock, pending):
    collected = []
    c = QuietCollector(
        cpu=lambda: clock.cpu,
        clock=lambda: clock.wall,
        pending=lambda: pending[0],
        collect=lambda: collected.append(pending[0]),
    )
    return c, collected


def test_a_busy_process_puts_the_full_collection_off_until_it_is_quiet():
    clock, pending = Clock(), [FULL_AFTER]
    c, collected = collector(clock, pending)
    clock.tick(1.0, 0.9)  # a ballot burst: 90% of a core
    assert c.step() is False and collected == []
    clock.tick(1.0, 0.05)  # the burst is over
    assert c.step() is True and collected == [FULL_AFTER]


def test_a_quiet_process_does_not_collect_before_enough_young_collections_pile_up():
    clock, pending = Clock(), [FULL_AFTER - 1]
    c, collected = collector(clock, pending)
    clock.tick(1.0, 0.0)
    assert c.step() is False and collected == []


def test_a_process_that_never_goes_quiet_still_collects_so_memory_stays_bounded():
    clock, pending = Clock(), [FORCE_AFTER]
    c, collected = collector(clock, pending)
    clock.tick(1.0, 1.0)
    assert c.step() is True and collected == [FORCE_AFTER]


def test_install_freezes_start_up_and_stops_automatic_full_collections():
    before = gc.get_threshold()
    c = None
    try:
        c = gc_when_quiet.install()
        assert gc.get_threshold() == (*gc_when_quiet.YOUNG_THRESHOLD, gc_when_quiet.NEVER)
        assert gc.get_freeze_count() > 0
        assert any(t.name == "gc-when-quiet" and t.daemon for t in threading.enumerate())
        assert any(isinstance(cb, gc_when_quiet.PauseLog) for cb in gc.callbacks)
    finally:
        if c:
            c.stop()
        gc.callbacks[:] = [cb for cb in gc.callbacks if not isinstance(cb, gc_when_quiet.PauseLog)]
        gc.unfreeze()
        gc.set_threshold(*before)


def young_collector(clock, survivors):
    full, young = [], []
    c = QuietCollector(
        cpu=lambda: clock.cpu,
        clock=lambda: clock.wall,
        pending=lambda: 0,
        collect=lambda: full.append(1),
        young=lambda: survivors[0],
        collect_young=lambda: young.append(survivors[0]),
    )
    return c, full, young


def test_a_quiet_moment_after_a_join_storm_moves_its_survivors_on_before_the_ballot_burst():
    clock, survivors = Clock(), [7]  # seven young collections since the last generation-1 one
    c, full, young = young_collector(clock, survivors)
    clock.tick(1.0, 0.8)  # phones still joining: no pause in the middle of it
    assert c.step() is False and young == []
    clock.tick(1.0, 0.02)  # everyone is in, waiting for the round
    assert c.step() is False and young == [7] and full == []


def test_a_quiet_process_with_nothing_young_left_does_not_collect():
    clock, survivors = Clock(), [0]
    c, full, young = young_collector(clock, survivors)
    clock.tick(1.0, 0.0)
    assert c.step() is False and young == [] and full == []


def test_a_slow_collection_is_logged_with_its_generation_and_length(caplog):
    times = iter([0.0, 0.120])
    pauses = gc_when_quiet.PauseLog(clock=lambda: next(times), slow_ms=50)
    with caplog.at_level("WARNING", logger="app.gc_when_quiet"):
        pauses("start", {"generation": 1})
        pauses("stop", {"generation": 1, "collected": 42})
    assert "generation 1 collection took 120 ms (42 objects freed; automatic)" in caplog.text


def test_a_quick_collection_is_not_logged(caplog):
    times = iter([0.0, 0.010])
    pauses = gc_when_quiet.PauseLog(clock=lambda: next(times), slow_ms=50)
    with caplog.at_level("WARNING", logger="app.gc_when_quiet"):
        pauses("start", {"generation": 0})
        pauses("stop", {"generation": 0, "collected": 1})
    assert caplog.text == ""
