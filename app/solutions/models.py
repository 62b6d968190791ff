"""Solution profiles kept by startups."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin
from ..environments import EnvironmentsMixin
from ..extensions import db

SOLUTION_STATUSES = ("draft", "published", "archived")
CERTIFICATIONS = ("ISMAP", "ISMS", "PrivacyMark", "LGWAN-ASP", "SOC2")


class Solution(EnvironmentsMixin, TimestampMixin, db.Model):
    __tablename__ = "solutions"
    __policy__ = "solution"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40), index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    security_level: Mapped[int] = mapped_column(Integer, default=2)
    price_jpy_per_year: Mapped[int | None] = mapped_column(BigInteger, index=True)
    track_record: Mapped[list] = mapped_column(JSON, default=list)      # [{"municipality", "outcome"}]
    certifications: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    regions_served: Mapped[list] = mapped_column(JSON, default=list)    # prefectures or ["全国"]
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    language: Mapped[str] = mapped_column(String(5), default="ja")

    organization = relationship("Organization", lazy="joined")
