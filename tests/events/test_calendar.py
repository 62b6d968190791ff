"""iCal files parse back with the right UID, times (time-zone aware), location and URL."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from app.db import utcnow
from tests.factories import CoordinatorFactory

from .factories import EventFactory


def _events(data):
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_event_ics_parses_back(client):
    event = EventFactory(timezone="Asia/Tokyo")
    response = client.get(f"/events/{event.id}/event.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (item,) = _events(response.data)
    assert str(item["UID"]) == f"event-{event.id}@localhost"
    assert item["SUMMARY"] == event.title
    assert item["LOCATION"] == event.venue
    assert str(item["URL"]).endswith(f"/events/{event.id}")
    assert "DTSTAMP" in item
    start, end = item.decoded("DTSTART"), item.decoded("DTEND")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=9)
    assert start == event.starts_at.replace(microsecond=0) and end == event.ends_at.replace(microsecond=0)
    assert item["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert b"BEGIN:VTIMEZONE" in response.data


def test_org_feed_lists_visible_events_only(client):
    org = CoordinatorFactory(slug="nagano-govtech")
    shown = EventFactory(host=org, host_org_id=org.id)
    past = EventFactory(host=org, host_org_id=org.id, starts_at=utcnow() - timedelta(days=30))
    EventFactory(host=org, host_org_id=org.id, status="draft")
    EventFactory(host=org, host_org_id=org.id, visibility="members")
    EventFactory()  # another organisation's
    response = client.get("/orgs/nagano-govtech/events.ics")
    assert response.status_code == 200
    uids = sorted(str(e["UID"]) for e in _events(response.data))
    assert uids == sorted(f"event-{e.id}@localhost" for e in (shown, past))
    assert client.get("/orgs/nowhere/events.ics").status_code == 404


def test_online_event_location_is_the_event_page(client):
    event = EventFactory(
        format="online", venue=None, online_url="https://meet.example.jp/secret", timezone="Europe/London"
    )
    (item,) = _events(client.get(f"/events/{event.id}/event.ics").data)
    assert "secret" not in item["LOCATION"] and str(item["LOCATION"]).endswith(f"/events/{event.id}")
    assert item.decoded("DTSTART").tzinfo.key == ZoneInfo("Europe/London").key
