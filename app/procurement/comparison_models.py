"""Tool comparisons (機能比較): after the demos, the coordinator records, per vendor solution, whether it
meets each of the round's requirements, with the quoted price and the demo date. The vendor may reply
to any cell (a right of reply)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime
from ..extensions import db

RESULTS = ("met", "partial", "not_met")


class ComparisonRow(TimestampMixin, db.Model):
    __tablename__ = "procurement_comparisons"
    __table_args__ = (UniqueConstraint("round_id", "solution_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    vendor_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    quoted_price_jpy: Mapped[int | None] = mapped_column(BigInteger)
    demo_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round = relationship("ProcurementRound")
    solution = relationship("Solution", lazy="joined")
    vendor = relationship("Organization", lazy="joined")
    cells: Mapped[list["ComparisonCell"]] = relationship(
        back_populates="row", cascade="all, delete-orphan", lazy="selectin", order_by="ComparisonCell.id"
    )

    def audit_org_id(self) -> int | None:
        return self.round.coordinator_org_id if self.round is not None else None

    def cell(self, requirement: str) -> "ComparisonCell | None":
        return next((c for c in self.cells if c.requirement == requirement), None)


class ComparisonCell(db.Model):
    __tablename__ = "procurement_comparison_cells"
    __table_args__ = (UniqueConstraint("row_id", "requirement"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("procurement_comparisons.id", ondelete="CASCADE"), index=True)
    requirement: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    vendor_reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    row: Mapped[ComparisonRow] = relationship(back_populates="cells")

    def audit_org_id(self) -> int | None:
        return self.row.vendor_org_id if self.row is not None else None
