"""Committee scoring services (helpers used by policies live here too)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Committee


def committee_for_challenge(challenge_id: int) -> Committee | None:
    return db.session.scalar(select(Committee).where(Committee.challenge_id == challenge_id))
