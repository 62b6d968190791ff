"""Joint procurement pages: list, round page with coordinator controls, requirement sheet, matrix."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import Organization
from ..api import paginate
from ..db import commit
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import load_form
from ..policies import authorize, can
from . import joint_challenge, services
from .constants import FEATURE_CATALOGUES, ROUND_STATUSES, SERVICE_TYPES
from .schemas import (
    DemoCreateSchema,
    RoundCreateSchema,
    RoundUpdateSchema,
    SheetInputSchema,
    StatusChangeSchema,
    VendorInviteSchema,
)

bp = Blueprint("procurement", __name__, template_folder="templates")

FORM_FIELDS = ("service_type", "title", "description", "optin_deadline", "requirements_deadline", "expected_start")


def _local_input(value) -> str:
    """A UTC datetime as the value of an <input type=datetime-local> in Tokyo time."""
    from .schemas import TOKYO

    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") if value else ""


def _round_values(rnd) -> dict:
    return {
        "service_type": rnd.service_type,
        "title": rnd.title,
        "description": rnd.description,
        "feature_catalogue": "\n".join(rnd.feature_catalogue or []),
        "optin_deadline": _local_input(rnd.optin_deadline),
        "requirements_deadline": _local_input(rnd.requirements_deadline),
        "expected_start": rnd.expected_start.isoformat() if rnd.expected_start else "",
    }


@bp.route("/procurement")
@login_required
def index():
    status = request.args.get("status") if request.args.get("status") in ROUND_STATUSES else None
    service = request.args.get("service_type") if request.args.get("service_type") in SERVICE_TYPES else None
    mine = request.args.get("mine") == "1"
    page = paginate(
        services.rounds_query(current_user, status, service, None, mine),
        max(1, request.args.get("page", 1, type=int)),
        20,
    )
    return render_template("procurement/index.html", page=page, status=status, service_type=service, mine=mine)


@bp.route("/procurement/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("procurement_round.create")
    coordinators = services.coordinator_orgs(current_user)
    if request.method == "GET":
        values = {k: _local_input(v) for k, v in services.default_deadlines().items()}
        return render_template("procurement/form.html", rnd=None, values=values, errors={}, coordinators=coordinators)
    try:
        data = load_form(RoundCreateSchema(), request.form)
        rnd = services.create_round(current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        return render_template(
            "procurement/form.html", rnd=None, values=request.form, errors=exc.fields, coordinators=coordinators
        ), 422
    commit()
    flash(_("The round was created as a draft. Open it when it is ready."), "success")
    return redirect(url_for("procurement.detail", round_id=rnd.id))


@bp.route("/procurement/<int:round_id>")
@login_required
def detail(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.view", rnd)
    return _render_detail(rnd)


def _render_detail(rnd, errors=None, form=None, values=None, status=200):
    manage = can(current_user, "procurement_round.manage", rnd)
    startups = []
    if manage:
        startups = db.session.scalars(
            select(Organization).where(Organization.kind == "startup").order_by(Organization.name_ja).limit(500)
        ).all()
    my_orgs = services.admin_municipalities(current_user)
    mine = [p for p in rnd.participants if current_user.is_member(p.org_id)]
    return render_template(
        "procurement/detail.html",
        rnd=rnd,
        manage=manage,
        startups=startups,
        my_orgs=my_orgs,
        mine=mine,
        errors=errors or {},
        form=form,
        values=values or {},
        optin_open=services.optin_is_open(rnd),
        sheets_open=services.sheets_are_open(rnd),
        is_vendor=bool(current_user.org_ids() & rnd.vendor_org_ids()),
    ), status


@bp.route("/procurement/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    if request.method == "GET":
        return render_template("procurement/form.html", rnd=rnd, values=_round_values(rnd), errors={}, coordinators=[])
    try:
        data = load_form(RoundUpdateSchema(), request.form, partial=True)
        services.update_round(rnd, data)
    except InvalidInput as exc:
        db.session.rollback()
        return render_template(
            "procurement/form.html", rnd=rnd, values=request.form, errors=exc.fields, coordinators=[]
        ), 422
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("procurement.detail", round_id=rnd.id))
    commit()
    flash(_("The round was saved."), "success")
    return redirect(url_for("procurement.detail", round_id=rnd.id))


def _action(rnd, fn, success: str, form: str | None = None):
    """Run a coordinator/participant action from the round page: flash and redirect, or re-render with 422."""
    try:
        fn()
    except InvalidInput as exc:
        db.session.rollback()
        rnd = services.get_round(rnd.id)
        return _render_detail(rnd, errors=exc.fields, form=form, values=request.form, status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("procurement.detail", round_id=rnd.id))
    commit()
    flash(success, "success")
    return redirect(url_for("procurement.detail", round_id=rnd.id))


@bp.route("/procurement/<int:round_id>/opt-in", methods=["POST"])
@login_required
def opt_in(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.opt_in", rnd)
    org_id = request.form.get("org_id", type=int)
    return _action(
        rnd,
        lambda: services.opt_in(rnd, current_user, org_id),
        _("You joined the round. Please fill in your requirement sheet."),
        "opt_in",
    )


@bp.route("/procurement/<int:round_id>/opt-out", methods=["POST"])
@login_required
def opt_out(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.opt_in", rnd)
    org_id = request.form.get("org_id", type=int)
    return _action(rnd, lambda: services.opt_out(rnd, current_user, org_id), _("You left the round."), "opt_in")


@bp.route("/procurement/<int:round_id>/requirements", methods=["GET", "POST"])
@login_required
def requirements(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.edit_sheet", rnd)
    participant = services.own_participant(rnd, current_user, request.values.get("org_id", type=int))
    catalogue = list(rnd.feature_catalogue or FEATURE_CATALOGUES.get(rnd.service_type, []))
    if request.method == "GET":
        values = {
            "environments": participant.environments,
            "seats": participant.seats,
            "security_level": participant.security_level,
            "budget_max_jpy": participant.budget_max_jpy,
            "must_have": participant.must_have or [],
            "nice_to_have": participant.nice_to_have or [],
            "notes": participant.notes,
        }
        return render_template(
            "procurement/sheet.html",
            rnd=rnd,
            participant=participant,
            values=values,
            errors={},
            catalogue=catalogue,
            sheets_open=services.sheets_are_open(rnd),
        )
    try:
        data = load_form(SheetInputSchema(), request.form)
        data.pop("org_id", None)
        services.save_sheet(rnd, participant, current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        form = request.form
        values = {
            "environments": form.getlist("environments"),
            "seats": form.get("seats"),
            "security_level": form.get("security_level"),
            "budget_max_jpy": form.get("budget_max_jpy"),
            "must_have": form.getlist("must_have"),
            "nice_to_have": form.getlist("nice_to_have"),
            "notes": form.get("notes"),
        }
        participant = services.own_participant(services.get_round(round_id), current_user, participant.org_id)
        return render_template(
            "procurement/sheet.html",
            rnd=participant.round,
            participant=participant,
            values=values,
            errors=exc.fields,
            catalogue=catalogue,
            sheets_open=services.sheets_are_open(participant.round),
        ), 422
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("procurement.detail", round_id=rnd.id))
    commit()
    flash(_("Your requirement sheet was saved. You can change it until the deadline."), "success")
    return redirect(url_for("procurement.detail", round_id=rnd.id))


@bp.route("/procurement/<int:round_id>/matrix")
@login_required
def matrix(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    return render_template("procurement/matrix.html", rnd=rnd, m=services.consolidated(rnd))


@bp.route("/procurement/<int:round_id>/vendors", methods=["POST"])
@login_required
def invite_vendors(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)

    def run():
        data = load_form(VendorInviteSchema(), request.form)
        services.invite_vendors(rnd, current_user, data["org_ids"])

    return _action(rnd, run, _("The vendors were invited and notified."), "vendors")


@bp.route("/procurement/<int:round_id>/demos", methods=["POST"])
@login_required
def schedule_demo(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)

    def run():
        data = load_form(DemoCreateSchema(), request.form)
        services.schedule_demo(rnd, current_user, data)

    return _action(rnd, run, _("The demo day was scheduled and participants were notified."), "demos")


@bp.route("/procurement/<int:round_id>/status", methods=["POST"])
@login_required
def change_status(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)

    def run():
        data = load_form(StatusChangeSchema(), request.form)
        services.change_status(rnd, current_user, data["status"], data.get("vendor_org_id"))

    return _action(rnd, run, _("The round status was updated."), "status")


@bp.route("/procurement/<int:round_id>/publish-challenge", methods=["POST"])
@login_required
def publish_challenge(round_id):
    rnd = services.get_round(round_id)
    authorize("procurement_round.manage", rnd)
    try:
        challenge = joint_challenge.publish_challenge(rnd, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("procurement.detail", round_id=rnd.id))
    commit()
    flash(_("The joint challenge was created as a draft. Review it and publish it."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))
