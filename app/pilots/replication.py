"""Replicating a pilot into another municipality: a draft copy with the origin's KPIs as reference values,
optionally a draft challenge, and a notice to the startup. Services flush, never commit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..errors import InvalidInput
from ..extensions import db
from .lineage import check_lineage
from .models import Pilot, PilotKpi
from .naming import rename_for
from .services import acting_municipality


def replicate(origin: Pilot, user, municipality_id: int | None = None, with_challenge: bool = False) -> Pilot:
    municipality = acting_municipality(user, municipality_id)
    if municipality.id == origin.municipality_id:
        raise InvalidInput({"municipality_id": [_l("You cannot replicate a pilot into its own municipality.")]})
    pilot = Pilot(
        municipality_id=municipality.id,
        startup_id=origin.startup_id,
        solution_id=origin.solution_id,
        origin_id=origin.id,
        created_by_id=user.id,
        status="draft",
        title=rename_for(origin.title, origin.municipality, municipality),
        category=origin.category,
        objectives=origin.objectives,
        scope=origin.scope,
        environment=origin.environment,
        language=origin.language,
        report_interval_days=origin.report_interval_days,
    )
    db.session.add(pilot)
    db.session.flush()
    check_lineage(pilot, origin)
    for i, k in enumerate(origin.kpis):
        db.session.add(
            PilotKpi(
                pilot_id=pilot.id,
                name=k.name,
                unit=k.unit,
                direction=k.direction,
                baseline=k.baseline,
                target=k.target,
                reference_baseline=k.baseline,
                reference_target=k.target,
                position=i,
            )
        )
    if with_challenge:
        from ..challenges.models import Challenge

        challenge = Challenge(
            owner_org_id=municipality.id,
            created_by_id=user.id,
            title=pilot.title,
            summary=origin.objectives,
            desired_outcome=origin.objectives,
            kpis=[k.name for k in origin.kpis],
            category=origin.category,
            status="draft",
            visibility="public",
            language=origin.language,
        )
        if origin.environment:
            challenge.environments = [origin.environment]
        db.session.add(challenge)
        db.session.flush()
        pilot.challenge_id = challenge.id
    db.session.flush()
    db.session.refresh(pilot)
    if pilot.startup_id:
        from flask import url_for
        from ..notifications.services import notify_org

        notify_org(
            pilot.startup_id,
            "pilots.replication_invited",
            {"municipality": municipality.name_ja, "title": pilot.title},
            link=url_for("pilots.detail", pilot_id=pilot.id),
        )
    return pilot
