"""The core platform's "done when", through the API alone, in Japanese and in English.

A municipality admin publishes a challenge jointly with a second city; a startup applies with a
consortium partner; two judges score it (one recused); the ranking and decision appear; the
applicant sees only its decision.
"""

from datetime import datetime, timedelta, timezone

import pytest

from tests.factories import MunicipalityFactory, StartupFactory, UserFactory, member_of


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    return response.get_json() if response.data else None


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_joint_challenge_to_decision_through_the_api(api, locale):
    matsumoto, shiojiri = MunicipalityFactory(slug="matsumoto"), MunicipalityFactory(slug="shiojiri")
    startup, partner = StartupFactory(slug="gijiroku"), StartupFactory(slug="partner-lab")
    city_admin = api(member_of(matsumoto, "admin", locale=locale))
    co_admin = api(member_of(shiojiri, "admin", locale=locale))
    applicant = api(member_of(startup, "admin", locale=locale))
    partner_staff = api(member_of(partner, "member", locale=locale))
    judge_a, judge_b = (
        UserFactory(email="judge-a@example.jp", locale=locale),
        UserFactory(email="judge-b@example.jp", locale=locale),
    )
    judge_a_api, judge_b_api = api(judge_a), api(judge_b)

    # 1. A municipality admin drafts and publishes a challenge jointly with a second city.
    deadline = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    challenge = ok(
        city_admin.post(
            "/api/v1/challenges",
            json={
                "title": "AI議事録の共同調達",
                "summary": "会議録作成の負担を減らしたい。",
                "background": "議事録作成に月100時間かかっている。",
                "current_workflow": "録音を職員が書き起こす。",
                "desired_outcome": "作成時間を半減する。",
                "kpis": ["議事録作成時間 100h→50h"],
                "category": "backoffice_dx",
                "tags": ["議事録", "AI"],
                "environments": ["lgwan"],
                "security_level": 2,
                "budget_min_jpy": 1_000_000,
                "budget_max_jpy": 6_000_000,
                "application_deadline": deadline,
            },
        ),
        201,
    )
    cid = challenge["id"]
    ok(city_admin.post(f"/api/v1/challenges/{cid}/co-owners", json={"org_id": shiojiri.id}), 201)
    ok(co_admin.post(f"/api/v1/challenges/{cid}/co-owners/{shiojiri.id}/accept"))
    ok(city_admin.post(f"/api/v1/challenges/{cid}/publish"))
    assert ok(applicant.get(f"/api/v1/challenges/{cid}"))["status"] == "published"

    # 2. A startup applies with one of its solutions and a consortium partner.
    solution = ok(
        applicant.post(
            "/api/v1/solutions",
            json={
                "title": "LGWAN対応AI議事録",
                "summary": "LGWAN-ASPで動く議事録作成支援。",
                "category": "backoffice_dx",
                "environments": ["lgwan"],
                "price_jpy_per_year": 3_000_000,
            },
        ),
        201,
    )
    ok(applicant.post(f"/api/v1/solutions/{solution['id']}/publish"))
    application = ok(
        applicant.post(
            f"/api/v1/challenges/{cid}/applications",
            json={
                "solution_id": solution["id"],
                "proposal": "3か月で試行します。",
                "implementation_plan": "設定・試行・評価",
                "schedule": "4月〜6月",
                "cost_estimate_jpy": 2_500_000,
                "expected_effect": "作成時間を55%削減",
                "partners": ["partner-lab"],
            },
        ),
        201,
    )
    aid = application["id"]
    ok(applicant.post(f"/api/v1/applications/{aid}/submit"))
    assert ok(partner_staff.get(f"/api/v1/applications/{aid}"))["id"] == aid  # the partner can see it
    assert ok(co_admin.get(f"/api/v1/applications/{aid}"))["id"] == aid  # so can the co-owner

    # 3. The owners set up the rubric and a committee of two judges.
    ok(city_admin.post(f"/api/v1/applications/{aid}/status", json={"status": "under_review"}))
    rubric = ok(
        co_admin.put(
            f"/api/v1/challenges/{cid}/rubric",
            json={
                "criteria": [
                    {"key": "understanding", "name_ja": "課題理解", "weight": 40},
                    {"key": "feasibility", "name_ja": "実現可能性", "weight": 60},
                ]
            },
        )
    )
    assert [c["key"] for c in rubric["criteria"]] == ["understanding", "feasibility"]
    ok(
        city_admin.put(
            f"/api/v1/challenges/{cid}/committee",
            json={"judges": [judge_a.email, judge_b.email], "chair": judge_a.email},
        )
    )
    ok(
        city_admin.post(
            f"/api/v1/challenges/{cid}/committee/assignments",
            json={"application_id": aid, "judge_ids": [judge_a.id, judge_b.id]},
        )
    )

    # 4. Judge B declares a conflict and is recused; judge A scores.
    ok(judge_b_api.post(f"/api/v1/applications/{aid}/conflict", json={"has_conflict": True, "reason": "元同僚"}))
    refused = judge_b_api.post(
        f"/api/v1/applications/{aid}/reviews", json={"scores": {"understanding": 5, "feasibility": 5}, "submit": True}
    )
    assert refused.status_code == 409
    ok(judge_a_api.post(f"/api/v1/applications/{aid}/conflict", json={"has_conflict": False}))
    out_of_range = judge_a_api.post(
        f"/api/v1/applications/{aid}/reviews", json={"scores": {"understanding": 9, "feasibility": 4}, "submit": True}
    )
    assert out_of_range.status_code == 422 and "understanding" in out_of_range.get_json()["error"]["fields"]
    review = judge_a_api.post(
        f"/api/v1/applications/{aid}/reviews",
        json={"scores": {"understanding": 4, "feasibility": 5}, "comment": "実現性が高い", "submit": True},
    )
    assert review.status_code in (200, 201), review.get_data(as_text=True)

    # 5. The chair closes scoring; the ranking shows the weighted mean and the recusal.
    ok(judge_a_api.post(f"/api/v1/challenges/{cid}/committee/close"))
    ranking = ok(city_admin.get(f"/api/v1/challenges/{cid}/ranking"))
    text = str(ranking)
    assert "4.6" in text  # (40*4 + 60*5) / 100
    committee = ok(city_admin.get(f"/api/v1/challenges/{cid}/committee"))
    assert [r["judge_id"] for r in committee["recusals"]] == [judge_b.id]

    # 6. The owning municipality decides; the applicant sees the decision and reason, never the scores.
    ok(city_admin.post(f"/api/v1/applications/{aid}/status", json={"status": "shortlisted"}))
    ok(
        city_admin.post(
            f"/api/v1/applications/{aid}/status",
            json={"status": "selected", "reason": "LGWAN対応と費用対効果を評価しました。", "confirm_early": True},
        )
    )  # before the deadline (and the committee is open)
    seen = ok(applicant.get(f"/api/v1/applications/{aid}"))
    assert seen["status"] == "selected" and seen["decision_reason"].startswith("LGWAN対応")
    assert "4" not in str({k: v for k, v in seen.items() if "score" in k or "review" in k})
    assert applicant.get(f"/api/v1/applications/{aid}/reviews").status_code in (403, 404)
    assert applicant.get(f"/api/v1/challenges/{cid}/ranking").status_code in (403, 404)
    inbox = ok(applicant.get("/api/v1/notifications"))
    assert inbox["meta"]["total"] >= 1
    assert any(
        ("採択" in n["message"]) if locale == "ja" else ("selected" in n["message"].lower()) for n in inbox["items"]
    ), [n["message"] for n in inbox["items"]]

    # Another startup never sees the application.
    stranger = api(member_of(StartupFactory(), "admin"))
    assert stranger.get(f"/api/v1/applications/{aid}").status_code == 404
