"""Procurement test helpers: a round with a coordinator, participants and sheets."""

from __future__ import annotations

from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.procurement.models import ProcurementRound, RoundParticipant, RoundVendor
from tests.factories import CoordinatorFactory, MunicipalityFactory


def make_round(coordinator=None, status="open", **kw) -> ProcurementRound:
    coordinator = coordinator or CoordinatorFactory()
    now = utcnow()
    rnd = ProcurementRound(
        coordinator_org_id=coordinator.id,
        service_type=kw.pop("service_type", "ai_minutes"),
        title=kw.pop("title", "AI議事録 共同調達"),
        description=kw.pop("description", "共同で調達します。"),
        feature_catalogue=kw.pop("feature_catalogue", ["話者識別", "要約の自動生成"]),
        optin_deadline=kw.pop("optin_deadline", now + timedelta(days=10)),
        requirements_deadline=kw.pop("requirements_deadline", now + timedelta(days=20)),
        status=status,
        **kw,
    )
    db.session.add(rnd)
    db.session.commit()
    return rnd


def add_participant(rnd, org=None, sheet: dict | None = None) -> RoundParticipant:
    org = org or MunicipalityFactory()
    p = RoundParticipant(round_id=rnd.id, org_id=org.id)
    if sheet is not None:
        p.environments = sheet.get("environments", ["lgwan"])
        p.seats = sheet.get("seats", 100)
        p.security_level = sheet.get("security_level", 2)
        p.budget_max_jpy = sheet.get("budget_max_jpy", 1_000_000)
        p.must_have = sheet.get("must_have", [])
        p.nice_to_have = sheet.get("nice_to_have", [])
        p.sheet_submitted_at = utcnow()
    db.session.add(p)
    db.session.commit()
    db.session.refresh(rnd)
    return p


def add_vendor(rnd, org) -> RoundVendor:
    v = RoundVendor(round_id=rnd.id, org_id=org.id)
    db.session.add(v)
    db.session.commit()
    db.session.refresh(rnd)
    return v
