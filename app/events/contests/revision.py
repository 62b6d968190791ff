"""A contest's revision: the version of what its screens show, moved on after every committed
change (see live_state.py for why). It sits below everything that changes a contest (ballots,
likes, rounds, setup) and below what reads it (live_state, broadcast), so neither side imports
the other.

- With Redis the revision is a random token shared by every process, never a counter: Redis keeps
  nothing on disk, and a counter that restarted at 0 could match a state cached before the restart.
- Without Redis it is a counter of this process (then there is only one web process).
- A session hook moves it on when a commit touched a contest, an entry or a round; the like
  service and the ballots' group commit call `bump` themselves.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ... import redis_client
from .models import Contest, Entry, VotingRound

log = logging.getLogger(__name__)

REVISION_KEY = "contests:revision:{}"

_lock = threading.Lock()
_local_revision: dict[int, int] = {}
_on_bump: list[Callable[[int], None]] = []


def _redis():
    return redis_client.client(current_app.config.get("REDIS_URL"))


def revision(contest_id: int):
    """The contest's current revision, or None when it cannot be read (Redis down). A missing
    token is created, never cached under."""
    r = _redis()
    if r is None:
        return _local_revision.get(contest_id, 0)
    key = REVISION_KEY.format(contest_id)
    try:
        value = r.get(key)
        if value is None:
            r.set(key, uuid.uuid4().hex, nx=True, ex=7 * 86400)
            value = r.get(key)
    except Exception:  # noqa: BLE001  (Redis down: no shared revision)
        return None
    return value


def on_bump(listener: Callable[[int], None]) -> None:
    """Call `listener(contest_id)` in this process whenever the revision moves on (a cache drops
    its entry at once, even while Redis is down)."""
    if listener not in _on_bump:
        _on_bump.append(listener)


def bump(contest_id: int) -> None:
    """The contest's shared state changed (after the commit). Never raises."""
    with _lock:
        _local_revision[contest_id] = _local_revision.get(contest_id, 0) + 1
    for listener in _on_bump:
        listener(contest_id)
    try:
        r = _redis()
        if r is not None:
            r.set(REVISION_KEY.format(contest_id), uuid.uuid4().hex, ex=7 * 86400)
    except Exception:  # noqa: BLE001  (Redis down: the revision moves on here only)
        log.warning("Redis unavailable: contest %s revision moved on in this process only", contest_id)


def forget_all() -> None:
    """Forget this process's revisions (the database was emptied behind the app's back: tests)."""
    with _lock:
        _local_revision.clear()


# Revisions move on when a committed change touches what the shared state shows -------------

_CHANGES = "contests.changed"


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    ids = session.info.setdefault(_CHANGES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Contest):
            ids.add(obj.id)
        elif isinstance(obj, (Entry, VotingRound)):
            ids.add(obj.contest_id)


@event.listens_for(Session, "after_commit")
def _bump_committed(session: Session) -> None:
    ids = session.info.pop(_CHANGES, None)
    for contest_id in ids or ():
        if contest_id is not None:
            bump(contest_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    session.info.pop(_CHANGES, None)
