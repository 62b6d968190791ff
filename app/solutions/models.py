"""Solution profiles kept by startups."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import SearchGrams, TimestampMixin
from ..environments import EnvironmentsMixin
from ..extensions import db

SOLUTION_STATUSES = ("draft", "published", "archived")
CERTIFICATIONS = ("ISMAP", "ISMS", "PrivacyMark", "LGWAN-ASP", "SOC2")


class Solution(EnvironmentsMixin, TimestampMixin, db.Model):
    __tablename__ = "solutions"
    __policy__ = "solution"
    __audited__ = True
    __audit_exclude__ = ("search_text", "search_grams", "facets")
    __table_args__ = (
        Index("ix_solutions_status_id", "status", "id"),
        # Substring search on PostgreSQL (pg_trgm; see app/challenges/search.py).
        Index(
            "ix_solutions_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # One- and two-character terms (tsvector of character bigrams; see app/challenges/search.py).
        Index("ix_solutions_search_grams", "search_grams", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40), index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    security_level: Mapped[int] = mapped_column(Integer, default=2)
    price_jpy_per_year: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # A free pilot period offered to any municipality (app/contributions): fits a zero-budget challenge.
    free_pilot_months: Mapped[int | None] = mapped_column(Integer)
    track_record: Mapped[list] = mapped_column(JSON, default=list)  # [{"municipality", "outcome"}]
    certifications: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    regions_served: Mapped[list] = mapped_column(JSON, default=list)  # prefectures or ["全国"]
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    language: Mapped[str] = mapped_column(String(5), default="ja")

    # Normalised title, summary, features and tags, and their character n-grams; and
    # " cert:<code> region:<name> " tokens for the certification and region filters. All are kept up to
    # date on every flush. Only searched, never shown: deferred, so loading a solution skips them.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    search_grams: Mapped[list | None] = mapped_column(SearchGrams, nullable=True, deferred=True)
    facets: Mapped[str] = mapped_column(Text, default="", deferred=True)

    organization = relationship("Organization", lazy="joined")

    def audit_org_id(self) -> int:
        return self.org_id


def facet_token(kind: str, value: str) -> str:
    return f" {kind}:{value.casefold()} "


def refresh_search_columns(solution: Solution) -> None:
    from ..challenges.search import build_search_text, grams

    solution.search_text = build_search_text(
        solution.title, solution.summary, lists=(solution.features or (), solution.tags or ())
    )
    solution.search_grams = grams(solution.search_text)
    tokens = [facet_token("cert", c) for c in solution.certifications or ()]
    tokens += [facet_token("region", r) for r in solution.regions_served or ()]
    solution.facets = "".join(tokens)


def _refresh_search_text(_mapper, _connection, solution: Solution) -> None:
    refresh_search_columns(solution)


event.listen(Solution, "before_insert", _refresh_search_text)
event.listen(Solution, "before_update", _refresh_search_text)
