"""Database helpers: model mixins, the single commit, and post-commit hooks.

Services only `flush()`. The request (or job) calls `commit()` once; callbacks
registered with `on_commit()` (emails, broadcasts, job enqueues) run after the
commit succeeded and are dropped on rollback.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import DateTime, Integer, any_, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db

_PENDING = "post_commit_pending"
_READY = "post_commit_ready"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(db.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class SearchGrams(db.TypeDecorator):
    """The character n-grams of a search column (see app/challenges/search.py): a list of strings,
    stored on PostgreSQL as a `tsvector` whose lexemes are the n-grams verbatim (GIN-indexed), and as
    NULL elsewhere (SQLite searches with LIKE alone)."""

    impl = db.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import TSVECTOR

            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(db.Text())

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "postgresql":
            return None
        # tsvector input syntax: each lexeme quoted, quotes doubled, backslashes escaped.
        return " ".join("'" + g.replace("\\", "\\\\").replace("'", "''") + "'" for g in value)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


def id_in(column, ids):
    """``column IN (ids)`` for integer keys; on PostgreSQL ``column = ANY(:ids)`` with one array
    parameter, which costs a fraction of binding (and parsing) one parameter per id when a
    list has dozens of ids (the matchmaking visibility checks)."""
    ids = [int(i) for i in ids]
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def get_or_404(model, ident):
    """The row with this primary key, or 404 (views then call authorize() on it)."""
    from .errors import NotFound

    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound()
    return obj


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits (never if it rolls back)."""
    db.session.info.setdefault(_PENDING, []).append(callback)


def commit() -> None:
    """Commit the unit of work, then run what waited for it."""
    db.session.commit()
    run_post_commit()


def run_post_commit() -> None:
    ready = db.session.info.pop(_READY, [])
    for callback in ready:
        callback()


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)
