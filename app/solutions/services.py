"""Solution profiles: create, edit, publish, archive. Services flush, never commit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts.models import Organization
from ..errors import Conflict, InvalidInput
from ..extensions import db
from .models import Solution

DEFAULTS = {
    "summary": "",
    "features": [],
    "tags": [],
    "security_level": 2,
    "track_record": [],
    "certifications": [],
    "languages": ["ja"],
    "regions_served": [],
    "language": "ja",
}
PUBLISH_REQUIRED = ("title", "summary", "category")
TRANSITIONS = {"publish": (("draft", "archived"), "published"), "archive": (("draft", "published"), "archived")}


def startups_of(user) -> list[Organization]:
    if user is None:
        return []
    return sorted((m.organization for m in user.memberships if m.organization.kind == "startup"), key=lambda o: o.id)


def _clean(data: dict) -> dict:
    cleaned = {k: (DEFAULTS[k] if v is None and k in DEFAULTS else v) for k, v in data.items()}
    for key in ("features", "tags", "certifications", "languages", "regions_served"):
        if key in cleaned:  # keep order, drop duplicates
            cleaned[key] = list(dict.fromkeys(cleaned[key]))
    return cleaned


def values_of(solution: Solution) -> dict:
    keys = (
        "title",
        "summary",
        "features",
        "category",
        "tags",
        "security_level",
        "price_jpy_per_year",
        "free_pilot_months",
        "track_record",
        "certifications",
        "languages",
        "regions_served",
        "language",
    )
    data = {k: getattr(solution, k) for k in keys}
    data["environments"] = solution.environments
    return data


def create(user, data: dict) -> Solution:
    data = dict(data)
    org_id = data.pop("org_id", None)
    allowed = {o.id for o in startups_of(user)}
    if org_id is None and allowed:
        org_id = min(allowed)
    org = db.session.get(Organization, org_id) if org_id is not None else None
    if org is None or org.kind != "startup" or (org.id not in allowed and not user.is_platform_admin):
        raise InvalidInput({"org_id": [_l("Choose a startup you belong to.")]})
    solution = Solution(org_id=org.id, status="draft")
    for key, value in _clean({**DEFAULTS, **data}).items():
        setattr(solution, key, value)
    db.session.add(solution)
    db.session.flush()
    return solution


def update(solution: Solution, data: dict) -> Solution:
    data = dict(data)
    if data.pop("org_id", None) not in (None, solution.org_id):
        raise InvalidInput({"org_id": [_l("The offering startup cannot be changed.")]})
    data = _clean(data)
    if solution.status == "published":
        _check_publishable({**values_of(solution), **data})
    for key, value in data.items():
        setattr(solution, key, value)
    db.session.flush()
    return solution


def _check_publishable(data: dict) -> None:
    errors = {k: [_l("Required before publishing.")] for k in PUBLISH_REQUIRED if not data.get(k)}
    if not data.get("environments"):
        errors["environments"] = [_l("Choose at least one network environment.")]
    if errors:
        raise InvalidInput(errors, _l("The solution is not ready to be published."))


def transition(solution: Solution, action: str) -> Solution:
    allowed_from, target = TRANSITIONS[action]
    if solution.status not in allowed_from:
        raise Conflict(
            _l(
                "A solution that is “%(status)s” cannot be changed with “%(action)s”.",
                status=solution.status,
                action=action,
            )
        )
    if action == "publish":
        _check_publishable(values_of(solution))
    solution.status = target
    db.session.flush()
    return solution
