"""Solution pages: search, detail, create/edit forms, publish/archive."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..attachments.services import attachments_of
from ..db import commit, get_or_404
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import form_to_dict
from ..policies import authorize
from ..templating import localized_name
from . import queries, services
from .models import CERTIFICATIONS, Solution
from .schemas import REGIONS, SolutionInputSchema, SolutionQuerySchema

bp = Blueprint("solutions", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


def load_filters(args) -> tuple[dict, dict]:
    raw = {k: v for k, v in args.items() if v != "" and k in SolutionQuerySchema().fields}
    try:
        return SolutionQuerySchema().load(raw), {}
    except ValidationError as exc:
        errors = exc.normalized_messages()
        return SolutionQuerySchema().load({k: v for k, v in raw.items() if k not in errors}), errors


@bp.route("/solutions")
def index():
    filters, errors = load_filters(request.args)
    page = queries.paginate_search(queries.search(filters, _user()), filters, filters["page"], 20)
    return render_template(
        "solutions/index.html",
        page=page,
        filters=filters,
        errors=errors,
        certifications=CERTIFICATIONS,
        regions=REGIONS,
    )


@bp.route("/solutions/<int:solution_id>")
def detail(solution_id):
    solution = get_or_404(Solution, solution_id)
    authorize("solution.view", solution)
    return render_template(
        "solutions/detail.html", solution=solution, attachments=attachments_of("solution", solution.id)
    )


def parse_track_record(text: str) -> list[dict]:
    """One line per municipality: "塩尻市: 待ち時間を40%削減" (":", "：" or "|" separates the outcome)."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for sep in ("|", "：", ":"):
            if sep in line:
                name, outcome = line.split(sep, 1)
                break
        else:
            name, outcome = line, ""
        rows.append({"municipality": name.strip(), "outcome": outcome.strip()})
    return rows


def load_solution_form(form: MultiDict) -> dict:
    schema = SolutionInputSchema()
    data = form_to_dict(MultiDict([(k, v) for k, v in form.items(multi=True) if k != "track_record"]), schema)
    for key in ("environments", "certifications", "languages", "regions_served"):  # unticked boxes send nothing
        data[key] = form.getlist(key)
    if "track_record" in form:
        data["track_record"] = parse_track_record(form.get("track_record"))
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(exc.normalized_messages()) from exc


def form_values(solution: Solution) -> dict:
    values = services.values_of(solution)
    values["features"] = "\n".join(solution.features or [])
    values["tags"] = ", ".join(solution.tags or [])
    values["track_record"] = "\n".join(
        f"{r.get('municipality', '')}: {r.get('outcome', '')}".rstrip(": ") for r in solution.track_record or []
    )
    return values


def _form(values, errors: dict, solution=None, status=200):
    posted = request.method == "POST"
    lists = {
        k: (request.form.getlist(k) if posted else values.get(k) or [])
        for k in ("environments", "certifications", "languages", "regions_served")
    }
    return render_template(
        "solutions/form.html",
        solution=solution,
        values=values,
        errors=errors,
        lists=lists,
        certifications=CERTIFICATIONS,
        regions=REGIONS,
        org_options=[(o.id, localized_name(o)) for o in services.startups_of(_user())],
    ), status


@bp.route("/solutions/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("solution.create")
    if request.method == "GET":
        return _form({"security_level": 2, "language": "ja", "languages": ["ja"], "regions_served": ["全国"]}, {})
    try:
        solution = services.create(current_user, load_solution_form(request.form))
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, status=422)
    commit()
    flash(_("The draft was saved. Publish it so municipalities can find it."), "success")
    return redirect(url_for("solutions.detail", solution_id=solution.id))


@bp.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(solution_id):
    solution = get_or_404(Solution, solution_id)
    authorize("solution.edit", solution)
    if request.method == "GET":
        return _form(form_values(solution), {}, solution)
    try:
        services.update(solution, load_solution_form(request.form))
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, get_or_404(Solution, solution_id), status=422)
    commit()
    flash(_("Your changes were saved."), "success")
    return redirect(url_for("solutions.detail", solution_id=solution_id))


@bp.route("/solutions/<int:solution_id>/status", methods=["POST"])
@login_required
def change_status(solution_id):
    solution = get_or_404(Solution, solution_id)
    action = request.form.get("action")
    if action not in services.TRANSITIONS:
        raise InvalidInput({"action": [_("Unknown action.")]})
    authorize("solution.edit", solution)
    try:
        services.transition(solution, action)
    except InvalidInput as exc:
        db.session.rollback()
        flash(_("Complete the highlighted fields before publishing."), "error")
        solution = get_or_404(Solution, solution_id)
        return _form(form_values(solution), exc.fields, solution, status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("solutions.detail", solution_id=solution_id))
    commit()
    flash(_("The solution is published.") if action == "publish" else _("The solution was archived."), "success")
    return redirect(url_for("solutions.detail", solution_id=solution_id))
