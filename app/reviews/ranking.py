"""The ranking of a challenge's applications from the judges' submitted, weighted scores."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from . import scoring
from .judging import criteria_of, review_dict
from .models import Review
from .services import SCORABLE, recusals


def ranking(challenge) -> list[dict]:
    from ..applications.models import Application

    criteria = criteria_of(challenge)
    applications = db.session.scalars(
        select(Application).where(Application.challenge_id == challenge.id, Application.status.in_(SCORABLE))
    ).all()
    by_id = {a.id: a for a in applications}
    reviews = db.session.scalars(
        select(Review).where(Review.application_id.in_(list(by_id) or [-1]), Review.submitted_at.is_not(None))
    ).all()
    recused = {}
    for row in recusals(challenge.id):
        recused[row.application_id] = recused.get(row.application_id, 0) + 1
    per_app: dict[int, list[float]] = {a: [] for a in by_id}
    for review in reviews:
        data = review_dict(review, criteria)
        if data["weighted"] is not None:
            per_app[review.application_id].append(data["weighted"])
    results = scoring.rank(scoring.summarise(app_id, values) for app_id, values in per_app.items())
    return [
        {
            "application_id": r.candidate_id,
            "application": by_id[r.candidate_id],
            "applicant": by_id[r.candidate_id].applicant.name_ja,
            "status": by_id[r.candidate_id].status,
            "rank": r.rank,
            "mean": r.mean,
            "judges": r.judges,
            "minimum": r.minimum,
            "maximum": r.maximum,
            "spread": r.spread,
            "stdev": r.stdev,
            "recusals": recused.get(r.candidate_id, 0),
            "early_decision": by_id[r.candidate_id].early_decision,
        }
        for r in results
    ]
