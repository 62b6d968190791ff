"""RSVPs: capacity, waitlist promotion (first come, first served), cancellation, closing registration."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.events.models import Rsvp
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import UserFactory, member_of

from .factories import EventFactory, rsvp


def _status(event, user):
    db.session.expire_all()
    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    return row.status if row else None


def _kinds(user):
    db.session.expire_all()
    return db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_rsvp_confirms_until_full_then_waitlists(api):
    event = EventFactory(capacity=2)
    users = [UserFactory() for _ in range(3)]
    statuses = [api(u).post(f"/api/v1/events/{event.id}/rsvp").get_json()["status"] for u in users]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert _kinds(users[0]) == ["events.rsvp_confirmed"]
    assert _kinds(users[2]) == ["events.rsvp_waitlisted"]
    body = api(users[0]).get(f"/api/v1/events/{event.id}").get_json()
    assert body["counts"] == {"confirmed": 2, "waitlisted": 1, "checked_in": 0, "seats_left": 0}
    assert body["my_rsvp"] == "confirmed"


def test_one_rsvp_per_user(api):
    event = EventFactory()
    user = UserFactory()
    client = api(user)
    assert client.post(f"/api/v1/events/{event.id}/rsvp").status_code == 201
    response = client.post(f"/api/v1/events/{event.id}/rsvp")
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Rsvp.id))) == 1


def test_cancelling_promotes_the_first_on_the_waitlist(api):
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    rsvp(event, first)
    rsvp(event, second, "waitlisted", requested_at=utcnow() - timedelta(minutes=5))
    rsvp(event, third, "waitlisted", requested_at=utcnow())
    response = api(first).delete(f"/api/v1/events/{event.id}/rsvp")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert _status(event, second) == "confirmed"
    assert _status(event, third) == "waitlisted"
    assert "events.rsvp_promoted" in _kinds(second)
    assert "events.rsvp_cancelled" in _kinds(first)
    # cancelling a waitlisted place frees no seat
    assert api(third).delete(f"/api/v1/events/{event.id}/rsvp").status_code == 200
    assert _status(event, second) == "confirmed"


def test_cancel_then_register_again_goes_to_the_back(api):
    event = EventFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    rsvp(event, a)
    api(a).delete(f"/api/v1/events/{event.id}/rsvp")
    assert api(b).post(f"/api/v1/events/{event.id}/rsvp").get_json()["status"] == "confirmed"
    assert api(a).post(f"/api/v1/events/{event.id}/rsvp").get_json()["status"] == "waitlisted"


def test_cancel_without_registration_is_404(api):
    event = EventFactory()
    assert api(UserFactory()).delete(f"/api/v1/events/{event.id}/rsvp").status_code == 404


def test_larger_capacity_promotes_from_the_waitlist(api):
    event = EventFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    rsvp(event, a)
    rsvp(event, b, "waitlisted")
    assert api(member_of(event.host)).patch(f"/api/v1/events/{event.id}", json={"capacity": 2}).status_code == 200
    assert _status(event, b) == "confirmed"


def test_closed_registration_refuses_new_rsvps_and_can_reopen(api, login):
    event = EventFactory()
    organiser = member_of(event.host)
    response = api(organiser).put(f"/api/v1/events/{event.id}/registration", json={"open": False})
    assert response.status_code == 200 and response.get_json()["registration_open"] is False
    user = UserFactory()
    assert api(user).post(f"/api/v1/events/{event.id}/rsvp").status_code == 409
    page = login(user).post(f"/events/{event.id}/rsvp", follow_redirects=True)
    assert "締め切" in page.get_data(as_text=True) or "closed" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rsvp.id))) == 0
    assert login(organiser).post(f"/events/{event.id}/registration", data={"open": "1"}).status_code == 302
    assert api(user).post(f"/api/v1/events/{event.id}/rsvp").status_code == 201
    assert api(user).put(f"/api/v1/events/{event.id}/registration", json={"open": False}).status_code == 403


def test_no_rsvp_for_drafts_past_or_cancelled_events(api):
    user = UserFactory()
    draft = EventFactory(status="draft")
    past = EventFactory(starts_at=utcnow() - timedelta(days=3))
    cancelled = EventFactory(status="cancelled")
    assert api(user).post(f"/api/v1/events/{draft.id}/rsvp").status_code == 404
    assert api(user).post(f"/api/v1/events/{past.id}/rsvp").status_code == 409
    assert api(user).post(f"/api/v1/events/{cancelled.id}/rsvp").status_code == 409
    assert db.session.scalar(select(func.count(Rsvp.id))) == 0


def test_rsvp_pages_and_attendees_api(login, api, client):
    event = EventFactory(capacity=1)
    a, b = UserFactory(display_name="山田 花子"), UserFactory()
    assert client.post(f"/events/{event.id}/rsvp").status_code == 302  # to the login page
    assert login(a).post(f"/events/{event.id}/rsvp").status_code == 302
    assert login(b).post(f"/events/{event.id}/rsvp").status_code == 302
    assert _status(event, b) == "waitlisted"
    html = login(a).get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/ticket" in html
    assert login(a).post(f"/events/{event.id}/rsvp/cancel").status_code == 302
    assert _status(event, b) == "confirmed"
    organiser = member_of(event.host)
    items = api(organiser).get(f"/api/v1/events/{event.id}/attendees").get_json()["items"]
    assert [i["user_id"] for i in items] == [b.id]
    assert api(a).get(f"/api/v1/events/{event.id}/attendees").status_code == 403
    assert login(organiser).get(f"/events/{event.id}/attendees").status_code == 200
