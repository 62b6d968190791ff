"""Sections on other pages: the specification a challenge or round started from; site search."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from ..extensions import db
from ..web.registry import SearchHit
from . import services
from .models import StandardSpecification


def challenge_section(challenge, user) -> dict | None:
    spec = services.spec_for("challenge", challenge.id) if user is not None else None
    return {"spec": spec} if spec is not None else None


def round_section(rnd, user) -> dict:
    """On a round page: the specification it started from, the one published from it, and whether the
    coordinator may publish one now."""
    published = db.session.scalar(select(StandardSpecification).where(StandardSpecification.origin_round_id == rnd.id))
    return {"started_from": services.spec_for("round", rnd.id), "published": published}


def search(q: str, user, limit: int = 5) -> list[SearchHit]:
    if user is None or not q:
        return []
    rows = db.session.scalars(services.specs_query(q=q).limit(limit)).unique().all()
    return [
        SearchHit(
            kind="specification",
            title=s.title,
            url=url_for("specifications.detail", spec_id=s.id),
            summary=(s.current.summary if s.current else "")[:160],
            meta=f"v{s.current.number}" if s.current else "",
        )
        for s in rows
    ]
