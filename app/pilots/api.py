"""REST: /api/v1/pilots (+ kpis, measurements, reports, replications), /api/v1/contracts,
/api/v1/fact-sheets and /api/v1/solutions/{id}/fact-sheet."""

from __future__ import annotations

from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit, get_or_404
from ..extensions import db
from ..policies import authorize, can
from . import contracts, library, lineage, replication, services
from .models import ContractRecord, Pilot
from .schemas import (
    ContractCreateSchema,
    ContractQuerySchema,
    ContractSchema,
    FactSheetInputSchema,
    FactSheetSchema,
    KpiCreateSchema,
    KpiSchema,
    MeasurementCreateSchema,
    MeasurementSchema,
    PilotCreateSchema,
    PilotQuerySchema,
    PilotSchema,
    PilotUpdateSchema,
    ReplicateSchema,
    ReportCreateSchema,
    ReportSchema,
    StatusChangeSchema,
    WaiverCreateSchema,
    WaiverSchema,
)

blp = Blueprint("pilots_api", __name__, url_prefix="/api/v1", description="Pilots, replication, contract hub")


def _user():
    return current_user if current_user.is_authenticated else None


def load_pilot(pilot_id: int) -> Pilot:
    pilot = get_or_404(Pilot, pilot_id)
    authorize("pilot.view", pilot)
    return pilot


@blp.route("/pilots", methods=["GET"])
@blp.arguments(PilotQuerySchema, location="query")
@blp.response(200, paged(PilotSchema))
def list_pilots(args):
    """The pilot library: every pilot the caller may see, filtered and sorted."""
    page = library.library_page(args, _user())
    return {"items": page.items, "meta": page.meta}


@blp.route("/pilots", methods=["POST"])
@blp.arguments(PilotCreateSchema)
@blp.response(201, PilotSchema)
def create_pilot(data):
    authorize("pilot.create")
    pilot = services.create_pilot(current_user, data)
    commit()
    return pilot


@blp.route("/pilots/<int:pilot_id>", methods=["GET"])
@blp.response(200, PilotSchema)
def get_pilot(pilot_id):
    return load_pilot(pilot_id)


@blp.route("/pilots/<int:pilot_id>", methods=["PATCH"])
@blp.arguments(PilotUpdateSchema)
@blp.response(200, PilotSchema)
def update_pilot(data, pilot_id):
    pilot = load_pilot(pilot_id)
    authorize("pilot.edit", pilot)
    services.update_pilot(pilot, data)
    commit()
    return pilot


@blp.route("/pilots/<int:pilot_id>/status", methods=["POST"])
@blp.arguments(StatusChangeSchema)
@blp.response(200, PilotSchema)
def change_status(data, pilot_id):
    pilot = load_pilot(pilot_id)
    authorize("pilot.decide", pilot)
    services.change_status(pilot, data["status"], data.get("reason"))
    commit()
    return pilot


@blp.route("/applications/<int:application_id>/pilot", methods=["POST"])
@blp.response(201, PilotSchema)
def pilot_from_application(application_id):
    """Start a pilot from a selected application (municipality, startup, solution, challenge carried over)."""
    from ..applications.models import Application

    application = get_or_404(Application, application_id)
    authorize("pilot.create_from_application", application)
    pilot = services.create_from_application(application, current_user)
    commit()
    return pilot


@blp.route("/pilots/<int:pilot_id>/kpis", methods=["GET"])
@blp.response(200, KpiSchema(many=True))
def list_kpis(pilot_id):
    return load_pilot(pilot_id).kpis


@blp.route("/pilots/<int:pilot_id>/kpis", methods=["POST"])
@blp.arguments(KpiCreateSchema)
@blp.response(201, KpiSchema)
def add_kpi(data, pilot_id):
    """Add a KPI. A target that contradicts the direction is accepted with a `target_warning`."""
    pilot = load_pilot(pilot_id)
    authorize("pilot.edit", pilot)
    kpi, _warnings = services.add_kpi(pilot, data)
    commit()
    return kpi


@blp.route("/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements", methods=["GET"])
@blp.response(200, MeasurementSchema(many=True))
def list_measurements(pilot_id, kpi_id):
    return services.get_kpi(load_pilot(pilot_id), kpi_id).measurements


@blp.route("/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements", methods=["POST"])
@blp.arguments(MeasurementCreateSchema)
@blp.response(201, MeasurementSchema)
def add_measurement(data, pilot_id, kpi_id):
    pilot = load_pilot(pilot_id)
    kpi = services.get_kpi(pilot, kpi_id)
    authorize("pilot.report", pilot)
    row = services.add_measurement(kpi, data, current_user)
    commit()
    return row


@blp.route("/pilots/<int:pilot_id>/reports", methods=["GET"])
@blp.response(200, ReportSchema(many=True))
def list_reports(pilot_id):
    return load_pilot(pilot_id).reports


@blp.route("/pilots/<int:pilot_id>/reports", methods=["POST"])
@blp.arguments(ReportCreateSchema)
@blp.response(201, ReportSchema)
def add_report(data, pilot_id):
    pilot = load_pilot(pilot_id)
    authorize("pilot.report", pilot)
    report = services.add_report(pilot, data, current_user)
    commit()
    return report


@blp.route("/pilots/<int:pilot_id>/replications", methods=["GET"])
@blp.response(200, PilotSchema(many=True))
def list_replications(pilot_id):
    pilot = load_pilot(pilot_id)
    return [p for p in lineage.replications(pilot) if can(_user(), "pilot.view", p)]


@blp.route("/pilots/<int:pilot_id>/replications", methods=["POST"])
@blp.arguments(ReplicateSchema)
@blp.response(201, PilotSchema)
def replicate(data, pilot_id):
    """Replicate into the caller's municipality: a draft pilot with lineage, the startup is invited."""
    pilot = load_pilot(pilot_id)
    authorize("pilot.replicate", pilot)
    copy = replication.replicate(pilot, current_user, data.get("municipality_id"), data.get("with_challenge"))
    commit()
    return copy


# Contract hub ----------------------------------------------------------------------------------


@blp.route("/contracts", methods=["GET"])
@blp.arguments(ContractQuerySchema, location="query")
@blp.response(200, paged(ContractSchema))
def list_contracts(args):
    """Contract records. Give to get: others' records appear once your municipality contributed one."""
    authorize("contract.list")
    page = paginate(contracts.contracts_select(current_user, args), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@blp.route("/contracts", methods=["POST"])
@blp.arguments(ContractCreateSchema)
@blp.response(201, ContractSchema)
def create_contract(data):
    authorize("contract.create")
    record = contracts.create_contract(current_user, data)
    commit()
    return record


@blp.route("/contracts/<int:contract_id>", methods=["GET"])
@blp.response(200, ContractSchema)
def get_contract(contract_id):
    record = get_or_404(ContractRecord, contract_id)
    authorize("contract.view", record)
    return record


@blp.route("/contracts/waivers", methods=["POST"])
@blp.arguments(WaiverCreateSchema)
@blp.response(201, WaiverSchema)
def create_waiver(data):
    """Platform admin: let an organisation search the hub without contributing first."""
    authorize("contract.waive")
    waiver = contracts.grant_waiver(data["org_id"], current_user, data.get("reason", ""))
    commit()
    return waiver


# Fact sheets -----------------------------------------------------------------------------------


@blp.route("/fact-sheets", methods=["GET"])
@blp.response(200, FactSheetSchema(many=True))
def list_fact_sheets():
    """The latest fact sheet of every solution the caller may see."""
    rows = db.session.scalars(contracts.latest_fact_sheets_select()).all()
    return [r for r in rows if can(_user(), "fact_sheet.view", r.solution)]


def _solution(solution_id):
    from ..solutions.models import Solution

    solution = get_or_404(Solution, solution_id)
    authorize("fact_sheet.view", solution)
    return solution


@blp.route("/solutions/<int:solution_id>/fact-sheet", methods=["GET"])
@blp.response(200, FactSheetSchema(many=True))
def fact_sheet_history(solution_id):
    """Every version of the solution's fact sheet, newest first."""
    return contracts.fact_sheet_versions(_solution(solution_id).id)


@blp.route("/solutions/<int:solution_id>/fact-sheet", methods=["POST"])
@blp.arguments(FactSheetInputSchema)
@blp.response(201, FactSheetSchema)
def save_fact_sheet(data, solution_id):
    solution = _solution(solution_id)
    authorize("fact_sheet.edit", solution)
    sheet = contracts.save_fact_sheet(solution, data, current_user)
    commit()
    return sheet
