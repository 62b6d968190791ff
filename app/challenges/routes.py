"""Challenge pages: search, detail, create/edit forms, lifecycle actions, joint co-owners."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import defer

from ..api import paginate
from ..attachments.services import attachments_of
from ..constants import PREFECTURES
from ..contributions.forms import load_challenge_form, offer_form_values
from ..db import commit, get_or_404
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import load_form, load_query
from ..policies import authorize, can
from ..templating import localized_name
from . import queries, services
from .models import Challenge
from .schemas import TOKYO, ChallengeInputSchema, ChallengeQuerySchema, CoOwnerInviteSchema

bp = Blueprint("challenges", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


def load_filters(args) -> tuple[dict, dict]:
    """Filters from the query string; invalid ones are dropped (and reported), never a 500."""
    return load_query(ChallengeQuerySchema(), args)


@bp.route("/challenges")
def index():
    filters, errors = load_filters(request.args)
    # The list shows title, summary and facts: the long texts stay in the database.
    stmt = queries.search(filters, _user()).options(
        defer(Challenge.background),
        defer(Challenge.current_workflow),
        defer(Challenge.desired_outcome),
        defer(Challenge.kpis),
    )
    page = paginate(stmt, filters["page"], 20)
    return render_template("challenges/index.html", page=page, filters=filters, errors=errors, prefectures=PREFECTURES)


@bp.route("/challenges/<int:challenge_id>")
def detail(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.view", challenge)
    user = _user()
    my_invitations = [
        c for c in challenge.co_owners if c.status == "invited" and user is not None and user.is_org_admin(c.org_id)
    ]
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        attachments=attachments_of("challenge", challenge.id),
        my_invitations=my_invitations,
        invitable=services.invitable_orgs(challenge) if can(user, "challenge.manage", challenge) else [],
        transitions=services.TRANSITIONS,
    )


def form_values(challenge: Challenge) -> dict:
    values = services.values_of(challenge)
    values["kpis"] = "\n".join(challenge.kpis or [])
    values["tags"] = ", ".join(challenge.tags or [])
    values.update(offer_form_values(challenge.offers))
    deadline = challenge.application_deadline
    values["application_deadline"] = deadline.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") if deadline else ""
    return values


def _form(template_values: dict, errors: dict, challenge=None, status=200):
    selected = (
        request.form.getlist("environments") if request.method == "POST" else template_values.get("environments", [])
    )
    return render_template(
        "challenges/form.html",
        challenge=challenge,
        values=template_values,
        errors=errors,
        selected_envs=selected,
        owner_options=[(o.id, localized_name(o)) for o in services.owner_orgs_of(_user())],
    ), status


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("challenge.create")
    if request.method == "GET":
        return _form({"security_level": 2, "visibility": "public", "language": "ja", "environments": []}, {})
    try:
        data = load_challenge_form(ChallengeInputSchema(), request.form)
        challenge = services.create(current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, status=422)
    commit()
    flash(_("The draft was saved. Publish it when it is ready."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.edit", challenge)
    if request.method == "GET":
        return _form(form_values(challenge), {}, challenge)
    try:
        data = load_challenge_form(ChallengeInputSchema(), request.form)
        services.update(challenge, data)
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, get_or_404(Challenge, challenge_id), status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    commit()
    flash(_("Your changes were saved."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/status", methods=["POST"])
@login_required
def change_status(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    action = request.form.get("action")
    if action not in services.TRANSITIONS:
        raise InvalidInput({"action": [_("Unknown action.")]})
    authorize("challenge.manage", challenge)
    try:
        services.transition(challenge, action)
    except InvalidInput as exc:
        db.session.rollback()
        flash(_("Complete the highlighted fields before publishing."), "error")
        challenge = get_or_404(Challenge, challenge_id)
        return _form(form_values(challenge), exc.fields, challenge, status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    commit()
    flash(
        {
            "publish": _("The challenge is published."),
            "close": _("Applications are closed."),
            "award": _("The challenge is marked as awarded."),
            "cancel": _("The challenge was cancelled."),
        }[action],
        "success",
    )
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))


@bp.route("/challenges/<int:challenge_id>/delete", methods=["POST"])
@login_required
def delete(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.edit", challenge)
    try:
        services.delete(challenge)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    commit()
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("web.dashboard"))


@bp.route("/challenges/<int:challenge_id>/co-owners", methods=["POST"])
@login_required
def invite_co_owner(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.manage", challenge)
    try:
        data = load_form(CoOwnerInviteSchema(), request.form)
        row = services.invite_co_owner(challenge, data["org_id"], current_user)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        messages = [str(m) for ms in (exc.fields or {}).values() for m in ms] or [exc.description]
        flash(" ".join(messages), "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    org_name = row.organization.name_ja if row.organization else ""
    commit()
    flash(_("%(org)s was invited as a co-owner.", org=org_name), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))


@bp.route("/challenges/<int:challenge_id>/co-owners/<int:org_id>/respond", methods=["POST"])
@login_required
def respond_co_owner(challenge_id, org_id):
    challenge = get_or_404(Challenge, challenge_id)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        raise InvalidInput({"decision": [_("Choose accept or decline.")]})
    authorize("challenge.respond_co_owner", challenge)
    try:
        services.respond_co_owner(challenge, org_id, current_user, accept=decision == "accept")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    commit()
    flash(
        _("You are now a co-owner of this challenge.") if decision == "accept" else _("The invitation was declined."),
        "success",
    )
    if decision == "decline":
        return redirect(url_for("web.dashboard"))
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))
