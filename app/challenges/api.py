"""REST: /api/v1/challenges — search, CRUD, lifecycle, joint co-owners."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit, get_or_404
from ..policies import authorize
from . import queries, services
from .models import Challenge
from .schemas import (
    ChallengeActionSchema,
    ChallengeInputSchema,
    ChallengePatchSchema,
    ChallengeQuerySchema,
    ChallengeSchema,
    CoOwnerInviteSchema,
    CoOwnerSchema,
)

blp = Blueprint("challenges_api", __name__, url_prefix="/api/v1", description="Challenges (課題)")


def _user():
    return current_user if current_user.is_authenticated else None


@blp.route("/challenges")
class Challenges(MethodView):
    @blp.arguments(ChallengeQuerySchema, location="query")
    @blp.response(200, paged(ChallengeSchema))
    def get(self, args):
        """Search challenges (same filters as the /challenges page)."""
        page = paginate(queries.search(args, _user()), args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(ChallengeInputSchema)
    @blp.response(201, ChallengeSchema)
    def post(self, data):
        """Create a draft challenge for one of your municipalities."""
        authorize("challenge.create")
        challenge = services.create(current_user, data)
        commit()
        return challenge


@blp.route("/challenges/<int:challenge_id>")
class ChallengeItem(MethodView):
    @blp.response(200, ChallengeSchema)
    def get(self, challenge_id):
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.view", challenge)
        return challenge

    @blp.arguments(ChallengePatchSchema(partial=True))
    @blp.response(200, ChallengeSchema)
    def patch(self, data, challenge_id):
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.edit", challenge)
        services.update(challenge, data)
        commit()
        return challenge

    @blp.response(204)
    def delete(self, challenge_id):
        """Delete a draft (published challenges are cancelled instead)."""
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.edit", challenge)
        services.delete(challenge)
        commit()


def _lifecycle(action: str):
    def view(_data, challenge_id):
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.manage", challenge)
        services.transition(challenge, action)
        commit()
        return challenge

    view.__name__ = f"challenge_{action}"
    view.__doc__ = {
        "publish": "Publish a draft (required fields complete, deadline in the future).",
        "close": "Close applications.",
        "award": "Mark a closed challenge as awarded.",
        "cancel": "Cancel a draft, published or closed challenge.",
    }[action]
    blp.route(f"/challenges/<int:challenge_id>/{action}", methods=["POST"])(
        blp.arguments(ChallengeActionSchema, required=False)(blp.response(200, ChallengeSchema)(view))
    )


for _action in services.TRANSITIONS:
    _lifecycle(_action)


@blp.route("/challenges/<int:challenge_id>/co-owners")
class CoOwners(MethodView):
    @blp.response(200, CoOwnerSchema(many=True))
    def get(self, challenge_id):
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.view", challenge)
        return challenge.co_owners

    @blp.arguments(CoOwnerInviteSchema)
    @blp.response(201, CoOwnerSchema)
    def post(self, data, challenge_id):
        """Invite another municipality to co-own the challenge (共同調達)."""
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.manage", challenge)
        row = services.invite_co_owner(challenge, data["org_id"], current_user)
        commit()
        return row


def _respond(decision: str):
    def view(_data, challenge_id, org_id):
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.respond_co_owner", challenge)
        row = services.respond_co_owner(challenge, org_id, current_user, accept=decision == "accept")
        commit()
        return row

    view.__name__ = f"co_owner_{decision}"
    view.__doc__ = f"{decision.title()} an invitation to co-own the challenge (an admin of the invited organisation)."
    blp.route(f"/challenges/<int:challenge_id>/co-owners/<int:org_id>/{decision}", methods=["POST"])(
        blp.arguments(ChallengeActionSchema, required=False)(blp.response(200, CoOwnerSchema)(view))
    )


_respond("accept")
_respond("decline")
