"""What challenges add to shared pages: dashboard panel, org page section, site search, notifications."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..notifications.services import message_kind
from ..templating import localized_name
from ..web.registry import SearchHit, register_org_section, register_panel, register_search
from . import queries


def dashboard_panel(user):
    org_ids = {m.org_id for m in user.memberships if m.organization.kind in ("municipality", "coordinator")}
    if not org_ids:
        return None
    return {
        "challenges": queries.of_orgs(org_ids, limit=10),
        "invitations": queries.pending_invitations(user.org_ids(role="admin") & org_ids),
        "can_create": True,
    }


def org_section(org, user):
    if org.kind not in ("municipality", "coordinator"):
        return None
    filters = {"status": "published", "org_id": org.id, "sort": "newest"}
    items = db.session.scalars(queries.search(filters, user).limit(10)).unique().all()
    return {"org": org, "challenges": items}


def site_search(q, user, limit):
    stmt = queries.search({"q": q, "status": "all", "sort": "newest"}, user).limit(limit)
    return [
        SearchHit(
            kind="challenge",
            title=c.title,
            url=url_for("challenges.detail", challenge_id=c.id),
            summary=c.summary or "",
            meta=localized_name(c.owner) if c.owner else "",
        )
        for c in db.session.scalars(stmt).unique()
    ]


def register() -> None:
    message_kind(
        "challenge.co_owner_invited", _l("%(org)s invites your organisation to co-own the challenge “%(title)s”.")
    )
    message_kind("challenge.co_owner_accepted", _l("%(org)s accepted to co-own the challenge “%(title)s”."))
    message_kind("challenge.co_owner_declined", _l("%(org)s declined to co-own the challenge “%(title)s”."))
    register_panel("challenges/_panel.html", dashboard_panel, order=10)
    register_org_section("challenges/_org_section.html", org_section, order=10)
    register_search("challenge", _l("Challenges"), site_search, order=50)  # fallback to matchmaking's engine
