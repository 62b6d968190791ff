"""REST: /api/v1/specifications — standard specifications (標準仕様書), versions, diff, uses."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..challenges.schemas import ChallengeSchema
from ..db import commit
from ..policies import authorize
from ..procurement.schemas import RoundSchema
from ..procurement.services import get_round
from . import services
from .exports import requirements_json
from .schemas import (
    AdoptSchema,
    DiffQuerySchema,
    DiffSchema,
    SpecificationCreateSchema,
    SpecificationSchema,
    SpecQuerySchema,
    StartChallengeSchema,
    StartRoundSchema,
    UsageSchema,
    UseSchema,
    VersionInputSchema,
    VersionSchema,
)

blp = Blueprint(
    "specifications_api", __name__, url_prefix="/api/v1", description="Standard specifications (標準仕様書)"
)


@blp.route("/specifications")
class Specifications(MethodView):
    @blp.arguments(SpecQuerySchema, location="query")
    @blp.response(200, paged(SpecificationSchema))
    def get(self, args):
        """Standard specifications (logged-in users), newest first; filter by service type."""
        authorize("specification.list")
        page = paginate(services.specs_query(args.get("service_type"), args.get("q")), args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(SpecificationCreateSchema)
    @blp.response(201, SpecificationSchema)
    def post(self, data):
        """Publish a round's agreed specification as v1 of a standard specification (the round's coordinator)."""
        rnd = get_round(data["round_id"])
        authorize("procurement_round.manage", rnd)
        spec = services.publish_from_round(rnd, current_user, data)
        commit()
        return spec


@blp.route("/specifications/<int:spec_id>")
class SpecificationItem(MethodView):
    @blp.response(200, SpecificationSchema)
    def get(self, spec_id):
        spec = services.get_spec(spec_id)
        authorize("specification.view", spec)
        return spec


@blp.route("/specifications/<int:spec_id>/versions")
class Versions(MethodView):
    @blp.response(200, VersionSchema(many=True))
    def get(self, spec_id):
        spec = services.get_spec(spec_id)
        authorize("specification.view", spec)
        return spec.versions

    @blp.arguments(VersionInputSchema)
    @blp.response(201, VersionSchema)
    def post(self, data, spec_id):
        """Publish the next version (v2, v3, …) with a note of what changed (the coordinator)."""
        spec = services.get_spec(spec_id)
        authorize("specification.manage", spec)
        version = services.add_version(spec, current_user, data)
        commit()
        return version


@blp.route("/specifications/<int:spec_id>/diff")
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
def diff(args, spec_id):
    """What changed between two versions (default: the current one and the one before)."""
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    return services.diff(spec, args.get("from_version"), args.get("to_version"))


@blp.route("/specifications/<int:spec_id>/requirements")
@blp.response(200)
def requirements(spec_id):
    """The current version's requirements (must / nice), environments, seat bands and price range as JSON."""
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    return requirements_json(spec, spec.current)


@blp.route("/specifications/<int:spec_id>/uses")
@blp.response(200, UsageSchema)
def uses(spec_id):
    """Adoptions, and every challenge, round, pilot and contract that used it (as far as you may see them)."""
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    found = services.usage(spec, current_user)
    ref = lambda o: {"id": o.id, "title": o.title}  # noqa: E731
    return {
        "adoptions": found["adoptions"],
        **{k: [ref(o) for o in found[k]] for k in ("challenges", "rounds", "pilots", "contracts")},
    }


@blp.route("/specifications/<int:spec_id>/adopt", methods=["POST"])
@blp.arguments(AdoptSchema)
@blp.response(201, UseSchema)
def adopt(data, spec_id):
    """Record that your municipality adopted the specification (municipality admins)."""
    spec = services.get_spec(spec_id)
    authorize("specification.adopt", spec)
    use = services.adopt(spec, current_user, data.get("org_id"))
    commit()
    return use


@blp.route("/specifications/<int:spec_id>/challenges", methods=["POST"])
@blp.arguments(StartChallengeSchema)
@blp.response(201, ChallengeSchema)
def start_challenge(data, spec_id):
    """Start a draft challenge pre-filled from the current version; the link is recorded."""
    spec = services.get_spec(spec_id)
    authorize("specification.start_challenge", spec)
    challenge = services.start_challenge(spec, current_user, data.get("owner_org_id"))
    commit()
    return challenge


@blp.route("/specifications/<int:spec_id>/rounds", methods=["POST"])
@blp.arguments(StartRoundSchema)
@blp.response(201, RoundSchema)
def start_round(data, spec_id):
    """Open a draft joint procurement round from the specification (coordinators); the link is recorded."""
    spec = services.get_spec(spec_id)
    authorize("specification.start_round", spec)
    rnd = services.start_round(spec, current_user, data.get("coordinator_org_id"))
    commit()
    return rnd
