"""Tickets (QR code with a signed token), check-in by token or name, and the attendance CSV."""

import csv
import io


from app.events.models import Rsvp
from app.events.tickets import ticket_token
from app.extensions import db
from tests.factories import UserFactory, member_of

from .factories import EventFactory, rsvp


def _reload(row):
    db.session.expire_all()
    return db.session.get(Rsvp, row.id)


def test_ticket_page_and_qr_svg_for_confirmed_attendees_only(login):
    event = EventFactory()
    guest, waiting = UserFactory(), UserFactory()
    row = rsvp(event, guest)
    rsvp(event, waiting, "waitlisted")
    client = login(guest)
    page = client.get(f"/events/{event.id}/ticket")
    assert page.status_code == 200
    token = ticket_token(row)
    assert token in page.get_data(as_text=True)
    svg = client.get(f"/events/{event.id}/ticket.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg") and b"<path" in svg.data
    assert "no-store" in svg.headers["Cache-Control"]
    assert login(waiting).get(f"/events/{event.id}/ticket").status_code == 404
    assert login(waiting).get(f"/events/{event.id}/ticket.svg").status_code == 404


def test_qr_svg_is_a_self_contained_vector_image():
    from app.events.tickets import qr_svg

    svg = qr_svg("T1.2.abcdefghijklmnopqrstuvwxyz")
    assert svg.startswith(b"<svg") and b"viewBox" in svg
    assert b"style=" not in svg and b"<script" not in svg and b"http://www.w3.org/2000/svg" in svg


def test_check_in_with_the_token_then_reuse_is_refused(api):
    event = EventFactory()
    guest = UserFactory(display_name="佐藤 一郎")
    row = rsvp(event, guest)
    organiser = api(member_of(event.host))
    response = organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(row)})
    assert response.status_code == 201
    assert response.get_json()["display_name"] == "佐藤 一郎"
    assert _reload(row).checked_in_at is not None
    again = organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(row)})
    assert again.status_code == 409
    assert "佐藤 一郎" in again.get_json()["error"]["message"]


def test_forged_and_other_event_tokens_are_rejected(api):
    event, other = EventFactory(), EventFactory(title="別のイベント")
    guest = UserFactory()
    row = rsvp(event, guest)
    other_row = rsvp(other, UserFactory())
    organiser = api(member_of(event.host))
    good = ticket_token(row)
    forged = [
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        f"T{row.id}.{event.id}.{'x' * 32}",
        "hello",
        "",
        f"T{other_row.id}.{event.id}.{ticket_token(other_row).split('.')[-1]}",
    ]
    for token in forged:
        response = organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": token})
        assert response.status_code == 422, token
        assert "token" in response.get_json()["error"]["fields"]
    response = organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(other_row)})
    assert response.status_code == 422
    assert "別のイベント" in response.get_json()["error"]["message"]
    assert _reload(row).checked_in_at is None and _reload(other_row).checked_in_at is None


def test_a_cancelled_registration_cannot_check_in_and_a_new_one_gets_a_new_token(api):
    event = EventFactory()
    guest = UserFactory()
    row = rsvp(event, guest)
    old = ticket_token(row)
    api(guest).delete(f"/api/v1/events/{event.id}/rsvp")
    organiser = api(member_of(event.host))
    assert organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": old}).status_code == 409
    api(guest).post(f"/api/v1/events/{event.id}/rsvp")
    assert organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": old}).status_code == 422
    assert (
        organiser.post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(_reload(row))}).status_code
        == 201
    )


def test_only_organisers_check_in(api):
    event = EventFactory()
    guest = UserFactory()
    row = rsvp(event, guest)
    assert api(guest).post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(row)}).status_code == 403
    assert _reload(row).checked_in_at is None


def test_check_in_page_by_token_and_by_name(login):
    event = EventFactory()
    a, b = UserFactory(display_name="高橋 次郎"), UserFactory(display_name="鈴木 三郎")
    ra, rb = rsvp(event, a), rsvp(event, b)
    client = login(member_of(event.host))
    page = client.get(f"/events/{event.id}/checkin")
    assert page.status_code == 200 and "events-checkin.js" in page.get_data(as_text=True)
    assert client.post(f"/events/{event.id}/checkin", data={"token": ticket_token(ra)}).status_code == 200
    bad = client.post(f"/events/{event.id}/checkin", data={"token": "nonsense"})
    assert bad.status_code == 422 and "flash-error" in bad.get_data(as_text=True)
    reused = client.post(f"/events/{event.id}/checkin", data={"token": ticket_token(ra)})
    assert reused.status_code == 409
    found = client.get(f"/events/{event.id}/checkin?q=鈴木").get_data(as_text=True)
    assert "鈴木 三郎" in found and "高橋 次郎" not in found
    assert client.post(f"/events/{event.id}/checkin", data={"rsvp_id": str(rb.id)}).status_code == 200
    assert _reload(rb).checked_in_at is not None


def test_attendance_csv_is_utf8_with_bom_for_excel(login):
    event = EventFactory()
    guest = UserFactory(display_name="山田 花子")
    rsvp(event, guest)
    rsvp(event, UserFactory(display_name='=HYPERLINK("x")'), "waitlisted")
    client = login(member_of(event.host))
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "名前"
    assert any(r[0] == "山田 花子" for r in rows[1:])
    assert any(r[0].startswith("'=") for r in rows[1:])  # no formula injection
    assert login(guest).get(f"/events/{event.id}/attendees.csv").status_code == 403


def test_has_checked_in_for_contest_voter_eligibility(api):
    from app.events.services import has_checked_in

    event = EventFactory(kind="contest")
    guest, absent = UserFactory(), UserFactory()
    row = rsvp(event, guest)
    rsvp(event, absent)
    api(member_of(event.host)).post(f"/api/v1/events/{event.id}/checkins", json={"token": ticket_token(row)})
    assert has_checked_in(event.id, guest.id) is True
    assert has_checked_in(event.id, absent.id) is False
