"""The per-process cache of a round's rules, for the guest vote path (sockets.py).

A round's method, choices and eligibility are frozen once it opens and its entries are only ever
added (see `ballots.Rules`), so an open round's rules may be reused for CACHE_SECONDS instead of
being read for every ballot; the round's status is decided under the row lock in the group commit
(group_commit.py). A round still in draft is never served from the cache: it may open at any moment.
"""

from __future__ import annotations

import threading
import time

from ...errors import NotFound
from .ballots import Rules

CACHE_SECONDS = 1.0  # also how long sockets.py trusts a guest's join pass row

_rules: dict[int, tuple[float, Rules]] = {}


class _Flight:
    """One load of a round's rules in progress; the callers that arrive meanwhile wait for it."""

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.rules: Rules | None = None


_loading: dict[int, _Flight] = {}
_loading_lock = threading.Lock()


def cached_rules(round_id: int, fresh: bool = False) -> Rules | None:
    """The round's rules from the per-process cache (CACHE_SECONDS). A miss loads them ONCE: when a
    round opens, hundreds of first ballots arrive together; each used to load the rules itself
    (a pool connection and ~4 queries each), which queued every vote of the first second behind
    the database. Callers arriving during a load wait for it and take its result (loaded after
    they asked, so never staler than their own load); if that load fails they load themselves."""
    now = time.monotonic()
    hit = _rules.get(round_id)
    if hit is not None and not fresh and hit[1].status != "draft":
        if now - hit[0] < CACHE_SECONDS:
            return hit[1]
        _rules[round_id] = (now, hit[1])  # one caller reloads; the others keep the (frozen) rules meanwhile
    if fresh:
        return _load_rules(round_id, now)
    with _loading_lock:
        flight = _loading.get(round_id)
        lead = flight is None
        if lead:
            flight = _loading[round_id] = _Flight()
    if not lead:
        if flight.done.wait(10) and flight.ok:
            return flight.rules
        return _load_rules(round_id, time.monotonic())
    try:
        flight.rules = _load_rules(round_id, now)
        flight.ok = True
        return flight.rules
    finally:
        with _loading_lock:
            _loading.pop(round_id, None)
        flight.done.set()


def _load_rules(round_id: int, now: float) -> Rules | None:
    try:
        rules = Rules.load(round_id)
    except NotFound:
        _rules.pop(round_id, None)
        return None
    rules = Rules(**{**rules.__dict__, "contest": None})  # no ORM object in a shared cache
    _rules[round_id] = (now, rules)
    if len(_rules) > 1000:
        _rules.clear()
    return rules
