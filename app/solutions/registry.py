"""What solutions add to shared pages: dashboard panel, org page section, site search."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..templating import localized_name
from ..web.registry import SearchHit, register_org_section, register_panel, register_search
from . import queries


def dashboard_panel(user):
    org_ids = {m.org_id for m in user.memberships if m.organization.kind == "startup"}
    if not org_ids:
        return None
    return {"solutions": queries.of_orgs(org_ids, limit=10)}


def org_section(org, user):
    if org.kind != "startup":
        return None
    items = db.session.scalars(queries.search({"org_id": org.id}, user).limit(10)).unique().all()
    return {"org": org, "solutions": items}


def site_search(q, user, limit):
    stmt = queries.search({"q": q}, user).limit(limit)
    return [
        SearchHit(
            kind="solution",
            title=s.title,
            url=url_for("solutions.detail", solution_id=s.id),
            summary=s.summary or "",
            meta=localized_name(s.organization) if s.organization else "",
        )
        for s in db.session.scalars(stmt).unique()
    ]


def register() -> None:
    register_panel("solutions/_panel.html", dashboard_panel, order=20)
    register_org_section("solutions/_org_section.html", org_section, order=20)
    register_search("solution", _l("Solutions"), site_search, order=51)  # fallback to matchmaking's engine
