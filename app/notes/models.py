"""Practice notes (知恵の共有): short write-ups by municipal staff — how a pilot was run, what to ask
vendors at a demo — linked to the pilot, round, specification or challenge they are about."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin
from ..extensions import db

VISIBILITIES = ("members", "public")
LINKS = ("pilot_id", "round_id", "specification_id", "challenge_id")


class PracticeNote(TimestampMixin, db.Model):
    __tablename__ = "practice_notes"
    __policy__ = "note"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(10), default="members", index=True)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    pilot_id: Mapped[int | None] = mapped_column(ForeignKey("pilots.id", ondelete="SET NULL"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("procurement_rounds.id", ondelete="SET NULL"), index=True)
    specification_id: Mapped[int | None] = mapped_column(
        ForeignKey("specifications.id", ondelete="SET NULL"), index=True
    )
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"), index=True)

    author = relationship("User")
    organization = relationship("Organization", lazy="joined")
    pilot = relationship("Pilot")
    round = relationship("ProcurementRound")
    specification = relationship("StandardSpecification")
    challenge = relationship("Challenge")

    def audit_org_id(self) -> int:
        return self.org_id
