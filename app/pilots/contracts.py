"""The shared contract hub (give to get), the vendor-agreement checklist and versioned AI fact sheets.
Services flush, never commit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..errors import Conflict, InvalidInput
from ..extensions import db
from .hub import hub_unlocked
from .models import ContractHubWaiver, ContractRecord, FactSheet

# The Vendor Agreement checklist template (GovAI Coalition style): item code -> label.
CHECKLIST = {
    "data_ownership": _l("Data ownership: the municipality owns its data and outputs"),
    "security": _l("Security requirements (LGWAN, ISMAP/ISMS, incident reporting)"),
    "exit": _l("Exit and transition: data export in an open format, handover support"),
    "ip": _l("Intellectual property of deliverables and customisations"),
    "liability": _l("Liability and indemnities"),
    "audit": _l("Audit rights (the municipality may audit or receive audit reports)"),
    "sla": _l("Service levels (availability, support hours, response times)"),
    "personal_data": _l("Personal-data handling (purpose, storage location, deletion)"),
    "subcontracting": _l("Subcontracting only with prior consent"),
    "ai_fact_sheet": _l("AI fact sheet attached and kept up to date"),
    "model_training": _l("Municipal data is not used to train models without consent"),
}
ANSWERS = ("yes", "no", "partial", "na")


def clean_checklist(raw: dict) -> dict:
    errors, out = {}, {}
    for key, value in (raw or {}).items():
        if key not in CHECKLIST:
            errors[key] = [str(_l("Unknown checklist item."))]
            continue
        answer = (value or {}).get("answer", "na")
        note = str((value or {}).get("note", ""))[:2000]
        if answer not in ANSWERS:
            errors[key] = [str(_l("Answer yes, no, partial or n/a."))]
            continue
        out[key] = {"answer": answer, "note": note}
    if errors:
        raise InvalidInput({"checklist": errors})
    return out


def hub_state(user) -> str:
    """'full' (admin, contributed or waived), 'locked' (a municipality that has not contributed), 'vendor'."""
    if hub_unlocked(user):
        return "full"
    if user is not None and user.org_ids(kind="municipality"):
        return "locked"
    return "vendor"


def contracts_select(user, filters: dict):
    stmt = select(ContractRecord)
    state = hub_state(user)
    if state != "full":
        orgs = list(user.org_ids()) if user is not None else []
        stmt = stmt.where(
            or_(ContractRecord.municipality_id.in_(orgs or [0]), ContractRecord.vendor_org_id.in_(orgs or [0]))
        )
    if filters.get("q"):
        like = f"%{filters['q']}%"
        stmt = stmt.where(
            or_(
                ContractRecord.title.ilike(like),
                ContractRecord.vendor_name.ilike(like),
                ContractRecord.scope.ilike(like),
            )
        )
    for key, column in (
        ("solution_id", ContractRecord.solution_id),
        ("vendor_org_id", ContractRecord.vendor_org_id),
        ("category", ContractRecord.category),
    ):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    if filters.get("price_min") is not None:
        stmt = stmt.where(ContractRecord.price_jpy >= filters["price_min"])
    if filters.get("price_max") is not None:
        stmt = stmt.where(ContractRecord.price_jpy <= filters["price_max"])
    return stmt.order_by(ContractRecord.id.desc())


def create_contract(user, data: dict) -> ContractRecord:
    from ..accounts.models import Organization
    from ..solutions.models import Solution
    from .models import Pilot
    from .services import acting_municipality

    data = dict(data)
    municipality = acting_municipality(user, data.pop("municipality_id", None))
    errors = {}
    if data.get("vendor_org_id"):
        vendor = db.session.get(Organization, data["vendor_org_id"])
        if vendor is None or vendor.kind != "startup":
            errors["vendor_org_id"] = [_l("Choose a startup.")]
    if data.get("solution_id") and db.session.get(Solution, data["solution_id"]) is None:
        errors["solution_id"] = [_l("This solution does not exist.")]
    if data.get("pilot_id"):
        pilot = db.session.get(Pilot, data["pilot_id"])
        if pilot is None or pilot.municipality_id != municipality.id:
            errors["pilot_id"] = [_l("Choose one of your municipality's pilots.")]
    if errors:
        raise InvalidInput(errors)
    data = {
        k: ("" if k in ("scope", "data_ownership", "security", "exit_terms") and v is None else v)
        for k, v in data.items()
    }
    data["checklist"] = clean_checklist(data.get("checklist"))
    data["vendor_name"] = (data.get("vendor_name") or "").strip()
    record = ContractRecord(municipality_id=municipality.id, created_by_id=user.id, **data)
    db.session.add(record)
    db.session.flush()
    return record


def grant_waiver(org_id: int, user, reason: str = "") -> ContractHubWaiver:
    from ..accounts.models import Organization

    org = db.session.get(Organization, org_id)
    if org is None:
        raise InvalidInput({"org_id": [_l("This organisation does not exist.")]})
    if db.session.scalar(select(ContractHubWaiver).where(ContractHubWaiver.org_id == org_id)):
        raise Conflict(_l("This organisation already has a waiver."))
    waiver = ContractHubWaiver(org_id=org_id, reason=reason, granted_by_id=user.id)
    db.session.add(waiver)
    db.session.flush()
    return waiver


def revoke_waiver(org_id: int) -> None:
    waiver = db.session.scalar(select(ContractHubWaiver).where(ContractHubWaiver.org_id == org_id))
    if waiver is not None:
        db.session.delete(waiver)
        db.session.flush()


def waivers() -> list[ContractHubWaiver]:
    return db.session.scalars(select(ContractHubWaiver).order_by(ContractHubWaiver.id)).all()


# Fact sheets -----------------------------------------------------------------------------------


def latest_fact_sheet(solution_id: int) -> FactSheet | None:
    return db.session.scalar(
        select(FactSheet).where(FactSheet.solution_id == solution_id).order_by(FactSheet.version.desc()).limit(1)
    )


def fact_sheet_versions(solution_id: int) -> list[FactSheet]:
    return db.session.scalars(
        select(FactSheet).where(FactSheet.solution_id == solution_id).order_by(FactSheet.version.desc())
    ).all()


def save_fact_sheet(solution, data: dict, user) -> FactSheet:
    """Each save is a new version (history is never rewritten)."""
    current = db.session.scalar(select(func.max(FactSheet.version)).where(FactSheet.solution_id == solution.id))
    sheet = FactSheet(solution_id=solution.id, version=(current or 0) + 1, author_id=user.id, **data)
    db.session.add(sheet)
    db.session.flush()
    return sheet


def latest_fact_sheets_select():
    latest = (
        select(FactSheet.solution_id, func.max(FactSheet.version).label("v")).group_by(FactSheet.solution_id).subquery()
    )
    return (
        select(FactSheet)
        .join(latest, (FactSheet.solution_id == latest.c.solution_id) & (FactSheet.version == latest.c.v))
        .order_by(FactSheet.solution_id)
    )
