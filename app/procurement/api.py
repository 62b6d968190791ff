"""REST: /api/v1/procurement-rounds — joint procurement rounds, opt-in, requirement sheets, matrix."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit
from ..policies import authorize
from . import joint_challenge, services
from .schemas import (
    ChallengeRefSchema,
    DemoCreateSchema,
    DemoSchema,
    OptInSchema,
    ParticipantSchema,
    RoundCreateSchema,
    RoundQuerySchema,
    RoundSchema,
    RoundUpdateSchema,
    SheetInputSchema,
    SheetSchema,
    StatusChangeSchema,
    VendorInviteResultSchema,
    VendorInviteSchema,
)

blp = Blueprint("procurement_api", __name__, url_prefix="/api/v1", description="Joint procurement rounds (共同調達)")


@blp.route("/procurement-rounds")
class Rounds(MethodView):
    @blp.arguments(RoundQuerySchema, location="query")
    @blp.response(200, paged(RoundSchema))
    def get(self, args):
        """Rounds you may see (logged-in users), newest deadline first; filter by status and service type."""
        authorize("procurement_round.list")
        page = paginate(
            services.rounds_query(
                current_user, args.get("status"), args.get("service_type"), args.get("q"), args.get("mine")
            ),
            args["page"],
            args["per_page"],
        )
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(RoundCreateSchema)
    @blp.response(201, RoundSchema)
    def post(self, data):
        """Open a draft round (coordinator members)."""
        authorize("procurement_round.create")
        rnd = services.create_round(current_user, data)
        commit()
        return rnd


@blp.route("/procurement-rounds/<int:round_id>")
class RoundItem(MethodView):
    @blp.response(200, RoundSchema)
    def get(self, round_id):
        rnd = services.get_round(round_id)
        authorize("procurement_round.view", rnd)
        return rnd

    @blp.arguments(RoundUpdateSchema)
    @blp.response(200, RoundSchema)
    def patch(self, data, round_id):
        rnd = services.get_round(round_id)
        authorize("procurement_round.manage", rnd)
        services.update_round(rnd, data)
        commit()
        return rnd


@blp.route("/procurement-rounds/<int:round_id>/status", methods=["POST"])
@blp.arguments(StatusChangeSchema)
@blp.response(200, RoundSchema)
def change_status(data, round_id):
    """draft → open → requirements_closed → (publish-challenge) → awarded; cancelled from any unfinished status."""
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    services.change_status(rnd, current_user, data["status"], data.get("vendor_org_id"))
    commit()
    return rnd


@blp.route("/procurement-rounds/<int:round_id>/opt-in")
class OptIn(MethodView):
    @blp.arguments(OptInSchema)
    @blp.response(201, ParticipantSchema)
    def post(self, data, round_id):
        """Your municipality joins the round (municipality admins, before the opt-in deadline)."""
        rnd = services.get_round(round_id)
        authorize("procurement_round.opt_in", rnd)
        participant = services.opt_in(rnd, current_user, data.get("org_id"))
        commit()
        return participant

    @blp.arguments(OptInSchema, location="query")
    @blp.response(204)
    def delete(self, args, round_id):
        """Your municipality leaves the round (before the opt-in deadline)."""
        rnd = services.get_round(round_id)
        authorize("procurement_round.opt_in", rnd)
        services.opt_out(rnd, current_user, args.get("org_id"))
        commit()


@blp.route("/procurement-rounds/<int:round_id>/requirements")
class Requirements(MethodView):
    @blp.response(200, SheetSchema(many=True))
    def get(self, round_id):
        """Every participant's requirement sheet (the coordinator)."""
        rnd = services.get_round(round_id)
        authorize("procurement_round.manage", rnd)
        return rnd.participants

    @blp.arguments(SheetInputSchema)
    @blp.response(200, SheetSchema)
    def put(self, data, round_id):
        """Submit or replace your municipality's requirement sheet (until the requirement deadline)."""
        rnd = services.get_round(round_id)
        authorize("procurement_round.edit_sheet", rnd)
        participant = services.own_participant(rnd, current_user, data.pop("org_id", None))
        services.save_sheet(rnd, participant, current_user, data)
        commit()
        return participant


@blp.route("/procurement-rounds/<int:round_id>/matrix", methods=["GET"])
@blp.response(200)
def matrix(round_id):
    """The consolidated requirements matrix: common minimum, conflicts and totals (the coordinator)."""
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    return services.consolidated(rnd).to_dict()


@blp.route("/procurement-rounds/<int:round_id>/vendors", methods=["POST"])
@blp.arguments(VendorInviteSchema)
@blp.response(200, VendorInviteResultSchema)
def invite_vendors(data, round_id):
    """Invite startups as vendors; each is notified once."""
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    invited, already = services.invite_vendors(rnd, current_user, data["org_ids"])
    commit()
    return {"invited": invited, "already_invited": already}


@blp.route("/procurement-rounds/<int:round_id>/demos", methods=["POST"])
@blp.arguments(DemoCreateSchema)
@blp.response(201, DemoSchema)
def schedule_demo(data, round_id):
    """Schedule a vendor demo day: an event hosted by the coordinator, linked to the round."""
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    link = services.schedule_demo(rnd, current_user, data)
    commit()
    return link


@blp.route("/procurement-rounds/<int:round_id>/publish-challenge", methods=["POST"])
@blp.response(201, ChallengeRefSchema)
def publish_challenge(round_id):
    """Create the joint challenge (draft) from the matrix, every participant an accepted co-owner."""
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    challenge = joint_challenge.publish_challenge(rnd, current_user)
    commit()
    return challenge
