"""Likes: one per attendee per entry, and the counts the results and screens show. Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...db import on_commit
from ...errors import PermissionDenied
from ...extensions import db
from . import eligibility, revision
from .models import Contest, Entry, Like
from .services import not_finalized


def like(entry: Entry, voter) -> bool:
    """One like per person per entry. Returns True if it was new."""
    if not eligibility.attending(entry.contest, voter):
        raise PermissionDenied(_("Only attendees can like an entry."))
    not_finalized(entry.contest)
    if db.session.scalar(select(Like.id).where(Like.entry_id == entry.id, Like.voter_key == voter.key)):
        return False
    nested = db.session.begin_nested()
    try:
        db.session.add(Like(entry_id=entry.id, voter_key=voter.key))
        db.session.flush()
        nested.commit()
    except Exception:  # noqa: BLE001  (a concurrent identical like won the race)
        nested.rollback()
        return False
    _likes_changed(entry.contest_id)
    return True


def unlike(entry: Entry, voter) -> None:
    if not eligibility.attending(entry.contest, voter):
        raise PermissionDenied(_("Only attendees can like an entry."))
    not_finalized(entry.contest)
    db.session.execute(Like.__table__.delete().where(Like.entry_id == entry.id, Like.voter_key == voter.key))
    _likes_changed(entry.contest_id)


def _likes_changed(contest_id: int) -> None:
    on_commit(lambda: revision.bump(contest_id))


def like_counts(contest: Contest) -> dict[int, int]:
    rows = db.session.execute(
        select(Like.entry_id, func.count())
        .join(Entry, Entry.id == Like.entry_id)
        .where(Entry.contest_id == contest.id)
        .group_by(Like.entry_id)
    )
    return {entry_id: n for entry_id, n in rows}
