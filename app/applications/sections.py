"""What applications add to other pages: the challenge page section and the startup dashboard panel."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..policies import can
from ..web.registry import register_panel, register_section
from . import services
from .models import Application


def challenge_section(challenge, user):
    if user is None:
        if challenge.status == "published":
            return {"challenge": challenge, "mode": "anonymous", "deadline_passed": services.deadline_passed(challenge)}
        return None
    ctx = {
        "challenge": challenge,
        "deadline_passed": services.deadline_passed(challenge),
        "labels": services.STATUS_LABELS,
    }
    if can(user, "challenge.view_applications", challenge):
        ctx["mode"] = "owner"
        ctx["counts"] = dict(
            db.session.execute(
                select(Application.status, func.count(Application.id))
                .where(Application.challenge_id == challenge.id, Application.status != "draft")
                .group_by(Application.status)
            ).all()
        )
        return ctx
    startup_ids = user.org_ids(kind="startup")
    if startup_ids:
        ctx["mode"] = "startup"
        ctx["mine"] = services.application_of(startup_ids, challenge.id)
        ctx["can_apply"] = can(user, "challenge.apply", challenge) and not ctx["deadline_passed"]
        return ctx
    return None


def my_applications_panel(user):
    startup_ids = user.org_ids(kind="startup")
    if not startup_ids:
        return None
    items = db.session.scalars(services.applications_of_orgs(startup_ids).limit(10)).all()
    return {"applications": items, "labels": services.STATUS_LABELS}


def register_sections() -> None:
    register_section("challenge", "applications/_challenge_section.html", challenge_section, order=20)
    register_panel("applications/_panel.html", my_applications_panel, order=20)
