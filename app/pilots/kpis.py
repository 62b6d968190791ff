"""Pure KPI maths: achieved change against the baseline, sign-aware, and cost per resident."""

from __future__ import annotations

import math

# Midpoints of the population bands (docs/vocabulary.md), used when a pilot has no explicit population.
BAND_MIDPOINTS = {
    "lt10k": 5_000,
    "10k_50k": 30_000,
    "50k_100k": 75_000,
    "100k_300k": 200_000,
    "300k_1m": 650_000,
    "gt1m": 1_500_000,
}
UNITS = (
    "%",
    "件",
    "人",
    "時間",
    "分",
    "日",
    "円",
    "千円",
    "万円",
    "回",
    "kWh",
    "t",
    "km",
    "点",
    "hours",
    "minutes",
    "days",
    "cases",
    "people",
    "JPY",
    "points",
)


def percent_change(baseline: float | None, value: float | None) -> float | None:
    """Raw change of `value` against `baseline` in % (None when undefined)."""
    if baseline is None or value is None or baseline == 0:
        return None
    return (value - baseline) / abs(baseline) * 100.0


def improvement(direction: str, baseline: float | None, value: float | None) -> float | None:
    """% improvement: positive is better, whatever the direction (lower-is-better flips the sign)."""
    change = percent_change(baseline, value)
    if change is None:
        return None
    return -change if direction == "lower_is_better" else change


def latest_value(kpi) -> float | None:
    return kpi.measurements[-1].value if kpi.measurements else None


def kpi_improvement(kpi) -> float | None:
    return improvement(kpi.direction, kpi.baseline, latest_value(kpi))


def best_improvement(pilot) -> float | None:
    values = [v for v in (kpi_improvement(k) for k in pilot.kpis) if v is not None]
    return max(values) if values else None


def target_consistent(direction: str, baseline: float, target: float | None) -> bool:
    if target is None:
        return True
    return target >= baseline if direction == "higher_is_better" else target <= baseline


def residents(pilot) -> tuple[int | None, str | None]:
    """(residents, source): the pilot's explicit population, else the municipality's recorded
    population, else (only as a fallback) the midpoint of its population band."""
    if pilot.population:
        return pilot.population, "explicit"
    recorded = getattr(pilot.municipality, "population", None)
    if recorded:
        return recorded, "municipality"
    band = getattr(pilot.municipality, "population_band", None)
    if band in BAND_MIDPOINTS:
        return BAND_MIDPOINTS[band], "band_midpoint"
    return None, None


def cost_per_resident(pilot) -> float | None:
    cost = pilot.actual_cost_jpy if pilot.actual_cost_jpy is not None else pilot.budget_jpy
    people, _source = residents(pilot)
    if cost is None or not people:
        return None
    return cost / people


def finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def format_number(value) -> str:
    """12.0 → "12", 1.25 → "1.25", 1234567 → "1,234,567" (KPI values as people write them)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
