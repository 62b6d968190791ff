"""Event jobs. Declared in __init__.py: periodic("events.reminders", ..., at=09:00 Asia/Tokyo)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from ..notifications.services import notify
from .models import Event, Rsvp


def send_day_before_reminders(now=None) -> int:
    """Remind confirmed attendees of events that start tomorrow (in the event's time zone).

    Idempotent: each RSVP is reminded once (`reminded_at`); rows being reminded by a
    concurrent run are skipped (SKIP LOCKED on PostgreSQL)."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event).where(
            Event.status == "published", Event.starts_at > now, Event.starts_at <= now + timedelta(days=2)
        )
    ).all()
    sent = 0
    for event in events:
        zone = ZoneInfo(event.timezone)
        if event.starts_at.astimezone(zone).date() != now.astimezone(zone).date() + timedelta(days=1):
            continue
        rows = db.session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.status == "confirmed", Rsvp.reminded_at.is_(None))
            .with_for_update(skip_locked=True, of=Rsvp)
        ).all()
        if not rows:
            continue
        for row in rows:
            row.reminded_at = now
        start = event.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        notify(
            [r.user_id for r in rows], "events.reminder", {"event": event.title, "start": start}, f"/events/{event.id}"
        )
        sent += len(rows)
    db.session.flush()
    return sent
