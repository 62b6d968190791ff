"""The judge's review page as a browser sends it: the reason textarea always comes along (empty when
there is no conflict), then the scores."""

from __future__ import annotations

from sqlalchemy import select

from app.reviews.models import ConflictDeclaration, Review

from .test_committee_api import setup  # noqa: F401  (fixture)


def test_no_conflict_with_the_empty_reason_field_then_score(setup, login, db):  # noqa: F811
    s, application, _owner = setup
    client = login(s.judge_a)
    base = f"/applications/{application.id}/review"
    r = client.post(f"{base}/conflict", data={"has_conflict": "false", "reason": ""})
    assert r.status_code == 302
    declared = db.session.scalar(select(ConflictDeclaration).where(ConflictDeclaration.judge_id == s.judge_a.id))
    assert declared is not None and declared.has_conflict is False and declared.reason == ""
    scores = {
        f"score_{k}": v
        for k, v in {"understanding": "4", "feasibility": "4", "novelty": "3", "cost": "5", "continuity": "2"}.items()
    }
    r = client.post(base, data={**scores, "comment": "良い提案", "action": "submit"})
    assert r.status_code == 302
    assert db.session.scalar(select(Review).where(Review.judge_id == s.judge_a.id)).submitted_at is not None


def test_conflict_without_a_reason_is_a_field_error(setup, login, db):  # noqa: F811
    s, application, _owner = setup
    r = login(s.judge_b).post(
        f"/applications/{application.id}/review/conflict", data={"has_conflict": "true", "reason": ""}
    )
    assert r.status_code == 422 and 'class="field-errors"' in r.text
    assert db.session.scalar(select(ConflictDeclaration)) is None


def _score_through_pages(client, application):
    base = f"/applications/{application.id}/review"
    client.post(f"{base}/conflict", data={"has_conflict": "false", "reason": ""})
    scores = {f"score_{k}": "4" for k in ("understanding", "feasibility", "novelty", "cost", "continuity")}
    return client.post(base, data={**scores, "comment": "", "action": "submit"})


def test_the_chair_closes_scoring_from_the_review_page(setup, login, api, db):  # noqa: F811
    """An external judge chairing the committee cannot see the ranking before closing, so the close
    button must be where the chair works: the review page."""
    s, application, owner = setup
    cid = s.challenge.id
    assert (
        owner.put(
            f"/api/v1/challenges/{cid}/committee",
            json={"judges": [s.judge_a.email, s.judge_b.email], "chair": s.judge_a.email},
        ).status_code
        == 200
    )
    chair, other = login(s.judge_a), login(s.judge_b)
    assert chair.get(f"/challenges/{cid}/ranking").status_code == 403  # independence before closing
    assert _score_through_pages(chair, application).status_code == 302
    page = chair.get(f"/applications/{application.id}/review")
    assert f'action="/challenges/{cid}/committee/close"' in page.text and "委員長" in page.text
    assert "/committee/close" not in other.get(f"/applications/{application.id}/review").text
    other.post(f"/applications/{application.id}/review/conflict", data={"has_conflict": "true", "reason": "元同僚"})
    r = chair.post(f"/challenges/{cid}/committee/close")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/challenges/{cid}/ranking")
    assert chair.get(f"/challenges/{cid}/ranking").status_code == 200


def test_ranking_names_the_recused_judge_and_the_applicant(setup, login, db):  # noqa: F811
    s, application, _owner = setup
    login(s.judge_b).post(
        f"/applications/{application.id}/review/conflict", data={"has_conflict": "true", "reason": "元同僚"}
    )
    page = login(s.owner_admin).get(f"/challenges/{s.challenge.id}/ranking")
    recusals = page.text.split("審査回避（利益相反の申告）")[-1]
    assert s.judge_b.display_name in recusals and f"#{s.judge_b.id}" not in recusals
    assert application.applicant.name_ja in recusals and "元同僚" in recusals
