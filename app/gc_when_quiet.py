"""Full garbage collections when the process is quiet, not in the middle of a ballot burst.

A web process holding a thousand sockets has millions of objects; a full (generation 2)
collection walks them all and stops every greenlet for 100-500 ms. CPython starts one whenever
enough young collections have piled up, which under live load means in the middle of the burst
it was caused by: every acknowledgement waiting on it lands in the p99.

`install()` (called by deploy/gunicorn-socketio.conf.py once the app is loaded) keeps the young
collections automatic, stops the automatic full ones, and runs a background loop that starts a
full collection once as many young collections have piled up as CPython would wait for
(FULL_AFTER) *and* the process used under QUIET_SHARE of a core over the last second. Memory stays
bounded: past FORCE_AFTER (ten times as many) it collects anyway, busy or not.
"""

from __future__ import annotations

import gc
import threading
import time

FULL_AFTER = 100  # CPython's own default threshold for generation 2
FORCE_AFTER = 10 * FULL_AFTER
QUIET_SHARE = 0.25  # share of one core below which the process counts as quiet
CHECK_EVERY = 1.0  # seconds
YOUNG_THRESHOLD = (50_000, 20)
NEVER = 2**31 - 1  # a generation-2 threshold the counter never reaches


class QuietCollector:
    """One decision per step: collect generation 2 now, or wait for a quieter moment."""

    def __init__(self, cpu=time.process_time, clock=time.monotonic, pending=None, collect=None):
        self._cpu, self._clock = cpu, clock
        self._pending = pending or (lambda: gc.get_count()[2])
        self._collect = collect or (lambda: gc.collect(2))
        self._last = (clock(), cpu())
        self._stopped = threading.Event()

    def step(self) -> bool:
        now, used = self._clock(), self._cpu()
        wall = now - self._last[0]
        share = (used - self._last[1]) / wall if wall > 0 else 1.0
        pending = self._pending()
        collect = pending >= FORCE_AFTER or (pending >= FULL_AFTER and share < QUIET_SHARE)
        if collect:
            self._collect()
        self._last = (self._clock(), self._cpu())  # the collection's own CPU is not load
        return collect

    def run(self) -> None:
        while not self._stopped.wait(CHECK_EVERY):
            self.step()

    def stop(self) -> None:
        self._stopped.set()


def install() -> QuietCollector:
    """Freeze what start-up allocated, pace young collections, and take over the full ones."""
    gc.collect()
    gc.freeze()  # modules, the app, the ORM mappers: never garbage, never walked again
    gc.set_threshold(*YOUNG_THRESHOLD, NEVER)
    collector = QuietCollector()
    threading.Thread(target=collector.run, name="gc-when-quiet", daemon=True).start()
    return collector
