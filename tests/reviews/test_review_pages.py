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
    scores = {f"score_{k}": v for k, v in {"understanding": "4", "feasibility": "4", "novelty": "3", "cost": "5",
                                            "continuity": "2"}.items()}
    r = client.post(base, data={**scores, "comment": "良い提案", "action": "submit"})
    assert r.status_code == 302
    assert db.session.scalar(select(Review).where(Review.judge_id == s.judge_a.id)).submitted_at is not None


def test_conflict_without_a_reason_is_a_field_error(setup, login, db):  # noqa: F811
    s, application, _owner = setup
    r = login(s.judge_b).post(f"/applications/{application.id}/review/conflict",
                              data={"has_conflict": "true", "reason": ""})
    assert r.status_code == 422 and 'class="field-errors"' in r.text
    assert db.session.scalar(select(ConflictDeclaration)) is None
