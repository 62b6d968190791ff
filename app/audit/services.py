"""Every state change of an audited model is logged at flush time.

Models opt in with `__audited__ = True` and may name the organisation the
event belongs to with `audit_org_id()`. Secrets listed in `__audit_exclude__`
are never written. The actor is the logged-in user (or `g.audit_actor_id` in jobs).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .models import AuditEvent

ALWAYS_EXCLUDED = {"created_at", "updated_at", "password_hash", "token_hash", "session_version"}


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return value


def _excluded(obj) -> set[str]:
    return ALWAYS_EXCLUDED | set(getattr(obj, "__audit_exclude__", ()))


def _snapshot(obj) -> dict:
    state = inspect(obj)
    skip = _excluded(obj)
    return {a.key: _plain(getattr(obj, a.key)) for a in state.mapper.column_attrs if a.key not in skip}


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    skip = _excluded(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = _plain(hist.deleted[0]) if hist.deleted else None
            after[attr.key] = _plain(hist.added[0]) if hist.added else None
    return before, after


def current_actor_id() -> int | None:
    if "audit_actor_id" in g:
        return g.audit_actor_id
    if has_request_context():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            return current_user.id
    return None


def _org_id(obj) -> int | None:
    getter = getattr(obj, "audit_org_id", None)
    return getter() if callable(getter) else getattr(obj, "org_id", None)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context, instances) -> None:
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                pending.append(("update", obj, (before, after)))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            pending.append(("delete", obj, (_snapshot(obj), None)))


@event.listens_for(Session, "after_flush")
def _write(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor = current_actor_id()
    rows = []
    for action, obj, values in pending:
        if action == "create":
            before, after = None, _snapshot(obj)
        else:
            before, after = values
        rows.append(
            {
                "created_at": dt.datetime.now(dt.timezone.utc),
                "actor_id": actor,
                "org_id": _org_id(obj),
                "action": action,
                "object_type": obj.__tablename__,
                "object_id": getattr(obj, "id", None),
                "before": before,
                "after": after,
            }
        )
    session.execute(AuditEvent.__table__.insert(), rows)
