"""What pilots contribute to shared pages: nav, dashboard panels, org page, challenge/solution/application
sections, site search and notification texts."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..policies import can
from ..templating import localized_name


def _statuses():
    from .ui import STATUS_LABELS

    return STATUS_LABELS


def municipality_panel(user):
    from .models import Pilot
    from .services import is_overdue

    orgs = user.org_ids(kind="municipality")
    if not orgs:
        return None
    pilots = db.session.scalars(
        select(Pilot).where(Pilot.municipality_id.in_(orgs)).order_by(Pilot.id.desc()).limit(10)
    ).all()
    return {"pilots": pilots, "overdue": [p for p in pilots if is_overdue(p)], "statuses": _statuses()}


def startup_panel(user):
    from ..solutions.models import Solution
    from .contracts import latest_fact_sheet
    from .models import Pilot

    orgs = user.org_ids(kind="startup")
    if not orgs:
        return None
    pilots = db.session.scalars(
        select(Pilot).where(Pilot.startup_id.in_(orgs)).order_by(Pilot.id.desc()).limit(10)
    ).all()
    solutions = db.session.scalars(select(Solution).where(Solution.org_id.in_(orgs)).order_by(Solution.id)).all()
    return {"pilots": pilots, "solutions": [(s, latest_fact_sheet(s.id)) for s in solutions], "statuses": _statuses()}


def org_section(org, user):
    from .library import pilots_of_org

    pilots = pilots_of_org(org.id, user)
    return {"pilots": pilots, "org": org, "statuses": _statuses()} if pilots else None


def challenge_section(challenge, user):
    from .library import similar_pilots
    from .models import Pilot

    pilots = similar_pilots(challenge.category, user, exclude_org_id=challenge.owner_org_id)
    # Drafted by replicating a pilot: the lineage ("replicated from") on the challenge too.
    copy = db.session.scalar(
        select(Pilot).where(Pilot.challenge_id == challenge.id, Pilot.origin_id.is_not(None)).order_by(Pilot.id)
    )
    origin = copy.origin if copy is not None and can(user, "pilot.view", copy.origin) else None
    return {
        "pilots": pilots,
        "challenge": challenge,
        "statuses": _statuses(),
        "origin": origin,
        "replica": copy if copy is not None and can(user, "pilot.view", copy) else None,
    }


def solution_lineage_section(solution, user):
    from .charts import lineage_svg
    from .lineage import lineage_roots_for_solution, lineage_tree
    from .ui import status_labels

    trees = [lineage_tree(r, lambda p: can(user, "pilot.view", p)) for r in lineage_roots_for_solution(solution.id)]
    trees = [t for t in trees if t["visible"] or t["children"]]
    if not trees:
        return None
    svgs = [lineage_svg(t, str(_l("Where this solution has spread")), status_labels()) for t in trees]
    return {"solution": solution, "trees": trees, "svgs": svgs, "statuses": _statuses()}


def solution_fact_sheet_section(solution, user):
    from .contracts import latest_fact_sheet

    sheet = latest_fact_sheet(solution.id)
    editable = can(user, "fact_sheet.edit", solution)
    if sheet is None and not editable:
        return None
    return {"solution": solution, "sheet": sheet, "editable": editable}


def application_section(application, user):
    from .models import Pilot

    existing = db.session.scalar(select(Pilot).where(Pilot.application_id == application.id))
    if existing is not None and can(user, "pilot.view", existing):
        return {"application": application, "pilot": existing}
    if application.status == "selected" and can(user, "pilot.create_from_application", application):
        return {"application": application, "pilot": None}
    return None


def search(q, user, limit):
    from ..web.registry import SearchHit
    from .library import library_select
    from .ui import STATUS_LABELS

    rows = db.session.scalars(library_select({"q": q}, user).limit(limit)).unique().all()
    return [
        SearchHit(
            kind="pilot",
            title=p.title,
            url=url_for("pilots.detail", pilot_id=p.id),
            summary=(p.objectives or "")[:160],
            meta=f"{localized_name(p.municipality)} · {STATUS_LABELS.get(p.status, p.status)}",
        )
        for p in rows
    ]


def register(app) -> None:
    from ..attachments.services import register_owner
    from ..jobs import periodic
    from ..notifications.services import message_kind
    from ..web.registry import (
        register_library,
        register_nav,
        register_org_section,
        register_panel,
        register_search,
        register_section,
    )
    from .models import ContractRecord, Pilot
    from datetime import time

    register_owner("pilot", lambda i: db.session.get(Pilot, i), "pilot.view", "pilot.edit")
    register_owner("contract", lambda i: db.session.get(ContractRecord, i), "contract.view", "contract.edit")
    periodic("pilots.report_reminders", "app.pilots.jobs:remind_overdue_reports", queue="pilots", at=time(9, 30))
    register_nav(_l("Pilots"), "pilots.index", order=40)
    register_nav(_l("Contract hub"), "contracts.index", order=45)
    register_library(_l("Contract hub"), "contracts.index", order=45)
    register_panel("pilots/panels/municipality.html", municipality_panel, order=40)
    register_panel("pilots/panels/startup.html", startup_panel, order=41)
    register_org_section("pilots/sections/org.html", org_section, order=40)
    register_section("challenge", "pilots/sections/challenge.html", challenge_section, order=60)
    register_section("solution", "pilots/sections/solution_fact_sheet.html", solution_fact_sheet_section, order=40)
    register_section("solution", "pilots/sections/solution_lineage.html", solution_lineage_section, order=45)
    register_section("application", "pilots/sections/application.html", application_section, order=60)
    register_search("pilot", _l("Pilots"), search, order=40)
    message_kind(
        "pilots.replication_invited", _l("%(municipality)s wants to replicate the pilot “%(title)s” with you.")
    )
    message_kind("pilots.report_overdue", _l("A progress report for the pilot “%(title)s” was due on %(due)s."))
