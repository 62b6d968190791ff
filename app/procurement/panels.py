"""Contexts for the dashboard panels and the organisation page section (app/web/registry.py)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import ProcurementRound, RoundParticipant


def coordinator_panel(user):
    org_ids = user.org_ids(kind="coordinator")
    if not org_ids:
        return None
    rounds = db.session.scalars(
        select(ProcurementRound)
        .where(ProcurementRound.coordinator_org_id.in_(org_ids))
        .where(ProcurementRound.status.notin_(("awarded", "cancelled")))
        .order_by(ProcurementRound.optin_deadline.desc())
        .limit(8)
    ).all()
    return {"rounds": rounds}


def municipality_panel(user):
    org_ids = user.org_ids(kind="municipality")
    if not org_ids:
        return None
    sheets = db.session.scalars(
        select(RoundParticipant)
        .where(RoundParticipant.org_id.in_(org_ids))
        .join(ProcurementRound)
        .where(ProcurementRound.status.notin_(("cancelled",)))
        .order_by(RoundParticipant.id.desc())
        .limit(8)
    ).all()
    joined = {s.round_id for s in sheets}
    open_rounds = [
        r
        for r in db.session.scalars(
            select(ProcurementRound)
            .where(ProcurementRound.status == "open")
            .order_by(ProcurementRound.optin_deadline)
            .limit(10)
        ).all()
        if r.id not in joined
    ][:5]
    return {"sheets": sheets, "open_rounds": open_rounds}


def org_section(org, user):
    if user is None:
        return None  # rounds are visible to logged-in users only
    stmt = select(ProcurementRound).where(ProcurementRound.status != "draft")
    if org.kind == "coordinator":
        stmt = stmt.where(ProcurementRound.coordinator_org_id == org.id)
    elif org.kind == "municipality":
        stmt = stmt.where(
            ProcurementRound.id.in_(select(RoundParticipant.round_id).where(RoundParticipant.org_id == org.id))
        )
    else:
        stmt = stmt.where(ProcurementRound.awarded_vendor_org_id == org.id)
    rounds = db.session.scalars(stmt.order_by(ProcurementRound.id.desc()).limit(10)).all()
    if not rounds:
        return None
    return {"org": org, "rounds": rounds}


def search(q: str, user, limit: int):
    """Site search: rounds whose title or description matches, for logged-in users (drafts: coordinators)."""
    from ..web.registry import SearchHit
    from .constants import SERVICE_TYPES
    from .services import rounds_query

    if user is None:
        return []
    stmt = rounds_query(user)
    pattern = f"%{q}%"
    stmt = stmt.where((ProcurementRound.title.ilike(pattern)) | (ProcurementRound.description.ilike(pattern)))
    return [
        SearchHit(
            kind="procurement",
            title=r.title,
            url=f"/procurement/{r.id}",
            summary=(r.description or "")[:160],
            meta=str(SERVICE_TYPES.get(r.service_type, "")),
        )
        for r in db.session.scalars(stmt.limit(limit)).all()
    ]


def challenge_section(challenge, user):
    """On a joint challenge's page: the procurement round it specifies."""
    if user is None:  # shown to signed-in users only: no query for the public page
        return None
    rnd = db.session.scalar(select(ProcurementRound).where(ProcurementRound.challenge_id == challenge.id))
    if rnd is None:
        return None
    return {"round": rnd}


def solution_comparisons(solution, user):
    """On a solution page, for municipalities and coordinators: the comparisons it appears in (the rounds
    whose comparison they see whole)."""
    if user is None or not (
        user.is_platform_admin or user.org_ids(kind="municipality") or user.org_ids(kind="coordinator")
    ):
        return None
    from .comparison_services import comparisons_of_solution

    items = comparisons_of_solution(solution, user)
    return {"comparisons": items} if items else None
