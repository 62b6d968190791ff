"""RSVPs with capacity and a first-come-first-served waitlist.

Every change that could move a seat first locks the event row (SELECT ... FOR UPDATE on
PostgreSQL), then counts: concurrent registrations and cancellations are serialised per
event, so capacity is never exceeded and nobody is promoted twice. SQLite serialises
writers on its own. The unique (event_id, user_id) constraint backs "one RSVP per user".
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..notifications.services import notify
from .models import Event, Rsvp
from .queries import event_link, has_ended


def lock_event(event: Event) -> None:
    """Hold the event row until the transaction ends (a no-op on SQLite)."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def confirmed_count(event: Event) -> int:
    return (
        db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id, Rsvp.status == "confirmed")) or 0
    )


def _find(event: Event, user_id: int) -> Rsvp | None:
    # populate_existing: re-read after taking the lock, never trust what the session cached.
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user_id).execution_options(populate_existing=True)
    )


def register(event: Event, user) -> Rsvp:
    """Confirm a seat, or join the waitlist when the event is full."""
    if event.status != "published":
        raise Conflict(_("This event is not open for registration."))
    if has_ended(event):
        raise Conflict(_("This event has already ended."))
    lock_event(event)
    db.session.refresh(event, ["registration_open", "capacity", "status"])
    if not event.registration_open or event.status != "published":
        raise Conflict(_("Registration for this event is closed."))
    row = _find(event, user.id)
    if row is not None and row.status != "cancelled":
        raise Conflict(_("You are already registered for this event."))
    full = event.capacity is not None and confirmed_count(event) >= event.capacity
    now = utcnow()
    if row is None:
        row = Rsvp(event=event, user_id=user.id)
        db.session.add(row)
    row.status = "waitlisted" if full else "confirmed"
    row.requested_at = now
    row.confirmed_at = None if full else now
    row.cancelled_at = None
    row.checked_in_at = None
    row.checked_in_by_id = None
    row.reminded_at = None
    row.ticket_nonce = secrets.token_hex(16)  # a new registration gets a new ticket
    db.session.flush()
    kind = "events.rsvp_waitlisted" if full else "events.rsvp_confirmed"
    notify([user.id], kind, {"event": event.title}, event_link(event))
    return row


def cancel(event: Event, user_id: int) -> Rsvp:
    """Cancel a registration; a freed seat goes to the first person on the waitlist."""
    lock_event(event)
    row = _find(event, user_id)
    if row is None or row.status == "cancelled":
        raise NotFound(_("You are not registered for this event."))
    if row.checked_in_at is not None:
        raise Conflict(_("You have already checked in; the registration can no longer be cancelled."))
    freed = row.status == "confirmed"
    row.status = "cancelled"
    row.cancelled_at = utcnow()
    row.confirmed_at = None
    db.session.flush()
    notify([user_id], "events.rsvp_cancelled", {"event": event.title}, event_link(event))
    if freed:
        promote_waitlist(event)
    return row


def promote_waitlist(event: Event) -> list[Rsvp]:
    """Fill free seats from the waitlist in order of registration. Call with the event locked."""
    if event.status != "published" or has_ended(event):
        return []
    promoted = []
    free = None if event.capacity is None else event.capacity - confirmed_count(event)
    waiting = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == "waitlisted")
        .order_by(Rsvp.requested_at, Rsvp.id)
        .execution_options(populate_existing=True)
    ).all()
    for row in waiting:
        if free is not None and free <= 0:
            break
        row.status = "confirmed"
        row.confirmed_at = utcnow()
        promoted.append(row)
        if free is not None:
            free -= 1
    if promoted:
        db.session.flush()
        notify([r.user_id for r in promoted], "events.rsvp_promoted", {"event": event.title}, event_link(event))
    return promoted


def set_registration(event: Event, is_open: bool) -> Event:
    if event.status == "cancelled":
        raise Conflict(_("A cancelled event cannot be edited."))
    lock_event(event)
    event.registration_open = is_open
    db.session.flush()
    return event


def attendees_query(event: Event, status: str | None = None, q: str | None = None):
    from ..accounts.models import User

    stmt = select(Rsvp).join(User, User.id == Rsvp.user_id).where(Rsvp.event_id == event.id)
    if status:
        stmt = stmt.where(Rsvp.status == status)
    else:
        stmt = stmt.where(Rsvp.status != "cancelled")
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(User.display_name.ilike(like) | User.email.ilike(like))
    order = {"confirmed": 0, "waitlisted": 1}
    from sqlalchemy import case

    return stmt.order_by(case(order, value=Rsvp.status, else_=2), Rsvp.requested_at, Rsvp.id)
