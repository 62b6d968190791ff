"""What a contest screen shows: one SHARED state per contest revision, plus each voter's own part.

A big event has thousands of phones and dozens of screens on one contest. They all see the same
contest, entries, pitch, round, tally and like counts; only "my ballot", "my likes" and whether I
may vote differ. So:

- `shared(contest_id)` computes the shared part ONCE per contest revision and per process, and
  every join, resync and `round` broadcast reuses it (single flight: callers that arrive while it
  is being computed wait for that computation instead of starting their own).
- The revision moves on whenever something the shared part shows changes: a committed change to
  the contest, an entry or a round (a session hook below), a like (`bump` from the like service),
  and every ballot batch (`bump` from the group commit, through `broadcast.mark_dirty`); see
  revision.py. With Redis the revision is shared, so every process sees a change made in any
  other; without Redis it is a counter of this process (then there is only one web process).
- If the revision cannot be read (Redis down), a cached state is used for at most
  `OUTAGE_MAX_AGE` seconds; screens are corrected by the tally heartbeat meanwhile.
- `personal(contest, voter, shared)` reads only the voter's rows (two indexed queries for a guest).

A caller that waits for the flight holds no database connection: `state()` releases the request's
connection before it asks for the shared part.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from ...extensions import db
from . import ballots, broadcast, eligibility, tally
from .models import Contest, Entry, Like
from .revision import bump, on_bump, revision  # noqa: F401  (bump: part of this module's API)
from .revision import forget_all as forget_revisions

log = logging.getLogger(__name__)

OUTAGE_MAX_AGE = 1.0  # seconds a cached state may serve when the revision cannot be read
MAX_AGE = 30.0  # a safety net for changes no hook sees (an organisation renamed)
QUALIFYING_MODES = ("staff", "checked_in", "join_code")

_lock = threading.Lock()
_cache: dict[int, tuple[object, float, dict]] = {}  # contest id -> (revision, computed at, shared state)
_flights: dict[tuple, _Flight] = {}  # (contest id, revision) -> the computation under way
computations = 0  # diagnostics (tests, benchmark): how many shared states this process computed


class _Flight:
    def __init__(self):
        self.done = threading.Event()
        self.state: dict | None = None


def _drop(contest_id: int) -> None:
    with _lock:
        _cache.pop(contest_id, None)


on_bump(_drop)


def forget_all() -> None:
    """Drop every cached state (the database was emptied behind the app's back: tests)."""
    with _lock:
        _cache.clear()
    forget_revisions()


def shared(contest_id: int, fresh: bool = False) -> dict | None:
    """The shared state of the contest (None if it does not exist). `fresh`: compute it now (a
    broadcast right after a change), and share the result with everyone after. Callers share a
    computation only when they read the same revision: a state computed before a change is never
    handed to a caller who asked after it."""
    rev = revision(contest_id)
    if not fresh:
        state = _cached(contest_id, rev)
        if state is not None:
            return state
    key = (contest_id, rev)
    with _lock:
        flight = None if fresh else _flights.get(key)
        lead = flight is None
        if lead:
            flight = _Flight()
            if not fresh:
                _flights[key] = flight
    if not lead and flight.done.wait(10) and flight.state is not None:
        return flight.state
    try:
        state = _compute(contest_id)
        if state is not None:
            _cache[contest_id] = (rev, time.monotonic(), state)
        flight.state = state
        return state
    finally:
        if lead:
            with _lock:
                if _flights.get(key) is flight:
                    _flights.pop(key, None)
            flight.done.set()


def cached(contest_id: int) -> dict | None:
    """The shared state if this process holds it for the current revision (no database)."""
    return _cached(contest_id, revision(contest_id))


def _cached(contest_id: int, rev) -> dict | None:
    hit = _cache.get(contest_id)
    if hit is None:
        return None
    cached_rev, at, state = hit
    max_age = OUTAGE_MAX_AGE if rev is None else MAX_AGE
    if (rev is None or cached_rev == rev) and time.monotonic() - at < max_age:
        return state
    return None


def _compute(contest_id: int) -> dict | None:
    """In a session of its own, released at once: a flight's leader holds a connection only while
    it computes."""
    global computations
    session = db.session
    try:
        contest = session.get(Contest, contest_id)
        if contest is None:
            return None
        from .likes import like_counts
        from .rounds import current_round, round_payload
        from .services import pitch_payload

        rnd = current_round(contest)
        computations += 1
        return {
            "contest": {
                "id": contest.id,
                "status": contest.status,
                "title": contest.title,
                "formula": contest.formula,
                "revealed": contest.revealed_at is not None,
            },
            "entries": [
                {
                    "id": e.id,
                    "title": e.title,
                    "org": e.organization.name_ja,
                    "org_en": e.organization.name_en,
                    "position": e.position,
                }
                for e in contest.entries
            ],
            "pitch": pitch_payload(contest),
            "round": round_payload(rnd) if rnd is not None else None,
            "tally": tally.tally_payload(rnd) if rnd is not None else None,
            "likes": {str(k): v for k, v in like_counts(contest).items()},
        }
    finally:
        session.rollback()


def qualifies(contest: Contest, voter) -> list[str]:
    """The eligibility modes this voter meets (a page decides "may I vote in this round" from them
    when a new round opens; the server checks again on every ballot)."""
    if voter is None:
        return []
    return [mode for mode in QUALIFYING_MODES if eligibility.eligible(contest, (mode,), voter)]


def personal(contest_id: int, voter, state: dict, modes: list[str]) -> dict:
    """The voter's own part, for the round the shared state shows (by ids: no ORM object)."""
    rnd = state.get("round")
    mine, liked = None, []
    if voter is not None:
        if rnd is not None:
            ballot = ballots.current_ballot(rnd["id"], voter.key)
            if ballot is not None:
                mine = {
                    "receipt": ballot.receipt,
                    "choices": ballot.choices,
                    "created_at": ballot.created_at.isoformat(),
                }
        liked = list(
            db.session.scalars(
                select(Like.entry_id)
                .join(Entry, Entry.id == Like.entry_id)
                .where(Entry.contest_id == contest_id, Like.voter_key == voter.key)
            )
        )
    eligible = bool(rnd is not None and set(modes) & set(rnd["eligibility"]))
    return {"my_ballot": mine, "eligible": eligible, "liked": liked, "qualifies": list(modes)}


def state(contest: Contest, voter) -> dict:
    """Everything a (re)connecting screen needs."""
    return state_for(contest.id, voter, qualifies(contest, voter))


def state_for(contest_id: int, voter, modes: list[str]) -> dict:
    """The shared part (cached per revision) and the voter's rows. When the shared part must be
    computed or waited for, the request's connection is released first (only read paths call
    this: nothing is pending in the session)."""
    current = cached(contest_id)
    if current is None:
        db.session.rollback()
        current = shared(contest_id) or {}
    return {**current, **personal(contest_id, voter, current, modes)}


broadcast.use_shared_state(shared)
