"""The open data sets: what anyone may read on the pages, as records with a stable schema.

Each record passes the same policy rules as the pages, asked for an anonymous visitor
(`can(None, "<name>.view", obj)`): nothing members-only, draft or private is ever included,
and pilot costs only when the pilot's costs are public. Field names and types are the schema
(SCHEMA_VERSION); new fields may be added, existing ones are never renamed or retyped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..constants import PREFECTURE_LABELS
from ..extensions import db
from ..policies import can

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # integer | number | string | boolean | date | datetime | array
    description: object


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    fields: tuple[Field, ...]
    records: Callable[[], list[dict]]


def licence() -> dict:
    return {"name": current_app.config["OPEN_DATA_LICENCE"], "url": current_app.config["OPEN_DATA_LICENCE_URL"]}


def _iso(value):
    return value.isoformat() if value is not None else None


def _prefecture_en(code):
    if not code:
        return None
    from flask_babel import force_locale

    with force_locale("en"):
        return str(PREFECTURE_LABELS.get(code, code))


def _org(prefix: str, org) -> dict:
    return {
        f"{prefix}_id": org.id if org else None,
        f"{prefix}_name_ja": org.name_ja if org else None,
        f"{prefix}_name_en": (org.name_en or None) if org else None,
    }


def _challenges() -> list[dict]:
    from ..challenges.models import Challenge
    from ..challenges.queries import visible_clause

    rows = db.session.scalars(select(Challenge).where(visible_clause(None)).order_by(Challenge.id)).unique()
    out = []
    for c in rows:
        if not can(None, "challenge.view", c):
            continue
        out.append(
            {
                "id": c.id,
                "title": c.title,
                "summary": c.summary,
                **_org("owner", c.owner),
                "prefecture": c.owner.prefecture,
                "prefecture_en": _prefecture_en(c.owner.prefecture),
                "category": c.category,
                "environments": list(c.environments),
                "budget_min_jpy": c.budget_min_jpy,
                "budget_max_jpy": c.budget_max_jpy,
                "application_deadline": _iso(c.application_deadline),
                "status": c.status,
                "published_at": _iso(c.published_at),
            }
        )
    return out


def _public_pilots() -> list:
    from ..pilots.models import Pilot

    rows = db.session.scalars(
        select(Pilot).where(Pilot.public.is_(True), Pilot.status != "draft").order_by(Pilot.id)
    ).unique()
    return [p for p in rows if can(None, "pilot.view", p)]


def _pilots() -> list[dict]:
    from ..pilots.kpis import best_improvement

    out = []
    for p in _public_pilots():
        costs = can(None, "pilot.view_costs", p)
        best = best_improvement(p)
        out.append(
            {
                "id": p.id,
                "title": p.title,
                **_org("municipality", p.municipality),
                "prefecture": p.municipality.prefecture,
                "prefecture_en": _prefecture_en(p.municipality.prefecture),
                **_org("startup", p.startup),
                "solution_id": p.solution_id,
                "category": p.category,
                "environment": p.environment,
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "status": p.status,
                "outcome_reason": p.outcome_reason or None,
                "results": p.results or None,
                "lessons": p.lessons or None,
                "best_kpi_change_pct": None if best is None else round(best, 1),
                "budget_jpy": p.budget_jpy if costs else None,
                "actual_cost_jpy": p.actual_cost_jpy if costs else None,
            }
        )
    return out


def _pilot_kpis() -> list[dict]:
    from ..pilots.kpis import kpi_improvement, latest_value

    out = []
    for p in _public_pilots():
        for k in p.kpis:
            change = kpi_improvement(k)
            out.append(
                {
                    "pilot_id": p.id,
                    "kpi_id": k.id,
                    "name": k.name,
                    "unit": k.unit,
                    "direction": k.direction,
                    "baseline": k.baseline,
                    "target": k.target,
                    "latest": latest_value(k),
                    "measurements": len(k.measurements),
                    "change_pct": None if change is None else round(change, 1),
                }
            )
    return out


def _replications() -> list[dict]:
    """Which public pilot replicated which; an origin that is not public is left out entirely."""
    pilots = {p.id: p for p in _public_pilots()}
    return [
        {
            "pilot_id": p.id,
            "origin_pilot_id": p.origin_id,
            "municipality_id": p.municipality_id,
            "origin_municipality_id": pilots[p.origin_id].municipality_id,
            "solution_id": p.solution_id,
        }
        for p in pilots.values()
        if p.origin_id in pilots
    ]


def _contest_results() -> list[dict]:
    from ..events.contests.models import Contest
    from ..events.contests.results import stored_results

    out = []
    for contest in db.session.scalars(select(Contest).where(Contest.revealed_at.is_not(None)).order_by(Contest.id)):
        if not can(None, "contest.view_results", contest):
            continue
        for r in stored_results(contest):
            out.append(
                {
                    "contest_id": contest.id,
                    "contest_title": contest.title,
                    "event_id": contest.event_id,
                    "rank": r.rank,
                    "entry_title": r.entry.title,
                    **_org("organization", r.entry.organization),
                    "total": round(r.total, 2),
                    "judge_score": None if r.judge_score is None else round(r.judge_score, 4),
                    "votes": r.votes,
                    "likes": r.likes,
                    "revealed_at": _iso(contest.revealed_at),
                }
            )
    return out


def _f(name, type_, description):
    return Field(name, type_, description)


def ORG(p: str, what) -> tuple[Field, ...]:
    return (
        _f(f"{p}_id", "integer", _l("Organisation id of the %(what)s", what=what)),
        _f(f"{p}_name_ja", "string", _l("Name in Japanese")),
        _f(f"{p}_name_en", "string", _l("Name in English (may be empty)")),
    )


PREF = (
    _f("prefecture", "string", _l("Prefecture code: its Japanese name, as stored")),
    _f("prefecture_en", "string", _l("Prefecture, in English")),
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "challenges",
            _l("Public challenges"),
            _l("Challenges municipalities published for everyone."),
            (
                _f("id", "integer", _l("Challenge id")),
                _f("title", "string", _l("Title")),
                _f("summary", "string", _l("Summary")),
                *ORG("owner", _l("owner")),
                *PREF,
                _f("category", "string", _l("Category code")),
                _f("environments", "array", _l("Network environments")),
                _f("budget_min_jpy", "integer", _l("Minimum budget (yen)")),
                _f("budget_max_jpy", "integer", _l("Maximum budget (yen)")),
                _f("application_deadline", "datetime", _l("Application deadline (UTC)")),
                _f("status", "string", _l("Status code")),
                _f("published_at", "datetime", _l("Published at (UTC)")),
            ),
            _challenges,
        ),
        Dataset(
            "pilots",
            _l("Public pilots"),
            _l("Pilots municipalities made public, with outcomes."),
            (
                _f("id", "integer", _l("Pilot id")),
                _f("title", "string", _l("Title")),
                *ORG("municipality", _l("municipality")),
                *PREF,
                *ORG("startup", _l("startup")),
                _f("solution_id", "integer", _l("Solution id")),
                _f("category", "string", _l("Category code")),
                _f("environment", "string", _l("Network environment code")),
                _f("start_date", "date", _l("Start date")),
                _f("end_date", "date", _l("End date")),
                _f("status", "string", _l("Status code")),
                _f("outcome_reason", "string", _l("Reason for the outcome")),
                _f("results", "string", _l("Results")),
                _f("lessons", "string", _l("Lessons learned")),
                _f("best_kpi_change_pct", "number", _l("Best KPI change against baseline (%, positive is better)")),
                _f("budget_jpy", "integer", _l("Budget (yen), only when the costs are public")),
                _f("actual_cost_jpy", "integer", _l("Actual cost (yen), only when the costs are public")),
            ),
            _pilots,
        ),
        Dataset(
            "pilot_kpis",
            _l("KPIs of public pilots"),
            _l("One row per KPI of a public pilot."),
            (
                _f("pilot_id", "integer", _l("Pilot id")),
                _f("kpi_id", "integer", _l("KPI id")),
                _f("name", "string", _l("Name")),
                _f("unit", "string", _l("Unit, as entered")),
                _f("direction", "string", _l("higher_is_better or lower_is_better")),
                _f("baseline", "number", _l("Baseline")),
                _f("target", "number", _l("Target")),
                _f("latest", "number", _l("Latest measured value")),
                _f("measurements", "integer", _l("Number of measurements")),
                _f("change_pct", "number", _l("Change against baseline (%, positive is better)")),
            ),
            _pilot_kpis,
        ),
        Dataset(
            "replications",
            _l("Replication lineage"),
            _l("Which public pilot replicated which public pilot."),
            (
                _f("pilot_id", "integer", _l("Pilot id")),
                _f("origin_pilot_id", "integer", _l("The pilot it replicated")),
                _f("municipality_id", "integer", _l("Municipality of the pilot")),
                _f("origin_municipality_id", "integer", _l("Municipality of the original pilot")),
                _f("solution_id", "integer", _l("Solution id")),
            ),
            _replications,
        ),
        Dataset(
            "contest_results",
            _l("Contest results"),
            _l("Final rankings of contests whose results were revealed."),
            (
                _f("contest_id", "integer", _l("Contest id")),
                _f("contest_title", "string", _l("Contest")),
                _f("event_id", "integer", _l("Event id")),
                _f("rank", "integer", _l("Rank")),
                _f("entry_title", "string", _l("Entry")),
                *ORG("organization", _l("entrant")),
                _f("total", "number", _l("Total score (0–100)")),
                _f("judge_score", "number", _l("Judges' score (0–1)")),
                _f("votes", "integer", _l("Audience votes")),
                _f("likes", "integer", _l("Likes")),
                _f("revealed_at", "datetime", _l("Results revealed at (UTC)")),
            ),
            _contest_results,
        ),
    )
}
