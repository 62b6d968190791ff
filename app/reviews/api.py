"""REST: rubric, committee, assignments, conflicts of interest, reviews, closing and ranking."""

from __future__ import annotations

from flask_login import current_user

from ..api import Blueprint
from ..applications.api import load_application
from ..db import get_or_404
from ..challenges.models import Challenge
from ..db import commit
from ..errors import NotFound
from ..policies import authorize
from . import judging, services
from .ranking import ranking as challenge_ranking
from .schemas import (
    AssignmentInSchema,
    CommitteeInSchema,
    CommitteeSchema,
    ConflictInSchema,
    ConflictSchema,
    RankingSchema,
    ReviewInSchema,
    ReviewSchema,
    RubricInSchema,
    RubricSchema,
)

blp = Blueprint("reviews_api", __name__, url_prefix="/api/v1", description="Committee scoring")


def _challenge(challenge_id: int) -> Challenge:
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.view", challenge)
    return challenge


@blp.route("/challenges/<int:challenge_id>/rubric", methods=["GET"])
@blp.response(200, RubricSchema)
def get_rubric(challenge_id):
    """The evaluation criteria (owners, co-owners, judges) and the standard set offered."""
    challenge = _challenge(challenge_id)
    authorize("rubric.view", challenge)
    return services.rubric_view(challenge)


@blp.route("/challenges/<int:challenge_id>/rubric", methods=["PUT"])
@blp.arguments(RubricInSchema)
@blp.response(200, RubricSchema)
def put_rubric(data, challenge_id):
    """Replace the criteria (409 once any score has been submitted)."""
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    services.set_rubric(challenge, data)
    commit()
    return services.rubric_view(challenge)


@blp.route("/challenges/<int:challenge_id>/committee", methods=["GET"])
@blp.response(200, CommitteeSchema)
def get_committee(challenge_id):
    """Judges, chair, assignments and recusals."""
    challenge = _challenge(challenge_id)
    authorize("rubric.view", challenge)
    return services.committee_view(challenge)


@blp.route("/challenges/<int:challenge_id>/committee", methods=["PUT"])
@blp.arguments(CommitteeInSchema)
@blp.response(200, CommitteeSchema)
def put_committee(data, challenge_id):
    """Set the judges (by email; any user) and the chair."""
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    services.set_committee(challenge, data["judges"], data["chair"])
    commit()
    return services.committee_view(challenge)


@blp.route("/challenges/<int:challenge_id>/committee/assignments", methods=["POST"])
@blp.arguments(AssignmentInSchema)
@blp.response(200, CommitteeSchema)
def assign(data, challenge_id):
    """Set which judges score an application."""
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    services.assign(challenge, data["application_id"], data["judge_ids"])
    commit()
    return services.committee_view(challenge)


@blp.route("/challenges/<int:challenge_id>/committee/close", methods=["POST"])
@blp.response(200, CommitteeSchema)
def close(challenge_id):
    """The chair closes scoring; afterwards nothing changes."""
    challenge = _challenge(challenge_id)
    committee = services.committee_for_challenge(challenge.id)
    if committee is None:
        raise NotFound()
    authorize("committee.close", committee)
    services.close(committee)
    commit()
    return services.committee_view(challenge)


@blp.route("/challenges/<int:challenge_id>/ranking", methods=["GET"])
@blp.response(200, RankingSchema)
def ranking(challenge_id):
    """Weighted means with the spread between judges (owners live; judges after closing)."""
    challenge = _challenge(challenge_id)
    authorize("ranking.view", challenge)
    committee = services.committee_for_challenge(challenge.id)
    return {
        "challenge_id": challenge.id,
        "committee_status": committee.status if committee else "open",
        "items": challenge_ranking(challenge),
    }


@blp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@blp.arguments(ConflictInSchema)
@blp.response(200, ConflictSchema)
def declare_conflict(data, application_id):
    """Declare a conflict of interest (recuses you) or its absence, before scoring."""
    application = load_application(application_id)
    authorize("application.review", application)
    row = judging.declare_conflict(application, current_user, data["has_conflict"], data.get("reason") or "")
    commit()
    return row


@blp.route("/applications/<int:application_id>/reviews", methods=["GET"])
@blp.response(200, ReviewSchema(many=True))
def list_reviews(application_id):
    """Owners see every review; a judge sees only their own until it is submitted. Never applicants."""
    application = load_application(application_id)
    authorize("application.view_scores", application)
    return judging.visible_reviews(application, current_user)


@blp.route("/applications/<int:application_id>/reviews", methods=["POST", "PUT"])
@blp.arguments(ReviewInSchema)
@blp.response(200, ReviewSchema)
def save_review(data, application_id):
    """Save (submit=false) or submit your scores: {"scores": {criterion_key: int}, "comment", "submit"}."""
    application = load_application(application_id)
    authorize("application.review", application)
    review = judging.save_review(application, current_user, data["scores"], data["comment"], data["submit"])
    commit()
    return judging.review_dict(review, judging.criteria_of(application.challenge))
