"""Challenges through the REST API: CRUD, lifecycle, visibility, bad input."""

from datetime import timedelta

from app.challenges.models import Challenge
from app.db import utcnow
from app.extensions import db
from tests.conftest import reload
from tests.factories import ChallengeFactory, MunicipalityFactory, StartupFactory, member_of


def _payload(**overrides):
    data = {
        "title": "窓口の待ち時間を短縮したい",
        "summary": "待ち時間が長い。",
        "background": "繁忙期は90分待ち。",
        "desired_outcome": "待ち時間を半減。",
        "kpis": ["平均待ち時間 60分→30分"],
        "category": "counter_services",
        "tags": ["窓口"],
        "environments": ["lgwan"],
        "security_level": 2,
        "budget_min_jpy": 1000000,
        "budget_max_jpy": 3000000,
        "application_deadline": (utcnow() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def _count():
    db.session.expire_all()
    return db.session.query(Challenge).count()


def test_create_edit_publish_close_award(api):
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    client = api(admin)
    created = client.post("/api/v1/challenges", json=_payload())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft" and body["owner"]["id"] == city.id and body["environments"] == ["lgwan"]
    cid = body["id"]
    assert client.patch(f"/api/v1/challenges/{cid}", json={"title": "新しい題名"}).get_json()["title"] == "新しい題名"
    published = client.post(f"/api/v1/challenges/{cid}/publish")
    assert published.status_code == 200 and published.get_json()["published_at"]
    assert client.post(f"/api/v1/challenges/{cid}/award").status_code == 409
    assert client.post(f"/api/v1/challenges/{cid}/close").get_json()["status"] == "closed"
    assert client.post(f"/api/v1/challenges/{cid}/award").get_json()["status"] == "awarded"
    conflict = client.post(f"/api/v1/challenges/{cid}/cancel")
    assert conflict.status_code == 409 and conflict.get_json()["error"]["message"]


def test_publish_requires_fields_and_future_deadline(api):
    city = MunicipalityFactory()
    client = api(member_of(city, "admin"))
    cid = client.post(
        "/api/v1/challenges", json={"title": "草案", "category": "community", "environments": ["internet"]}
    ).get_json()["id"]
    response = client.post(f"/api/v1/challenges/{cid}/publish")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"summary", "background", "desired_outcome", "application_deadline"} <= set(fields)
    past = (utcnow() - timedelta(days=1)).isoformat()
    client.patch(f"/api/v1/challenges/{cid}", json=_payload(application_deadline=past))
    response = client.post(f"/api/v1/challenges/{cid}/publish")
    assert response.status_code == 422 and "application_deadline" in response.get_json()["error"]["fields"]
    assert reload(db.session.get(Challenge, cid)).status == "draft"


def test_members_cannot_publish_but_can_edit_and_delete_drafts(api):
    city = MunicipalityFactory()
    member = api(member_of(city, "member"))
    cid = member.post("/api/v1/challenges", json=_payload()).get_json()["id"]
    assert member.post(f"/api/v1/challenges/{cid}/publish").status_code == 403
    assert member.delete(f"/api/v1/challenges/{cid}").status_code == 204
    assert _count() == 0


def test_delete_only_drafts(api):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city)
    assert api(member_of(city, "admin")).delete(f"/api/v1/challenges/{challenge.id}").status_code == 409
    assert _count() == 1


def test_startups_cannot_create_challenges(api):
    startup = StartupFactory()
    response = api(member_of(startup, "admin")).post("/api/v1/challenges", json=_payload())
    assert response.status_code == 403 and _count() == 0


def test_bad_input_gets_field_messages_and_writes_nothing(api):
    client = api(member_of(MunicipalityFactory(), "admin"))
    cases = [
        (_payload(unknown_field=1), "unknown_field"),
        (_payload(budget_min_jpy="lots"), "budget_min_jpy"),
        (_payload(budget_min_jpy=5_000_000, budget_max_jpy=1_000_000), "budget_max_jpy"),
        (_payload(budget_min_jpy=-1), "budget_min_jpy"),
        (_payload(environments=[]), "environments"),
        ({k: v for k, v in _payload().items() if k != "environments"}, "environments"),
        (_payload(environments=["cloud"]), "environments"),
        (_payload(category="space"), "category"),
        (_payload(security_level=7), "security_level"),
        (_payload(pilot_start="2027-05-01", pilot_end="2027-04-01"), "pilot_end"),
        (_payload(title=""), "title"),
        (_payload(kpis="not a list"), "kpis"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/challenges", json=body)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    assert _count() == 0


def test_patch_keeps_budget_consistent_with_stored_values(api):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city, budget_min_jpy=1_000_000, budget_max_jpy=2_000_000)
    response = api(member_of(city, "member")).patch(
        f"/api/v1/challenges/{challenge.id}", json={"budget_min_jpy": 9_000_000}
    )
    assert response.status_code == 422 and "budget_max_jpy" in response.get_json()["error"]["fields"]
    assert reload(challenge).budget_min_jpy == 1_000_000


def test_drafts_and_members_only_visibility(api, client):
    city = MunicipalityFactory()
    draft = ChallengeFactory(owner=city, status="draft", published_at=None)
    members = ChallengeFactory(owner=city, visibility="members")
    cancelled = ChallengeFactory(owner=city, status="cancelled")
    startup = api(member_of(StartupFactory(), "admin"))
    assert client.get(f"/api/v1/challenges/{draft.id}").status_code == 404
    assert startup.get(f"/api/v1/challenges/{draft.id}").status_code == 404
    assert startup.get(f"/api/v1/challenges/{cancelled.id}").status_code == 404
    assert client.get(f"/api/v1/challenges/{members.id}").status_code == 404
    assert startup.get(f"/api/v1/challenges/{members.id}").status_code == 200
    owner = api(member_of(city, "member"))
    assert owner.get(f"/api/v1/challenges/{draft.id}").status_code == 200
    # Lists follow the same rule.
    assert client.get("/api/v1/challenges?status=all").get_json()["meta"]["total"] == 0
    assert startup.get("/api/v1/challenges?status=all").get_json()["meta"]["total"] == 1
    assert owner.get("/api/v1/challenges?status=all").get_json()["meta"]["total"] == 3
