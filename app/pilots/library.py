"""The pilot library: who may see which pilot, the filtered and sorted query, similar pilots, the side-by-side
comparison of one solution's pilots and the document the matchmaking engine indexes."""

from __future__ import annotations

from sqlalchemy import or_, select

from ..extensions import db
from . import kpis as kpi_math
from .models import Pilot


def visible_clause(user):
    if user is not None and user.is_platform_admin:
        return None
    public = (Pilot.public.is_(True)) & (Pilot.status != "draft")
    if user is None:
        return public
    orgs = list(user.org_ids()) or [0]
    return or_(public, Pilot.municipality_id.in_(orgs), Pilot.startup_id.in_(orgs))


def library_select(filters: dict, user):
    from ..accounts.models import Organization

    stmt = select(Pilot).join(Organization, Organization.id == Pilot.municipality_id)
    clause = visible_clause(user)
    if clause is not None:
        stmt = stmt.where(clause)
    if filters.get("q"):
        like = f"%{filters['q']}%"
        stmt = stmt.where(
            or_(
                Pilot.title.ilike(like),
                Pilot.objectives.ilike(like),
                Pilot.results.ilike(like),
                Pilot.lessons.ilike(like),
                Organization.name_ja.ilike(like),
            )
        )
    for key, column in (
        ("category", Pilot.category),
        ("environment", Pilot.environment),
        ("status", Pilot.status),
        ("solution_id", Pilot.solution_id),
        ("prefecture", Organization.prefecture),
        ("population_band", Organization.population_band),
    ):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    if filters.get("sort") == "date":
        return stmt.order_by(Pilot.start_date.asc().nulls_last(), Pilot.id)
    return stmt.order_by(Pilot.start_date.desc().nulls_last(), Pilot.id.desc())


def library_page(filters: dict, user):
    from ..api import Page, paginate

    page, per_page = filters.get("page", 1), filters.get("per_page", 20)
    stmt = library_select(filters, user)
    if filters.get("sort") != "improvement":
        return paginate(stmt, page, per_page)
    rows = db.session.scalars(stmt.limit(2000)).unique().all()
    rows.sort(key=lambda p: (kpi_math.best_improvement(p) is None, -(kpi_math.best_improvement(p) or 0), p.id))
    return Page(rows[(page - 1) * per_page : page * per_page], page, per_page, len(rows))


def similar_pilots(
    category: str,
    user,
    exclude_org_id: int | None = None,
    exclude_id: int | None = None,
    q: str | None = None,
    limit: int = 5,
) -> list[Pilot]:
    """Plain text / same-category search for now (the matchmaking engine will index `pilot_document`)."""
    stmt = library_select({"category": category, "q": q}, user)
    if exclude_org_id:
        stmt = stmt.where(Pilot.municipality_id != exclude_org_id)
    if exclude_id:
        stmt = stmt.where(Pilot.id != exclude_id)
    return db.session.scalars(stmt.limit(limit)).unique().all()


def pilot_document(pilot: Pilot) -> dict:
    """What the matchmaking engine indexes for a pilot."""
    text = "\n".join(
        part
        for part in (
            pilot.title,
            pilot.objectives,
            pilot.scope,
            pilot.results,
            pilot.lessons,
            pilot.replication_prerequisites,
            " ".join(k.name for k in pilot.kpis),
        )
        if part
    )
    return {
        "id": pilot.id,
        "title": pilot.title,
        "text": text,
        "category": pilot.category,
        "environments": [pilot.environment] if pilot.environment else [],
        "prefecture": pilot.municipality.prefecture if pilot.municipality else None,
        "language": pilot.language or "ja",
    }


def comparison(solution_id: int, user) -> list[dict]:
    """Pilots of one solution, side by side: KPI % improvement and cost per resident."""
    rows = []
    stmt = library_select({"solution_id": solution_id, "sort": "date"}, user)
    for p in db.session.scalars(stmt).unique().all():
        people, source = kpi_math.residents(p)
        rows.append(
            {
                "pilot": p,
                "kpis": {k.name: (kpi_math.kpi_improvement(k), k) for k in p.kpis},
                "residents": people,
                "residents_source": source,
                "cost_per_resident": kpi_math.cost_per_resident(p),
            }
        )
    return rows


def pilots_of_org(org_id: int, user, limit: int = 20) -> list[Pilot]:
    stmt = library_select({}, user).where(or_(Pilot.municipality_id == org_id, Pilot.startup_id == org_id))
    return db.session.scalars(stmt.limit(limit)).unique().all()
