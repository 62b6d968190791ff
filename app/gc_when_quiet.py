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

The middle generation gets the same treatment in quiet moments. A join storm leaves every new
connection's objects in generation 1, and the first automatic generation-1 collection after it
walks them all (283 ms with 3,000 sockets, measured by PauseLog in the middle of the ballot burst
that followed). So in every quiet second in which young collections have left survivors, the loop
collects generation 1 itself: the storm's objects move on to generation 2 before the burst, and
the automatic collections during the burst only see what the burst allocated.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

FULL_AFTER = 100  # CPython's own default threshold for generation 2
FORCE_AFTER = 10 * FULL_AFTER
QUIET_SHARE = 0.25  # share of one core below which the process counts as quiet
CHECK_EVERY = 1.0  # seconds
YOUNG_THRESHOLD = (50_000, 20)
NEVER = 2**31 - 1  # a generation-2 threshold the counter never reaches
SLOW_MS = 50.0  # a collection that stops the process this long is logged


class QuietCollector:
    """One decision per step: collect generation 2 now, or wait for a quieter moment."""

    def __init__(
        self, cpu=time.process_time, clock=time.monotonic, pending=None, collect=None, young=None, collect_young=None
    ):
        self._cpu, self._clock = cpu, clock
        self._pending = pending or (lambda: gc.get_count()[2])
        self._collect = collect or (lambda: gc.collect(2))
        self._young = young or (lambda: gc.get_count()[1])  # young collections since the last gen-1 one
        self._collect_young = collect_young or (lambda: gc.collect(1))
        self._last = (clock(), cpu())
        self._stopped = threading.Event()

    def step(self) -> bool:
        """Collect generation 2 when due (True), or generation 1 when quiet and young
        collections left survivors in it (False, as for no full collection)."""
        now, used = self._clock(), self._cpu()
        wall = now - self._last[0]
        share = (used - self._last[1]) / wall if wall > 0 else 1.0
        pending, quiet = self._pending(), share < QUIET_SHARE
        collect = pending >= FORCE_AFTER or (pending >= FULL_AFTER and quiet)
        if collect:
            with scheduled():
                self._collect()
        elif quiet and self._young() > 0:
            with scheduled():
                self._collect_young()
        self._last = (self._clock(), self._cpu())  # the collection's own CPU is not load
        return collect

    def run(self) -> None:
        while not self._stopped.wait(CHECK_EVERY):
            self.step()

    def stop(self) -> None:
        self._stopped.set()


_scheduled = threading.local()


@contextlib.contextmanager
def scheduled():
    """Marks the collections started inside as this module's own (for PauseLog)."""
    _scheduled.on = True
    try:
        yield
    finally:
        _scheduled.on = False


class PauseLog:
    """gc.callbacks hook: logs every collection that stopped the process for SLOW_MS or more
    (generation, milliseconds, objects freed), so a stall in a live event can be told apart
    from a slow database."""

    def __init__(self, clock=time.perf_counter, slow_ms=SLOW_MS):
        self._clock, self._slow_ms, self._started = clock, slow_ms, None

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = self._clock()
            return
        if self._started is None:
            return
        ms, self._started = (self._clock() - self._started) * 1000, None
        if ms >= self._slow_ms:
            try:
                log.warning(
                    "gc: generation %s collection took %.0f ms (%s objects freed; %s)",
                    info.get("generation"),
                    ms,
                    info.get("collected"),
                    "in a quiet moment" if getattr(_scheduled, "on", False) else "automatic",
                )
            except Exception:  # noqa: BLE001  (interpreter shutdown: logging is gone; never raise in gc)
                pass


def install() -> QuietCollector:
    """Freeze what start-up allocated, pace young collections, and take over the full ones."""
    gc.collect()
    gc.freeze()  # modules, the app, the ORM mappers: never garbage, never walked again
    gc.set_threshold(*YOUNG_THRESHOLD, NEVER)
    if not any(isinstance(cb, PauseLog) for cb in gc.callbacks):
        gc.callbacks.append(PauseLog())
    collector = QuietCollector()
    threading.Thread(target=collector.run, name="gc-when-quiet", daemon=True).start()
    return collector
