"""Standard specifications through the API: publish from a round, versions and diff, adoption, start a
challenge or a round from one (link recorded), uses, CSV/JSON, visibility and bad input."""

from app.challenges.models import Challenge
from app.procurement.models import ProcurementRound
from tests.conftest import reload
from tests.factories import CoordinatorFactory, MunicipalityFactory, StartupFactory, member_of

from .helpers import SPEC, closed_round, published_spec


def test_the_coordinator_publishes_a_rounds_specification(api):
    rnd, coordinator_user, _ = closed_round()
    client = api(coordinator_user)
    r = client.post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["origin_round_id"] == rnd.id and body["service_type"] == "ai_minutes"
    assert body["current"]["number"] == 1 and body["current"]["must_have"] == SPEC["must_have"]
    assert body["current"]["seat_bands"] == SPEC["seat_bands"]
    assert (body["current"]["price_min_jpy"], body["current"]["price_max_jpy"]) == (600_000, 1_800_000)
    again = client.post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id})
    assert again.status_code == 409  # one specification per round; later changes are versions


def test_only_the_rounds_coordinator_publishes_and_only_from_a_closed_round(api):
    rnd, _, (city, _b) = closed_round()
    assert (
        api(member_of(city, "admin")).post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id}).status_code
        == 403
    )
    assert (
        api(member_of(CoordinatorFactory(), "member"))
        .post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id})
        .status_code
        == 403
    )
    rnd.status = "open"
    from app.db import commit

    commit()
    coordinator = member_of(rnd.coordinator, "admin")
    assert api(coordinator).post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id}).status_code == 409


def test_bad_input_is_a_field_error(api):
    rnd, coordinator_user, _ = closed_round()
    client = api(coordinator_user)
    cases = [
        ({"environments": []}, "environments"),
        ({"seat_bands": [{"min_seats": 10, "max_seats": 5}]}, "seat_bands"),
        ({"seat_bands": "many"}, "seat_bands"),
        ({"price_min_jpy": 5, "price_max_jpy": 1}, "price_max_jpy"),
        ({"must_have": [], "nice_to_have": []}, "must_have"),
        ({"title": ""}, "title"),
        ({"bogus": 1}, "bogus"),
    ]
    for change, field in cases:
        r = client.post("/api/v1/specifications", json={**SPEC, "round_id": rnd.id, **change})
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (change, r.get_json())
    assert client.post("/api/v1/specifications", json={**SPEC, "round_id": 999999}).status_code == 404


def test_versions_and_the_diff(api):
    spec, _, coordinator_user, _ = published_spec()
    client = api(coordinator_user)
    v2 = {
        **{k: v for k, v in SPEC.items() if k != "title"},
        "must_have": ["話者識別", "音声データの国内保管", "方言辞書"],
        "nice_to_have": [],
        "price_max_jpy": 1_500_000,
        "change_note": "方言辞書を必須に。",
    }
    assert client.post(f"/api/v1/specifications/{spec.id}/versions", json={**v2, "change_note": ""}).status_code == 422
    r = client.post(f"/api/v1/specifications/{spec.id}/versions", json=v2)
    assert r.status_code == 201 and r.get_json()["number"] == 2
    same = client.post(f"/api/v1/specifications/{spec.id}/versions", json={**v2, "change_note": "再掲"})
    assert same.status_code == 422  # nothing changed
    diff = client.get(f"/api/v1/specifications/{spec.id}/diff?from=1&to=2").get_json()
    assert diff["lists"]["must_have"]["added"] == ["方言辞書"]
    assert diff["lists"]["nice_to_have"]["removed"] == ["要約の自動生成"]
    assert diff["changed"]["price_max_jpy"] == [1_800_000, 1_500_000]
    assert client.get(f"/api/v1/specifications/{spec.id}/diff?from=1&to=9").status_code == 422
    assert [v["number"] for v in client.get(f"/api/v1/specifications/{spec.id}/versions").get_json()] == [1, 2]
    assert client.get(f"/api/v1/specifications/{spec.id}").get_json()["current"]["number"] == 2
    other = api(member_of(MunicipalityFactory(), "admin"))
    assert other.post(f"/api/v1/specifications/{spec.id}/versions", json=v2).status_code == 403


def test_adopt_and_start_a_challenge_and_a_round_from_it(api):
    spec, rnd, coordinator_user, (city, _b) = published_spec()
    newcomer = MunicipalityFactory(name_ja="安曇野市")
    admin = api(member_of(newcomer, "admin"))
    r = admin.post(f"/api/v1/specifications/{spec.id}/adopt", json={})
    assert r.status_code == 201 and r.get_json()["organization"]["id"] == newcomer.id
    assert admin.post(f"/api/v1/specifications/{spec.id}/adopt", json={}).status_code == 409
    assert [o["id"] for o in admin.get(f"/api/v1/specifications/{spec.id}").get_json()["adopted_by"]] == [newcomer.id]

    r = admin.post(f"/api/v1/specifications/{spec.id}/challenges", json={})
    assert r.status_code == 201, r.get_json()
    challenge = r.get_json()
    assert challenge["status"] == "draft" and challenge["owner"]["id"] == newcomer.id
    assert challenge["environments"] == ["lgwan"] and "話者識別" in challenge["desired_outcome"]
    assert (challenge["budget_min_jpy"], challenge["budget_max_jpy"]) == (600_000, 1_800_000)

    coord = api(coordinator_user)
    r = coord.post(f"/api/v1/specifications/{spec.id}/rounds", json={})
    assert r.status_code == 201, r.get_json()
    new_round = r.get_json()
    assert new_round["status"] == "draft" and "話者識別" in new_round["feature_catalogue"]

    uses = coord.get(f"/api/v1/specifications/{spec.id}/uses").get_json()
    assert [a["organization"]["id"] for a in uses["adoptions"]] == [newcomer.id]
    assert {r_["id"] for r_ in uses["rounds"]} == {rnd.id, new_round["id"]}
    # the new draft challenge belongs to 安曇野市: its admin sees it listed, the coordinator does not
    assert [c["id"] for c in admin.get(f"/api/v1/specifications/{spec.id}/uses").get_json()["challenges"]] == [
        challenge["id"]
    ]
    assert uses["challenges"] == []
    assert reload(Challenge(id=challenge["id"])) is not None and ProcurementRound is not None


def test_who_may_adopt_and_start(api):
    spec, *_ = published_spec()
    startup = api(member_of(StartupFactory(), "admin"))
    assert startup.post(f"/api/v1/specifications/{spec.id}/adopt", json={}).status_code == 403
    assert startup.post(f"/api/v1/specifications/{spec.id}/challenges", json={}).status_code == 403
    assert startup.post(f"/api/v1/specifications/{spec.id}/rounds", json={}).status_code == 403
    city_member = api(member_of(MunicipalityFactory(), "member"))
    assert city_member.post(f"/api/v1/specifications/{spec.id}/adopt", json={}).status_code == 403
    assert startup.get(f"/api/v1/specifications/{spec.id}").status_code == 200  # members read them


def test_anonymous_sees_nothing(client):
    spec, *_ = published_spec()
    assert client.get("/api/v1/specifications").status_code == 401
    assert client.get(f"/api/v1/specifications/{spec.id}").status_code == 404
    assert client.get(f"/specifications/{spec.id}").status_code == 302


def test_requirements_as_json_and_csv(api, login):
    spec, _, coordinator_user, _ = published_spec()
    data = api(coordinator_user).get(f"/api/v1/specifications/{spec.id}/requirements").get_json()
    assert [(r["priority"], r["requirement"]) for r in data["requirements"]] == [
        ("must", "話者識別"),
        ("must", "音声データの国内保管"),
        ("nice", "要約の自動生成"),
    ]
    browser = login(coordinator_user)
    csv = browser.get(f"/specifications/{spec.id}/requirements.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "specification,version,priority,requirement" and lines[1].endswith("v1,must,話者識別")
    js = browser.get(f"/specifications/{spec.id}/requirements.json")
    assert js.status_code == 200 and js.get_json()["version"] == 1
