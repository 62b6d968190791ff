"""Plain questions about one event that its rules, services and registration all ask:
its link, whether it has ended, a user's RSVP. Below all three, so none imports another for them."""

from __future__ import annotations

from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from .models import Event, Rsvp


def event_link(event: Event) -> str:
    return f"/events/{event.id}"


def has_ended(event: Event) -> bool:
    return event.ends_at < utcnow()


def user_rsvp(event: Event, user) -> Rsvp | None:
    if user is None:
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def attendee_status(event: Event, user) -> str | None:
    row = user_rsvp(event, user)
    return row.status if row else None
