"""Matchmaking state: invitations, Dejima referrals, pending alerts and digests, index health."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

REFERRAL_STATUSES = ("pending_consent", "consented", "declined")


class MatchInvitation(TimestampMixin, db.Model):
    """A challenge owner invited a matched startup (through its solution) to apply."""

    __tablename__ = "match_invitations"
    __table_args__ = (UniqueConstraint("challenge_id", "org_id"),)
    __policy__ = "match_invitation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))

    challenge = relationship("Challenge")
    solution = relationship("Solution")

    def audit_org_id(self) -> int:
        return self.challenge.owner_org_id


class Referral(TimestampMixin, db.Model):
    """Dejima (出島): a not-selected proposal passed on to other open challenges, with consent."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("application_id"),)
    __policy__ = "referral"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    startup_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending_consent", index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application = relationship("Application", lazy="joined")
    from_challenge = relationship("Challenge", foreign_keys=[from_challenge_id])
    startup = relationship("Organization", foreign_keys=[startup_org_id])
    targets: Mapped[list["ReferralTarget"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", lazy="selectin", order_by="ReferralTarget.id"
    )

    def audit_org_id(self) -> int:
        return self.startup_org_id

    def target_challenge_ids(self) -> set[int]:
        return {t.challenge_id for t in self.targets}


class ReferralTarget(db.Model):
    __tablename__ = "referral_targets"
    __table_args__ = (UniqueConstraint("referral_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)

    referral: Mapped[Referral] = relationship(back_populates="targets")
    challenge = relationship("Challenge")


class PendingAlert(db.Model):
    """A published challenge matched a startup's solution; waits for the daily digest."""

    __tablename__ = "matchmaking_pending_alerts"
    __table_args__ = (UniqueConstraint("org_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class DigestLog(db.Model):
    """One row per startup and (Tokyo) day a digest went out: at most one digest a day."""

    __tablename__ = "matchmaking_digests"
    __table_args__ = (UniqueConstraint("org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexingFailure(db.Model):
    """An index update that failed (shown to platform admins until resolved)."""

    __tablename__ = "matchmaking_indexing_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class ReindexRun(db.Model):
    """A full rebuild started from the admin page or the CLI, with its progress."""

    __tablename__ = "matchmaking_reindex_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    generation: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class SimilarList(db.Model):
    """The precomputed "similar" list of one indexed document (a challenge's similar past
    challenges, and pilots once registered): its best matches among the kinds shown next to
    it, best first, as ``[{"id": "challenge:12", "title", "terms", "score"}]``.

    Written when the index changes (the full rebuild, and the update job of a document, which
    also refreshes the lists of that document's neighbours), read by the page. Visibility is
    never stored here: the page checks what the viewer may see each time.
    """

    __tablename__ = "matchmaking_similar_lists"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # engine id, e.g. "challenge:12"
    items: Mapped[list] = mapped_column(JSON, default=list)
    generation: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
