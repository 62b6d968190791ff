"""REST: applications to a challenge, their life cycle and history. Never scores."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..challenges.models import Challenge
from ..db import commit, get_or_404
from ..policies import authorize
from . import services
from .models import Application
from .schemas import (
    ApplicationCreateSchema,
    ApplicationInputSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    StatusChangeOutSchema,
    StatusChangeSchema,
)

blp = Blueprint("applications_api", __name__, url_prefix="/api/v1", description="Applications (proposals)")


def load_application(application_id: int) -> Application:
    application = get_or_404(Application, application_id)
    authorize("application.view", application)
    return application


@blp.route("/challenges/<int:challenge_id>/applications")
class ChallengeApplications(MethodView):
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, paged(ApplicationSchema))
    def get(self, args, challenge_id):
        """Submitted applications to a challenge (owners and accepted co-owners)."""
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.view_applications", challenge)
        page = paginate(
            services.applications_for_challenge(challenge.id, args.get("status")), args["page"], args["per_page"]
        )
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, data, challenge_id):
        """Start an application (a draft) with one of your organisation's solutions."""
        challenge = get_or_404(Challenge, challenge_id)
        authorize("challenge.apply", challenge)
        application = services.create_application(challenge, current_user, data)
        commit()
        return application


@blp.route("/applications/<int:application_id>")
class ApplicationItem(MethodView):
    @blp.response(200, ApplicationSchema)
    def get(self, application_id):
        return load_application(application_id)

    @blp.arguments(ApplicationInputSchema)
    @blp.response(200, ApplicationSchema)
    def patch(self, data, application_id):
        """Edit a draft before the deadline (a submitted application answers 409: recall it first)."""
        application = load_application(application_id)
        authorize("application.edit", application)
        services.update_application(application, current_user, data)
        commit()
        return application


def _action(name):
    def view(application_id):
        application = load_application(application_id)
        authorize("application.edit", application)
        getattr(services, name)(application, current_user)
        commit()
        return application

    view.__name__ = name
    return view


for _name, _doc in (
    ("submit", "Submit the draft (required fields are checked)."),
    ("recall", "Recall a submitted application to draft (before the deadline)."),
    ("withdraw", "Withdraw the application (any time before a decision)."),
):
    _view = _action(_name)
    _view.__doc__ = _doc
    blp.route(f"/applications/<int:application_id>/{_name}", methods=["POST"], endpoint=_name)(
        blp.response(200, ApplicationSchema)(_view)
    )


@blp.route("/applications/<int:application_id>/status", methods=["POST"])
@blp.arguments(StatusChangeSchema)
@blp.response(200, ApplicationSchema)
def change_status(data, application_id):
    """Owner decisions: under review, shortlisted, selected, not selected (a decision needs a reason)."""
    application = load_application(application_id)
    authorize("application.decide", application)
    services.change_status(application, current_user, data["status"], data["reason"], data["confirm_early"])
    commit()
    return application


@blp.route("/applications/<int:application_id>/history")
@blp.response(200, StatusChangeOutSchema(many=True))
def history(application_id):
    """Every status change: who, from, to, when."""
    return services.history(load_application(application_id))
