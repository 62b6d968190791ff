"""iCalendar (.ics) files: one event, or an organisation's feed (icalendar package)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from icalendar import Calendar, Event as VEvent

from ..db import utcnow
from .models import Event


def _host() -> str:
    from flask import request

    return (request.host.split(":")[0] if request else "") or "cocreation.local"


def _component(event: Event, base_url: str) -> VEvent:
    zone = ZoneInfo(event.timezone)
    item = VEvent()
    item.add("uid", f"event-{event.id}@{_host()}")
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("summary", event.title)
    url = f"{base_url.rstrip('/')}/events/{event.id}"
    item.add("url", url)
    item.add("description", (event.description or "") + f"\n\n{url}")
    location = event.venue if event.format != "online" else None
    item.add("location", location or url)
    item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    item.add("organizer", f"mailto:noreply@{_host()}", parameters={"CN": event.host.name_ja})
    return item


def calendar_for(events: list[Event], base_url: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Co-creation Platform//Events//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_component(event, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()
