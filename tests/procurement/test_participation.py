"""Opt-in / opt-out rules and deadlines; the requirement sheet (validation, deadline, nothing half-written)."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db as _db
from app.notifications.models import Notification
from app.procurement.models import RoundParticipant
from tests.conftest import reload
from tests.factories import MunicipalityFactory, StartupFactory, member_of

from .factories import add_participant, make_round

SHEET = {
    "environments": ["lgwan"],
    "seats": 120,
    "security_level": 2,
    "budget_max_jpy": 1_200_000,
    "must_have": ["話者識別", "要約の自動生成"],
    "nice_to_have": ["Word形式での出力"],
    "notes": "LGWAN接続系のみ",
}


def _participants(rnd):
    return _db.session.scalar(select(func.count(RoundParticipant.id)).where(RoundParticipant.round_id == rnd.id))


def test_municipality_admin_opts_in_and_the_coordinator_is_notified(api, db):
    rnd = make_round()
    coord_user = member_of(rnd.coordinator, "member")
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    r = api(admin).post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={})
    assert r.status_code == 201 and r.get_json()["org"]["id"] == city.id
    assert _participants(rnd) == 1
    assert (
        db.session.scalar(select(Notification).where(Notification.user_id == coord_user.id)).kind
        == "procurement.opted_in"
    )
    # twice is a conflict
    assert api(admin).post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={}).status_code == 409


def test_members_and_startups_cannot_opt_in(api, db):
    rnd = make_round()
    assert (
        api(member_of(MunicipalityFactory(), "member"))
        .post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={})
        .status_code
        == 403
    )
    assert (
        api(member_of(StartupFactory(), "admin"))
        .post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={})
        .status_code
        == 403
    )
    assert _participants(rnd) == 0


def test_opt_in_after_the_deadline_or_when_not_open_is_refused(api, db):
    late = make_round(optin_deadline=utcnow() - timedelta(hours=1))
    closed = make_round(status="requirements_closed")
    admin = member_of(MunicipalityFactory(), "admin")
    assert api(admin).post(f"/api/v1/procurement-rounds/{late.id}/opt-in", json={}).status_code == 409
    assert api(admin).post(f"/api/v1/procurement-rounds/{closed.id}/opt-in", json={}).status_code == 409
    draft = make_round(status="draft")
    assert api(admin).post(f"/api/v1/procurement-rounds/{draft.id}/opt-in", json={}).status_code == 404
    assert _participants(late) == _participants(closed) == 0


def test_admin_of_two_municipalities_must_choose(api, db):
    rnd = make_round()
    a, b = MunicipalityFactory(), MunicipalityFactory()
    admin = member_of(a, "admin")
    from tests.factories import MembershipFactory

    MembershipFactory(user=admin, organization=b, role="admin")
    client = api(admin)
    r = client.post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={})
    assert r.status_code == 422 and "org_id" in r.get_json()["error"]["fields"]
    assert client.post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={"org_id": b.id}).status_code == 201
    other = MunicipalityFactory()
    r = client.post(f"/api/v1/procurement-rounds/{rnd.id}/opt-in", json={"org_id": other.id})
    assert r.status_code == 422


def test_opt_out_before_the_deadline_only(api, db):
    rnd = make_round()
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    add_participant(rnd, city, sheet=SHEET)
    assert api(admin).delete(f"/api/v1/procurement-rounds/{rnd.id}/opt-in").status_code == 204
    assert _participants(rnd) == 0
    assert api(admin).delete(f"/api/v1/procurement-rounds/{rnd.id}/opt-in").status_code == 409

    late = make_round(optin_deadline=utcnow() - timedelta(hours=1))
    add_participant(late, city)
    assert api(admin).delete(f"/api/v1/procurement-rounds/{late.id}/opt-in").status_code == 409
    assert _participants(late) == 1


def test_participant_member_submits_and_edits_the_sheet(api, db):
    rnd = make_round()
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city)
    r = api(staff).put(f"/api/v1/procurement-rounds/{rnd.id}/requirements", json=SHEET)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["environments"] == ["lgwan"] and r.get_json()["has_sheet"] is True
    r = api(staff).put(
        f"/api/v1/procurement-rounds/{rnd.id}/requirements",
        json={**SHEET, "environments": ["lgwan", "internet"], "must_have": [" 話者識別", "話者識別"]},
    )
    assert r.status_code == 200
    p = reload(rnd).participants[0]
    assert p.environments == ["lgwan", "internet"] and p.must_have == ["話者識別"]


def test_bad_sheet_is_422_with_every_field_and_the_database_unchanged(api, db):
    rnd = make_round()
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city, sheet=SHEET)
    before = reload(rnd).participants[0]
    snapshot = (before.environments, before.seats, before.security_level, before.budget_max_jpy, before.must_have)
    bad = {
        "environments": [],
        "seats": 0,
        "security_level": 4,
        "budget_max_jpy": -1,
        "must_have": ["x" * 200],
        "colour": "red",
    }
    r = api(staff).put(f"/api/v1/procurement-rounds/{rnd.id}/requirements", json=bad)
    assert r.status_code == 422
    assert {"environments", "seats", "security_level", "budget_max_jpy", "must_have", "colour"} <= set(
        r.get_json()["error"]["fields"]
    )
    r = api(staff).put(f"/api/v1/procurement-rounds/{rnd.id}/requirements", json={**SHEET, "environments": ["cloud"]})
    assert r.status_code == 422
    after = reload(rnd).participants[0]
    assert (after.environments, after.seats, after.security_level, after.budget_max_jpy, after.must_have) == snapshot


def test_sheet_after_the_requirement_deadline_is_refused(api, db):
    rnd = make_round(optin_deadline=utcnow() - timedelta(days=2), requirements_deadline=utcnow() - timedelta(days=1))
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city)
    assert api(staff).put(f"/api/v1/procurement-rounds/{rnd.id}/requirements", json=SHEET).status_code == 409
    assert reload(rnd).participants[0].seats is None


def test_non_participants_cannot_submit_a_sheet(api, db):
    rnd = make_round()
    add_participant(rnd, MunicipalityFactory())
    outsider = member_of(MunicipalityFactory(), "admin")
    assert api(outsider).put(f"/api/v1/procurement-rounds/{rnd.id}/requirements", json=SHEET).status_code == 403


def test_sheet_page_round_trip_and_422(login, db):
    rnd = make_round()
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city)
    client = login(staff)
    page = client.get(f"/procurement/{rnd.id}/requirements")
    assert page.status_code == 200 and "話者識別".encode() in page.data
    r = client.post(
        f"/procurement/{rnd.id}/requirements",
        data={
            "org_id": city.id,
            "seats": "abc",
            "security_level": "",
            "budget_max_jpy": "100",
            "must_have": ["話者識別", ""],
            "nice_to_have": "",
            "notes": "",
        },
    )
    assert r.status_code == 422
    assert reload(rnd).participants[0].seats is None
    r = client.post(
        f"/procurement/{rnd.id}/requirements",
        data={
            "org_id": city.id,
            "environments": ["lgwan", "onprem"],
            "seats": "80",
            "security_level": "3",
            "budget_max_jpy": "900000",
            "must_have": ["話者識別", "庁内サーバ設置\n議事録テンプレート"],
            "nice_to_have": "",
            "notes": "特になし",
        },
    )
    assert r.status_code == 302
    p = reload(rnd).participants[0]
    assert p.environments == ["lgwan", "onprem"] and p.security_level == 3
    assert p.must_have == ["話者識別", "庁内サーバ設置", "議事録テンプレート"]


def test_opt_in_and_out_through_the_round_page(login, db):
    rnd = make_round()
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    client = login(admin)
    page = client.get(f"/procurement/{rnd.id}")
    assert page.status_code == 200
    assert client.post(f"/procurement/{rnd.id}/opt-in", data={"org_id": city.id}).status_code == 302
    assert _participants(rnd) == 1
    assert client.post(f"/procurement/{rnd.id}/opt-out", data={"org_id": city.id}).status_code == 302
    assert _participants(rnd) == 0
