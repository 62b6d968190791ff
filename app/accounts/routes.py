"""Account pages: login, logout, sign-up, invitations, profile, password, API tokens, members."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..db import commit
from ..errors import Conflict, DomainError, InvalidInput, NotFound
from ..extensions import db, limiter
from ..forms import load_form
from ..policies import authorize
from . import services
from .login_limits import limit_failed_logins
from .models import ApiToken
from .schemas import (
    ApiTokenCreateSchema,
    InvitationCreateSchema,
    LoginSchema,
    OrganizationSettingsSchema,
    PasswordChangeSchema,
    SignupSchema,
    UserUpdateSchema,
)

bp = Blueprint("accounts", __name__, template_folder="templates")


def _signup_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: no open redirects."""
    if not target:
        return url_for("web.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limit_failed_logins
def login():
    if request.method == "GET":
        return render_template("accounts/login.html", next=request.args.get("next"), errors={})
    try:
        data = load_form(LoginSchema(), request.form)
    except InvalidInput as exc:
        return render_template("accounts/login.html", next=request.form.get("next"), errors=exc.fields), 422
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        flash(_("The email or password is not correct."), "error")
        return render_template("accounts/login.html", next=data.get("next"), errors={}, email=data["email"]), 401
    commit()
    session.clear()
    login_user(user)
    session.permanent = True
    return redirect(safe_next(data.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_all_sessions(current_user._get_current_object())
    commit()
    logout_user()
    session.clear()
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for("web.home"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    invitation = request.values.get("invitation")
    if request.method == "GET":
        return render_template("accounts/signup.html", errors={}, values={}, invitation=invitation)
    try:
        data = load_form(SignupSchema(), request.form)
        user = services.signup(**data)
    except (InvalidInput, Conflict, NotFound) as exc:
        db.session.rollback()
        errors = getattr(exc, "fields", {}) or {"_schema": [exc.description]}
        return render_template(
            "accounts/signup.html", errors=errors, values=request.form, invitation=invitation
        ), exc.code
    commit()
    session.clear()
    login_user(user)
    flash(_("Welcome! Your account has been created."), "success")
    return redirect(url_for("web.dashboard"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token):
    invite = services.find_invitation(token)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        try:
            services.accept_invitation(token, current_user)
        except DomainError as exc:
            flash(exc.description, "error")
            return redirect(request.path)
        commit()
        flash(_("You joined %(org)s.", org=invite.organization.name_ja), "success")
        return redirect(url_for("web.organization", slug=invite.organization.slug))
    return render_template("accounts/invitation.html", invite=invite, token=token)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    errors = {}
    if request.method == "POST":
        try:
            data = load_form(UserUpdateSchema(), request.form, partial=True)
            services.update_profile(current_user, **data)
            commit()
            flash(_("Your settings were saved."), "success")
            return redirect(url_for("accounts.profile"))
        except InvalidInput as exc:
            errors = exc.fields
    tokens = db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "accounts/profile.html", errors=errors, tokens=tokens, new_token=session.pop("new_token", None)
    ), 422 if errors else 200


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    try:
        data = load_form(PasswordChangeSchema(), request.form)
        revoked = services.change_password(current_user, data["current_password"], data["new_password"])
    except InvalidInput as exc:
        db.session.rollback()
        for field, messages in exc.fields.items():
            flash(f"{_('Password')}: {' '.join(map(str, messages))}", "error")
        return redirect(url_for("accounts.profile"))
    commit()
    logout_user()
    session.clear()
    flash(_("Your password was changed. Please log in again."), "success")
    if revoked:
        flash(
            _("Your personal API tokens were revoked too (%(num)d); create new ones if you need them.", num=revoked),
            "success",
        )
    return redirect(url_for("accounts.login"))


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    try:
        data = load_form(ApiTokenCreateSchema(), request.form)
    except InvalidInput:
        flash(_("Give the token a name."), "error")
        return redirect(url_for("accounts.profile"))
    _row, token = services.create_api_token(current_user, **data)
    commit()
    session["new_token"] = token
    return redirect(url_for("accounts.profile"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    authorize("api_token.manage", token) if token else None
    if token is None:
        raise NotFound()
    services.revoke_api_token(token)
    commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            commit()
    return redirect(safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/orgs/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug):
    org = services.get_org_by_slug(slug)
    if org is None:
        raise NotFound()
    authorize("organization.manage", org)
    errors, invite_url = {}, None
    if request.method == "POST":
        try:
            data = load_form(InvitationCreateSchema(), request.form)
            _inv, token = services.create_invitation(org, data["email"], data["role"], current_user)
            commit()
            invite_url = url_for("accounts.invitation", token=token, _external=True)
            flash(_("The invitation was sent to %(email)s.", email=data["email"]), "success")
        except InvalidInput as exc:
            errors = exc.fields
    return render_template(
        "accounts/members.html", org=org, errors=errors, invite_url=invite_url, memberships=org.memberships
    ), 422 if errors else 200


@bp.route("/orgs/<slug>/settings", methods=["GET", "POST"])
@login_required
def org_settings(slug):
    """A municipality's settings, for its admins: the real population (the per-resident cost of its
    pilots uses it; the population band's midpoint only when it is not recorded)."""
    org = services.get_org_by_slug(slug)
    if org is None or org.kind != "municipality":
        raise NotFound()
    authorize("organization.manage", org)
    errors, values = {}, {"population": org.population}
    if request.method == "POST":
        try:
            services.update_settings(org, load_form(OrganizationSettingsSchema(), request.form))
        except InvalidInput as exc:
            db.session.rollback()
            errors, values = exc.fields, request.form
        else:
            commit()
            flash(_("The settings were saved."), "success")
            return redirect(url_for("accounts.org_settings", slug=slug))
    return render_template("accounts/org_settings.html", org=org, errors=errors, values=values), 422 if errors else 200
