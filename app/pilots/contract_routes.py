"""Contract hub pages (give to get), the vendor-agreement checklist template, AI fact sheets."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..api import paginate
from ..db import commit
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..forms import load_form
from ..policies import authorize
from . import contracts
from .models import ContractRecord
from .ui import FACT_SHEET_LABELS
from .schemas import FACT_SHEET_FIELDS, ContractCreateSchema, ContractQuerySchema, FactSheetInputSchema

bp = Blueprint("contracts", __name__, template_folder="templates")


@bp.route("/contracts")
@login_required
def index():
    authorize("contract.list")
    raw = {k: v for k, v in request.args.items() if v not in ("", None) and k in ContractQuerySchema().fields}
    try:
        filters, errors = ContractQuerySchema().load(raw), {}
    except ValidationError as exc:
        errors = exc.messages
        filters = ContractQuerySchema().load({k: v for k, v in raw.items() if k not in exc.messages})
    page = paginate(contracts.contracts_select(current_user, filters), filters["page"], filters["per_page"])
    return render_template(
        "pilots/contracts/index.html",
        page=page,
        filters=filters,
        errors=errors,
        state=contracts.hub_state(current_user),
    )


@bp.route("/contracts/template")
def template():
    return render_template("pilots/contracts/template.html", checklist=contracts.CHECKLIST)


def _checklist_from_form(form) -> dict:
    return {
        key: {"answer": form.get(f"check_{key}", "na"), "note": form.get(f"note_{key}", "")}
        for key in contracts.CHECKLIST
        if form.get(f"check_{key}") or form.get(f"note_{key}")
    }


@bp.route("/contracts/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("contract.create")
    from ..accounts.models import Organization

    errors, values = {}, dict(request.values)
    if request.method == "POST":
        try:
            form = request.form.copy()
            for key in list(form.keys()):
                if key.startswith(("check_", "note_")):
                    form.pop(key)
            data = load_form(ContractCreateSchema(), form)
            data["checklist"] = _checklist_from_form(request.form)
            record = contracts.create_contract(current_user, data)
            commit()
            flash(_("The contract record was added. Thank you for sharing it."), "success")
            return redirect(url_for("contracts.detail", contract_id=record.id))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.fields
    startups = [
        (o.id, o.name_ja)
        for o in db.session.scalars(
            db.select(Organization).where(Organization.kind == "startup").order_by(Organization.name_ja)
        ).all()
    ]
    municipalities = [
        (m.organization.id, m.organization.name_ja)
        for m in current_user.memberships
        if m.organization.kind == "municipality"
    ]
    return render_template(
        "pilots/contracts/form.html",
        values=values,
        errors=errors,
        startups=startups,
        municipalities=municipalities,
        checklist=contracts.CHECKLIST,
    ), 422 if errors else 200


@bp.route("/contracts/<int:contract_id>")
@login_required
def detail(contract_id):
    record = db.session.get(ContractRecord, contract_id)
    if record is None:
        raise NotFound()
    authorize("contract.view", record)
    from ..attachments.services import attachments_of

    return render_template(
        "pilots/contracts/detail.html",
        record=record,
        checklist=contracts.CHECKLIST,
        attachments=attachments_of("contract", record.id),
    )


@bp.route("/contracts/waivers", methods=["GET", "POST"])
@login_required
def waivers():
    authorize("contract.waive")
    from ..accounts.models import Organization

    errors = {}
    if request.method == "POST":
        try:
            org_id = request.form.get("org_id", type=int)
            if not org_id:
                raise InvalidInput({"org_id": [_("Choose an organisation.")]})
            contracts.grant_waiver(org_id, current_user, (request.form.get("reason") or "")[:2000])
            commit()
            flash(_("The waiver was granted."), "success")
            return redirect(url_for("contracts.waivers"))
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            errors = getattr(exc, "fields", None) or {"org_id": [exc.description]}
    orgs = db.session.scalars(
        db.select(Organization).where(Organization.kind == "municipality").order_by(Organization.name_ja)
    ).all()
    return render_template(
        "pilots/contracts/waivers.html", waivers=contracts.waivers(), orgs=orgs, errors=errors
    ), 422 if errors else 200


@bp.route("/contracts/waivers/<int:org_id>/delete", methods=["POST"])
@login_required
def revoke_waiver(org_id):
    authorize("contract.waive")
    contracts.revoke_waiver(org_id)
    commit()
    flash(_("The waiver was revoked."), "success")
    return redirect(url_for("contracts.waivers"))


# Fact sheets -------------------------------------------------------------------------------------


def _solution(solution_id):
    from ..solutions.models import Solution

    solution = db.session.get(Solution, solution_id)
    if solution is None:
        raise NotFound()
    authorize("fact_sheet.view", solution)
    return solution


@bp.route("/solutions/<int:solution_id>/fact-sheet")
def fact_sheet(solution_id):
    solution = _solution(solution_id)
    versions = contracts.fact_sheet_versions(solution.id)
    version = request.args.get("version", type=int)
    sheet = (
        next((v for v in versions if v.version == version), None) if version else (versions[0] if versions else None)
    )
    if version and sheet is None:
        raise NotFound()
    return render_template(
        "pilots/fact_sheet.html",
        solution=solution,
        sheet=sheet,
        versions=versions,
        fields=FACT_SHEET_FIELDS,
        labels=FACT_SHEET_LABELS,
    )


@bp.route("/solutions/<int:solution_id>/fact-sheet/edit", methods=["GET", "POST"])
@login_required
def edit_fact_sheet(solution_id):
    solution = _solution(solution_id)
    authorize("fact_sheet.edit", solution)
    latest = contracts.latest_fact_sheet(solution.id)
    errors = {}
    values = {f: getattr(latest, f) for f in FACT_SHEET_FIELDS} if latest else {}
    if request.method == "POST":
        values = dict(request.form)
        try:
            data = load_form(FactSheetInputSchema(), request.form)
            data = {k: (v or "") for k, v in data.items()}
            sheet = contracts.save_fact_sheet(solution, data, current_user)
            commit()
            flash(_("Version %(v)s of the fact sheet was saved.", v=sheet.version), "success")
            return redirect(url_for("contracts.fact_sheet", solution_id=solution.id))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template(
        "pilots/fact_sheet_form.html",
        solution=solution,
        values=values,
        errors=errors,
        fields=FACT_SHEET_FIELDS,
        labels=FACT_SHEET_LABELS,
        latest=latest,
    ), 422 if errors else 200
