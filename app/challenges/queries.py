"""Read side: the challenge search (page, API, site search) and the lists other pages show.

Visibility is applied in SQL, mirroring the `challenge.view` rule: published, closed and
awarded challenges are listed; members-only ones need a login; drafts and cancelled ones
only for their owner and accepted co-owners (platform admins see all).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Organization
from ..db import utcnow
from .models import Challenge, ChallengeCoOwner
from .policies import VISIBLE_STATUSES
from .search import text_clause

TOKYO = ZoneInfo("Asia/Tokyo")
STATUS_SETS = {
    "published": ("published",),
    "past": ("closed", "awarded"),
    "draft": ("draft",),
    "cancelled": ("cancelled",),
    "all": ("draft", "published", "closed", "awarded", "cancelled"),
    "any": ("published", "closed", "awarded"),
}


def owning_clause(org_ids: set[int]):
    """Owner, or a co-owner that accepted."""
    return or_(
        Challenge.owner_org_id.in_(org_ids),
        exists().where(
            ChallengeCoOwner.challenge_id == Challenge.id,
            ChallengeCoOwner.org_id.in_(org_ids),
            ChallengeCoOwner.status == "accepted",
        ),
    )


def visible_clause(user):
    public = Challenge.status.in_(VISIBLE_STATUSES)
    if user is None:
        return public & (Challenge.visibility == "public")
    if user.is_platform_admin:
        return None
    org_ids = user.org_ids()
    return or_(public, owning_clause(org_ids)) if org_ids else public


def default_status(filters: dict) -> str:
    """Without a status: open challenges, or with words the open and past ones (what the site
    search finds too: a past challenge about 議事録 is an answer to 「議事録」; drafts never)."""
    return "any" if filters.get("q") and filters["q"].strip() else "published"


def search(filters: dict, user):
    """A select() of the challenges matching `filters` (ChallengeQuerySchema) that `user` may see."""
    # selectin (not the model's joined) loading keeps the filtered query a plain index walk.
    stmt = select(Challenge).options(selectinload(Challenge.owner))
    visible = visible_clause(user)
    if visible is not None:
        stmt = stmt.where(visible)
    stmt = stmt.where(Challenge.status.in_(STATUS_SETS[filters.get("status") or default_status(filters)]))
    text = text_clause(Challenge.search_text, filters.get("q"), Challenge.search_grams)
    if text is not None:
        stmt = stmt.where(text)
    if filters.get("category"):
        stmt = stmt.where(Challenge.category == filters["category"])
    if filters.get("org_id"):
        stmt = stmt.where(Challenge.owner_org_id == filters["org_id"])
    if filters.get("prefecture"):
        stmt = stmt.where(
            Challenge.owner_org_id.in_(select(Organization.id).where(Organization.prefecture == filters["prefecture"]))
        )
    if filters.get("environment"):
        stmt = stmt.where(getattr(Challenge, f"env_{filters['environment']}").is_(True))
    if filters.get("budget_min") is not None:
        stmt = stmt.where(Challenge.budget_max_jpy >= filters["budget_min"])
    if filters.get("budget_max") is not None:
        stmt = stmt.where(Challenge.budget_max_jpy <= filters["budget_max"])
    if filters.get("co_development"):
        stmt = stmt.where(Challenge.co_development.is_(True))
    if filters.get("offer"):
        from ..contributions.queries import offer_kind_clause

        stmt = stmt.where(offer_kind_clause(Challenge.offers, filters["offer"]))
    if filters.get("deadline_before"):
        end = datetime.combine(filters["deadline_before"] + timedelta(days=1), time.min, TOKYO)
        stmt = stmt.where(Challenge.application_deadline < end)
    if filters.get("open_only"):
        stmt = stmt.where(Challenge.application_deadline > utcnow())
    return stmt.order_by(*_order(filters.get("sort") or "newest"))


def _order(sort: str):
    if sort == "deadline":
        return Challenge.application_deadline.asc().nulls_last(), Challenge.id.desc()
    if sort == "budget_high":
        return Challenge.budget_max_jpy.desc().nulls_last(), Challenge.id.desc()
    if sort == "budget_low":
        return Challenge.budget_max_jpy.asc().nulls_last(), Challenge.id.desc()
    return Challenge.published_at.desc().nulls_last(), Challenge.id.desc()


def of_orgs(org_ids: set[int], limit: int = 20) -> list[Challenge]:
    """Challenges owned or co-owned by these organisations, any status (dashboard)."""
    from ..extensions import db

    return (
        db.session.scalars(
            select(Challenge).where(owning_clause(org_ids)).order_by(Challenge.updated_at.desc()).limit(limit)
        )
        .unique()
        .all()
    )


def pending_invitations(admin_org_ids: set[int]) -> list[ChallengeCoOwner]:
    from ..extensions import db

    if not admin_org_ids:
        return []
    return (
        db.session.scalars(
            select(ChallengeCoOwner)
            .where(ChallengeCoOwner.org_id.in_(admin_org_ids), ChallengeCoOwner.status == "invited")
            .order_by(ChallengeCoOwner.id.desc())
            .limit(20)
        )
        .unique()
        .all()
    )
