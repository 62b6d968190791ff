"""Standard specification pages: list, page (versions, uses, actions), print, diff, publish from a
round, next version, adopt, start a challenge or a round, CSV/JSON of the requirements."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..api import paginate
from ..db import commit
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import load_form
from ..policies import authorize
from ..procurement.constants import SERVICE_TYPES
from ..procurement.services import admin_municipalities, coordinator_orgs, get_round
from ..challenges.services import owner_orgs_of
from . import services
from .diff import band_label
from .exports import requirements_csv, requirements_json
from .schemas import AdoptSchema, SpecificationCreateSchema, StartChallengeSchema, StartRoundSchema, VersionInputSchema

bp = Blueprint("specifications", __name__, template_folder="templates")


def form_values(values: dict) -> dict:
    """Version values as the form shows them (lists one per line, bands as text)."""
    shown = dict(values)
    for key in ("must_have", "nice_to_have"):
        shown[key] = "\n".join(values.get(key) or [])
    shown["seat_bands"] = ", ".join(band_label(b) for b in values.get("seat_bands") or [])
    return shown


def _form(template_values, errors, spec=None, rnd=None, status=200):
    selected = (
        request.form.getlist("environments") if request.method == "POST" else template_values.get("environments", [])
    )
    return render_template(
        "specifications/form.html", spec=spec, rnd=rnd, values=template_values, errors=errors, selected_envs=selected
    ), status


@bp.route("/specifications")
@login_required
def index():
    authorize("specification.list")
    service = request.args.get("service_type") if request.args.get("service_type") in SERVICE_TYPES else None
    page = paginate(
        services.specs_query(service, (request.args.get("q") or "").strip()[:200] or None),
        max(1, request.args.get("page", 1, type=int)),
        20,
    )
    return render_template("specifications/index.html", page=page, service_type=service, q=request.args.get("q", ""))


@bp.route("/procurement/<int:round_id>/specification/new", methods=["GET", "POST"])
@login_required
def new(round_id):
    rnd = get_round(round_id)
    authorize("procurement_round.manage", rnd)
    if request.method == "GET":
        return _form(form_values(services.draft_from_round(rnd)), {}, rnd=rnd)
    try:
        data = load_form(SpecificationCreateSchema(), request.form)
        spec = services.publish_from_round(rnd, current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, rnd=get_round(round_id), status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("procurement.detail", round_id=round_id))
    commit()
    flash(_("The standard specification was published as v1."), "success")
    return redirect(url_for("specifications.detail", spec_id=spec.id))


@bp.route("/specifications/<int:spec_id>")
@login_required
def detail(spec_id):
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    number = request.args.get("v", type=int)
    version = spec.version(number) if number else spec.current
    if version is None:
        version = spec.current
    return render_template(
        "specifications/detail.html",
        spec=spec,
        version=version,
        usage=services.usage(spec, current_user),
        adopt_orgs=admin_municipalities(current_user),
        owner_orgs=owner_orgs_of(current_user),
        coordinator_orgs=coordinator_orgs(current_user),
    )


@bp.route("/specifications/<int:spec_id>/print")
@login_required
def print_view(spec_id):
    spec, version = _readable_version(spec_id)
    return render_template("specifications/print.html", spec=spec, version=version)


@bp.route("/specifications/<int:spec_id>/diff")
@login_required
def diff(spec_id):
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    try:
        result = services.diff(spec, request.args.get("from", type=int), request.args.get("to", type=int))
    except InvalidInput:
        result = services.diff(spec, None, None)
    return render_template("specifications/diff.html", spec=spec, diff=result)


@bp.route("/specifications/<int:spec_id>/versions/new", methods=["GET", "POST"])
@login_required
def new_version(spec_id):
    spec = services.get_spec(spec_id)
    authorize("specification.manage", spec)
    if request.method == "GET":
        return _form(form_values({**services.version_values(spec.current), "change_note": ""}), {}, spec=spec)
    try:
        data = load_form(VersionInputSchema(), request.form)
        version = services.add_version(spec, current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, spec=services.get_spec(spec_id), status=422)
    commit()
    flash(_("Version %(n)s was published.", n=version.number), "success")
    return redirect(url_for("specifications.detail", spec_id=spec_id))


def _action(spec_id, rule, schema, call, done):
    spec = services.get_spec(spec_id)
    authorize(rule, spec)
    try:
        result = call(spec, load_form(schema, request.form))
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        messages = [str(m) for ms in (exc.fields or {}).values() for m in ms] or [exc.description]
        flash(" ".join(messages), "error")
        return redirect(url_for("specifications.detail", spec_id=spec_id))
    commit()
    return done(result)


@bp.route("/specifications/<int:spec_id>/adopt", methods=["POST"])
@login_required
def adopt(spec_id):
    def done(_use):
        flash(_("Your municipality is listed as adopting this specification."), "success")
        return redirect(url_for("specifications.detail", spec_id=spec_id))

    return _action(
        spec_id,
        "specification.adopt",
        AdoptSchema(),
        lambda spec, data: services.adopt(spec, current_user, data.get("org_id")),
        done,
    )


@bp.route("/specifications/<int:spec_id>/start-challenge", methods=["POST"])
@login_required
def start_challenge(spec_id):
    def done(challenge):
        flash(_("A draft challenge was created from the specification. Check it and publish it."), "success")
        return redirect(url_for("challenges.edit", challenge_id=challenge.id))

    return _action(
        spec_id,
        "specification.start_challenge",
        StartChallengeSchema(),
        lambda spec, data: services.start_challenge(spec, current_user, data.get("owner_org_id")),
        done,
    )


@bp.route("/specifications/<int:spec_id>/start-round", methods=["POST"])
@login_required
def start_round(spec_id):
    def done(rnd):
        flash(_("A draft procurement round was created from the specification."), "success")
        return redirect(url_for("procurement.detail", round_id=rnd.id))

    return _action(
        spec_id,
        "specification.start_round",
        StartRoundSchema(),
        lambda spec, data: services.start_round(spec, current_user, data.get("coordinator_org_id")),
        done,
    )


def _readable_version(spec_id):
    """The specification and the version asked for with ?v= (default: the current one)."""
    spec = services.get_spec(spec_id)
    authorize("specification.view", spec)
    return spec, spec.version(request.args.get("v", type=int) or 0) or spec.current


@bp.route("/specifications/<int:spec_id>/requirements.csv")
@login_required
def requirements_download_csv(spec_id):
    spec, version = _readable_version(spec_id)
    return Response(
        requirements_csv(spec, version),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=specification-{spec.id}-v{version.number}.csv"},
    )


@bp.route("/specifications/<int:spec_id>/requirements.json")
@login_required
def requirements_download_json(spec_id):
    spec, version = _readable_version(spec_id)
    response = jsonify(requirements_json(spec, version))
    response.headers["Content-Disposition"] = f"attachment; filename=specification-{spec.id}-v{version.number}.json"
    return response
