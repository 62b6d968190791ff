"""Events (meetups, workshops): every page and API route for every role.

World: a public meetup, a members-only meetup, a draft and a workshop, all hosted by the city
(so the city's members organise them). At the workshop the startup member and the co-city
admin have confirmed seats, and the city member posted a problem card.
"""

from datetime import timedelta

from app.db import utcnow
from tests.events.factories import EventFactory, card, rsvp
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


@world_builder
def _events(world):
    city = world.objects["city"]
    host = dict(host=city, host_org_id=city.id)
    event = EventFactory(**host, capacity=50)
    members = EventFactory(**host, visibility="members")
    draft = EventFactory(**host, status="draft")
    workshop = EventFactory(**host, kind="workshop", starts_at=utcnow() + timedelta(days=3))
    rsvp(workshop, world.users["startup_member"])
    rsvp(workshop, world.users["co_owner"])
    item = card(workshop, world.users["municipality_member"], city)
    world.ids.update(event=event.id, members_event=members.id, draft_event=draft.id, workshop=workshop.id, card=item.id)


ORGANISERS = dict(municipality_member=200, municipality_admin=200, platform_admin=200)
ATTENDEES = dict(startup_member=200, co_owner=200)
PAGE_ORG = dict(anonymous=302, default=403, **ORGANISERS)
PAGE_ORG_ACTION = dict(anonymous=302, default=403, municipality_member=302, municipality_admin=302, platform_admin=302)
API_ORG = dict(anonymous=401, default=403, **ORGANISERS)

CASES = [
    # Pages
    Case("GET", "/events", "/events", default=200),
    Case("GET", "/events/new", "/events/new", anonymous=302, judge=403, default=200),
    Case("POST", "/events/new", "/events/new", data={"title": ""}, anonymous=302, judge=403, default=422),
    Case("GET", "/events/<int:event_id>", "/events/{members_event}", anonymous=404, default=200),
    Case("GET", "/events/<int:event_id>/edit", "/events/{event}/edit", **PAGE_ORG),
    Case(
        "POST", "/events/<int:event_id>/edit", "/events/{event}/edit", data={"title": "新しい題名"}, **PAGE_ORG_ACTION
    ),
    Case(
        "POST",
        "/events/<int:event_id>/publish",
        "/events/{draft_event}/publish",
        anonymous=302,
        default=404,
        municipality_member=302,
        municipality_admin=302,
        platform_admin=302,
    ),
    Case("POST", "/events/<int:event_id>/cancel", "/events/{event}/cancel", **PAGE_ORG_ACTION),
    Case(
        "POST",
        "/events/<int:event_id>/registration",
        "/events/{event}/registration",
        data={"open": "0"},
        **PAGE_ORG_ACTION,
    ),
    Case("POST", "/events/<int:event_id>/rsvp", "/events/{event}/rsvp", default=302),
    Case("POST", "/events/<int:event_id>/rsvp/cancel", "/events/{workshop}/rsvp/cancel", default=302),
    Case("GET", "/events/<int:event_id>/ticket", "/events/{workshop}/ticket", anonymous=302, default=404, **ATTENDEES),
    Case(
        "GET",
        "/events/<int:event_id>/ticket.svg",
        "/events/{workshop}/ticket.svg",
        anonymous=302,
        default=404,
        **ATTENDEES,
    ),
    Case("GET", "/events/<int:event_id>/attendees", "/events/{workshop}/attendees", **PAGE_ORG),
    Case("GET", "/events/<int:event_id>/attendees.csv", "/events/{workshop}/attendees.csv", **PAGE_ORG),
    Case("GET", "/events/<int:event_id>/checkin", "/events/{workshop}/checkin", **PAGE_ORG),
    Case(
        "POST",
        "/events/<int:event_id>/checkin",
        "/events/{workshop}/checkin",
        data={"token": "forged"},
        anonymous=302,
        default=403,
        municipality_member=422,
        municipality_admin=422,
        platform_admin=422,
    ),
    Case("GET", "/events/<int:event_id>/event.ics", "/events/{members_event}/event.ics", anonymous=404, default=200),
    Case("GET", "/orgs/<slug>/events.ics", "/orgs/{city_slug}/events.ics", default=200),
    Case(
        "GET",
        "/events/<int:event_id>/board",
        "/events/{workshop}/board",
        anonymous=302,
        default=403,
        **ORGANISERS,
        **ATTENDEES,
    ),
    Case(
        "POST",
        "/events/<int:event_id>/board",
        "/events/{workshop}/board",
        data={"title": "除雪の問い合わせ"},
        anonymous=302,
        default=403,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
    ),
    Case(
        "POST",
        "/cards/<int:card_id>/like",
        "/cards/{card}/like",
        anonymous=302,
        default=404,
        municipality_member=302,
        municipality_admin=302,
        platform_admin=302,
        startup_member=302,
        co_owner=302,
    ),
    Case(
        "POST",
        "/cards/<int:card_id>/to-challenge",
        "/cards/{card}/to-challenge",
        anonymous=302,
        default=404,
        municipality_member=302,
        municipality_admin=302,
        platform_admin=302,
        startup_member=403,
        co_owner=403,
    ),
    # API
    Case("GET", "/api/v1/events", "/api/v1/events", default=200),
    Case(
        "POST",
        "/api/v1/events",
        "/api/v1/events",
        json={"title": "", "host_org_id": 0},
        anonymous=401,
        judge=403,
        default=422,
    ),
    Case("GET", "/api/v1/events/<int:event_id>", "/api/v1/events/{draft_event}", default=404, **ORGANISERS),
    Case("PATCH", "/api/v1/events/<int:event_id>", "/api/v1/events/{event}", json={"title": "x"}, **API_ORG),
    Case("POST", "/api/v1/events/<int:event_id>/rsvp", "/api/v1/events/{event}/rsvp", anonymous=401, default=201),
    Case(
        "DELETE",
        "/api/v1/events/<int:event_id>/rsvp",
        "/api/v1/events/{workshop}/rsvp",
        anonymous=401,
        default=404,
        **ATTENDEES,
    ),
    Case(
        "PUT",
        "/api/v1/events/<int:event_id>/registration",
        "/api/v1/events/{event}/registration",
        json={"open": False},
        **API_ORG,
    ),
    Case("GET", "/api/v1/events/<int:event_id>/attendees", "/api/v1/events/{workshop}/attendees", **API_ORG),
    Case(
        "POST",
        "/api/v1/events/<int:event_id>/checkins",
        "/api/v1/events/{workshop}/checkins",
        json={"token": "forged"},
        anonymous=401,
        default=403,
        municipality_member=422,
        municipality_admin=422,
        platform_admin=422,
    ),
    Case(
        "GET",
        "/api/v1/events/<int:event_id>/cards",
        "/api/v1/events/{workshop}/cards",
        anonymous=401,
        default=403,
        **ORGANISERS,
        **ATTENDEES,
    ),
    Case(
        "POST",
        "/api/v1/events/<int:event_id>/cards",
        "/api/v1/events/{workshop}/cards",
        json={"title": "紙の申請書の転記"},
        anonymous=401,
        default=403,
        municipality_member=201,
        municipality_admin=201,
        co_owner=201,
    ),
    Case(
        "POST", "/api/v1/cards/<int:card_id>/like", "/api/v1/cards/{card}/like", default=404, **ORGANISERS, **ATTENDEES
    ),
    Case(
        "POST",
        "/api/v1/cards/<int:card_id>/to-challenge",
        "/api/v1/cards/{card}/to-challenge",
        default=404,
        municipality_member=201,
        municipality_admin=201,
        platform_admin=201,
        startup_member=403,
        co_owner=403,
    ),
]
