"""Creating, listing, editing rounds and their status transitions through the API."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.procurement.models import ProcurementRound
from tests.conftest import reload
from tests.factories import CoordinatorFactory, MunicipalityFactory, member_of

from .factories import add_participant, add_vendor, make_round
from tests.factories import StartupFactory


def _payload(**kw):
    now = utcnow()
    data = {
        "service_type": "ai_minutes",
        "title": "AI議事録 共同調達 2027",
        "description": "4市村で共同調達",
        "optin_deadline": (now + timedelta(days=7)).isoformat(),
        "requirements_deadline": (now + timedelta(days=14)).isoformat(),
        "expected_start": "2027-04-01",
    }
    data.update(kw)
    return data


def test_coordinator_creates_a_draft_round_with_the_default_catalogue(api, db):
    coord = CoordinatorFactory()
    user = member_of(coord, "member")
    r = api(user).post("/api/v1/procurement-rounds", json=_payload())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "draft" and body["coordinator"]["id"] == coord.id
    assert "話者識別" in body["feature_catalogue"]


def test_municipality_cannot_create_a_round(api, db):
    user = member_of(MunicipalityFactory(), "admin")
    assert api(user).post("/api/v1/procurement-rounds", json=_payload()).status_code == 403


def test_bad_input_is_422_with_fields_and_nothing_written(api, db):
    user = member_of(CoordinatorFactory(), "admin")
    now = utcnow()
    r = api(user).post(
        "/api/v1/procurement-rounds",
        json=_payload(
            service_type="spaceship", title="", requirements_deadline=(now + timedelta(days=1)).isoformat(), unknown="x"
        ),
    )
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert {"service_type", "title", "unknown"} <= set(fields)
    r = api(user).post(
        "/api/v1/procurement-rounds", json=_payload(requirements_deadline=(now + timedelta(days=1)).isoformat())
    )
    assert r.status_code == 422 and "requirements_deadline" in r.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(ProcurementRound.id))) == 0


def test_draft_round_is_invisible_to_others_and_other_coordinators(api, db):
    rnd = make_round(status="draft")
    other_coord = member_of(CoordinatorFactory(), "admin")
    city_admin = member_of(MunicipalityFactory(), "admin")
    for user in (other_coord, city_admin):
        client = api(user)
        assert client.get(f"/api/v1/procurement-rounds/{rnd.id}").status_code == 404
        assert client.get("/api/v1/procurement-rounds").get_json()["meta"]["total"] == 0
    own = member_of(rnd.coordinator, "member")
    assert api(own).get("/api/v1/procurement-rounds").get_json()["meta"]["total"] == 1


def test_open_rounds_are_listed_for_logged_in_users_with_filters(api, anon, db):
    make_round(status="open", service_type="rpa")
    make_round(status="open", service_type="ai_minutes")
    user = member_of(MunicipalityFactory(), "member")
    client = api(user)
    assert client.get("/api/v1/procurement-rounds").get_json()["meta"]["total"] == 2
    body = client.get("/api/v1/procurement-rounds?service_type=rpa").get_json()
    assert [i["service_type"] for i in body["items"]] == ["rpa"]
    assert client.get("/api/v1/procurement-rounds?status=bogus").status_code == 422
    assert anon.get("/api/v1/procurement-rounds").status_code == 401


def test_patch_validates_deadlines_against_stored_values(api, db):
    rnd = make_round(status="open")
    user = member_of(rnd.coordinator, "member")
    late = (rnd.requirements_deadline + timedelta(days=5)).isoformat()
    r = api(user).patch(f"/api/v1/procurement-rounds/{rnd.id}", json={"optin_deadline": late})
    assert r.status_code == 422 and "requirements_deadline" in r.get_json()["error"]["fields"]
    r = api(user).patch(f"/api/v1/procurement-rounds/{rnd.id}", json={"title": "新しい題名"})
    assert r.status_code == 200 and reload(rnd).title == "新しい題名"


def test_status_transitions(api, db):
    rnd = make_round(status="draft")
    user = member_of(rnd.coordinator, "member")
    client = api(user)
    url = f"/api/v1/procurement-rounds/{rnd.id}/status"
    assert client.post(url, json={"status": "awarded"}).status_code == 409
    assert client.post(url, json={"status": "open"}).status_code == 200
    assert client.post(url, json={"status": "requirements_closed"}).status_code == 200
    assert client.post(url, json={"status": "specification_published"}).status_code == 409
    assert client.post(url, json={"status": "open"}).status_code == 200
    assert client.post(url, json={"status": "cancelled"}).status_code == 200
    assert client.post(url, json={"status": "open"}).status_code == 409
    assert reload(rnd).status == "cancelled"


def test_opening_needs_a_future_optin_deadline(api, db):
    rnd = make_round(status="draft", optin_deadline=utcnow() - timedelta(days=1))
    user = member_of(rnd.coordinator, "member")
    r = api(user).post(f"/api/v1/procurement-rounds/{rnd.id}/status", json={"status": "open"})
    assert r.status_code == 422 and "optin_deadline" in r.get_json()["error"]["fields"]
    assert reload(rnd).status == "draft"


def test_award_requires_an_invited_vendor_and_notifies(api, db):
    from app.notifications.models import Notification

    rnd = make_round(status="specification_published")
    city = MunicipalityFactory()
    city_user = member_of(city, "member")
    add_participant(rnd, city, sheet={})
    vendor = StartupFactory()
    vendor_user = member_of(vendor, "admin")
    outsider = StartupFactory()
    user = member_of(rnd.coordinator, "member")
    url = f"/api/v1/procurement-rounds/{rnd.id}/status"
    r = api(user).post(url, json={"status": "awarded", "vendor_org_id": outsider.id})
    assert r.status_code == 422 and "vendor_org_id" in r.get_json()["error"]["fields"]
    add_vendor(rnd, vendor)
    r = api(user).post(url, json={"status": "awarded", "vendor_org_id": vendor.id})
    assert r.status_code == 200 and r.get_json()["awarded_vendor"]["id"] == vendor.id
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (city_user.id, "procurement.awarded") in kinds
    assert (vendor_user.id, "procurement.awarded_vendor") in kinds
