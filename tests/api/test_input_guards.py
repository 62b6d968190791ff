"""Input the database cannot hold gets a 4xx with field messages, never a 500 (app/input_guards.py,
app.api.Integer): ids past what an INTEGER key holds, numbers past 64 bits, NUL characters, lone
surrogates, deep JSON, floats as integers."""

from __future__ import annotations

import pytest

from tests.factories import ChallengeFactory, MunicipalityFactory, UserFactory, member_of

HUGE = "9223372036854775808"  # 2**63: one past the largest BIGINT
HUGER = "99999999999999999999999"
PAST_ID = str(2**31)  # one past the largest INTEGER (every id column)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/challenges/{HUGE}",
        f"/api/v1/solutions/{HUGER}",
        f"/api/v1/organizations/{HUGE}",
        f"/api/v1/pilots/{HUGE}",
        f"/challenges/{HUGE}",
        f"/api/v1/challenges/{PAST_ID}",
        f"/api/v1/events/{PAST_ID}",
    ],
)
def test_a_path_id_past_64_bits_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_revoking_a_token_with_a_huge_id_is_a_404(api):
    assert api(UserFactory()).delete(f"/api/v1/users/me/tokens/{HUGE}").status_code == 404


@pytest.mark.parametrize(
    "query, field",
    [
        (f"page={2**63 - 1}", "page"),
        (f"page={HUGER}", "page"),
        (f"org_id={HUGE}", "org_id"),
        (f"org_id={PAST_ID}", "org_id"),
    ],
)
def test_query_integers_out_of_range_are_a_422_with_a_field_message(client, query, field):
    response = client.get(f"/api/v1/challenges?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_audit_log_page_is_bounded(api, db):
    admin = UserFactory(is_platform_admin=True)
    response = api(admin).get(f"/api/v1/audit?page={2**62}")
    assert response.status_code == 422 and "page" in response.get_json()["error"]["fields"]


def test_body_integers_must_be_integers_within_64_bits(api):
    user = member_of(MunicipalityFactory(), "admin")
    client = api(user)
    for bad in (2.589e-42, 1.5, True, int(HUGE), int(PAST_ID), "12abc"):
        response = client.post(
            "/api/v1/pilots", json={"title": "実証", "category": "backoffice_dx", "challenge_id": bad}
        )
        assert response.status_code == 422, (bad, response.get_json())
        assert "challenge_id" in response.get_json()["error"]["fields"]


def test_amounts_in_yen_may_pass_32_bits_but_not_64(api):
    client = api(member_of(MunicipalityFactory(), "admin"))
    pilot = {"title": "実証", "category": "backoffice_dx"}
    assert client.post("/api/v1/pilots", json={**pilot, "budget_jpy": 30_000_000_000}).status_code == 201
    response = client.post("/api/v1/pilots", json={**pilot, "budget_jpy": int(HUGE)})
    assert response.status_code == 422 and "budget_jpy" in response.get_json()["error"]["fields"]


def test_contests_filtered_by_an_event_id_past_32_bits_is_a_422(client):
    response = client.get("/api/v1/contests?event_id=-338527693461&page=891")
    assert response.status_code == 422 and "event_id" in response.get_json()["error"]["fields"]


def test_a_pilot_referring_to_challenge_0_or_an_unseen_one_is_a_422(api):
    user = member_of(MunicipalityFactory(), "admin")
    draft_elsewhere = ChallengeFactory(status="draft")
    client = api(user)
    for challenge_id in (0, -1, draft_elsewhere.id):
        response = client.post(
            "/api/v1/pilots", json={"title": "実証", "category": "backoffice_dx", "challenge_id": challenge_id}
        )
        assert response.status_code == 422, response.get_json()
        assert "challenge_id" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/challenges?q=%00", "/api/v1/solutions?q=a%00b", "/challenges?q=%00", "/api/v1/organizations?q=%00"],
)
def test_a_nul_character_in_the_query_is_a_422(client, path):
    response = client.get(path)
    assert response.status_code == 422


def test_a_nul_character_in_a_path_string_is_a_404(login):
    assert login(UserFactory()).get("/orgs/a%00b/members").status_code == 404


def test_a_lone_surrogate_in_json_is_a_422_naming_the_field(api):
    client = api(UserFactory())
    response = client.patch("/api/v1/users/me", data='{"display_name": "a\\ud800b"}', content_type="application/json")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["display_name"]
    response = client.patch("/api/v1/users/me", data='{"display_name": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 422 and "display_name" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("depth", [100, 10_000])
def test_deeply_nested_json_is_a_400(api, depth):
    client = api(UserFactory())
    response = client.patch("/api/v1/users/me", data="[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"_schema": ["JSONの入れ子が深すぎます。"]}


def test_ordinary_integers_still_work_from_json_and_query_strings(client):
    challenge = ChallengeFactory()
    assert client.get(f"/api/v1/challenges/{challenge.id}").status_code == 200
    assert client.get("/api/v1/challenges?page=1&per_page=5").status_code == 200
