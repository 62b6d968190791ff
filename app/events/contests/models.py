"""Pitch contests: entries, judges, live staff-voting rounds, ballots, likes, snapshots, results.

Ballots are append-only: a change inserts a new row and marks the previous one superseded.
A partial unique index allows ONE current ballot per voter per round.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...db import TimestampMixin, UTCDateTime, utcnow
from ...extensions import db

CONTEST_STATUSES = ("draft", "live", "finalized")
ROUND_STATUSES = ("draft", "open", "closed")
VOTE_METHODS = ("single", "approval")
ELIGIBILITY_MODES = ("staff", "checked_in", "join_code")


def _host_org_of(contest_id: int | None) -> int | None:
    """For audit rows of contest children (their relationship may not be loaded during a flush)."""
    from ..models import Event

    if contest_id is None:
        return None
    with db.session.no_autoflush:
        return db.session.scalar(
            db.select(Event.host_org_id).join(Contest, Contest.event_id == Event.id).where(Contest.id == contest_id)
        )


class Contest(TimestampMixin, db.Model):
    __tablename__ = "contests"
    __policy__ = "contest"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("weight_judges + weight_votes + weight_likes = 100", name="weights_sum_100"),
        CheckConstraint("weight_judges >= 0 AND weight_votes >= 0 AND weight_likes >= 0", name="weights_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubrics.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight_judges: Mapped[int] = mapped_column(Integer, default=60)
    weight_votes: Mapped[int] = mapped_column(Integer, default=35)
    weight_likes: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    named_export: Mapped[bool] = mapped_column(Boolean, default=False)  # voter names in the organiser's CSV
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    pitch_seconds: Mapped[int] = mapped_column(Integer, default=300)
    current_entry_id: Mapped[int | None] = mapped_column(Integer)
    pitch_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Recorded at finalisation: the judges' part rests on `score_sheets_done` of `score_sheets_expected`
    # sheets (judge × entry, recusals excepted); who confirmed finalising with sheets missing, and when.
    score_sheets_done: Mapped[int | None] = mapped_column(Integer)
    score_sheets_expected: Mapped[int | None] = mapped_column(Integer)
    incomplete_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    incomplete_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event = relationship("Event", lazy="joined")
    incomplete_confirmed_by = relationship("User", foreign_keys=[incomplete_confirmed_by_id])
    rubric = relationship("Rubric")
    entries: Mapped[list["Entry"]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="Entry.position", lazy="selectin"
    )
    rounds: Mapped[list["VotingRound"]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="VotingRound.id"
    )
    judges: Mapped[list["ContestJudge"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def audit_org_id(self) -> int | None:
        return self.event.host_org_id if self.event is not None else _host_org_of(self.id)

    def host_org_ids(self) -> set[int]:
        return self.event.host_org_ids()

    def judge_ids(self) -> set[int]:
        return {j.user_id for j in self.judges}

    @property
    def formula(self) -> dict:
        return {"judges": self.weight_judges, "votes": self.weight_votes, "likes": self.weight_likes}


class Entry(TimestampMixin, db.Model):
    __tablename__ = "contest_entries"
    __table_args__ = (UniqueConstraint("contest_id", "org_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(20), default="invitation")  # invitation | application

    contest: Mapped[Contest] = relationship(back_populates="entries")
    organization = relationship("Organization", lazy="joined")
    solution = relationship("Solution")

    def audit_org_id(self) -> int | None:
        return _host_org_of(self.contest_id)


class ContestJudge(db.Model):
    __tablename__ = "contest_judges"
    __table_args__ = (UniqueConstraint("contest_id", "user_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user = relationship("User", lazy="joined")


class JudgeDeclaration(db.Model):
    """Conflict of interest declared by a judge for one entry; `has_conflict` recuses them."""

    __tablename__ = "contest_judge_declarations"
    __table_args__ = (UniqueConstraint("entry_id", "judge_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    has_conflict: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JudgeScore(TimestampMixin, db.Model):
    """A judge's scores for one entry on the contest rubric: {criterion key: value}."""

    __tablename__ = "contest_judge_scores"
    __table_args__ = (UniqueConstraint("entry_id", "judge_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)


class VotingRound(TimestampMixin, db.Model):
    __tablename__ = "contest_rounds"
    __policy__ = "contest_round"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(20), default="single")
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    eligibility: Mapped[list] = mapped_column(JSON, default=lambda: ["staff"])
    allow_change: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Bumped with a core UPDATE by each accepted ballot (not audited: ballots are their own trail).
    version: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    snapshot: Mapped["TallySnapshot | None"] = relationship(back_populates="round", uselist=False)

    def audit_org_id(self) -> int | None:
        return _host_org_of(self.contest_id)


class JoinPass(db.Model):
    """Someone who entered the contest's join code: a guest (no account) or a logged-in user."""

    __tablename__ = "contest_join_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ballot(db.Model):
    __tablename__ = "contest_ballots"
    __table_args__ = (
        Index(
            "uq_contest_ballot_current",
            "round_id",
            "voter_key",
            unique=True,
            postgresql_where=text("superseded_at IS NULL"),
            sqlite_where=text("superseded_at IS NULL"),
        ),
        UniqueConstraint("round_id", "voter_key", "idempotency_key", name="uq_contest_ballot_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(40))  # "u:<user id>" or "g:<join pass id>"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    join_pass_id: Mapped[int | None] = mapped_column(ForeignKey("contest_join_passes.id", ondelete="SET NULL"))
    choices: Mapped[list] = mapped_column(JSON)  # sorted entry ids
    idempotency_key: Mapped[str] = mapped_column(String(80))
    receipt: Mapped[str] = mapped_column(String(40), unique=True)
    via: Mapped[str] = mapped_column(String(10), default="http")  # http | socket
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)


class Like(db.Model):
    __tablename__ = "contest_likes"
    __table_args__ = (UniqueConstraint("entry_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TallySnapshot(db.Model):
    """The tally frozen at round close: counts + the ids of the counted ballots, and their sha256."""

    __tablename__ = "contest_tally_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), unique=True)
    counts: Mapped[dict] = mapped_column(JSON)
    ballot_ids: Mapped[list] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[VotingRound] = relationship(back_populates="snapshot")


class ContestResult(db.Model):
    """The final ranking, stored when the contest is finalised."""

    __tablename__ = "contest_results"
    __table_args__ = (UniqueConstraint("contest_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    judge_score: Mapped[float | None] = mapped_column(Float)  # normalised 0..1
    judges: Mapped[int] = mapped_column(Integer, default=0)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    vote_share: Mapped[float] = mapped_column(Float, default=0.0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    like_share: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float)  # 0..100

    entry = relationship("Entry", lazy="joined")
