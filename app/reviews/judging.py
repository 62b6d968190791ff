"""A judge's side of committee scoring: their assignments, the conflict-of-interest declaration (recusal) and
their review (draft or submitted scores), and which reviews a reader may see. Services flush, never commit."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from ..db import utcnow
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..extensions import db
from . import scoring
from .models import ConflictDeclaration, Criterion, Review, ReviewAssignment, ReviewScore
from .services import SCORABLE, check_open, committee_for_challenge


def assignment(application, user) -> ReviewAssignment | None:
    return db.session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.judge_id == user.id
        )
    )


def declaration(application, user) -> ConflictDeclaration | None:
    return db.session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.application_id == application.id, ConflictDeclaration.judge_id == user.id
        )
    )


def _require_assignment(application, user) -> None:
    if assignment(application, user) is None:
        raise PermissionDenied(_l("This application is not assigned to you."))


def declare_conflict(application, user, has_conflict: bool, reason: str = "") -> ConflictDeclaration:
    check_open(committee_for_challenge(application.challenge_id))
    _require_assignment(application, user)
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise InvalidInput({"reason": [_l("Describe the conflict (for example, a relationship with the applicant).")]})
    row = declaration(application, user)
    if row is not None and row.has_conflict:
        raise Conflict(_l("You are recused from this application; the declaration cannot be changed."))
    review = _review(application, user)
    if row is not None and review is not None and review.submitted_at is not None:
        raise Conflict(_l("You have already submitted your scores for this application."))
    if row is None:
        row = ConflictDeclaration(application_id=application.id, judge_id=user.id)
        db.session.add(row)
    row.has_conflict, row.reason, row.declared_at = has_conflict, reason, utcnow()
    if has_conflict and review is not None:
        db.session.delete(review)  # a recused judge's draft scores are discarded
    db.session.flush()
    return row


def is_recused(application, user) -> bool:
    row = declaration(application, user)
    return row is not None and row.has_conflict


# Reviews ---------------------------------------------------------------------------------------
def _review(application, user) -> Review | None:
    return db.session.scalar(select(Review).where(Review.application_id == application.id, Review.judge_id == user.id))


def criteria_of(challenge) -> list[Criterion]:
    return list(challenge.rubric.criteria) if challenge.rubric else []


def _localised(errors: dict, criteria) -> dict:
    by_key = {c.key: c for c in criteria}
    out = {}
    for key, messages in errors.items():
        text = messages[0]
        c = by_key.get(key)
        if text.startswith("Unknown"):
            out[key] = [gettext("Unknown criterion.")]
        elif text.startswith("A score is required"):
            out[key] = [gettext("A score is required.")]
        elif text.startswith("The score must be a whole"):
            out[key] = [gettext("The score must be a whole number.")]
        else:
            out[key] = [gettext("The score must be between %(low)s and %(high)s.", low=c.scale_min, high=c.scale_max)]
    return out


def save_review(application, user, scores: dict, comment: str = "", submit: bool = False) -> Review:
    check_open(committee_for_challenge(application.challenge_id))
    _require_assignment(application, user)
    row = declaration(application, user)
    if row is None:
        raise Conflict(
            _l("Declare whether you have a conflict of interest before scoring."),
            {"conflict": [_l("Declare whether you have a conflict of interest before scoring.")]},
        )
    if row.has_conflict:
        raise Conflict(
            _l("You are recused from this application because of a declared conflict of interest."),
            {"conflict": [_l("You are recused from this application.")]},
        )
    criteria = criteria_of(application.challenge)
    if not criteria:
        raise Conflict(_l("The evaluation criteria have not been defined yet."))
    errors = scoring.validate_scores(criteria, scores)
    if not submit:  # a draft may leave criteria empty, but what it holds must be valid
        errors = {k: v for k, v in errors.items() if not (k not in scores and v[0].startswith("A score"))}
    if errors:
        raise InvalidInput(_localised(errors, criteria))
    review = _review(application, user)
    if review is not None and review.submitted_at is not None:
        raise Conflict(_l("You have already submitted your scores for this application."))
    if review is None:
        review = Review(application_id=application.id, judge_id=user.id, judge=user)
        db.session.add(review)
    review.comment = comment or ""
    by_id = {s.criterion_id: s for s in review.scores}
    for c in criteria:
        value = scores.get(c.key)
        existing = by_id.get(c.id)
        if value is None:
            if existing is not None:
                review.scores.remove(existing)
        elif existing is None:
            review.scores.append(ReviewScore(criterion_id=c.id, value=value))
        else:
            existing.value = value
    if submit:
        review.submitted_at = utcnow()
    db.session.flush()
    return review


def review_dict(review: Review, criteria) -> dict:
    keys = {c.id: c.key for c in criteria}
    scores = {keys[s.criterion_id]: s.value for s in review.scores if s.criterion_id in keys}
    weighted = scoring.weighted_score(criteria, scores) if criteria and len(scores) == len(criteria) else None
    return {
        "id": review.id,
        "application_id": review.application_id,
        "judge": review.judge,
        "scores": scores,
        "weighted": weighted,
        "comment": review.comment,
        "submitted_at": review.submitted_at,
    }


def visible_reviews(application, user) -> list[dict]:
    """Owners see every review; a judge sees only their own until they have submitted it; recused: none."""
    criteria = criteria_of(application.challenge)
    reviews = db.session.scalars(
        select(Review).where(Review.application_id == application.id).order_by(Review.id)
    ).all()
    owning = user.is_platform_admin or bool(user.org_ids() & application.challenge.owning_org_ids())
    if not owning:
        if is_recused(application, user):
            return []
        own = next((r for r in reviews if r.judge_id == user.id), None)
        if own is None or own.submitted_at is None:
            reviews = [own] if own else []
        else:
            reviews = [r for r in reviews if r.submitted_at is not None or r.judge_id == user.id]
    return [review_dict(r, criteria) for r in reviews]


def assignments_for_judge(user) -> list[ReviewAssignment]:
    from ..applications.models import Application

    return db.session.scalars(
        select(ReviewAssignment)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(ReviewAssignment.judge_id == user.id, Application.status.in_(SCORABLE))
        .order_by(ReviewAssignment.id.desc())
        .limit(50)
    ).all()


def my_review(application, user) -> Review | None:
    return _review(application, user)
