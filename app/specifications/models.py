"""Standard specifications (標準仕様書): a round's agreed specification for a service type, versioned,
with the uses that record who adopted it and which challenges and rounds started from it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

USE_KINDS = ("adoption", "challenge", "round")


class StandardSpecification(TimestampMixin, db.Model):
    __tablename__ = "specifications"
    __policy__ = "specification"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    service_type: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    coordinator_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    origin_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("procurement_rounds.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    coordinator = relationship("Organization", lazy="joined")
    origin_round = relationship("ProcurementRound")
    versions: Mapped[list["SpecificationVersion"]] = relationship(
        back_populates="specification",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="SpecificationVersion.number",
    )
    uses: Mapped[list["SpecificationUse"]] = relationship(
        back_populates="specification", cascade="all, delete-orphan", order_by="SpecificationUse.id"
    )

    def audit_org_id(self) -> int:
        return self.coordinator_org_id

    @property
    def current(self) -> "SpecificationVersion | None":
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> "SpecificationVersion | None":
        return next((v for v in self.versions if v.number == number), None)


class SpecificationVersion(db.Model):
    """One published text of the specification (v1, v2, ...); never edited once published."""

    __tablename__ = "specification_versions"
    __table_args__ = (UniqueConstraint("specification_id", "number"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(ForeignKey("specifications.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    must_have: Mapped[list] = mapped_column(JSON, default=list)
    nice_to_have: Mapped[list] = mapped_column(JSON, default=list)
    environments: Mapped[list] = mapped_column(JSON, default=list)
    security_level: Mapped[int] = mapped_column(Integer, default=2)
    seat_bands: Mapped[list] = mapped_column(JSON, default=list)  # [{"min_seats", "max_seats"}]
    price_min_jpy: Mapped[int | None] = mapped_column(BigInteger)
    price_max_jpy: Mapped[int | None] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    specification: Mapped[StandardSpecification] = relationship(back_populates="versions")

    def audit_org_id(self) -> int | None:
        return self.specification.coordinator_org_id if self.specification is not None else None


class SpecificationUse(db.Model):
    """A municipality adopted the specification, or a challenge or round was started from it."""

    __tablename__ = "specification_uses"
    __table_args__ = (UniqueConstraint("specification_id", "kind", "object_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(ForeignKey("specifications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    object_id: Mapped[int] = mapped_column(Integer, index=True)  # the org (adoption), challenge or round
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    specification: Mapped[StandardSpecification] = relationship(back_populates="uses")
    organization = relationship("Organization", lazy="joined")

    def audit_org_id(self) -> int | None:
        return self.org_id
