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
    finally:
        if c:
            c.stop()
        gc.unfreeze()
        gc.set_threshold(*before)
