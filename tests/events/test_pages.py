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
    paths = ["/events", "/events/new", f"/events/{event.id}", f"/events/{event.id}/edit",
             f"/events/{event.id}/ticket", f"/events/{event.id}/attendees", f"/events/{event.id}/checkin",
             f"/events/{event.id}/board", "/dashboard", f"/orgs/{city.slug}"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>" not in response.get_data(as_text=True)  # no inline scripts (CSP)
    assert word in client.get(f"/events/{event.id}").get_data(as_text=True)
