"""Home, dashboard, organisation pages and the site-wide search box."""

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..accounts.models import Organization
from ..errors import NotFound
from ..extensions import db
from . import registry

bp = Blueprint("web", __name__, template_folder="templates")


@bp.app_context_processor
def nav_links():
    def links(bucket):
        return [{"label": e.payload, "url": url_for(e.name), "endpoint": e.name} for e in bucket]

    return {"nav_extra": links(registry.NAV), "library_links": links(registry.LIBRARY)}


@bp.route("/")
def home():
    from ..challenges.models import Challenge
    from ..solutions.models import Solution

    stats = {
        "municipalities": db.session.scalar(
            select(func.count(Organization.id)).where(Organization.kind == "municipality")
        )
        or 0,
        "startups": db.session.scalar(select(func.count(Organization.id)).where(Organization.kind == "startup")) or 0,
        "challenges": db.session.scalar(
            select(func.count(Challenge.id)).where(Challenge.status == "published", Challenge.visibility == "public")
        )
        or 0,
        "solutions": db.session.scalar(select(func.count(Solution.id)).where(Solution.status == "published")) or 0,
    }
    latest = db.session.scalars(
        select(Challenge)
        .where(Challenge.status == "published", Challenge.visibility == "public")
        .order_by(Challenge.published_at.desc())
        .limit(6)
    ).all()
    return render_template("web/home.html", stats=stats, latest=latest)


@bp.route("/dashboard")
@login_required
def dashboard():
    panels = []
    for entry in registry.PANELS:
        context = entry.payload(current_user)
        if context is not None:
            panels.append((entry.name, context))
    return render_template("web/dashboard.html", panels=panels, is_judge=_is_judge(current_user.id))


def _is_judge(user_id: int) -> bool:
    """An external judge (committee or contest) needs no organisation: the dashboard says so."""
    from ..events.contests.models import ContestJudge
    from ..reviews.models import CommitteeMember

    return any(
        db.session.scalar(select(m.id).where(m.user_id == user_id).limit(1)) is not None
        for m in (CommitteeMember, ContestJudge)
    )


@bp.route("/orgs/<slug>")
def organization(slug):
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound()
    user = current_user if current_user.is_authenticated else None
    sections = []
    for entry in registry.ORG_SECTIONS:
        context = entry.payload(org, user)
        if context is not None:
            sections.append((entry.name, context))
    return render_template("web/organization.html", org=org, sections=sections)


@bp.route("/orgs")
def organizations():
    from ..accounts.services import search_organizations
    from ..api import paginate

    kind = request.args.get("kind") if request.args.get("kind") in ("municipality", "startup", "coordinator") else None
    page = paginate(
        search_organizations(kind, (request.args.get("q") or "").strip()[:100] or None),
        max(1, request.args.get("page", 1, type=int)),
        30,
    )
    return render_template("web/organizations.html", page=page, kind=kind)


@bp.route("/search")
def search():
    q = (request.args.get("q") or "").strip()[:200]
    user = current_user if current_user.is_authenticated else None
    groups = []
    if q:
        served = set()  # "challenge:engine" (order 10) is preferred to "challenge"; None = fall back
        for entry in registry.SEARCH:
            kind = entry.name.split(":")[0]
            if kind in served:
                continue
            label, fn = entry.payload
            hits = fn(q, user, 10)
            if hits is None:
                continue
            served.add(kind)
            groups.append((kind, label, hits))
    return render_template("web/search.html", q=q, groups=groups)
