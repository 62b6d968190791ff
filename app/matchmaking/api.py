"""REST: matches with reasons, invitations to apply, Dejima referrals, index status."""

from __future__ import annotations

from flask_login import current_user

from ..api import Blueprint
from ..db import commit, get_or_404
from ..policies import authorize
from . import index, services
from .schemas import (
    MatchInvitationCreateSchema,
    MatchInvitationSchema,
    MatchListSchema,
    ReferralConsentSchema,
    ReferralCreateSchema,
    ReferralInviteSchema,
    ReferralSchema,
)

blp = Blueprint("matchmaking_api", __name__, url_prefix="/api/v1", description="Matchmaking")


def _user():
    return current_user if current_user.is_authenticated else None


def _mode() -> str:
    return index.engine().status()["mode"]


@blp.route("/challenges/<int:challenge_id>/matches")
@blp.response(200, MatchListSchema)
def challenge_matches(challenge_id):
    """Solutions ranked for a challenge, with score and why (owners and co-owners)."""
    from ..challenges.models import Challenge

    challenge = get_or_404(Challenge, challenge_id)
    authorize("matchmaking.challenge_matches", challenge)
    items = services.matches_for_challenge(challenge, _user())
    return {"items": services.without_raw_scores(items, _user()), "mode": _mode()}


@blp.route("/solutions/<int:solution_id>/matches")
@blp.response(200, MatchListSchema)
def solution_matches(solution_id):
    """Open challenges ranked for a solution, with score and why (its startup)."""
    from ..solutions.models import Solution

    solution = get_or_404(Solution, solution_id)
    authorize("matchmaking.solution_matches", solution)
    items = services.matches_for_solution(solution, _user())
    return {"items": services.without_raw_scores(items, _user()), "mode": _mode()}


@blp.route("/challenges/<int:challenge_id>/invitations", methods=["POST"])
@blp.arguments(MatchInvitationCreateSchema)
@blp.response(201, MatchInvitationSchema)
def invite(data, challenge_id):
    """Invite a matched startup to apply (one invitation per startup and challenge)."""
    from ..challenges.models import Challenge

    challenge = get_or_404(Challenge, challenge_id)
    authorize("matchmaking.challenge_matches", challenge)
    row = services.invite(challenge, data["solution_id"], current_user)
    commit()
    return row


@blp.route("/challenges/<int:challenge_id>/referrals")
@blp.response(200, ReferralSchema(many=True))
def challenge_referrals(challenge_id):
    """Proposals referred to this challenge after the startup consented (owners and co-owners)."""
    from ..challenges.models import Challenge

    challenge = get_or_404(Challenge, challenge_id)
    authorize("matchmaking.view_referrals", challenge)
    return services.referrals_for_challenge(challenge)


@blp.route("/applications/<int:application_id>/referrals", methods=["POST"])
@blp.arguments(ReferralCreateSchema)
@blp.response(201, ReferralSchema)
def propose_referral(data, application_id):
    """Pass a not-selected proposal on to matching open challenges (出島); the startup consents first."""
    from ..applications.models import Application

    application = get_or_404(Application, application_id)
    authorize("matchmaking.refer_application", application)
    referral = services.propose_referral(application, current_user, data.get("challenge_ids"), data["note"])
    commit()
    return referral


@blp.route("/referrals/<int:referral_id>")
@blp.response(200, ReferralSchema)
def get_referral(referral_id):
    referral = services.get_referral(referral_id)
    authorize("referral.view", referral)
    return referral


@blp.route("/referrals/<int:referral_id>/consent", methods=["POST"])
@blp.arguments(ReferralConsentSchema)
@blp.response(200, ReferralSchema)
def consent(data, referral_id):
    """The startup accepts or declines the pass-on."""
    referral = services.get_referral(referral_id)
    authorize("referral.consent", referral)
    services.respond_referral(referral, current_user, data["accept"])
    commit()
    return referral


@blp.route("/referrals/<int:referral_id>/invitations", methods=["POST"])
@blp.arguments(ReferralInviteSchema)
@blp.response(201, MatchInvitationSchema)
def invite_referred(data, referral_id):
    """A target challenge's owner invites the referred startup to apply."""
    referral = services.get_referral(referral_id)
    authorize("referral.invite", referral)
    row = services.invite_from_referral(referral, data["challenge_id"], current_user)
    commit()
    return row


@blp.route("/matchmaking/status")
@blp.response(200)
def status():
    """Engine status (platform admins)."""
    authorize("matchmaking.admin")
    return index.status()
