"""Events: meetups, workshops and contests (the contest itself lives in app/events/contests/)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

EVENT_KINDS = ("meetup", "workshop", "contest")
EVENT_FORMATS = ("online", "venue", "hybrid")
EVENT_STATUSES = ("draft", "published", "cancelled")


class Event(TimestampMixin, db.Model):
    __tablename__ = "events"
    __policy__ = "event"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    host_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="meetup")
    format: Mapped[str] = mapped_column(String(20), default="venue")
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Tokyo")
    capacity: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)

    host = relationship("Organization", lazy="joined")
    co_hosts: Mapped[list["EventCoHost"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin"
    )

    def audit_org_id(self) -> int:
        return self.host_org_id

    def host_org_ids(self) -> set[int]:
        return {self.host_org_id} | {c.org_id for c in self.co_hosts}


class EventCoHost(db.Model):
    __tablename__ = "event_co_hosts"
    __table_args__ = (UniqueConstraint("event_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)

    event: Mapped[Event] = relationship(back_populates="co_hosts")
    organization = relationship("Organization", lazy="joined")


# Challenges an event is about (a workshop on a problem, a contest for a challenge).
event_challenges = db.Table(
    "event_challenges",
    db.Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    db.Column("challenge_id", ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
)

Event.challenges = relationship("Challenge", secondary=event_challenges, lazy="selectin", order_by="Challenge.id")

RSVP_STATUSES = ("confirmed", "waitlisted", "cancelled")


class Rsvp(TimestampMixin, db.Model):
    """One registration per user per event. `checked_in_at` is set at the door (the contests use it
    for voter eligibility). The waitlist is ordered by `requested_at` (first come, first served)."""

    __tablename__ = "event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)
    __policy__ = "rsvp"
    __audited__ = True
    __audit_exclude__ = ("ticket_nonce",)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="confirmed", index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the signed ticket token; renewed on every new registration so old QR codes stop working.
    ticket_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    event: Mapped[Event] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    def audit_org_id(self) -> int:
        return self.event.host_org_id if self.event else None


class ProblemCard(TimestampMixin, db.Model):
    """A workshop card: an internal problem a municipality's staff shares with startups."""

    __tablename__ = "event_problem_cards"
    __policy__ = "problem_card"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), default="backoffice_dx")
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(lazy="joined")
    author = relationship("User", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    challenge = relationship("Challenge")

    def audit_org_id(self) -> int:
        return self.org_id


class CardLike(db.Model):
    __tablename__ = "event_card_likes"
    __table_args__ = (UniqueConstraint("card_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("event_problem_cards.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
