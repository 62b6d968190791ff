"""The workshop problem board: cards by municipal staff, likes (toggle), card -> draft challenge."""

from sqlalchemy import func, select

from app.challenges.models import Challenge
from app.events.models import CardLike, ProblemCard
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import MunicipalityFactory, StartupFactory, UserFactory, member_of

from .factories import EventFactory, card, rsvp


def _workshop():
    event = EventFactory(kind="workshop", title="庁内課題共有ワークショップ")
    city = MunicipalityFactory(name_ja="松本市")
    staff = member_of(city)
    startup_user = member_of(StartupFactory())
    rsvp(event, staff)
    rsvp(event, startup_user)
    return event, city, staff, startup_user


def test_staff_post_cards_startups_cannot(api):
    event, city, staff, startup_user = _workshop()
    response = api(staff).post(
        f"/api/v1/events/{event.id}/cards",
        json={"title": "紙の申請書の転記に時間がかかる", "body": "月40時間", "category": "counter_services"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["org"]["id"] == city.id
    assert api(startup_user).post(f"/api/v1/events/{event.id}/cards", json={"title": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(ProblemCard.id))) == 1


def test_card_bad_input_is_422_and_nothing_saved(api):
    event, city, staff, _ = _workshop()
    for payload in (
        {"title": ""},
        {"title": "x" * 121},
        {"title": "ok", "category": "nope"},
        {"title": "ok", "org_id": 999999},
        {"title": "ok", "extra": 1},
    ):
        response = api(staff).post(f"/api/v1/events/{event.id}/cards", json=payload)
        assert response.status_code == 422, payload
    assert db.session.scalar(select(func.count(ProblemCard.id))) == 0


def test_board_is_for_attendees_and_organisers_only(api, client):
    event, city, staff, startup_user = _workshop()
    card(event, staff, city)
    assert api(startup_user).get(f"/api/v1/events/{event.id}/cards").status_code == 200
    assert api(member_of(event.host)).get(f"/api/v1/events/{event.id}/cards").status_code == 200
    assert api(UserFactory()).get(f"/api/v1/events/{event.id}/cards").status_code == 403
    assert client.get(f"/api/v1/events/{event.id}/cards").status_code == 401
    meetup = EventFactory()
    assert api(member_of(meetup.host)).get(f"/api/v1/events/{meetup.id}/cards").status_code == 403


def test_like_toggles_one_per_user_and_sorts_the_board(api, login):
    event, city, staff, startup_user = _workshop()
    first, second = card(event, staff, city, title="A"), card(event, staff, city, title="B")
    client = api(startup_user)
    assert client.post(f"/api/v1/cards/{second.id}/like").get_json() == {"liked": True, "likes": 1}
    assert api(staff).post(f"/api/v1/cards/{second.id}/like").get_json() == {"liked": True, "likes": 2}
    assert client.post(f"/api/v1/cards/{second.id}/like").get_json() == {"liked": False, "likes": 1}
    assert client.post(f"/api/v1/cards/{second.id}/like").get_json() == {"liked": True, "likes": 2}
    assert db.session.scalar(select(func.count(CardLike.id))) == 2
    items = client.get(f"/api/v1/events/{event.id}/cards").get_json()
    assert [i["title"] for i in items] == ["B", "A"] and items[0]["liked"] is True
    assert api(UserFactory()).post(f"/api/v1/cards/{first.id}/like").status_code == 404
    page = login(startup_user).post(f"/cards/{first.id}/like")
    assert page.status_code == 302


def test_organiser_turns_a_card_into_a_draft_challenge_once(api, login):
    event, city, staff, startup_user = _workshop()
    item = card(event, staff, city, title="庁内の問い合わせ対応", category="backoffice_dx")
    assert api(startup_user).post(f"/api/v1/cards/{item.id}/to-challenge").status_code == 403
    assert db.session.scalar(select(func.count(Challenge.id))) == 0
    organiser = member_of(event.host)
    response = api(organiser).post(f"/api/v1/cards/{item.id}/to-challenge")
    assert response.status_code == 201
    body = response.get_json()
    assert body["edit_url"] == f"/challenges/{body['id']}/edit"
    challenge = db.session.get(Challenge, body["id"])
    assert (challenge.status, challenge.owner_org_id, challenge.title) == ("draft", city.id, "庁内の問い合わせ対応")
    assert challenge.created_by_id == organiser.id
    db.session.expire_all()
    assert db.session.get(ProblemCard, item.id).challenge_id == challenge.id
    assert challenge.id in [c.id for c in db.session.get(type(event), event.id).challenges]
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == staff.id, Notification.kind == "events.card_to_challenge"
            )
        )
        == 1
    )
    assert api(organiser).post(f"/api/v1/cards/{item.id}/to-challenge").status_code == 409
    assert db.session.scalar(select(func.count(Challenge.id))) == 1
    html = login(staff).get(f"/events/{event.id}/board").get_data(as_text=True)
    assert f"/challenges/{challenge.id}/edit" in html


def test_board_page_post_and_validation(login):
    event, city, staff, _ = _workshop()
    client = login(staff)
    assert client.get(f"/events/{event.id}/board").status_code == 200
    assert client.post(f"/events/{event.id}/board", data={"title": ""}).status_code == 422
    assert (
        client.post(
            f"/events/{event.id}/board", data={"title": "除雪の問い合わせ", "body": "", "category": "infrastructure"}
        ).status_code
        == 302
    )
    assert db.session.scalar(select(func.count(ProblemCard.id))) == 1
