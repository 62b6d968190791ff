"""Joint procurement rounds (共同調達): participants with their requirement sheets, vendors, demo events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime
from ..environments import EnvironmentsMixin
from ..extensions import db


class ProcurementRound(TimestampMixin, db.Model):
    __tablename__ = "procurement_rounds"
    __policy__ = "procurement_round"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    service_type: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    feature_catalogue: Mapped[list] = mapped_column(JSON, default=list)
    optin_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    requirements_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_start: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))
    awarded_vendor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coordinator = relationship("Organization", foreign_keys=[coordinator_org_id], lazy="joined")
    awarded_vendor = relationship("Organization", foreign_keys=[awarded_vendor_org_id])
    challenge = relationship("Challenge")
    participants: Mapped[list["RoundParticipant"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin", order_by="RoundParticipant.id"
    )
    vendors: Mapped[list["RoundVendor"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin", order_by="RoundVendor.id"
    )
    demo_links: Mapped[list["RoundEvent"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin", order_by="RoundEvent.id"
    )

    def audit_org_id(self) -> int:
        return self.coordinator_org_id

    def participant_for(self, org_id: int | None) -> "RoundParticipant | None":
        return next((p for p in self.participants if p.org_id == org_id), None)

    def participant_org_ids(self) -> set[int]:
        return {p.org_id for p in self.participants}

    def vendor_org_ids(self) -> set[int]:
        return {v.org_id for v in self.vendors}


class RoundParticipant(EnvironmentsMixin, TimestampMixin, db.Model):
    """A municipality that opted in, with its requirement sheet (empty until submitted)."""

    __tablename__ = "procurement_participants"
    __table_args__ = (UniqueConstraint("round_id", "org_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    opted_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    seats: Mapped[int | None] = mapped_column(Integer)
    security_level: Mapped[int | None] = mapped_column(Integer)
    budget_max_jpy: Mapped[int | None] = mapped_column(BigInteger)
    must_have: Mapped[list] = mapped_column(JSON, default=list)
    nice_to_have: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    sheet_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sheet_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[ProcurementRound] = relationship(back_populates="participants")
    organization = relationship("Organization", lazy="joined")

    def audit_org_id(self) -> int:
        return self.org_id

    @property
    def has_sheet(self) -> bool:
        return self.sheet_submitted_at is not None


class RoundVendor(TimestampMixin, db.Model):
    """A startup invited to demo and to answer the joint specification."""

    __tablename__ = "procurement_vendors"
    __table_args__ = (UniqueConstraint("round_id", "org_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[ProcurementRound] = relationship(back_populates="vendors")
    organization = relationship("Organization", lazy="joined")

    def audit_org_id(self) -> int:
        return self.round.coordinator_org_id if self.round is not None else self.org_id


class RoundEvent(db.Model):
    """A demo day (app.events Event) scheduled for the round."""

    __tablename__ = "procurement_round_events"
    __table_args__ = (UniqueConstraint("round_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    vendor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))

    round: Mapped[ProcurementRound] = relationship(back_populates="demo_links")
    event = relationship("Event", lazy="joined")
    vendor = relationship("Organization")
