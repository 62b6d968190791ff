"""Keep the index in step with the database without touching other packages.

An `after_flush` listener notes which indexed objects (challenges, solutions, registered
kinds) were created, changed or deleted; each is enqueued once, after the commit, as a
`reindex_document` job on the "matchmaking" queue. A challenge that becomes published
also queues the alert matching for the daily digest.
"""

from __future__ import annotations

from flask import has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..jobs import enqueue
from . import documents

_SEEN = "matchmaking_enqueued"
_INSTALLED = False


def _kinds_of(obj) -> list[str]:
    return [name for name, kind in documents.KINDS.items() if isinstance(obj, kind.model)]


BULK_LOAD = "matchmaking_bulk_load"  # session.info flag: the loader rebuilds the index once itself


def _after_flush(session: Session, _flush_context) -> None:
    if not has_app_context() or not documents.KINDS or session.info.get(BULK_LOAD):
        return
    seen = session.info.setdefault(_SEEN, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        kinds = _kinds_of(obj)
        if not kinds:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        object_id = getattr(obj, "id", None)
        if object_id is None:
            continue
        if "challenge" in kinds and obj not in session.deleted and _was_published_now(obj, session):
            key = ("alerts", object_id)
            if key not in seen:
                seen.add(key)
                enqueue("matchmaking", "app.matchmaking.jobs:queue_alerts", object_id)
        for kind in kinds:
            key = (kind, object_id)
            if key in seen:
                continue
            seen.add(key)
            enqueue("matchmaking", "app.matchmaking.jobs:reindex_document", kind, object_id)


def _was_published_now(obj, session) -> bool:
    if obj.status != "published":
        return False
    if obj in session.new:
        return True
    hist = inspect(obj).attrs.status.history
    return bool(hist.added) and "published" not in (hist.deleted or ())


def _clear(session, *args) -> None:
    session.info.pop(_SEEN, None)


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _clear)
    event.listen(Session, "after_soft_rollback", _clear)
    _INSTALLED = True
