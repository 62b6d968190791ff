"""Pilot pages: the library, a pilot (KPIs with charts, reports, final report, lineage), creation,
replication, comparison, the printable report and CSV exports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..db import commit
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..forms import load_form
from ..policies import authorize, can
from ..templating import kpi_unit, localized_name
from . import contracts, exports, library, lineage, replication, services
from .charts import change_chart, kpi_chart, lineage_svg
from .kpis import best_improvement, cost_per_resident, kpi_improvement, residents, target_consistent
from .models import TRANSITIONS, Pilot
from .schemas import (
    KpiCreateSchema,
    MeasurementCreateSchema,
    PilotCreateSchema,
    PilotQuerySchema,
    PilotUpdateSchema,
    ReplicateSchema,
    ReportCreateSchema,
    StatusChangeSchema,
)
from .ui import status_labels

bp = Blueprint("pilots", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


def _pilot(pilot_id: int) -> Pilot:
    pilot = db.session.get(Pilot, pilot_id)
    if pilot is None:
        raise NotFound()
    authorize("pilot.view", pilot)
    return pilot


def _filters() -> tuple[dict, dict]:
    raw = {k: v for k, v in request.args.items() if v not in ("", None) and k in PilotQuerySchema().fields}
    try:
        return PilotQuerySchema().load(raw), {}
    except ValidationError as exc:
        clean = {k: v for k, v in raw.items() if k not in exc.messages}
        return PilotQuerySchema().load(clean), exc.messages


@bp.route("/pilots")
def index():
    filters, errors = _filters()
    page = library.library_page(filters, _user())
    from ..solutions.models import Solution

    solutions = db.session.scalars(
        db.select(Solution).where(Solution.id.in_(db.select(Pilot.solution_id).distinct())).order_by(Solution.title)
    ).all()
    return render_template(
        "pilots/index.html",
        page=page,
        filters=filters,
        errors=errors,
        solutions=solutions,
        improvement=best_improvement,
        statuses=status_labels(),
        status_options=[(k, v) for k, v in status_labels().items() if k != "hidden"],
    )


@bp.route("/pilots.csv")
def library_csv():
    filters, _errors = _filters()
    rows = library.library_select(filters, _user())
    return exports.csv_response(exports.library_rows(db.session.scalars(rows.limit(5000)).unique().all()), "pilots.csv")


def _detail_context(pilot: Pilot) -> dict:
    labels = {"baseline": _("Baseline"), "target": _("Target")}
    charts = {
        k.id: kpi_chart(k, pilot.start_date, pilot.end_date, f"{k.name} ({kpi_unit(k.unit)})", labels, f"kpi-{k.id}")
        for k in pilot.kpis
    }
    from ..attachments.services import attachments_of

    user = _user()
    fact_sheet = contracts.latest_fact_sheet(pilot.solution_id) if pilot.solution_id else None
    if fact_sheet is not None and not can(user, "fact_sheet.view", fact_sheet.solution):
        fact_sheet = None
    root = lineage.root_of(pilot)
    tree = lineage.lineage_tree(root, lambda p: can(user, "pilot.view", p))
    return dict(
        pilot=pilot,
        charts=charts,
        improvement=kpi_improvement,
        best=best_improvement(pilot),
        consistent=target_consistent,
        attachments=attachments_of("pilot", pilot.id),
        fact_sheet=fact_sheet,
        tree=tree,
        overdue=services.is_overdue(pilot),
        next_due=services.next_report_due(pilot),
        statuses=status_labels(),
        next_statuses=TRANSITIONS.get(pilot.status, ()),
        status_options=[(s, status_labels()[s]) for s in TRANSITIONS.get(pilot.status, ())],
        replications=[p for p in lineage.replications(pilot) if can(user, "pilot.view", p)],
        similar=library.similar_pilots(pilot.category, user, exclude_org_id=pilot.municipality_id, exclude_id=pilot.id),
        cost_per_resident=cost_per_resident(pilot),
        residents=residents(pilot),
        replicate_options=[
            (m.organization.id, m.organization.name_ja)
            for m in current_user.memberships
            if m.organization.kind == "municipality" and m.organization.id != pilot.municipality_id
        ]
        if user
        else [],
    )


def _render_detail(pilot, errors=None, form=None, values=None, status=200):
    return render_template(
        "pilots/detail.html", errors=errors or {}, form=form, values=values or {}, **_detail_context(pilot)
    ), status


@bp.route("/pilots/<int:pilot_id>")
def detail(pilot_id):
    return _render_detail(_pilot(pilot_id))


@bp.route("/pilots/<int:pilot_id>/print")
def print_report(pilot_id):
    pilot = _pilot(pilot_id)
    return render_template("pilots/print.html", **_detail_context(pilot))


@bp.route("/pilots/<int:pilot_id>/measurements.csv")
def measurements_csv(pilot_id):
    pilot = _pilot(pilot_id)
    return exports.csv_response(exports.measurement_rows(pilot), f"pilot-{pilot.id}-kpis.csv")


def _municipality_choices():
    return [
        (m.organization.id, m.organization.name_ja)
        for m in current_user.memberships
        if m.organization.kind == "municipality"
    ]


def _startup_choices():
    from ..accounts.models import Organization

    return [
        (o.id, o.name_ja)
        for o in db.session.scalars(
            db.select(Organization).where(Organization.kind == "startup").order_by(Organization.name_ja)
        ).all()
    ]


@bp.route("/pilots/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("pilot.create")
    values, errors = dict(request.form) if request.method == "POST" else {}, {}
    if request.method == "POST":
        try:
            data = load_form(PilotCreateSchema(), request.form)
            pilot = services.create_pilot(current_user, data)
            commit()
            flash(_("The pilot was created."), "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot.id))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template(
        "pilots/form.html",
        pilot=None,
        values=values,
        errors=errors,
        municipalities=_municipality_choices(),
        startups=_startup_choices(),
    ), 422 if errors else 200


@bp.route("/pilots/<int:pilot_id>/edit", methods=["GET", "POST"])
@login_required
def edit(pilot_id):
    pilot = _pilot(pilot_id)
    authorize("pilot.edit", pilot)
    errors = {}
    if request.method == "POST":
        values = dict(request.form)
        try:
            data = load_form(PilotUpdateSchema(), request.form, partial=True)
            services.update_pilot(pilot, data)
            commit()
            flash(_("The pilot was saved."), "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot.id))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.fields
            pilot = _pilot(pilot_id)
    else:
        values = {k: getattr(pilot, k) for k in services.UPDATABLE}
    return render_template(
        "pilots/form.html", pilot=pilot, values=values, errors=errors, municipalities=[], startups=[]
    ), 422 if errors else 200


@bp.route("/pilots/from-application/<int:application_id>", methods=["POST"])
@login_required
def from_application(application_id):
    from ..applications.models import Application

    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound()
    authorize("pilot.create_from_application", application)
    try:
        pilot = services.create_from_application(application, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(request.referrer or url_for("pilots.index")), 303
    commit()
    flash(_("The pilot was created from the selected application."), "success")
    return redirect(url_for("pilots.detail", pilot_id=pilot.id))


def _post_on_detail(pilot, form_name, fn):
    try:
        result = fn()
    except InvalidInput as exc:
        db.session.rollback()
        return _render_detail(
            _pilot(pilot.id), errors=exc.fields, form=form_name, values=dict(request.form), status=422
        )
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("pilots.detail", pilot_id=pilot.id))
    commit()
    return result


@bp.route("/pilots/<int:pilot_id>/status", methods=["POST"])
@login_required
def change_status(pilot_id):
    pilot = _pilot(pilot_id)
    authorize("pilot.decide", pilot)

    def run():
        data = load_form(StatusChangeSchema(), request.form)
        services.change_status(pilot, data["status"], data.get("reason"))
        return None

    result = _post_on_detail(pilot, "status", run)
    if result is not None:
        return result
    flash(_("The status was changed."), "success")
    return redirect(url_for("pilots.detail", pilot_id=pilot_id))


@bp.route("/pilots/<int:pilot_id>/kpis", methods=["POST"])
@login_required
def add_kpi(pilot_id):
    pilot = _pilot(pilot_id)
    authorize("pilot.edit", pilot)
    warnings = []

    def run():
        data = load_form(KpiCreateSchema(), request.form)
        _kpi, found = services.add_kpi(pilot, data)
        warnings.extend(found)
        return None

    result = _post_on_detail(pilot, "kpi", run)
    if result is not None:
        return result
    for w in warnings:
        flash(w, "warning")
    flash(_("The KPI was added."), "success")
    return redirect(url_for("pilots.detail", pilot_id=pilot_id) + "#kpis")


@bp.route("/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements", methods=["POST"])
@login_required
def add_measurement(pilot_id, kpi_id):
    pilot = _pilot(pilot_id)
    kpi = services.get_kpi(pilot, kpi_id)
    authorize("pilot.report", pilot)

    def run():
        data = load_form(MeasurementCreateSchema(), request.form)
        services.add_measurement(kpi, data, current_user)
        return None

    result = _post_on_detail(pilot, f"measurement-{kpi_id}", run)
    if result is not None:
        return result
    flash(_("The measurement was recorded."), "success")
    return redirect(url_for("pilots.detail", pilot_id=pilot_id) + f"#kpi-{kpi_id}")


@bp.route("/pilots/<int:pilot_id>/reports", methods=["POST"])
@login_required
def add_report(pilot_id):
    pilot = _pilot(pilot_id)
    authorize("pilot.report", pilot)

    def run():
        data = load_form(ReportCreateSchema(), request.form)
        services.add_report(pilot, data, current_user)
        return None

    result = _post_on_detail(pilot, "report", run)
    if result is not None:
        return result
    flash(_("The progress report was saved."), "success")
    return redirect(url_for("pilots.detail", pilot_id=pilot_id) + "#reports")


@bp.route("/pilots/<int:pilot_id>/replicate", methods=["POST"])
@login_required
def replicate(pilot_id):
    pilot = _pilot(pilot_id)
    authorize("pilot.replicate", pilot)
    holder = {}

    def run():
        data = load_form(ReplicateSchema(), request.form)
        holder["copy"] = replication.replicate(
            pilot, current_user, data.get("municipality_id"), data.get("with_challenge")
        )
        return None

    result = _post_on_detail(pilot, "replicate", run)
    if result is not None:
        return result
    flash(_("A draft pilot was created for your municipality. The startup has been invited."), "success")
    return redirect(url_for("pilots.detail", pilot_id=holder["copy"].id))


@bp.route("/pilots/compare")
def compare():
    from ..solutions.models import Solution

    solution_id = request.args.get("solution", type=int)
    solution = db.session.get(Solution, solution_id) if solution_id else None
    if solution is None or not can(_user(), "solution.view", solution):
        raise NotFound()
    rows = library.comparison(solution.id, _user())
    kpi_names = []
    for row in rows:
        for name in row["kpis"]:
            if name not in kpi_names:
                kpi_names.append(name)
    trees = [
        lineage.lineage_tree(r, lambda p: can(_user(), "pilot.view", p))
        for r in lineage.lineage_roots_for_solution(solution.id)
    ]
    svgs = [lineage_svg(t, _("Where %(s)s has spread", s=solution.title), status_labels()) for t in trees]
    change_charts = []
    for i, name in enumerate(kpi_names):
        bars = [
            (localized_name(r["pilot"].municipality), r["kpis"][name][0])
            for r in rows
            if name in r["kpis"] and r["kpis"][name][0] is not None
        ]
        change_charts.append(
            change_chart(_("%(kpi)s: change against baseline per municipality (%%)", kpi=name), bars, f"change-{i}")
        )
    return render_template(
        "pilots/compare.html",
        solution=solution,
        rows=rows,
        kpi_names=kpi_names,
        svgs=svgs,
        trees=trees,
        statuses=status_labels(),
        change_charts=change_charts,
    )
