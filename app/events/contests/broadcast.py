"""Coalesced live updates. A ballot never broadcasts by itself: it marks its round dirty.

One background task per process (socketio.start_background_task) wakes every 200 ms, takes
the dirty rounds, and emits ONE `tally` (with the round's version) per changed round to the
contest's screens (presenters, moderators, logged-in viewers). With Redis, the dirty set and a 200 ms throttle key are shared, so several web
processes and RQ workers together emit at most every 200 ms per round; Socket.IO's Redis
message queue fans the emit out to every process. Redis errors never reach the voter: the
ballot is already committed, and viewers resync with GET .../state.

The phones (the voter page, the big audience) show only how many votes are in: they join with
"tally": "paced" (sockets.py) and get the tally at most once per VOTERS_INTERVAL while ballots keep coming, and at once
when the ballots pause (the first tick after a screens tally with no new ballot): a burst of
2,000 ballots is 5 deliveries per phone instead of 25, and the final count still reaches
every phone one tick after the screens.

A `round` event (a round opened or closed) carries the contest's whole shared state
(live_state.shared), so thousands of screens apply it without fetching it at the same moment.

The heartbeat: every HEARTBEAT_SECONDS each process re-sends the current round's tally, with its
version, to ITS OWN screens only (not through the message queue): a screen that missed a
broadcast (Redis was down while another process emitted it) is correct again within seconds,
without a new ballot. A screen that hears nothing for a while resyncs over HTTP.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from ... import redis_client
from ...extensions import db, socketio
from . import revision

log = logging.getLogger(__name__)

NAMESPACE = "/contests"
INTERVAL = 0.2
VOTERS_INTERVAL = 1.0
HEARTBEAT_SECONDS = 3.0
DIRTY_KEY = "contests:dirty"
THROTTLE_KEY = "contests:throttle:{}"
EMITTED_KEY = "contests:emitted:{}"
VOTERS_KEY = "contests:voters:{}"

_lock = threading.Lock()
_local_dirty: set[int] = set()
_last_emitted: dict[int, int] = {}
_workers: set[int] = set()
_voters_pending: dict[int, tuple] = {}  # round -> (tally, revision, since): sent to the screens, not yet the phones
_voters_sent_at: dict[int, float] = {}  # round -> when this process last sent the phones a tally (Redis down)
_shared_state = None  # live_state.shared, registered by live_state (see use_shared_state)


def room(contest_id: int) -> str:
    return f"contest:{contest_id}"


def moderator_room(contest_id: int) -> str:
    return f"contest:{contest_id}:mod"


def screens_room(contest_id: int) -> str:
    """Presenters, moderators, anything that shows the counts: every tally (at most every INTERVAL)."""
    return f"contest:{contest_id}:screens"


def voters_room(contest_id: int) -> str:
    """The voter pages (they show only the count): a tally at most every VOTERS_INTERVAL, and
    when the ballots pause."""
    return f"contest:{contest_id}:voters"


def _redis(app):
    return redis_client.client(app.config.get("REDIS_URL"))


def mark_dirty(round_id: int, contest_id: int | None = None) -> None:
    """After a ballot committed: the round's tally changed (and so the contest's shared state).
    Never raises."""
    app = current_app._get_current_object()
    if contest_id is not None:
        revision.bump(contest_id)
    shared = False
    try:
        r = _redis(app)
        if r is not None:
            r.sadd(DIRTY_KEY, round_id)
            shared = True
    except Exception:  # noqa: BLE001  (Redis down: the round stays dirty in this process)
        log.warning("Redis unavailable: round %s marked dirty in this process only", round_id)
    if not shared:
        with _lock:
            _local_dirty.add(round_id)
    ensure_worker(app)


def worker_enabled(app) -> bool:
    """On by default; off under tests unless a test turns it on (tests flush by hand)."""
    return bool(app.config.get("CONTESTS_BROADCAST_WORKER", not app.testing))


def ensure_worker(app) -> None:
    if not worker_enabled(app):
        return
    with _lock:
        if id(app) in _workers:
            return
        _workers.add(id(app))
    socketio.start_background_task(_run, app)


def _run(app) -> None:
    next_beat = time.monotonic() + HEARTBEAT_SECONDS
    while worker_enabled(app):
        socketio.sleep(INTERVAL)
        try:
            flush_once(app)
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
                heartbeat_once(app)
        except Exception:  # the loop must survive anything (database restart, Redis down)
            log.exception("Contest broadcast flush failed")
    with _lock:
        _workers.discard(id(app))


def _take_dirty(app) -> set[int]:
    with _lock:
        dirty = set(_local_dirty)
        _local_dirty.clear()
    try:
        r = _redis(app)
        if r is not None:
            dirty |= {int(x) for x in (r.spop(DIRTY_KEY, 1000) or [])}
    except Exception:  # noqa: BLE001  (Redis down: this process flushes its own rounds)
        log.warning("Redis unavailable: flushing local dirty rounds only")
    return dirty


def _throttled(app, round_id: int) -> bool:
    try:
        r = _redis(app)
        if r is not None:
            return not r.set(THROTTLE_KEY.format(round_id), 1, nx=True, px=int(INTERVAL * 1000))
    except Exception:  # noqa: BLE001, S110  (Redis down: not throttled, not a duplicate)
        pass
    return False


def _already_emitted(app, round_id: int, version: int) -> bool:
    if _last_emitted.get(round_id, -1) >= version:
        return True
    try:
        r = _redis(app)
        if r is not None:
            previous = r.getset(EMITTED_KEY.format(round_id), version)
            r.expire(EMITTED_KEY.format(round_id), 86400)
            if previous is not None and int(previous) >= version:
                return True
    except Exception:  # noqa: BLE001, S110  (Redis down: not throttled, not a duplicate)
        pass
    return False


def flush_once(app) -> int:
    """Emit one `tally` per dirty round whose version moved on to its screens (and to its phones,
    see _to_voters); first, send the phones the tallies left pending when no ballot came since.
    Returns how many tallies went to the screens."""
    from .models import VotingRound
    from .tally import tally_payload

    emitted = 0
    for round_id in sorted(_voters_pending):
        _send_pending(app, round_id)
    for round_id in sorted(_take_dirty(app)):
        if _throttled(app, round_id):
            with _lock:
                _local_dirty.add(round_id)  # try again on the next tick
            continue
        with app.app_context():
            try:
                rnd = db.session.get(VotingRound, round_id)
                seen = revision.revision(rnd.contest_id) if rnd is not None else None
                payload = tally_payload(rnd) if rnd is not None else None
            finally:
                db.session.remove()
        if payload is None or _already_emitted(app, round_id, payload["version"]):
            continue
        if emit("tally", payload, screens_room(payload["contest_id"])):
            _last_emitted[round_id] = payload["version"]
            emitted += 1
            _to_voters(app, payload, seen)
        else:
            with _lock:
                _local_dirty.add(round_id)
    return emitted


def _to_voters(app, payload: dict, seen) -> None:
    """The phones get this tally now if they had none for VOTERS_INTERVAL (shared across processes
    through Redis), else once no ballot has come since (the contest's revision is still `seen`)."""
    round_id = payload["round_id"]
    free = None
    try:
        r = _redis(app)
        if r is not None:
            free = bool(r.set(VOTERS_KEY.format(round_id), 1, nx=True, px=int(VOTERS_INTERVAL * 1000)))
    except Exception:  # noqa: BLE001  (Redis down: this process keeps its own pace)
        free = None
    if free is None:
        free = time.monotonic() - _voters_sent_at.get(round_id, 0.0) >= VOTERS_INTERVAL
    _voters_pending.pop(round_id, None)
    if not (free and _send_voters(app, payload)):
        _voters_pending[round_id] = (payload, seen, time.monotonic())


def _send_pending(app, round_id: int) -> None:
    """A pending tally goes to the phones when no ballot has come since (or after VOTERS_INTERVAL
    anyway); it is dropped when another process has sent the screens a newer version (that
    process holds it for the phones)."""
    payload, seen, since = _voters_pending[round_id]
    try:
        r = _redis(app)
        newest = r.get(EMITTED_KEY.format(round_id)) if r is not None else None
        if newest is not None and int(newest) > payload["version"]:
            _voters_pending.pop(round_id, None)
            return
    except Exception:  # noqa: BLE001, S110  (Redis down: judged by this process alone)
        pass
    with app.app_context():
        now_seen = revision.revision(payload["contest_id"])
    quiet = seen is not None and now_seen == seen
    if (quiet or time.monotonic() - since >= VOTERS_INTERVAL) and _send_voters(app, payload, reset_pace=True):
        _voters_pending.pop(round_id, None)  # a failed send stays pending: tried again next tick


def _send_voters(app, payload: dict, reset_pace: bool = False) -> bool:
    round_id = payload["round_id"]
    if reset_pace:
        try:
            r = _redis(app)
            if r is not None:
                r.set(VOTERS_KEY.format(round_id), 1, px=int(VOTERS_INTERVAL * 1000))
        except Exception:  # noqa: BLE001, S110  (Redis down: this process keeps its own pace)
            pass
    if not emit("tally", payload, voters_room(payload["contest_id"])):
        return False
    _voters_sent_at[round_id] = time.monotonic()
    return True


def emit(event: str, payload: dict, to: str) -> bool:
    """Emit to a room; a broken message queue is logged, never raised."""
    try:
        socketio.emit(event, payload, to=to, namespace=NAMESPACE)
        return True
    except Exception:  # noqa: BLE001  (a failed broadcast never fails the request)
        log.warning("Could not broadcast %s to %s", event, to)
        return False


def watched_contests() -> list[int]:
    """The contests whose room has a socket in THIS process."""
    server = getattr(socketio, "server", None)
    rooms = getattr(getattr(server, "manager", None), "rooms", {}).get(NAMESPACE, {}) if server else {}
    ids = []
    for name, members in list(rooms.items()):
        if isinstance(name, str) and name.startswith("contest:") and name.count(":") == 1 and members:
            try:
                ids.append(int(name.split(":", 1)[1]))
            except ValueError:
                continue
    return sorted(ids)


def heartbeat_once(app) -> int:
    """Re-send the current round's tally of every watched contest to this process's own screens
    (`ignore_queue`: this works while the message queue is down). Returns how many were sent."""
    from .models import VotingRound
    from .tally import tally_payload

    contest_ids = watched_contests()
    if not contest_ids:
        return 0
    sent = 0
    with app.app_context():
        try:
            rounds = db.session.scalars(
                db.select(VotingRound)
                .where(VotingRound.contest_id.in_(contest_ids), VotingRound.status != "draft")
                .order_by(VotingRound.contest_id, VotingRound.id)
            ).all()
            by_contest: dict[int, list[VotingRound]] = {}
            for rnd in rounds:
                by_contest.setdefault(rnd.contest_id, []).append(rnd)
            current = {}  # as rounds.current_round: the open round, else the last closed one
            for contest_id, its in by_contest.items():
                open_ = [r for r in its if r.status == "open"]
                current[contest_id] = open_[0] if open_ else its[-1]
            payloads = [
                {**tally_payload(current[c]), "heartbeat": True}
                if c in current
                else {"contest_id": c, "round_id": None, "heartbeat": True}
                for c in contest_ids
            ]
        finally:
            db.session.remove()
    for payload in payloads:
        try:
            socketio.server.emit(
                "tally", payload, to=room(payload["contest_id"]), namespace=NAMESPACE, ignore_queue=True
            )
            sent += 1
        except Exception:  # noqa: BLE001  (one contest's failed heartbeat spares the others)
            log.warning("Heartbeat for contest %s failed", payload["contest_id"])
    return sent


def announce_round(contest_id: int) -> None:
    """A round opened or closed: after the commit, send every screen the contest's new shared
    state (computed once, here, and cached for every join and resync that follows)."""
    from ...db import on_commit

    def send():
        state = _shared_state(contest_id, fresh=True) if _shared_state is not None else None
        if state is not None:
            emit("round", state, room(contest_id))

    on_commit(send)


def use_shared_state(source) -> None:
    """live_state registers `shared(contest_id, fresh)` here: it sits above this module (it
    computes from the rounds, likes and setup services, which announce through this module)."""
    global _shared_state
    _shared_state = source


def announce(event: str, payload: dict, contest_id: int) -> None:
    """Rare state changes (round opened/closed, pitch started, results revealed): emit after commit."""
    from ...db import on_commit

    on_commit(lambda: emit(event, payload, room(contest_id)))
