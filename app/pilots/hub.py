"""Give to get: has a user's municipality unlocked the shared contract hub? Asked by the hub's rules
(policies.py) and its listings (contracts.py), so it sits below both."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import ContractHubWaiver, ContractRecord


def unlocked_org_ids() -> set[int]:
    contributed = set(db.session.scalars(select(ContractRecord.municipality_id).distinct()).all())
    waived = set(db.session.scalars(select(ContractHubWaiver.org_id)).all())
    return contributed | waived


def hub_unlocked(user) -> bool:
    """Has one of the user's municipalities contributed a contract record (or been waived)?"""
    if user is None:
        return False
    if user.is_platform_admin:
        return True
    return bool(user.org_ids(kind="municipality") & unlocked_org_ids())
