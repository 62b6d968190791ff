"""Pilots (実証実験) with KPIs, progress reports and replication lineage; the shared contract hub
(contract records, give-to-get waivers) and versioned AI fact sheets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

PILOT_STATUSES = ("draft", "planned", "running", "completed", "adopted", "not_adopted", "discontinued")
FINAL_STATUSES = ("adopted", "not_adopted", "discontinued")
# from -> allowed next states
TRANSITIONS = {
    "draft": ("planned", "discontinued"),
    "planned": ("running", "discontinued"),
    "running": ("completed", "discontinued"),
    "completed": ("adopted", "not_adopted"),
    "adopted": (),
    "not_adopted": (),
    "discontinued": (),
}
DIRECTIONS = ("higher_is_better", "lower_is_better")
PRICE_UNITS = ("per_year", "per_seat", "one_off")


class Pilot(TimestampMixin, db.Model):
    __tablename__ = "pilots"
    __policy__ = "pilot"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    startup_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"), index=True)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"), unique=True)
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("pilots.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    sites: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), index=True)
    environment: Mapped[str | None] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    budget_jpy: Mapped[int | None] = mapped_column(BigInteger)
    actual_cost_jpy: Mapped[int | None] = mapped_column(BigInteger)
    # Residents served, when known; otherwise the municipality's population band midpoint is used.
    population: Mapped[int | None] = mapped_column(Integer)
    team_municipality: Mapped[str] = mapped_column(Text, default="")
    team_startup: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    costs_public: Mapped[bool] = mapped_column(Boolean, default=False)
    report_interval_days: Mapped[int] = mapped_column(Integer, default=30)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Final report
    results: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    replication_prerequisites: Mapped[str] = mapped_column(Text, default="")
    replication_effort: Mapped[str] = mapped_column(Text, default="")
    replication_pitfalls: Mapped[str] = mapped_column(Text, default="")

    municipality = relationship("Organization", foreign_keys=[municipality_id], lazy="joined")
    startup = relationship("Organization", foreign_keys=[startup_id], lazy="joined")
    solution = relationship("Solution")
    challenge = relationship("Challenge")
    origin: Mapped["Pilot | None"] = relationship(remote_side=[id], foreign_keys=[origin_id])
    kpis: Mapped[list["PilotKpi"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="PilotKpi.position, PilotKpi.id", lazy="selectin"
    )
    reports: Mapped[list["PilotReport"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="PilotReport.period_end.desc()"
    )

    def audit_org_id(self) -> int:
        return self.municipality_id

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


def _pilot_org(pilot_id) -> int | None:
    """The audit log files a pilot's child rows under the pilot's municipality."""
    with db.session.no_autoflush:
        pilot = db.session.get(Pilot, pilot_id) if pilot_id else None
    return pilot.municipality_id if pilot is not None else None


class PilotKpi(TimestampMixin, db.Model):
    __tablename__ = "pilot_kpis"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(20), default="higher_is_better")
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    # Carried over from the origin pilot when replicated: shown as a reference only.
    reference_baseline: Mapped[float | None] = mapped_column(Float)
    reference_target: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)

    pilot: Mapped[Pilot] = relationship(back_populates="kpis")

    def audit_org_id(self) -> int | None:
        return _pilot_org(self.pilot_id)

    measurements: Mapped[list["KpiMeasurement"]] = relationship(
        back_populates="kpi",
        cascade="all, delete-orphan",
        order_by="KpiMeasurement.measured_on, KpiMeasurement.id",
        lazy="selectin",
    )


class KpiMeasurement(db.Model):
    __tablename__ = "pilot_kpi_measurements"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("pilot_kpis.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kpi: Mapped[PilotKpi] = relationship(back_populates="measurements")

    def audit_org_id(self) -> int | None:
        with db.session.no_autoflush:
            kpi = db.session.get(PilotKpi, self.kpi_id)
        return _pilot_org(kpi.pilot_id) if kpi is not None else None


class PilotReport(db.Model):
    __tablename__ = "pilot_reports"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    issues: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pilot: Mapped[Pilot] = relationship(back_populates="reports")
    author = relationship("User")

    def audit_org_id(self) -> int | None:
        return _pilot_org(self.pilot_id)


class FactSheet(db.Model):
    """One saved version of a solution's AI fact sheet; each save adds a version."""

    __tablename__ = "fact_sheets"
    __table_args__ = (UniqueConstraint("solution_id", "version"),)
    __policy__ = "fact_sheet"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    system_purpose: Mapped[str] = mapped_column(Text, default="")
    model_provider: Mapped[str] = mapped_column(Text, default="")
    training_data: Mapped[str] = mapped_column(Text, default="")
    test_data: Mapped[str] = mapped_column(Text, default="")
    performance: Mapped[str] = mapped_column(Text, default="")
    known_limits: Mapped[str] = mapped_column(Text, default="")
    privacy: Mapped[str] = mapped_column(Text, default="")
    human_oversight: Mapped[str] = mapped_column(Text, default="")
    responsible_ai_policy: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    solution = relationship("Solution", lazy="joined")
    author = relationship("User")

    def audit_org_id(self) -> int | None:
        from ..solutions.models import Solution

        with db.session.no_autoflush:
            solution = db.session.get(Solution, self.solution_id)
        return solution.org_id if solution is not None else None


class ContractRecord(TimestampMixin, db.Model):
    __tablename__ = "contract_records"
    __policy__ = "contract"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    pilot_id: Mapped[int | None] = mapped_column(ForeignKey("pilots.id", ondelete="SET NULL"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="SET NULL"), index=True)
    vendor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    vendor_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), index=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    price_jpy: Mapped[int | None] = mapped_column(BigInteger, index=True)
    price_unit: Mapped[str] = mapped_column(String(20), default="per_year")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    data_ownership: Mapped[str] = mapped_column(Text, default="")
    security: Mapped[str] = mapped_column(Text, default="")
    exit_terms: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)  # item -> {"answer": yes|no|na, "note": str}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    municipality = relationship("Organization", foreign_keys=[municipality_id], lazy="joined")
    vendor = relationship("Organization", foreign_keys=[vendor_org_id], lazy="joined")
    solution = relationship("Solution")
    pilot = relationship("Pilot")

    def audit_org_id(self) -> int:
        return self.municipality_id

    @property
    def vendor_label(self) -> str:
        return self.vendor.name_ja if self.vendor is not None else (self.vendor_name or "")


class ContractHubWaiver(db.Model):
    """The platform admin lets an organisation search the contract hub without contributing first."""

    __tablename__ = "contract_hub_waivers"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization = relationship("Organization", lazy="joined")
