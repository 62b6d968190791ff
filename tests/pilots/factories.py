"""Pilot, KPI, contract and fact-sheet factories."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from app.extensions import db
from app.pilots.models import ContractRecord, FactSheet, KpiMeasurement, Pilot, PilotKpi
from tests.factories import Base, MunicipalityFactory, SolutionFactory


class PilotFactory(Base):
    class Meta:
        model = Pilot

    municipality = factory.SubFactory(MunicipalityFactory)
    municipality_id = factory.SelfAttribute("municipality.id")
    solution = factory.SubFactory(SolutionFactory)
    solution_id = factory.SelfAttribute("solution.id")
    startup_id = factory.SelfAttribute("solution.org_id")
    title = factory.Sequence(lambda n: f"窓口予約の実証実験 {n}")
    objectives = "来庁者の待ち時間を半減する。"
    category = "counter_services"
    environment = "lgwan"
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=90))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=90))
    budget_jpy = 3_000_000
    actual_cost_jpy = 2_800_000
    status = "running"
    public = True
    costs_public = False


def add_kpi(pilot, name="平均待ち時間", unit="分", direction="lower_is_better", baseline=60.0, target=30.0, values=()):
    kpi = PilotKpi(pilot_id=pilot.id, name=name, unit=unit, direction=direction, baseline=baseline, target=target)
    db.session.add(kpi)
    db.session.flush()
    for i, value in enumerate(values):
        db.session.add(
            KpiMeasurement(kpi_id=kpi.id, measured_on=pilot.start_date + timedelta(days=10 * (i + 1)), value=value)
        )
    db.session.commit()
    db.session.refresh(kpi)
    return kpi


class ContractFactory(Base):
    class Meta:
        model = ContractRecord

    municipality = factory.SubFactory(MunicipalityFactory)
    municipality_id = factory.SelfAttribute("municipality.id")
    title = factory.Sequence(lambda n: f"AI議事録サービス利用契約 {n}")
    category = "backoffice_dx"
    vendor_name = "株式会社サンプル"
    price_jpy = 1_980_000
    price_unit = "per_year"
    checklist = factory.LazyFunction(lambda: {"data_ownership": {"answer": "yes", "note": ""}})


class FactSheetFactory(Base):
    class Meta:
        model = FactSheet

    solution = factory.SubFactory(SolutionFactory)
    solution_id = factory.SelfAttribute("solution.id")
    version = 1
    system_purpose = "来庁予約の需要予測"
    model_provider = "自社開発の勾配ブースティング"
