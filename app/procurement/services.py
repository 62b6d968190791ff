"""Joint procurement: rounds, opt-in, requirement sheets, vendors and demo days (the joint challenge is in
joint_challenge.py).

Services validate fully before changing anything, flush, and never commit.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import Organization
from ..db import get_or_404, utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..notifications.services import notify_org
from . import matrix as matrix_mod
from .constants import FEATURE_CATALOGUES, FINAL_STATUSES, TRANSITIONS
from .models import ProcurementRound, RoundEvent, RoundParticipant, RoundVendor


def round_link(rnd: ProcurementRound) -> str:
    return f"/procurement/{rnd.id}"


# Queries ----------------------------------------------------------------------------------------
def rounds_query(user, status=None, service_type=None, q=None, mine=False):
    """Rounds `user` may see: non-draft ones, plus drafts of the user's coordinator organisations."""
    stmt = select(ProcurementRound).order_by(ProcurementRound.optin_deadline.desc(), ProcurementRound.id.desc())
    if not user.is_platform_admin:
        stmt = stmt.where(
            or_(ProcurementRound.status != "draft", ProcurementRound.coordinator_org_id.in_(user.org_ids() or {0}))
        )
    if status:
        stmt = stmt.where(ProcurementRound.status == status)
    if service_type:
        stmt = stmt.where(ProcurementRound.service_type == service_type)
    if q:
        stmt = stmt.where(ProcurementRound.title.ilike(f"%{q}%"))
    if mine:
        orgs = user.org_ids() or {0}
        stmt = stmt.where(
            or_(
                ProcurementRound.coordinator_org_id.in_(orgs),
                ProcurementRound.id.in_(select(RoundParticipant.round_id).where(RoundParticipant.org_id.in_(orgs))),
                ProcurementRound.id.in_(select(RoundVendor.round_id).where(RoundVendor.org_id.in_(orgs))),
            )
        )
    return stmt


def get_round(round_id: int) -> ProcurementRound:
    return get_or_404(ProcurementRound, round_id)


def coordinator_orgs(user) -> list[Organization]:
    if user.is_platform_admin:
        return db.session.scalars(
            select(Organization).where(Organization.kind == "coordinator").order_by(Organization.name_ja)
        ).all()
    return sorted(
        (m.organization for m in user.memberships if m.organization.kind == "coordinator"), key=lambda o: o.name_ja
    )


def admin_municipalities(user) -> list[Organization]:
    return sorted(
        (m.organization for m in user.memberships if m.role == "admin" and m.organization.kind == "municipality"),
        key=lambda o: o.name_ja,
    )


# Rounds -----------------------------------------------------------------------------------------
def _resolve_coordinator(user, org_id: int | None) -> Organization:
    choices = coordinator_orgs(user)
    if org_id is not None:
        org = next((o for o in choices if o.id == org_id), None)
        if org is None:
            raise InvalidInput({"coordinator_org_id": [_("Choose a coordinator organisation you belong to.")]})
        return org
    if len(choices) != 1:
        raise InvalidInput({"coordinator_org_id": [_("Choose the coordinator organisation.")]})
    return choices[0]


def create_round(user, data: dict) -> ProcurementRound:
    coordinator = _resolve_coordinator(user, data.get("coordinator_org_id"))
    catalogue = data.get("feature_catalogue")
    rnd = ProcurementRound(
        coordinator_org_id=coordinator.id,
        created_by_id=user.id,
        service_type=data["service_type"],
        title=data["title"].strip(),
        description=data.get("description") or "",
        feature_catalogue=matrix_mod.normalise_features(catalogue or FEATURE_CATALOGUES.get(data["service_type"], [])),
        optin_deadline=data["optin_deadline"],
        requirements_deadline=data["requirements_deadline"],
        expected_start=data.get("expected_start"),
        status="draft",
    )
    db.session.add(rnd)
    db.session.flush()
    return rnd


def update_round(rnd: ProcurementRound, data: dict) -> ProcurementRound:
    if rnd.status in FINAL_STATUSES or rnd.status == "specification_published":
        raise Conflict(_("This round can no longer be edited."))
    opt = data.get("optin_deadline", rnd.optin_deadline)
    req = data.get("requirements_deadline", rnd.requirements_deadline)
    if req < opt:
        raise InvalidInput(
            {"requirements_deadline": [_("The requirement deadline cannot be before the opt-in deadline.")]}
        )
    for key, value in data.items():
        if key == "feature_catalogue":
            value = matrix_mod.normalise_features(value)
        elif key == "title":
            value = value.strip()
        elif key == "description":
            value = value or ""
        setattr(rnd, key, value)
    db.session.flush()
    return rnd


def change_status(rnd: ProcurementRound, user, status: str, vendor_org_id: int | None = None) -> ProcurementRound:
    if status == rnd.status:
        return rnd
    if status not in TRANSITIONS.get(rnd.status, set()):
        raise Conflict(
            _("A round cannot go from this status to the one requested."),
            fields={"status": [_("Not allowed from the current status.")]},
        )
    if status == "open" and rnd.optin_deadline <= utcnow():
        raise InvalidInput({"optin_deadline": [_("Move the opt-in deadline into the future before opening.")]})
    if status == "awarded":
        if vendor_org_id is None or vendor_org_id not in rnd.vendor_org_ids():
            raise InvalidInput({"vendor_org_id": [_("Choose one of the invited vendors.")]})
        rnd.awarded_vendor_org_id = vendor_org_id
        rnd.awarded_at = utcnow()
    rnd.status = status
    db.session.flush()
    params = {"round": rnd.title}
    if status == "awarded":
        for participant in rnd.participants:
            notify_org(participant.org_id, "procurement.awarded", params, round_link(rnd))
        notify_org(vendor_org_id, "procurement.awarded_vendor", params, round_link(rnd))
    elif status == "cancelled":
        for participant in rnd.participants:
            notify_org(participant.org_id, "procurement.cancelled", params, round_link(rnd))
    elif status == "requirements_closed":
        for participant in rnd.participants:
            notify_org(participant.org_id, "procurement.requirements_closed", params, round_link(rnd))
    return rnd


# Opt-in / opt-out -------------------------------------------------------------------------------
def _acting_municipality(user, org_id: int | None) -> Organization:
    choices = admin_municipalities(user)
    if org_id is not None:
        org = next((o for o in choices if o.id == org_id), None)
        if org is None:
            raise InvalidInput({"org_id": [_("Choose a municipality you administer.")]})
        return org
    if len(choices) != 1:
        raise InvalidInput({"org_id": [_("Choose the municipality.")]})
    return choices[0]


def optin_is_open(rnd: ProcurementRound) -> bool:
    return rnd.status == "open" and utcnow() <= rnd.optin_deadline


def sheets_are_open(rnd: ProcurementRound) -> bool:
    return rnd.status == "open" and utcnow() <= rnd.requirements_deadline


def opt_in(rnd: ProcurementRound, user, org_id: int | None = None) -> RoundParticipant:
    org = _acting_municipality(user, org_id)
    if not optin_is_open(rnd):
        raise Conflict(_("Opting in is closed for this round."))
    if rnd.participant_for(org.id):
        raise Conflict(_("%(org)s already takes part in this round.", org=org.name_ja))
    participant = RoundParticipant(org_id=org.id, opted_in_by_id=user.id)
    rnd.participants.append(participant)
    db.session.flush()
    notify_org(
        rnd.coordinator_org_id, "procurement.opted_in", {"round": rnd.title, "org": org.name_ja}, round_link(rnd)
    )
    return participant


def opt_out(rnd: ProcurementRound, user, org_id: int | None = None) -> None:
    org = _acting_municipality(user, org_id)
    participant = rnd.participant_for(org.id)
    if participant is None:
        raise Conflict(_("%(org)s does not take part in this round.", org=org.name_ja))
    if not optin_is_open(rnd):
        raise Conflict(_("The opt-in deadline has passed; please contact the coordinator."))
    rnd.participants.remove(participant)
    db.session.flush()
    notify_org(
        rnd.coordinator_org_id, "procurement.opted_out", {"round": rnd.title, "org": org.name_ja}, round_link(rnd)
    )


# Requirement sheets -----------------------------------------------------------------------------
def own_participant(rnd: ProcurementRound, user, org_id: int | None = None) -> RoundParticipant:
    """The participating organisation whose sheet `user` edits (org_id picks one if they have several)."""
    mine = [p for p in rnd.participants if user.is_member(p.org_id)]
    if org_id is not None:
        mine = [p for p in mine if p.org_id == org_id]
        if not mine:
            raise InvalidInput({"org_id": [_("Your organisation does not take part in this round.")]})
    if not mine:
        raise NotFound()
    if len(mine) > 1:
        raise InvalidInput({"org_id": [_("Choose the municipality.")]})
    return mine[0]


def save_sheet(rnd: ProcurementRound, participant: RoundParticipant, user, data: dict) -> RoundParticipant:
    if not sheets_are_open(rnd):
        raise Conflict(_("The requirement sheets are closed for this round."))
    participant.environments = data["environments"]
    participant.seats = data["seats"]
    participant.security_level = data["security_level"]
    participant.budget_max_jpy = data["budget_max_jpy"]
    participant.must_have = matrix_mod.normalise_features(data.get("must_have"))
    participant.nice_to_have = matrix_mod.normalise_features(data.get("nice_to_have"))
    participant.notes = (data.get("notes") or "").strip()
    participant.sheet_submitted_at = utcnow()
    participant.sheet_updated_by_id = user.id
    db.session.flush()
    return participant


def sheets_for_matrix(rnd: ProcurementRound) -> list[matrix_mod.Sheet]:
    return [
        matrix_mod.Sheet(
            org_id=p.org_id,
            name=p.organization.name_ja,
            environments=tuple(p.environments),
            seats=p.seats,
            security_level=p.security_level,
            budget_max_jpy=p.budget_max_jpy,
            must_have=tuple(p.must_have or ()),
            nice_to_have=tuple(p.nice_to_have or ()),
            submitted=p.has_sheet,
        )
        for p in rnd.participants
    ]


def consolidated(rnd: ProcurementRound) -> matrix_mod.Matrix:
    return matrix_mod.consolidate(sheets_for_matrix(rnd))


# Vendors and demo days --------------------------------------------------------------------------
def _require_active(rnd: ProcurementRound) -> None:
    if rnd.status == "draft" or rnd.status in FINAL_STATUSES:
        raise Conflict(_("Open the round first; finished rounds cannot change."))


def invite_vendors(rnd: ProcurementRound, user, org_ids: list[int]) -> tuple[list, list]:
    _require_active(rnd)
    orgs = db.session.scalars(select(Organization).where(Organization.id.in_(set(org_ids)))).all()
    found = {o.id: o for o in orgs}
    bad = [i for i in org_ids if i not in found or found[i].kind != "startup"]
    if bad:
        raise InvalidInput({"org_ids": [_("Only startups can be invited as vendors.")]})
    invited, already = [], []
    existing = rnd.vendor_org_ids()
    for org_id in dict.fromkeys(org_ids):
        org = found[org_id]
        if org_id in existing:
            already.append(org)
            continue
        rnd.vendors.append(RoundVendor(org_id=org_id, invited_by_id=user.id))
        invited.append(org)
    db.session.flush()
    for org in invited:
        notify_org(
            org.id,
            "procurement.vendor_invited",
            {"round": rnd.title, "coordinator": rnd.coordinator.name_ja},
            round_link(rnd),
        )
    return invited, already


def schedule_demo(rnd: ProcurementRound, user, data: dict) -> RoundEvent:
    from ..events.models import Event

    _require_active(rnd)
    vendor_id = data.get("vendor_org_id")
    if vendor_id is not None and vendor_id not in rnd.vendor_org_ids():
        raise InvalidInput({"vendor_org_id": [_("Choose one of the invited vendors.")]})
    event = Event(
        host_org_id=rnd.coordinator_org_id,
        created_by_id=user.id,
        title=data["title"].strip(),
        description=data.get("description") or "",
        kind=data.get("kind") or "workshop",
        format=data.get("format") or "online",
        venue=data.get("venue"),
        online_url=data.get("online_url"),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        visibility="public",
        status="published",
        registration_open=True,
    )
    db.session.add(event)
    db.session.flush()
    link = RoundEvent(event_id=event.id, vendor_org_id=vendor_id)
    rnd.demo_links.append(link)
    db.session.flush()
    params = {"round": rnd.title, "event": event.title}
    for org_id in rnd.participant_org_ids() | ({vendor_id} if vendor_id else set()):
        notify_org(org_id, "procurement.demo_scheduled", params, f"/events/{event.id}")
    return link


def default_deadlines() -> dict:
    now = utcnow()
    return {"optin_deadline": now + timedelta(days=21), "requirements_deadline": now + timedelta(days=42)}
