"""Challenges (課題) published by a municipality, alone or jointly with co-owners."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import SearchGrams, TimestampMixin, UTCDateTime
from ..environments import EnvironmentsMixin
from ..extensions import db

CHALLENGE_STATUSES = ("draft", "published", "closed", "awarded", "cancelled")
VISIBILITIES = ("public", "members")
CO_OWNER_STATUSES = ("invited", "accepted", "declined")


class Challenge(EnvironmentsMixin, TimestampMixin, db.Model):
    __tablename__ = "challenges"
    __policy__ = "challenge"
    __audited__ = True
    __audit_exclude__ = ("search_text", "search_grams")
    __table_args__ = (
        # The search page filters by status and category and sorts by deadline.
        Index("ix_challenges_status_category_deadline", "status", "category", "application_deadline"),
        # The ids a viewer may see (matchmaking's allowed set on every challenge page, site search):
        # an index-only scan instead of reading the whole table.
        Index("ix_challenges_status_visibility_id", "status", "visibility", "id"),
        # Substring search on PostgreSQL (pg_trgm; see app/challenges/search.py).
        Index(
            "ix_challenges_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # One- and two-character terms (tsvector of character bigrams; see app/challenges/search.py).
        Index("ix_challenges_search_grams", "search_grams", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    current_workflow: Mapped[str] = mapped_column(Text, default="")
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    kpis: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40), index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    security_level: Mapped[int] = mapped_column(Integer, default=2)
    budget_min_jpy: Mapped[int | None] = mapped_column(BigInteger)
    budget_max_jpy: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # What the city brings besides money (app/contributions): "no budget: co-development" and offers
    # [{"kind", "description"}] (test field, data, staff time, residents, office space, reference letter).
    co_development: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    offers: Mapped[list] = mapped_column(JSON, default=list)
    application_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    pilot_start: Mapped[date | None] = mapped_column(Date)
    pilot_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    language: Mapped[str] = mapped_column(String(5), default="ja")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubrics.id", ondelete="SET NULL"))
    # Normalised (NFKC, case-folded) title, summary and tags, and their character n-grams, kept up to
    # date on every flush. Only searched, never shown: deferred, so loading a challenge skips them.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    search_grams: Mapped[list | None] = mapped_column(SearchGrams, nullable=True, deferred=True)

    owner = relationship("Organization", lazy="joined")
    co_owners: Mapped[list["ChallengeCoOwner"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", lazy="selectin"
    )
    rubric = relationship("Rubric")

    def audit_org_id(self) -> int:
        return self.owner_org_id

    def accepted_co_owner_ids(self) -> set[int]:
        return {c.org_id for c in self.co_owners if c.status == "accepted"}

    def owning_org_ids(self) -> set[int]:
        """The owner and the co-owners who accepted: they manage applications and scoring."""
        return {self.owner_org_id} | self.accepted_co_owner_ids()


class ChallengeCoOwner(TimestampMixin, db.Model):
    __tablename__ = "challenge_co_owners"
    __table_args__ = (UniqueConstraint("challenge_id", "org_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship(back_populates="co_owners")
    organization = relationship("Organization", lazy="joined")

    def audit_org_id(self) -> int:
        return self.org_id


def refresh_search_columns(challenge: Challenge) -> None:
    from .search import build_search_text, grams

    # the whole text a reader sees (and the matching engine indexes), so that the list's keyword
    # box finds what the site search finds
    challenge.search_text = build_search_text(
        challenge.title,
        challenge.summary,
        challenge.background,
        challenge.current_workflow,
        challenge.desired_outcome,
        lists=(challenge.tags or (), challenge.kpis or ()),
    )
    challenge.search_grams = grams(challenge.search_text)


def _refresh_search_text(_mapper, _connection, challenge: Challenge) -> None:
    refresh_search_columns(challenge)


event.listen(Challenge, "before_insert", _refresh_search_text)
event.listen(Challenge, "before_update", _refresh_search_text)
