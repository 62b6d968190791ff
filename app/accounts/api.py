"""REST: /api/v1/auth/token, /api/v1/users/me, /api/v1/organizations."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit
from ..errors import NotFound, Unauthorized
from ..extensions import db
from ..policies import authorize
from ..security import csrf_exempt
from . import services
from .login_limits import limit_failed_logins
from .models import ApiToken, Organization
from .schemas import (
    ApiTokenCreateSchema,
    ApiTokenSchema,
    InvitationCreateSchema,
    InvitationSchema,
    LoginSchema,
    OrganizationCreateSchema,
    OrganizationQuerySchema,
    OrganizationSchema,
    OrganizationSettingsSchema,
    UserMeSchema,
    UserUpdateSchema,
)

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Accounts and organisations")


@blp.route("/auth/token", methods=["POST"])
@csrf_exempt
@limit_failed_logins
@blp.arguments(LoginSchema)
@blp.response(201, ApiTokenSchema)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def issue_token(data):
    """Exchange email and password for a personal API token (for integrations and scripts).

    Needs no cookie and no CSRF token. Failed attempts are limited per account and per address."""
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthorized(_("The email or password is not correct."))
    row, token = services.create_api_token(user, name="api-login", expires_in_days=30)
    commit()
    row.token = token
    return row


@blp.route("/auth/csrf", methods=["GET"])
@blp.response(200)
def csrf_token():
    """A CSRF token for clients that use the session cookie (send it as X-CSRFToken)."""
    from flask_wtf.csrf import generate_csrf

    return {"csrf_token": generate_csrf()}


@blp.route("/users/me")
class Me(MethodView):
    @blp.response(200, UserMeSchema)
    def get(self):
        authorize("user.view_self")
        return current_user

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserMeSchema)
    def patch(self, data):
        authorize("user.view_self")
        services.update_profile(current_user, **data)
        commit()
        return current_user


@blp.route("/users/me/tokens")
class Tokens(MethodView):
    @blp.response(200, ApiTokenSchema(many=True))
    def get(self):
        authorize("api_token.manage")
        return db.session.scalars(
            db.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
        ).all()

    @blp.arguments(ApiTokenCreateSchema)
    @blp.response(201, ApiTokenSchema)
    def post(self, data):
        authorize("api_token.manage")
        row, token = services.create_api_token(current_user, **data)
        commit()
        row.token = token
        return row


@blp.route("/users/me/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound()
    authorize("api_token.manage", token)
    services.revoke_api_token(token)
    commit()


@blp.route("/organizations")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuerySchema, location="query")
    @blp.response(200, paged(OrganizationSchema))
    def get(self, args):
        page = paginate(services.search_organizations(args.get("kind"), args.get("q")), args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(OrganizationCreateSchema)
    @blp.response(201, OrganizationSchema)
    def post(self, data):
        authorize("organization.create")
        org = services.create_organization(**data)
        commit()
        return org


@blp.route("/organizations/<int:org_id>")
class OrganizationItem(MethodView):
    @blp.response(200, OrganizationSchema)
    def get(self, org_id):
        org = db.session.get(Organization, org_id)
        if org is None:
            raise NotFound()
        authorize("organization.view", org)
        return org

    @blp.arguments(OrganizationSettingsSchema)
    @blp.response(200, OrganizationSchema)
    def patch(self, data, org_id):
        """A municipality's settings (its admins): `population`, the real number of residents used for
        the per-resident cost of its pilots (null clears it: the population band's midpoint is used)."""
        org = db.session.get(Organization, org_id)
        if org is None or org.kind != "municipality":
            raise NotFound()
        authorize("organization.manage", org)
        services.update_settings(org, data)
        commit()
        return org


@blp.route("/organizations/<int:org_id>/invitations", methods=["POST"])
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationSchema)
def invite(data, org_id):
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound()
    authorize("organization.invite", org)
    invitation, token = services.create_invitation(org, data["email"], data["role"], current_user)
    commit()
    invitation.url = url_for("accounts.invitation", token=token, _external=True)
    return invitation
