"""Events: meetups, workshops and contests (the contest itself lives in app/events/contests/)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime
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
    co_hosts: Mapped[list["EventCoHost"]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                         lazy="selectin")

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
