"""What other pages show about events (dashboard, organisation and challenge pages) and time display."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale
from sqlalchemy import or_, select

from ..db import utcnow
from ..extensions import db
from .models import Event, EventCoHost, Rsvp


def event_when(event: Event, fmt: str = "medium") -> str:
    """Start–end in the event's own time zone, to the minute, e.g. "2026/12/01 18:30 – 20:30 (Asia/Tokyo)"."""
    zone = ZoneInfo(event.timezone)
    locale = str(get_locale() or "ja")
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)

    def minute(value) -> str:  # the date in `fmt`, the time as HH:MM (babel's medium time has seconds)
        return f"{format_date(value, fmt, locale=locale)} {format_time(value, 'short', tzinfo=zone, locale=locale)}"

    text = minute(start)
    if start.date() == end.date():
        text += " – " + format_time(end, "short", tzinfo=zone, locale=locale)
    else:
        text += " – " + minute(end)
    return f"{text} ({event.timezone})"


def dashboard_panel(user):
    now = utcnow()
    mine = db.session.scalars(
        select(Rsvp)
        .join(Event, Event.id == Rsvp.event_id)
        .where(
            Rsvp.user_id == user.id,
            Rsvp.status.in_(("confirmed", "waitlisted")),
            Event.ends_at >= now,
            Event.status != "draft",
        )
        .order_by(Event.starts_at)
        .limit(10)
    ).all()
    organising = []
    org_ids = list(user.org_ids())
    if org_ids:
        co = select(EventCoHost.event_id).where(EventCoHost.org_id.in_(org_ids))
        organising = (
            db.session.scalars(
                select(Event)
                .where(
                    or_(Event.host_org_id.in_(org_ids), Event.id.in_(co)),
                    Event.ends_at >= now,
                    Event.status != "cancelled",
                )
                .order_by(Event.starts_at)
                .limit(10)
            )
            .unique()
            .all()
        )
    return {"rsvps": mine, "organising": organising}


def org_section(org, user):
    from .services import search_events

    events = db.session.scalars(search_events(user, "upcoming", org_id=org.id).limit(5)).unique().all()
    return {"org": org, "events": events}


def challenge_section(challenge, user):
    from .services import search_events

    events = db.session.scalars(search_events(user, "all", challenge_id=challenge.id).limit(10)).unique().all()
    if not events:
        return None
    return {"events": events}


def labels() -> dict:
    """Translated labels for codes, available in every template as `event_labels`."""
    from flask_babel import gettext as _

    return {
        "kind": {"meetup": _("Meetup"), "workshop": _("Workshop"), "contest": _("Pitch contest")},
        "format": {"venue": _("At a venue"), "online": _("Online"), "hybrid": _("Hybrid")},
        "status": {"draft": _("Draft"), "published": _("Published"), "cancelled": _("Cancelled")},
        "visibility": {"public": _("Public"), "members": _("Members only")},
        "rsvp": {"confirmed": _("Confirmed"), "waitlisted": _("Waitlisted"), "cancelled": _("Cancelled")},
    }


def search(q: str, user, limit: int):
    """Site search: upcoming and past events the user may see, by title, description or venue."""
    from ..web.registry import SearchHit
    from .services import search_events

    events = db.session.scalars(search_events(user, "all", q=q).limit(limit)).unique().all()
    return [
        SearchHit(
            kind="event", title=e.title, url=f"/events/{e.id}", summary=(e.description or "")[:160], meta=event_when(e)
        )
        for e in events
    ]
