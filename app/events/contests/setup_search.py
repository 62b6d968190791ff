"""The setup page's solution search: an organiser finds a startup's published solution by its name
(or the startup's name) instead of copying a solution number from an address. A plain GET form
on the setup page; each match is added with the invitation form (startup + solution)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...accounts.models import Organization
from ...challenges.search import text_clause
from ...extensions import db
from ...solutions.models import Solution

MAX_QUERY = 100
LIMIT = 20


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def check_query(raw: str | None) -> tuple[str, dict]:
    """The cleaned query and field errors (a query longer than MAX_QUERY characters)."""
    q = " ".join((raw or "").split())
    if len(q) > MAX_QUERY:
        return q[:MAX_QUERY], {"solution_q": [_("Type at most %(n)s characters.", n=MAX_QUERY)]}
    return q, {}


def find_solutions(q: str, limit: int = LIMIT) -> list[Solution]:
    """Published solutions whose text matches every word of q, or whose startup's name contains q;
    by title. Only published solutions of startups (drafts stay private to their startup)."""
    if not q:
        return []
    org_name = f"%{_escape_like(q)}%"
    by_org = select(Organization.id).where(
        Organization.kind == "startup",
        or_(Organization.name_ja.ilike(org_name, escape="\\"), Organization.name_en.ilike(org_name, escape="\\")),
    )
    text = text_clause(Solution.search_text, q, Solution.search_grams)
    matches = [Solution.org_id.in_(by_org)] + ([text] if text is not None else [])
    stmt = (
        select(Solution)
        .join(Organization, Organization.id == Solution.org_id)
        .options(selectinload(Solution.organization))
        .where(Solution.status == "published", Organization.kind == "startup", or_(*matches))
        .order_by(Solution.title, Solution.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())
