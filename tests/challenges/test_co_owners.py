"""Joint challenges (共同調達): invite, accept, decline, notifications, what co-owners see."""

from app.challenges.models import ChallengeCoOwner
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import reload
from tests.factories import ChallengeFactory, MunicipalityFactory, StartupFactory, member_of


def _kinds(user):
    db.session.expire_all()
    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))]


def test_invite_accept_with_notifications(api, login):
    city, partner = MunicipalityFactory(name_ja="松本市"), MunicipalityFactory(name_ja="塩尻市")
    owner_admin = member_of(city, "admin")
    partner_admin, partner_member = member_of(partner, "admin"), member_of(partner, "member")
    draft = ChallengeFactory(owner=city, status="draft", published_at=None, title="共同の草案")
    owner = api(owner_admin)
    response = owner.post(f"/api/v1/challenges/{draft.id}/co-owners", json={"org_id": partner.id})
    assert response.status_code == 201 and response.get_json()["status"] == "invited"
    assert _kinds(partner_admin) == ["challenge.co_owner_invited"] and _kinds(partner_member) == []
    # The invited admin may read the draft to decide; other partner staff may not yet.
    assert api(partner_member).get(f"/api/v1/challenges/{draft.id}").status_code == 404
    page = login(partner_admin).get(f"/challenges/{draft.id}").get_data(as_text=True)
    assert "共同調達" in page and "decision" in page
    inbox = login(partner_admin).get("/notifications").get_data(as_text=True)
    assert "共同の草案" in inbox
    assert owner.post(f"/api/v1/challenges/{draft.id}/co-owners", json={"org_id": partner.id}).status_code == 409
    # Only the invited organisation's admin answers.
    assert api(partner_member).post(f"/api/v1/challenges/{draft.id}/co-owners/{partner.id}/accept").status_code == 404
    assert owner.post(f"/api/v1/challenges/{draft.id}/co-owners/{partner.id}/accept").status_code == 403
    accepted = api(partner_admin).post(f"/api/v1/challenges/{draft.id}/co-owners/{partner.id}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert "challenge.co_owner_accepted" in _kinds(owner_admin)
    assert api(partner_admin).post(f"/api/v1/challenges/{draft.id}/co-owners/{partner.id}/decline").status_code == 409
    # Accepted co-owners (all their staff) see the draft and the joint label; they cannot manage it.
    assert api(partner_member).get(f"/api/v1/challenges/{draft.id}").status_code == 200
    assert api(partner_admin).post(f"/api/v1/challenges/{draft.id}/publish").status_code == 403
    ChallengeFactory(owner=city)
    published = reload(draft)
    published.status = "published"
    db.session.commit()
    assert "塩尻市" in login(member_of(StartupFactory())).get(f"/challenges/{draft.id}").get_data(as_text=True)


def test_decline_through_the_page(login):
    city, partner = MunicipalityFactory(), MunicipalityFactory()
    owner_admin, partner_admin = member_of(city, "admin"), member_of(partner, "admin")
    challenge = ChallengeFactory(owner=city)
    owner = login(owner_admin)
    assert owner.post(f"/challenges/{challenge.id}/co-owners", data={"org_id": partner.id}).status_code == 302
    response = login(partner_admin).post(
        f"/challenges/{challenge.id}/co-owners/{partner.id}/respond", data={"decision": "decline"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(db.select(ChallengeCoOwner))
    assert row.status == "declined" and "challenge.co_owner_declined" in _kinds(owner_admin)
    # A declined organisation can be invited again.
    assert owner.post(f"/challenges/{challenge.id}/co-owners", data={"org_id": partner.id}).status_code == 302
    assert reload(row).status == "invited"


def test_invalid_invitations_are_refused_without_changes(api):
    city = MunicipalityFactory()
    admin = api(member_of(city, "admin"))
    challenge = ChallengeFactory(owner=city)
    startup = StartupFactory()
    for body, field in (
        ({"org_id": startup.id}, "org_id"),
        ({"org_id": city.id}, "org_id"),
        ({"org_id": 999999}, "org_id"),
        ({}, "org_id"),
        ({"org_id": "x"}, "org_id"),
        ({"org_id": city.id, "role": "x"}, "role"),
    ):
        response = admin.post(f"/api/v1/challenges/{challenge.id}/co-owners", json=body)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], body
    db.session.expire_all()
    assert db.session.query(ChallengeCoOwner).count() == 0


def test_dashboard_shows_pending_invitations(login):
    city, partner = MunicipalityFactory(), MunicipalityFactory()
    challenge = ChallengeFactory(owner=city, title="招待された課題")
    db.session.add(ChallengeCoOwner(challenge_id=challenge.id, org_id=partner.id, status="invited"))
    db.session.commit()
    html = login(member_of(partner, "admin")).get("/dashboard").get_data(as_text=True)
    assert "招待された課題" in html
