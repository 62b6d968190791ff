"""Pilot business logic: creation (direct or from a selected application), updates, status, KPIs with their
measurements, and reports. Replication is in replication.py, lineage in lineage.py, the library query and the
matchmaking document in library.py. Services flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from . import kpis as kpi_math
from .lineage import check_lineage
from .models import FINAL_STATUSES, TRANSITIONS, KpiMeasurement, Pilot, PilotKpi, PilotReport

UPDATABLE = (
    "title",
    "category",
    "objectives",
    "scope",
    "sites",
    "environment",
    "start_date",
    "end_date",
    "budget_jpy",
    "actual_cost_jpy",
    "population",
    "team_municipality",
    "team_startup",
    "public",
    "costs_public",
    "report_interval_days",
    "results",
    "lessons",
    "replication_prerequisites",
    "replication_effort",
    "replication_pitfalls",
)


TEXT_KEYS = (
    "objectives",
    "scope",
    "sites",
    "team_municipality",
    "team_startup",
    "results",
    "lessons",
    "replication_prerequisites",
    "replication_effort",
    "replication_pitfalls",
)


def blank_text(data: dict, keys=TEXT_KEYS) -> dict:
    """Empty form fields arrive as None; text columns store ''."""
    return {k: ("" if k in keys and v is None else v) for k, v in data.items()}


def _org(org_id, kind=None):
    from ..accounts.models import Organization

    org = db.session.get(Organization, org_id) if org_id else None
    if org is None or (kind and org.kind != kind):
        return None
    return org


def acting_municipality(user, municipality_id: int | None):
    """The municipality the user acts for: the one named, or their only one."""
    mine = user.org_ids(kind="municipality")
    if municipality_id is not None:
        if municipality_id in mine or (user.is_platform_admin and _org(municipality_id, "municipality")):
            return _org(municipality_id)
        raise InvalidInput({"municipality_id": [_l("Choose one of your municipalities.")]})
    if len(mine) == 1:
        return _org(next(iter(mine)))
    raise InvalidInput({"municipality_id": [_l("Choose the municipality that runs the pilot.")]})


def _check_refs(data: dict, user) -> None:
    """Every referenced object exists and the user may see it (any id, 0 included), before the insert."""
    from ..challenges.models import Challenge
    from ..policies import can
    from ..solutions.models import Solution

    errors = {}
    if data.get("startup_id") is not None and not _org(data["startup_id"], "startup"):
        errors["startup_id"] = [_l("Choose a startup.")]
    if data.get("solution_id") is not None:
        solution = db.session.get(Solution, data["solution_id"])
        if solution is None or not can(user, "solution.view", solution):
            errors["solution_id"] = [_l("This solution does not exist.")]
        elif data.get("startup_id") and solution.org_id != data["startup_id"]:
            errors["solution_id"] = [_l("The solution belongs to another startup.")]
    if data.get("challenge_id") is not None:
        challenge = db.session.get(Challenge, data["challenge_id"])
        if challenge is None or not can(user, "challenge.view", challenge):
            errors["challenge_id"] = [_l("This challenge does not exist.")]
    if errors:
        raise InvalidInput(errors)


def create_pilot(user, data: dict) -> Pilot:
    data = blank_text(data)
    for key in ("public", "costs_public", "report_interval_days"):
        if data.get(key) is None:
            data.pop(key, None)
    municipality = acting_municipality(user, data.pop("municipality_id", None))
    _check_refs(data, user)
    if data.get("solution_id") and not data.get("startup_id"):
        from ..solutions.models import Solution

        data["startup_id"] = db.session.get(Solution, data["solution_id"]).org_id
    pilot = Pilot(municipality_id=municipality.id, created_by_id=user.id, status="planned", **data)
    db.session.add(pilot)
    db.session.flush()
    return pilot


def create_from_application(application, user) -> Pilot:
    """One click: municipality = challenge owner, startup = applicant, with solution and challenge."""
    if application.status != "selected":
        raise Conflict(_l("Only a selected application can become a pilot."))
    existing = db.session.scalar(select(Pilot).where(Pilot.application_id == application.id))
    if existing is not None:
        raise Conflict(_l("A pilot already exists for this application."))
    challenge = application.challenge
    pilot = Pilot(
        municipality_id=challenge.owner_org_id,
        startup_id=application.applicant_org_id,
        solution_id=application.solution_id,
        challenge_id=challenge.id,
        application_id=application.id,
        created_by_id=user.id,
        title=challenge.title,
        category=challenge.category,
        objectives=challenge.desired_outcome or "",
        scope=application.implementation_plan or "",
        environment=(challenge.environments or [None])[0],
        start_date=challenge.pilot_start,
        end_date=challenge.pilot_end,
        budget_jpy=application.cost_estimate_jpy,
        status="planned",
        language=challenge.language or "ja",
    )
    db.session.add(pilot)
    db.session.flush()
    return pilot


def update_pilot(pilot: Pilot, data: dict) -> Pilot:
    data = blank_text(data)
    if "title" in data and not data["title"]:
        raise InvalidInput({"title": [_l("Give the pilot a title.")]})
    if "category" in data and not data["category"]:
        raise InvalidInput({"category": [_l("Choose a category.")]})
    if "report_interval_days" in data and data["report_interval_days"] is None:
        data.pop("report_interval_days")
    start = data.get("start_date", pilot.start_date)
    end = data.get("end_date", pilot.end_date)
    if start and end and start > end:
        raise InvalidInput({"end_date": [_l("The end date must not be before the start date.")]})
    if (start or end) and ("start_date" in data or "end_date" in data):
        outside = [
            m
            for k in pilot.kpis
            for m in k.measurements
            if (start and m.measured_on < start) or (end and m.measured_on > end)
        ]
        if outside:
            raise InvalidInput({"end_date": [_l("Some measurements would fall outside the pilot period.")]})
    if "origin_id" in data:
        origin = db.session.get(Pilot, data["origin_id"]) if data["origin_id"] else None
        if data["origin_id"] and origin is None:
            raise InvalidInput({"origin_id": [_l("This pilot does not exist.")]})
        if origin is not None:
            check_lineage(pilot, origin)
        pilot.origin_id = origin.id if origin else None
    for key in UPDATABLE:
        if key in data:
            setattr(pilot, key, data[key])
    db.session.flush()
    return pilot


def change_status(pilot: Pilot, status: str, reason: str | None) -> Pilot:
    if status not in TRANSITIONS.get(pilot.status, ()):
        raise InvalidInput({"status": [_l("A pilot cannot go from %(a)s to %(b)s.", a=pilot.status, b=status)]})
    reason = (reason or "").strip()
    if status in FINAL_STATUSES and not reason:
        raise InvalidInput({"reason": [_l("Give the reason for this outcome.")]})
    pilot.status = status
    if reason:
        pilot.outcome_reason = reason
    if status in FINAL_STATUSES:
        pilot.decided_at = utcnow()
    db.session.flush()
    return pilot


# KPIs ------------------------------------------------------------------------------------------


def add_kpi(pilot: Pilot, data: dict) -> tuple[PilotKpi, list[str]]:
    """Returns the KPI and warnings (a target that contradicts the direction is a warning)."""
    kpi = PilotKpi(pilot_id=pilot.id, position=len(pilot.kpis), **data)
    kpi.unit = kpi.unit.strip()
    if not kpi.unit:
        raise InvalidInput({"unit": [_l("Give a unit.")]})
    db.session.add(kpi)
    db.session.flush()
    warnings = []
    if not kpi_math.target_consistent(kpi.direction, kpi.baseline, kpi.target):
        warnings.append(str(_l("The target does not improve on the baseline in the chosen direction.")))
    return kpi, warnings


def add_measurement(kpi: PilotKpi, data: dict, user) -> KpiMeasurement:
    pilot = kpi.pilot
    day = data["measured_on"]
    if (pilot.start_date and day < pilot.start_date) or (pilot.end_date and day > pilot.end_date):
        raise InvalidInput(
            {
                "measured_on": [
                    _l(
                        "The date must be inside the pilot period (%(a)s – %(b)s).",
                        a=pilot.start_date or "…",
                        b=pilot.end_date or "…",
                    )
                ]
            }
        )
    if day > date.today() + timedelta(days=1):
        raise InvalidInput({"measured_on": [_l("The date cannot be in the future.")]})
    row = KpiMeasurement(
        kpi_id=kpi.id, measured_on=day, value=data["value"], note=data.get("note") or "", created_by_id=user.id
    )
    db.session.add(row)
    db.session.flush()
    db.session.refresh(kpi)
    return row


def get_kpi(pilot: Pilot, kpi_id: int) -> PilotKpi:
    kpi = db.session.get(PilotKpi, kpi_id)
    if kpi is None or kpi.pilot_id != pilot.id:
        raise NotFound()
    return kpi


# Reports ---------------------------------------------------------------------------------------


def add_report(pilot: Pilot, data: dict, user) -> PilotReport:
    if pilot.status in ("draft",):
        raise Conflict(_l("Reports start once the pilot is planned."))
    report = PilotReport(pilot_id=pilot.id, author_id=user.id, **data)
    db.session.add(report)
    db.session.flush()
    return report


def next_report_due(pilot: Pilot) -> date | None:
    """While running, a report is due every `report_interval_days` after the last one (or the start)."""
    if pilot.status != "running":
        return None
    last = max((r.period_end for r in pilot.reports), default=None)
    anchor = last or pilot.start_date or pilot.created_at.date()
    return anchor + timedelta(days=pilot.report_interval_days or 30)


def is_overdue(pilot: Pilot, today: date | None = None) -> bool:
    due = next_report_due(pilot)
    return due is not None and due < (today or date.today())


def overdue_pilots(org_ids=None, today: date | None = None) -> list[Pilot]:
    stmt = select(Pilot).where(Pilot.status == "running")
    if org_ids is not None:
        stmt = stmt.where(Pilot.municipality_id.in_(list(org_ids) or [0]))
    return [p for p in db.session.scalars(stmt).all() if is_overdue(p, today)]
