"""Committee scoring through the API: rubric and committee rules, conflicts, independence, bad scores."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.reviews.models import ConflictDeclaration, Criterion, Review, ReviewScore
from tests.applications.helpers import counts, scene
from tests.conftest import reload
from tests.factories import ApplicationFactory, RubricFactory


@pytest.fixture
def setup(api):
    s = scene()
    rubric = RubricFactory()
    s.challenge.rubric_id = rubric.id
    db.session.commit()
    application = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
        status="under_review",
    )
    owner = api(s.owner_admin)
    cid = s.challenge.id
    assert (
        owner.put(
            f"/api/v1/challenges/{cid}/committee",
            json={"judges": [s.judge_a.email, s.judge_b.email], "chair": s.owner_admin.email},
        ).status_code
        == 200
    )
    assert (
        owner.post(
            f"/api/v1/challenges/{cid}/committee/assignments",
            json={"application_id": application.id, "judge_ids": [s.judge_a.id, s.judge_b.id]},
        ).status_code
        == 200
    )
    return s, application, owner


GOOD = {"understanding": 4, "feasibility": 4, "novelty": 3, "cost": 5, "continuity": 2}


def test_scores_out_of_range_missing_or_unknown_are_field_errors_and_nothing_is_saved(setup, api):
    s, application, _ = setup
    judge = api(s.judge_a)
    url = f"/api/v1/applications/{application.id}/reviews"
    judge.post(f"/api/v1/applications/{application.id}/conflict", json={"has_conflict": False})
    r = judge.post(url, json={"scores": {**GOOD, "understanding": 6, "cost": "5", "extra": 3}, "submit": True})
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert set(fields) == {"understanding", "cost", "extra"}
    assert "1" in fields["understanding"][0] and "5" in fields["understanding"][0]
    r = judge.post(url, json={"scores": {"understanding": 3}, "submit": True})
    assert r.status_code == 422 and {"feasibility", "novelty", "cost", "continuity"} <= set(
        r.get_json()["error"]["fields"]
    )
    r = judge.post(url, json={"scores": GOOD, "comment": 3, "unexpected": True})
    assert r.status_code == 422 and {"comment", "unexpected"} <= set(r.get_json()["error"]["fields"])
    assert counts(Review, ReviewScore) == (0, 0)


def test_declare_before_scoring_and_recusal_is_final(setup, api):
    s, application, owner = setup
    judge = api(s.judge_b)
    base = f"/api/v1/applications/{application.id}"
    r = judge.post(f"{base}/reviews", json={"scores": GOOD, "submit": True})
    assert r.status_code == 409 and "conflict" in r.get_json()["error"]["fields"]
    r = judge.post(f"{base}/conflict", json={"has_conflict": True})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    assert counts(ConflictDeclaration) == (0,)
    assert judge.post(f"{base}/conflict", json={"has_conflict": True, "reason": "親族が役員"}).status_code == 200
    assert judge.post(f"{base}/conflict", json={"has_conflict": False}).status_code == 409
    r = judge.put(f"{base}/reviews", json={"scores": GOOD, "submit": True})
    assert r.status_code == 409 and "審査から外れ" in r.get_json()["error"]["message"]
    assert counts(Review) == (0,)
    # A judge who is not assigned cannot declare or score.
    assert api(s.outsider).post(f"{base}/conflict", json={"has_conflict": False}).status_code == 404


def test_judges_see_others_scores_only_after_submitting_their_own(setup, api):
    s, application, owner = setup
    a, b = api(s.judge_a), api(s.judge_b)
    url = f"/api/v1/applications/{application.id}/reviews"
    for judge in (a, b):
        judge.post(f"/api/v1/applications/{application.id}/conflict", json={"has_conflict": False})
    assert a.post(url, json={"scores": GOOD, "comment": "Aの所見", "submit": True}).status_code == 200
    assert b.post(url, json={"scores": {"understanding": 2}, "comment": "下書き"}).status_code == 200  # draft
    seen_by_b = b.get(url).get_json()
    assert [r["judge"]["id"] for r in seen_by_b] == [s.judge_b.id]
    assert "Aの所見" not in b.get(url).get_data(as_text=True)
    seen_by_a = a.get(url).get_json()
    assert [r["judge"]["id"] for r in seen_by_a] == [s.judge_a.id]  # B's draft is not shown
    assert len(owner.get(url).get_json()) == 2  # owners see all, drafts included
    assert b.post(url, json={"scores": GOOD, "submit": True}).status_code == 200
    assert {r["judge"]["id"] for r in b.get(url).get_json()} == {s.judge_a.id, s.judge_b.id}
    # A submitted review cannot be changed.
    assert a.post(url, json={"scores": {**GOOD, "cost": 1}, "submit": True}).status_code == 409
    ranking = owner.get(f"/api/v1/challenges/{s.challenge.id}/ranking").get_json()["items"][0]
    assert ranking["judges"] == 2 and ranking["spread"] == 0.0


def test_rubric_validation_and_lock(setup, api):
    s, application, owner = setup
    url = f"/api/v1/challenges/{s.challenge.id}/rubric"
    before = [(c.key, c.weight) for c in db.session.query(Criterion).order_by(Criterion.id)]
    bad = {
        "criteria": [
            {"key": "a", "name_ja": "A", "weight": 0},
            {"key": "b", "name_ja": "B", "weight": 10, "scale_min": 5, "scale_max": 5},
        ]
    }
    r = owner.put(url, json=bad)
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]["criteria"]
    assert "weight" in fields["0"] and "scale_max" in fields["1"]
    r = owner.put(
        url, json={"criteria": [{"key": "a", "name_ja": "A", "weight": 1}, {"key": "a", "name_ja": "A2", "weight": 1}]}
    )
    assert r.status_code == 422
    assert owner.put(url, json={"criteria": []}).status_code == 422
    assert [(c.key, c.weight) for c in db.session.query(Criterion).order_by(Criterion.id)] == before
    # The default set is offered; a judge can read the rubric; a startup cannot.
    got = api(s.judge_a).get(url).get_json()
    assert [d["name_ja"] for d in got["defaults"]] == [
        "課題理解",
        "実現可能性",
        "新規性",
        "費用対効果",
        "継続性・横展開可能性",
    ]
    assert api(s.founder).get(url).status_code == 403
    # Co-owners may edit the rubric until a score is submitted.
    r = api(s.co_owner).put(
        url,
        json={
            "criteria": [
                {"key": "understanding", "name_ja": "課題理解", "weight": 2},
                {"key": "impact", "name_ja": "効果", "weight": 1},
            ]
        },
    )
    assert r.status_code == 200 and [c["key"] for c in r.get_json()["criteria"]] == ["understanding", "impact"]
    judge = api(s.judge_a)
    judge.post(f"/api/v1/applications/{application.id}/conflict", json={"has_conflict": False})
    judge.post(
        f"/api/v1/applications/{application.id}/reviews",
        json={"scores": {"understanding": 3, "impact": 4}, "submit": True},
    )
    r = owner.put(url, json=bad | {"criteria": [{"key": "x", "name_ja": "X", "weight": 1}]})
    assert r.status_code == 409
    assert got and reload(s.challenge).rubric.criteria[1].key == "impact"


def test_committee_input_is_checked_and_closing_freezes_everything(setup, api):
    s, application, owner = setup
    cid = s.challenge.id
    r = owner.put(f"/api/v1/challenges/{cid}/committee", json={"judges": ["nobody@example.jp"], "chair": None})
    assert r.status_code == 422 and "nobody@example.jp" in r.get_json()["error"]["fields"]["judges"][0]
    r = owner.put(f"/api/v1/challenges/{cid}/committee", json={"judges": "x"})
    assert r.status_code == 422
    r = owner.post(
        f"/api/v1/challenges/{cid}/committee/assignments",
        json={"application_id": application.id, "judge_ids": [s.outsider.id]},
    )
    assert r.status_code == 422 and "judge_ids" in r.get_json()["error"]["fields"]
    assert len(owner.get(f"/api/v1/challenges/{cid}/committee").get_json()["judges"]) == 2
    judge = api(s.judge_a)
    judge.post(f"/api/v1/applications/{application.id}/conflict", json={"has_conflict": False})
    assert api(s.owner_member).post(f"/api/v1/challenges/{cid}/committee/close").status_code == 403
    assert owner.post(f"/api/v1/challenges/{cid}/committee/close").status_code == 200
    assert owner.post(f"/api/v1/challenges/{cid}/committee/close").status_code == 409
    r = judge.post(f"/api/v1/applications/{application.id}/reviews", json={"scores": GOOD, "submit": True})
    assert r.status_code == 409 and "締め切" in r.get_json()["error"]["message"]
    assert (
        api(s.judge_b).post(f"/api/v1/applications/{application.id}/conflict", json={"has_conflict": False}).status_code
        == 409
    )
    assert owner.put(f"/api/v1/challenges/{cid}/committee", json={"judges": []}).status_code == 409
    assert (
        owner.put(
            f"/api/v1/challenges/{cid}/rubric", json={"criteria": [{"key": "x", "name_ja": "X", "weight": 1}]}
        ).status_code
        == 409
    )
    assert counts(Review) == (0,)
    assert api(s.judge_a).get(f"/api/v1/challenges/{cid}/ranking").status_code == 200  # judges after closing
