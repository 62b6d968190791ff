"""KPI maths, KPI validation through the API, and the SVG chart."""

from datetime import date, timedelta
from xml.etree import ElementTree

import pytest

from app.pilots import kpis
from app.pilots.models import KpiMeasurement, PilotKpi
from tests.factories import member_of
from tests.pilots.factories import PilotFactory, add_kpi


@pytest.mark.parametrize(
    "direction, baseline, value, expected",
    [
        ("higher_is_better", 100, 150, 50.0),
        ("higher_is_better", 100, 80, -20.0),
        ("lower_is_better", 60, 30, 50.0),  # waiting time halved: an improvement
        ("lower_is_better", 60, 90, -50.0),
        ("lower_is_better", -10, -20, 100.0),  # negative baselines use |baseline|
        ("higher_is_better", 0, 10, None),  # undefined against a zero baseline
    ],
)
def test_improvement_is_sign_aware(direction, baseline, value, expected):
    assert kpis.improvement(direction, baseline, value) == expected


def test_target_consistency_is_direction_aware():
    assert kpis.target_consistent("higher_is_better", 10, 20)
    assert not kpis.target_consistent("higher_is_better", 10, 5)
    assert kpis.target_consistent("lower_is_better", 10, 5)
    assert not kpis.target_consistent("lower_is_better", 10, 20)


def test_best_improvement_and_cost_per_resident(app):
    pilot = PilotFactory(population=None)
    add_kpi(pilot, values=[50, 30])  # -50% time → +50%
    add_kpi(pilot, name="満足度", unit="点", direction="higher_is_better", baseline=3.0, target=4.0, values=[3.3])
    assert kpis.best_improvement(pilot) == pytest.approx(50.0)
    assert kpis.residents(pilot) == (200_000, "band_midpoint")  # factory band 100k_300k
    assert kpis.cost_per_resident(pilot) == pytest.approx(2_800_000 / 200_000)
    pilot.population = 1000
    assert kpis.residents(pilot) == (1000, "explicit")


def _owner(pilot):
    return member_of(pilot.municipality, "admin")


def test_kpi_validation_units_numbers(api, db):
    pilot = PilotFactory()
    client = api(_owner(pilot))
    url = f"/api/v1/pilots/{pilot.id}/kpis"
    for body, field in [
        ({"name": "x", "unit": "", "baseline": 1}, "unit"),
        ({"name": "x", "unit": "u" * 31, "baseline": 1}, "unit"),
        ({"name": "x", "unit": "分", "baseline": "NaN"}, "baseline"),
        ({"name": "x", "unit": "分", "baseline": "Infinity"}, "baseline"),
        ({"name": "x", "unit": "分", "baseline": "abc"}, "baseline"),
        ({"name": "x", "unit": "分", "baseline": 1, "direction": "sideways"}, "direction"),
        ({"name": "x", "unit": "分", "baseline": 1, "extra": 1}, "extra"),
    ]:
        response = client.post(url, json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"], (body, response.get_json())
    assert db.session.query(PilotKpi).count() == 0


def test_kpi_with_contradicting_target_is_a_warning(api):
    pilot = PilotFactory()
    response = api(_owner(pilot)).post(
        f"/api/v1/pilots/{pilot.id}/kpis",
        json={"name": "待ち時間", "unit": "分", "direction": "lower_is_better", "baseline": 60, "target": 90},
    )
    assert response.status_code == 201
    assert response.get_json()["target_warning"] is True


def test_measurement_dates_inside_period(api, db):
    pilot = PilotFactory(start_date=date(2026, 1, 1), end_date=date(2026, 3, 31))
    kpi = add_kpi(pilot)
    client = api(_owner(pilot))
    url = f"/api/v1/pilots/{pilot.id}/kpis/{kpi.id}/measurements"
    for day in ("2025-12-31", "2026-04-01"):
        response = client.post(url, json={"measured_on": day, "value": 40})
        assert response.status_code == 422
        assert "measured_on" in response.get_json()["error"]["fields"]
    assert client.post(url, json={"measured_on": "2026-02-01", "value": "nan"}).status_code == 422
    assert db.session.query(KpiMeasurement).count() == 0
    response = client.post(url, json={"measured_on": "2026-02-01", "value": 40, "note": "2月実績"})
    assert response.status_code == 201
    kpis_json = client.get(f"/api/v1/pilots/{pilot.id}/kpis").get_json()
    assert kpis_json[0]["improvement_pct"] == pytest.approx(33.3)


def test_measurement_form_errors_rerender_the_page(login, db):
    pilot = PilotFactory()
    kpi = add_kpi(pilot)
    client = login(_owner(pilot))
    too_early = (pilot.start_date - timedelta(days=1)).isoformat()
    response = client.post(
        f"/pilots/{pilot.id}/kpis/{kpi.id}/measurements", data={"measured_on": too_early, "value": "40"}
    )
    assert response.status_code == 422
    assert "pilot period" in response.get_data(as_text=True) or "期間" in response.get_data(as_text=True)
    assert db.session.query(KpiMeasurement).count() == 0


def test_chart_is_valid_accessible_svg(client):
    pilot = PilotFactory()
    add_kpi(pilot, values=[55, 48, 41])
    html = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    start = html.index('<svg class="kpi-chart"')
    svg = html[start : html.index("</svg>", start) + 6]
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    assert root.find(f"{ns}line[@class='baseline']") is not None
    assert root.find(f"{ns}line[@class='target']") is not None
    assert len(root.findall(f"{ns}circle")) == 3
    assert "+31.7%" in html  # 60 → 41 minutes, lower is better
