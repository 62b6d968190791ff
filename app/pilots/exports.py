"""CSV exports (UTF-8 with BOM so that Excel opens Japanese text correctly)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..constants import CATEGORIES, ENVIRONMENT_LABELS
from ..csv_export import csv_response  # noqa: F401  (used by routes)
from ..policies import can
from ..templating import kpi_unit, localized_name, prefecture
from .kpis import best_improvement, improvement
from .ui import DIRECTION_LABELS, STATUS_LABELS


def _label(labels: dict, code: str | None) -> str:
    """A code value (category, environment, status…) in the user's language, never the raw code."""
    return str(labels.get(code, code)) if code else ""


def library_rows(pilots) -> list[list]:
    rows = [
        [
            _("ID"),
            _("Title"),
            _("Municipality"),
            _("Prefecture"),
            _("Startup"),
            _("Category"),
            _("Environment"),
            _("Status"),
            _("Start"),
            _("End"),
            _("Best KPI change (%)"),
            _("Budget (JPY)"),
            _("Actual cost (JPY)"),
        ]
    ]
    for p in pilots:
        costs = can(current_user, "pilot.view_costs", p)
        best = best_improvement(p)
        rows.append(
            [
                p.id,
                p.title,
                localized_name(p.municipality),
                prefecture(p.municipality.prefecture),
                localized_name(p.startup) if p.startup else "",
                _label(CATEGORIES, p.category),
                _label(ENVIRONMENT_LABELS, p.environment),
                _label(STATUS_LABELS, p.status),
                p.start_date,
                p.end_date,
                None if best is None else round(best, 1),
                p.budget_jpy if costs else None,
                p.actual_cost_jpy if costs else None,
            ]
        )
    return rows


def measurement_rows(pilot) -> list[list]:
    rows = [
        [
            _("KPI"),
            _("Unit"),
            _("Direction"),
            _("Baseline"),
            _("Target"),
            _("Date"),
            _("Value"),
            _("Change against baseline (%)"),
            _("Note"),
        ]
    ]
    for k in pilot.kpis:
        for m in k.measurements:
            change = improvement(k.direction, k.baseline, m.value)
            rows.append(
                [
                    k.name,
                    kpi_unit(k.unit),
                    _label(DIRECTION_LABELS, k.direction),
                    k.baseline,
                    k.target,
                    m.measured_on.isoformat(),
                    m.value,
                    None if change is None else round(change, 1),
                    m.note,
                ]
            )
    return rows
