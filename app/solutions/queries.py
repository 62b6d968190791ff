"""Read side: the solution search (page, API, site search) and lists for other pages.

Text: `search_text LIKE '%term%'` for every term of q (see app/challenges/search.py), served by a
pg_trgm GIN index on PostgreSQL. Newest first is `ORDER BY id DESC`, so a LIMIT stops early.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..challenges.search import text_clause
from ..constants import NATIONWIDE
from .models import Solution, facet_token


def search(filters: dict, user):
    status = filters.get("status") or "published"
    # selectin (not the model's joined) loading: a JOIN would stop PostgreSQL from walking the id index.
    stmt = select(Solution).options(selectinload(Solution.organization)).where(Solution.status == status)
    if status != "published" and not (user is not None and user.is_platform_admin):
        stmt = stmt.where(Solution.org_id.in_(user.org_ids() if user is not None else set()))
    text = text_clause(Solution.search_text, filters.get("q"), Solution.search_grams)
    if text is not None:
        stmt = stmt.where(text)
    if filters.get("category"):
        stmt = stmt.where(Solution.category == filters["category"])
    if filters.get("org_id"):
        stmt = stmt.where(Solution.org_id == filters["org_id"])
    if filters.get("environment"):
        stmt = stmt.where(getattr(Solution, f"env_{filters['environment']}").is_(True))
    if filters.get("max_price") is not None:
        stmt = stmt.where(Solution.price_jpy_per_year <= filters["max_price"])
    if filters.get("certification"):
        stmt = stmt.where(Solution.facets.contains(facet_token("cert", filters["certification"])))
    if filters.get("region"):
        region = Solution.facets.contains(facet_token("region", filters["region"]))
        if filters["region"] != NATIONWIDE:
            region = or_(region, Solution.facets.contains(facet_token("region", NATIONWIDE)))
        stmt = stmt.where(region)
    sort = filters.get("sort") or "newest"
    if sort == "price_low":
        return stmt.order_by(Solution.price_jpy_per_year.asc().nulls_last(), Solution.id.desc())
    if sort == "price_high":
        return stmt.order_by(Solution.price_jpy_per_year.desc().nulls_last(), Solution.id.desc())
    return stmt.order_by(Solution.id.desc())


def of_orgs(org_ids: set[int], limit: int = 20) -> list[Solution]:
    from ..extensions import db

    return (
        db.session.scalars(
            select(Solution).where(Solution.org_id.in_(org_ids)).order_by(Solution.updated_at.desc()).limit(limit)
        )
        .unique()
        .all()
    )


TEXT_COUNT_CAP = 200


def paginate_search(stmt, filters: dict, page: int, per_page: int):
    """Like app.api.paginate, but a text query counts at most TEXT_COUNT_CAP matches (then `capped`),
    so a common word never makes PostgreSQL count every match of 100,000 solutions."""
    from sqlalchemy import func

    from ..api import Page
    from ..extensions import db

    if not filters.get("q"):
        from ..api import paginate

        result = paginate(stmt, page, per_page)
        result.capped = False
        return result
    limited = stmt.order_by(None).with_only_columns(Solution.id).limit(TEXT_COUNT_CAP + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    result = Page(items, page, per_page, min(total, TEXT_COUNT_CAP))
    result.capped = total > TEXT_COUNT_CAP
    return result
