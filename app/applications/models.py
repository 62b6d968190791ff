"""Applications (proposals) from startups to challenges, with consortium partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

APPLICATION_STATUSES = ("draft", "submitted", "under_review", "shortlisted", "selected", "not_selected", "withdrawn")
DECIDED = ("selected", "not_selected")


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("challenge_id", "applicant_org_id"),)
    __policy__ = "application"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"), index=True)
    applicant_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposal: Mapped[str] = mapped_column(Text, default="")
    implementation_plan: Mapped[str] = mapped_column(Text, default="")
    schedule: Mapped[str] = mapped_column(Text, default="")
    cost_estimate_jpy: Mapped[int | None] = mapped_column(BigInteger)
    # What the startup brings besides the estimate (app/contributions).
    free_pilot_months: Mapped[int | None] = mapped_column(Integer)
    in_kind: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Selected although the committee was still open and/or the deadline had not passed (confirmed by the
    # decider): a list of "committee_open", "before_deadline"; None when the decision was made in order.
    early_decision: Mapped[list | None] = mapped_column(JSON)

    challenge = relationship("Challenge", lazy="joined")
    solution = relationship("Solution")
    applicant = relationship("Organization", lazy="joined")
    partners: Mapped[list["ApplicationPartner"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin"
    )
    history: Mapped[list["ApplicationStatusChange"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationStatusChange.id"
    )

    def audit_org_id(self) -> int:
        return self.applicant_org_id

    def partner_org_ids(self) -> set[int]:
        return {p.org_id for p in self.partners}


class ApplicationPartner(db.Model):
    __tablename__ = "application_partners"
    __table_args__ = (UniqueConstraint("application_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")

    application: Mapped[Application] = relationship(back_populates="partners")
    organization = relationship("Organization", lazy="joined")


class ApplicationStatusChange(db.Model):
    __tablename__ = "application_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")
