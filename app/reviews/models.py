"""Committee scoring: rubric, committee of judges, conflict declarations, reviews.

`Rubric` and `Criterion` are shared with pitch contests (app/events).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

COMMITTEE_STATUSES = ("open", "closed")


def _owner_org_of_application(application_id: int) -> int | None:
    """The owning municipality of an application's challenge (audit events go to its log)."""
    from ..applications.models import Application

    application = db.session.get(Application, application_id)
    return application.challenge.owner_org_id if application is not None else None


class Rubric(TimestampMixin, db.Model):
    __tablename__ = "rubrics"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan", order_by="Criterion.position", lazy="selectin"
    )


class Criterion(db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (
        UniqueConstraint("rubric_id", "key"),
        CheckConstraint("scale_min < scale_max", name="scale_order"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(50))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    position: Mapped[int] = mapped_column(Integer, default=0)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    def name(self, locale: str = "ja") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ja


class Committee(TimestampMixin, db.Model):
    __tablename__ = "committees"
    __policy__ = "committee"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge = relationship("Challenge", lazy="joined")
    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", lazy="selectin"
    )

    def audit_org_id(self) -> int:
        return self.challenge.owner_org_id

    def judge_ids(self) -> set[int]:
        return {m.user_id for m in self.members}


class CommitteeMember(db.Model):
    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("committee_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")


class ReviewAssignment(db.Model):
    """A judge is asked to score an application."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("application_id", "judge_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    judge = relationship("User", lazy="joined")
    application = relationship("Application")
    committee = relationship("Committee")

    def audit_org_id(self) -> int:
        return self.committee.challenge.owner_org_id


class ConflictDeclaration(db.Model):
    """Declared before scoring. `has_conflict` recuses the judge from the application (logged)."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("application_id", "judge_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    has_conflict: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_org_id(self) -> int | None:
        return _owner_org_of_application(self.application_id)


class Review(TimestampMixin, db.Model):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("application_id", "judge_id"),)
    __policy__ = "review"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    judge = relationship("User", lazy="joined")
    scores: Mapped[list["ReviewScore"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin"
    )

    def audit_org_id(self) -> int | None:
        return _owner_org_of_application(self.application_id)


class ReviewScore(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)

    review: Mapped[Review] = relationship(back_populates="scores")
