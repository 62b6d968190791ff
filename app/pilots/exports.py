"""CSV exports (UTF-8 with BOM so that Excel opens Japanese text correctly)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..csv_export import csv_response  # noqa: F401  (used by routes)
from ..policies import can
from .kpis import best_improvement, improvement
from .ui import STATUS_LABELS


def library_rows(pilots) -> list[list]:
    rows = [[_("ID"), _("Title"), _("Municipality"), _("Prefecture"), _("Startup"), _("Category"),
             _("Environment"), _("Status"), _("Start"), _("End"), _("Best KPI change (%)"), _("Budget (JPY)"),
             _("Actual cost (JPY)")]]
    for p in pilots:
        costs = can(current_user, "pilot.view_costs", p)
        best = best_improvement(p)
        rows.append([p.id, p.title, p.municipality.name_ja, p.municipality.prefecture or "",
                     p.startup.name_ja if p.startup else "", p.category, p.environment or "",
                     str(STATUS_LABELS.get(p.status, p.status)), p.start_date, p.end_date,
                     None if best is None else round(best, 1), p.budget_jpy if costs else None,
                     p.actual_cost_jpy if costs else None])
    return rows


def measurement_rows(pilot) -> list[list]:
    rows = [[_("KPI"), _("Unit"), _("Direction"), _("Baseline"), _("Target"), _("Date"), _("Value"),
             _("Change against baseline (%)"), _("Note")]]
    for k in pilot.kpis:
        for m in k.measurements:
            change = improvement(k.direction, k.baseline, m.value)
            rows.append([k.name, k.unit, k.direction, k.baseline, k.target, m.measured_on.isoformat(), m.value,
                         None if change is None else round(change, 1), m.note])
    return rows
