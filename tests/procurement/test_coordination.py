"""The coordinator: matrix (only theirs), vendors, demo days, the joint challenge, pages."""

from datetime import timedelta

from sqlalchemy import func, select

from app.challenges.models import Challenge
from app.db import utcnow
from app.events.models import Event
from app.notifications.models import Notification
from app.procurement.models import RoundEvent, RoundVendor
from tests.conftest import reload
from tests.factories import CoordinatorFactory, MunicipalityFactory, StartupFactory, member_of

from .factories import add_participant, add_vendor, make_round


def _conflict_round(status="open"):
    rnd = make_round(status=status)
    a = MunicipalityFactory(name_ja="A市")
    b = MunicipalityFactory(name_ja="B町")
    c = MunicipalityFactory(name_ja="C村")
    add_participant(
        rnd,
        a,
        {
            "environments": ["lgwan"],
            "seats": 300,
            "security_level": 3,
            "budget_max_jpy": 3_000_000,
            "must_have": ["話者識別", "要約"],
        },
    )
    add_participant(
        rnd,
        b,
        {
            "environments": ["lgwan", "internet"],
            "seats": 100,
            "security_level": 2,
            "budget_max_jpy": 1_000_000,
            "must_have": ["話者識別"],
        },
    )
    add_participant(
        rnd,
        c,
        {
            "environments": ["internet"],
            "seats": 20,
            "security_level": 2,
            "budget_max_jpy": 900_000,
            "must_have": ["話者識別"],
        },
    )
    return rnd, (a, b, c)


def test_matrix_api_for_the_coordinator(api, db):
    rnd, _orgs = _conflict_round()
    user = member_of(rnd.coordinator, "member")
    r = api(user).get(f"/api/v1/procurement-rounds/{rnd.id}/matrix")
    assert r.status_code == 200
    m = r.get_json()
    assert m["common_environments"] == [] and m["seats_total"] == 420 and m["security_level"] == 3
    assert m["budget_total_jpy"] == 4_900_000
    env = [c for c in m["conflicts"] if c["kind"] == "environment"][0]
    assert {"environments": ["lgwan"], "participants": ["A市"]} in env["groups"]
    assert m["must_have"][0] == {"feature": "話者識別", "count": 3, "participants": ["A市", "B町", "C村"]}


def test_matrix_is_coordinator_only(api, db):
    rnd, (a, _b, _c) = _conflict_round()
    participant = member_of(a, "admin")
    assert api(participant).get(f"/api/v1/procurement-rounds/{rnd.id}/matrix").status_code == 403
    assert api(participant).get(f"/api/v1/procurement-rounds/{rnd.id}/requirements").status_code == 403
    other_coord = member_of(CoordinatorFactory(), "admin")
    assert api(other_coord).get(f"/api/v1/procurement-rounds/{rnd.id}/matrix").status_code == 403
    draft = make_round(status="draft")
    assert api(other_coord).get(f"/api/v1/procurement-rounds/{draft.id}/matrix").status_code == 404
    assert api(participant).get(f"/api/v1/procurement-rounds/{draft.id}/matrix").status_code == 404


def test_matrix_page_highlights_conflicts_in_text(login, db):
    rnd, _ = _conflict_round()
    client = login(member_of(rnd.coordinator, "member"))
    page = client.get(f"/procurement/{rnd.id}/matrix")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "proc-conflict-environment" in html and "A市" in html and "C村" in html
    assert "proc-conflict-budget_spread" in html and "proc-conflict-security_level" in html
    en = login(member_of(rnd.coordinator, "member", locale="en")).get(f"/procurement/{rnd.id}/matrix")
    assert "LGWAN only" in en.get_data(as_text=True)


def test_requirements_list_for_the_coordinator(api, db):
    rnd, _ = _conflict_round()
    r = api(member_of(rnd.coordinator, "member")).get(f"/api/v1/procurement-rounds/{rnd.id}/requirements")
    assert r.status_code == 200 and len(r.get_json()) == 3


def test_invite_vendors_notifies_each_once(api, db):
    rnd = make_round()
    vendor = StartupFactory()
    vendor_user = member_of(vendor, "admin")
    client = api(member_of(rnd.coordinator, "member"))
    r = client.post(f"/api/v1/procurement-rounds/{rnd.id}/vendors", json={"org_ids": [vendor.id]})
    assert r.status_code == 200 and [o["id"] for o in r.get_json()["invited"]] == [vendor.id]
    r = client.post(f"/api/v1/procurement-rounds/{rnd.id}/vendors", json={"org_ids": [vendor.id]})
    assert r.get_json()["already_invited"][0]["id"] == vendor.id
    notes = db.session.scalars(select(Notification).where(Notification.user_id == vendor_user.id)).all()
    assert [n.kind for n in notes] == ["procurement.vendor_invited"]
    # vendors see the round
    assert api(vendor_user).get(f"/api/v1/procurement-rounds/{rnd.id}").status_code == 200


def test_only_startups_can_be_vendors(api, db):
    rnd = make_round()
    city = MunicipalityFactory()
    r = api(member_of(rnd.coordinator, "member")).post(
        f"/api/v1/procurement-rounds/{rnd.id}/vendors", json={"org_ids": [city.id, 999999]}
    )
    assert r.status_code == 422 and "org_ids" in r.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(RoundVendor.id))) == 0


def test_schedule_demo_creates_a_linked_event(api, db):
    rnd, (a, _b, _c) = _conflict_round()
    a_user = member_of(a, "member")
    vendor = StartupFactory()
    add_vendor(rnd, vendor)
    start = utcnow() + timedelta(days=3)
    client = api(member_of(rnd.coordinator, "member"))
    r = client.post(
        f"/api/v1/procurement-rounds/{rnd.id}/demos",
        json={
            "title": "AI議事録 デモデイ",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "vendor_org_id": vendor.id,
        },
    )
    assert r.status_code == 201, r.get_json()
    event = db.session.get(Event, r.get_json()["event_id"])
    assert event.host_org_id == rnd.coordinator_org_id and event.kind == "workshop"
    assert r.get_json()["url"] == f"/events/{event.id}"
    assert db.session.scalar(select(func.count(RoundEvent.id))) == 1
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == a_user.id))
        == "procurement.demo_scheduled"
    )
    bad = client.post(
        f"/api/v1/procurement-rounds/{rnd.id}/demos",
        json={"title": "x", "starts_at": start.isoformat(), "ends_at": start.isoformat()},
    )
    assert bad.status_code == 422 and "title" in bad.get_json()["error"]["fields"]
    bad = client.post(
        f"/api/v1/procurement-rounds/{rnd.id}/demos",
        json={"title": "デモデイ2", "starts_at": start.isoformat(), "ends_at": start.isoformat()},
    )
    assert bad.status_code == 422 and "ends_at" in bad.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Event.id))) == 1


def test_publish_challenge_creates_a_draft_with_accepted_co_owners(api, db):
    rnd = make_round(status="requirements_closed")
    a, b = MunicipalityFactory(), MunicipalityFactory()
    late = MunicipalityFactory()
    a_user = member_of(a, "member")
    add_participant(
        rnd,
        a,
        {
            "environments": ["lgwan", "internet"],
            "seats": 300,
            "security_level": 3,
            "budget_max_jpy": 3_000_000,
            "must_have": ["話者識別", "要約"],
        },
    )
    add_participant(
        rnd,
        b,
        {
            "environments": ["lgwan"],
            "seats": 100,
            "security_level": 2,
            "budget_max_jpy": 1_000_000,
            "must_have": ["話者識別"],
        },
    )
    add_participant(rnd, late)  # no sheet: not a co-owner
    r = api(member_of(rnd.coordinator, "member")).post(f"/api/v1/procurement-rounds/{rnd.id}/publish-challenge")
    assert r.status_code == 201, r.get_json()
    challenge = db.session.get(Challenge, r.get_json()["id"])
    assert challenge.status == "draft" and challenge.owner_org_id == rnd.coordinator_org_id
    assert challenge.environments == ["lgwan"] and challenge.security_level == 3
    assert challenge.budget_max_jpy == 4_000_000
    assert {c.org_id: c.status for c in challenge.co_owners} == {a.id: "accepted", b.id: "accepted"}
    assert any("話者識別" in k for k in challenge.kpis) and "話者識別" in challenge.desired_outcome
    fresh = reload(rnd)
    assert fresh.challenge_id == challenge.id and fresh.status == "specification_published"
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == a_user.id))
        == "procurement.specification_published"
    )
    # the co-owner sees the draft challenge
    assert api(a_user).get(f"/challenges/{challenge.id}").status_code == 200
    again = api(member_of(rnd.coordinator, "admin")).post(f"/api/v1/procurement-rounds/{rnd.id}/publish-challenge")
    assert again.status_code == 409


def test_publish_challenge_refuses_an_environment_conflict_and_writes_nothing(api, db):
    rnd, _ = _conflict_round(status="requirements_closed")
    r = api(member_of(rnd.coordinator, "member")).post(f"/api/v1/procurement-rounds/{rnd.id}/publish-challenge")
    assert r.status_code == 409
    assert db.session.scalar(select(func.count(Challenge.id))) == 0
    assert reload(rnd).status == "requirements_closed"


def test_publish_challenge_needs_closed_requirements(api, db):
    rnd = make_round(status="open")
    add_participant(rnd, MunicipalityFactory(), {})
    r = api(member_of(rnd.coordinator, "member")).post(f"/api/v1/procurement-rounds/{rnd.id}/publish-challenge")
    assert r.status_code == 409


def test_pages_render_for_the_coordinator_and_the_flow_through_forms(login, db):
    coord = CoordinatorFactory()
    user = member_of(coord, "admin")
    client = login(user)
    assert client.get("/procurement").status_code == 200
    assert client.get("/procurement/new").status_code == 200
    bad = client.post(
        "/procurement/new",
        data={
            "service_type": "ai_minutes",
            "title": "",
            "optin_deadline": "2099-01-10T17:00",
            "requirements_deadline": "2099-01-01T17:00",
        },
    )
    assert bad.status_code == 422
    r = client.post(
        "/procurement/new",
        data={
            "service_type": "ai_minutes",
            "title": "AI議事録 共同調達",
            "description": "",
            "feature_catalogue": "",
            "optin_deadline": "2099-01-10T17:00",
            "requirements_deadline": "2099-02-01T17:00",
            "expected_start": "",
        },
    )
    assert r.status_code == 302
    rnd_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert client.get(f"/procurement/{rnd_id}").status_code == 200
    assert client.get(f"/procurement/{rnd_id}/edit").status_code == 200
    assert client.post(f"/procurement/{rnd_id}/status", data={"status": "open"}).status_code == 302
    vendor = StartupFactory()
    assert client.post(f"/procurement/{rnd_id}/vendors", data={"org_ids": [str(vendor.id)]}).status_code == 302
    bad = client.post(f"/procurement/{rnd_id}/demos", data={"title": "デモ", "starts_at": "x", "ends_at": ""})
    assert bad.status_code == 422
    assert (
        client.post(
            f"/procurement/{rnd_id}/demos",
            data={
                "title": "デモデイ",
                "starts_at": "2099-01-15T13:00",
                "ends_at": "2099-01-15T15:00",
                "kind": "workshop",
                "format": "online",
                "venue": "",
                "online_url": "",
                "vendor_org_id": str(vendor.id),
            },
        ).status_code
        == 302
    )
    assert client.get(f"/procurement/{rnd_id}").status_code == 200
    assert client.get(f"/procurement/{rnd_id}/matrix").status_code == 200
    assert client.get("/dashboard").status_code == 200
    assert "AI議事録".encode() in client.get(f"/orgs/{coord.slug}").data


def test_awarded_round_shows_the_contract_call_to_action(login, db):
    rnd = make_round(status="specification_published")
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city, {})
    vendor = StartupFactory()
    add_vendor(rnd, vendor)
    coord_client = login(member_of(rnd.coordinator, "member"))
    r = coord_client.post(f"/procurement/{rnd.id}/status", data={"status": "awarded", "vendor_org_id": str(vendor.id)})
    assert r.status_code == 302
    html = login(staff).get(f"/procurement/{rnd.id}").get_data(as_text=True)
    assert f"/contracts/new?round={rnd.id}" in html
    bad = coord_client.post(f"/procurement/{rnd.id}/status", data={"status": "nonsense"})
    assert bad.status_code == 422


def test_municipality_dashboard_lists_open_rounds_and_sheets(login, db):
    rnd = make_round(title="RPA 共同調達")
    joined = make_round(title="チャットボット 共同調達")
    city = MunicipalityFactory()
    staff = member_of(city, "admin")
    add_participant(joined, city)
    html = login(staff).get("/dashboard").get_data(as_text=True)
    assert rnd.title in html and joined.title in html


def test_site_search_finds_visible_rounds_only(login, anon, db):
    make_round(title="RPA 共同調達 2027")
    make_round(title="RPA 下書きの共同調達", status="draft")
    user = member_of(MunicipalityFactory(), "member")
    html = login(user).get("/search?q=RPA").get_data(as_text=True)
    assert "RPA 共同調達 2027" in html and "下書き" not in html
    assert "RPA 共同調達 2027" not in anon.get("/search?q=RPA").get_data(as_text=True)


def test_the_joint_challenge_page_section_points_back_to_the_round(api, app, db):
    from app.web.registry import sections_for

    rnd = make_round(status="requirements_closed")
    city = MunicipalityFactory()
    add_participant(rnd, city, {"environments": ["lgwan"]})
    coord_user = member_of(rnd.coordinator, "member")
    r = api(coord_user).post(f"/api/v1/procurement-rounds/{rnd.id}/publish-challenge")
    challenge = db.session.get(Challenge, r.get_json()["id"])
    sections = dict(sections_for("challenge", challenge, coord_user))
    assert sections["procurement/challenge_section.html"]["round"].id == rnd.id
    assert "procurement/challenge_section.html" not in dict(sections_for("challenge", challenge, None))


def test_after_the_deadline_participants_can_still_read_their_sheet(login, db):
    rnd = make_round(status="requirements_closed")
    city = MunicipalityFactory()
    staff = member_of(city, "member")
    add_participant(rnd, city, {"environments": ["lgwan"], "must_have": ["話者識別"]})
    client = login(staff)
    assert f"/procurement/{rnd.id}/requirements" in client.get(f"/procurement/{rnd.id}").get_data(as_text=True)
    page = client.get(f"/procurement/{rnd.id}/requirements")
    assert page.status_code == 200 and "disabled" in page.get_data(as_text=True)
    r = client.post(
        f"/procurement/{rnd.id}/requirements",
        data={
            "org_id": city.id,
            "environments": "internet",
            "seats": "5",
            "security_level": "1",
            "budget_max_jpy": "1",
            "must_have": "",
            "nice_to_have": "",
            "notes": "",
        },
    )
    assert r.status_code == 302
    assert reload(rnd).participants[0].environments == ["lgwan"]
