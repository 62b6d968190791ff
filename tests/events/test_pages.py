"""Every event page renders in Japanese and in English for an organiser."""

import pytest

from tests.factories import MunicipalityFactory, member_of

from .factories import EventFactory, card, rsvp


@pytest.mark.parametrize("locale, word", [("ja", "参加者"), ("en", "Attendees")])
def test_pages_render_in_both_languages(login, locale, word):
    city = MunicipalityFactory()
    event = EventFactory(host=city, host_org_id=city.id, kind="workshop", capacity=10)
    organiser = member_of(city, locale=locale)
    rsvp(event, organiser)
    card(event, organiser, city)
    client = login(organiser)
    paths = [
        "/events",
        "/events/new",
        f"/events/{event.id}",
        f"/events/{event.id}/edit",
        f"/events/{event.id}/ticket",
        f"/events/{event.id}/attendees",
        f"/events/{event.id}/checkin",
        f"/events/{event.id}/board",
        "/dashboard",
        f"/orgs/{city.slug}",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>" not in response.get_data(as_text=True)  # no inline scripts (CSP)
    assert word in client.get(f"/events/{event.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "locale, expected",
    [("ja", "2099/01/15 13:00 – 15:00 (Asia/Tokyo)"), ("en", "Jan 15, 2099 1:00 PM – 3:00 PM (Asia/Tokyo)")],
)
def test_event_times_are_shown_to_the_minute(login, anon, locale, expected):
    from datetime import datetime, timezone

    city = MunicipalityFactory()
    event = EventFactory(
        host=city,
        host_org_id=city.id,
        status="published",
        starts_at=datetime(2099, 1, 15, 4, 0, tzinfo=timezone.utc),
        ends_at=datetime(2099, 1, 15, 6, 0, tzinfo=timezone.utc),
    )
    client = login(member_of(city, locale=locale))
    for path in (f"/events/{event.id}", "/events"):
        page = client.get(path).get_data(as_text=True).replace("\u202f", " ")  # CLDR: narrow space before PM
        assert expected in page, path
        assert "13:00:00" not in page and "1:00:00" not in page
