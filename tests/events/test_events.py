"""Creating, editing, listing and seeing events through HTTP."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.events.models import Event
from app.extensions import db
from tests.factories import ChallengeFactory, CoordinatorFactory, MunicipalityFactory, UserFactory, member_of

from .factories import EventFactory


def _count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Event.id)))


def _payload(org, **kw):
    data = {
        "host_org_id": org.id,
        "title": "官民共創ナイト 松本",
        "kind": "meetup",
        "format": "venue",
        "venue": "松本市中央1-1-1",
        "starts_at": "2030-12-01T18:30",
        "ends_at": "2030-12-01T20:30",
        "capacity": 40,
    }
    data.update(kw)
    return data


def test_host_member_creates_a_draft_in_tokyo_time(api):
    org = CoordinatorFactory()
    user = member_of(org)
    response = api(user).post("/api/v1/events", json=_payload(org))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["starts_at"] == "2030-12-01T18:30:00+09:00"
    event = db.session.get(Event, body["id"])
    assert event.starts_at.hour == 9  # stored in UTC
    assert event.created_by_id == user.id


def test_other_time_zone_is_kept_and_shown(api, login):
    org = CoordinatorFactory()
    user = member_of(org)
    body = (
        api(user)
        .post(
            "/api/v1/events",
            json=_payload(
                org, timezone="America/Los_Angeles", format="online", venue=None, online_url="https://meet.example.jp/x"
            ),
        )
        .get_json()
    )
    assert body["starts_at"].endswith("-08:00")
    page = login(user).get(f"/events/{body['id']}").get_data(as_text=True)
    assert "America/Los_Angeles" in page


def test_bad_input_is_422_with_fields_and_nothing_saved(api):
    org = CoordinatorFactory()
    cases = [
        (_payload(org, ends_at="2030-12-01T17:00"), "ends_at"),
        (_payload(org, format="online", venue=None), "online_url"),
        (_payload(org, format="venue", venue=""), "venue"),
        (_payload(org, timezone="Mars/Olympus"), "timezone"),
        (_payload(org, capacity=0), "capacity"),
        (_payload(org, kind="party"), "kind"),
        (_payload(org, surprise=1), "surprise"),
        (_payload(org, online_url="javascript:alert(1)", format="hybrid"), "online_url"),
        (_payload(org, challenge_ids=[999999]), "challenge_ids"),
    ]
    for payload, field in cases:
        response = api(member_of(org)).post("/api/v1/events", json=payload)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    assert _count() == 0


def test_cannot_host_for_someone_elses_organisation(api):
    org, other = CoordinatorFactory(), MunicipalityFactory()
    response = api(member_of(org)).post("/api/v1/events", json=_payload(other))
    assert response.status_code == 422
    assert "host_org_id" in response.get_json()["error"]["fields"]
    assert _count() == 0


def test_anonymous_and_outsiders_cannot_create(api, client):
    org = CoordinatorFactory()
    assert client.post("/api/v1/events", json=_payload(org)).status_code == 401
    assert api(UserFactory()).post("/api/v1/events", json=_payload(org)).status_code == 403
    assert _count() == 0


def test_create_through_the_form_then_publish(login):
    org = CoordinatorFactory()
    challenge = ChallengeFactory()
    user = member_of(org)
    client = login(user)
    assert client.get("/events/new").status_code == 200
    response = client.post(
        "/events/new",
        data={**_payload(org), "co_host_org_ids": [str(challenge.owner_org_id)], "challenge_ids": [str(challenge.id)]},
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert [c.org_id for c in event.co_hosts] == [challenge.owner_org_id]
    assert [c.id for c in event.challenges] == [challenge.id]
    assert client.post(f"/events/{event.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"


def test_form_errors_rerender_with_422(login):
    org = CoordinatorFactory()
    client = login(member_of(org))
    response = client.post("/events/new", data=_payload(org, ends_at="2030-12-01T10:00", title=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="ends_at-errors"' in html and 'id="title-errors"' in html
    assert _count() == 0


def test_edit_validates_the_merged_event_and_keeps_it_unchanged(api):
    event = EventFactory()
    client = api(member_of(event.host))
    response = client.patch(f"/api/v1/events/{event.id}", json={"ends_at": "2000-01-01T00:00"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Event, event.id).ends_at > utcnow()
    response = client.patch(f"/api/v1/events/{event.id}", json={"title": "新しい題名", "capacity": 10})
    assert response.status_code == 200
    assert response.get_json()["title"] == "新しい題名"


def test_co_host_members_may_edit_others_may_not(api):
    co = MunicipalityFactory()
    event = EventFactory()
    event.co_hosts.append(__import__("app.events.models", fromlist=["EventCoHost"]).EventCoHost(org_id=co.id))
    db.session.commit()
    assert api(member_of(co)).patch(f"/api/v1/events/{event.id}", json={"title": "共催"}).status_code == 200
    assert api(UserFactory()).patch(f"/api/v1/events/{event.id}", json={"title": "x"}).status_code == 403


def test_members_only_and_drafts_are_404_for_those_who_may_not_see(client, login, api):
    members = EventFactory(visibility="members")
    draft = EventFactory(status="draft")
    assert client.get(f"/events/{members.id}").status_code == 404
    assert client.get(f"/api/v1/events/{members.id}").status_code == 404
    assert login(UserFactory()).get(f"/events/{members.id}").status_code == 200
    assert login(UserFactory()).get(f"/events/{draft.id}").status_code == 404
    assert login(member_of(draft.host)).get(f"/events/{draft.id}").status_code == 200
    listed = [e["id"] for e in client.get("/api/v1/events").get_json()["items"]]
    assert members.id not in listed and draft.id not in listed


def test_list_upcoming_past_filters_pagination_and_empty_state(client):
    html = client.get("/events").get_data(as_text=True)
    assert "empty-state" in html
    past = EventFactory(title="過去の勉強会", starts_at=utcnow() - timedelta(days=10))
    workshops = [EventFactory(kind="workshop", title=f"ワークショップ{i}") for i in range(13)]
    EventFactory(title="ミートアップ")
    up = client.get("/api/v1/events?per_page=100").get_json()["items"]
    assert past.id not in [e["id"] for e in up] and len(up) == 14
    assert [e["id"] for e in client.get("/api/v1/events?when=past").get_json()["items"]] == [past.id]
    only = client.get("/api/v1/events?kind=workshop&per_page=100").get_json()
    assert only["meta"]["total"] == 13
    assert client.get("/api/v1/events?q=ミートアップ").get_json()["meta"]["total"] == 1
    page = client.get("/events?kind=workshop")
    assert page.status_code == 200 and 'rel="next"' in page.get_data(as_text=True)
    assert workshops[0].title in page.get_data(as_text=True)
    assert client.get("/events?kind=nonsense").status_code == 422
    assert client.get("/api/v1/events?kind=nonsense").status_code == 422


def test_cancel_notifies_registered_people(api):
    from app.notifications.models import Notification
    from .factories import rsvp

    event = EventFactory()
    guest = UserFactory()
    rsvp(event, guest)
    response = api(member_of(event.host)).patch(f"/api/v1/events/{event.id}", json={"status": "cancelled"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == guest.id)).all()
    assert "events.event_cancelled" in kinds
    assert api(member_of(event.host)).patch(f"/api/v1/events/{event.id}", json={"title": "x"}).status_code == 409


def test_online_url_is_only_shown_to_attendees(api, client):
    from .factories import rsvp

    event = EventFactory(format="online", venue=None, online_url="https://meet.example.jp/secret")
    assert client.get(f"/api/v1/events/{event.id}").get_json()["online_url"] is None
    assert "meet.example.jp/secret" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    guest = UserFactory()
    rsvp(event, guest)
    assert api(guest).get(f"/api/v1/events/{event.id}").get_json()["online_url"] == "https://meet.example.jp/secret"
