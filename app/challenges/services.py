"""Challenge lifecycle and joint ownership. Services validate fully, then change, then flush."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import Organization
from ..contributions.rules import budget_fields_set_on_co_development
from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..notifications.services import notify_org
from .models import Challenge, ChallengeCoOwner

TEXT_FIELDS = ("summary", "background", "current_workflow", "desired_outcome")
EDITABLE_STATUSES = ("draft", "published")
DEFAULTS = {
    "summary": "",
    "background": "",
    "current_workflow": "",
    "desired_outcome": "",
    "kpis": [],
    "tags": [],
    "security_level": 2,
    "visibility": "public",
    "language": "ja",
    "co_development": False,
    "offers": [],
}
PUBLISH_REQUIRED = ("title", "summary", "background", "desired_outcome", "category", "application_deadline")

# action -> (allowed from, to)
TRANSITIONS = {
    "publish": (("draft",), "published"),
    "close": (("published",), "closed"),
    "award": (("closed",), "awarded"),
    "cancel": (("draft", "published", "closed"), "cancelled"),
}
OWNER_KINDS = ("municipality", "coordinator")


def owner_orgs_of(user) -> list[Organization]:
    """The organisations in whose name `user` may publish challenges."""
    if user is None:
        return []
    return sorted((m.organization for m in user.memberships if m.organization.kind in OWNER_KINDS), key=lambda o: o.id)


def values_of(challenge: Challenge) -> dict:
    keys = (
        "title",
        *TEXT_FIELDS,
        "kpis",
        "category",
        "tags",
        "security_level",
        "budget_min_jpy",
        "budget_max_jpy",
        "co_development",
        "offers",
        "application_deadline",
        "pilot_start",
        "pilot_end",
        "visibility",
        "language",
    )
    data = {k: getattr(challenge, k) for k in keys}
    data["environments"] = challenge.environments
    return data


def _check_consistency(data: dict) -> None:
    errors = {}
    low, high = data.get("budget_min_jpy"), data.get("budget_max_jpy")
    if low is not None and high is not None and low > high:
        errors["budget_max_jpy"] = [_l("The maximum budget must not be below the minimum.")]
    for key in budget_fields_set_on_co_development(data):
        errors[key] = [_l("A co-development challenge has no budget: leave it empty or 0 yen.")]
    start, end = data.get("pilot_start"), data.get("pilot_end")
    if start and end and start > end:
        errors["pilot_end"] = [_l("The pilot must end on or after its start.")]
    if errors:
        raise InvalidInput(errors)


def _clean(data: dict) -> dict:
    """None from empty form fields becomes the column default."""
    return {k: (DEFAULTS[k] if v is None and k in DEFAULTS else v) for k, v in data.items()}


def _apply(challenge: Challenge, data: dict) -> None:
    if data.get("co_development"):
        data = {**data, "budget_min_jpy": 0, "budget_max_jpy": 0}  # "no budget" is 0 yen, searchable as such
    for key, value in data.items():
        setattr(challenge, key, value)


def create(user, data: dict) -> Challenge:
    data = dict(data)
    org_id = data.pop("owner_org_id", None)
    allowed = {o.id for o in owner_orgs_of(user)}
    if org_id is None and allowed:
        org_id = min(allowed)
    if org_id not in allowed and not (user.is_platform_admin and org_id is not None):
        raise InvalidInput({"owner_org_id": [_l("Choose a municipality you belong to.")]})
    org = db.session.get(Organization, org_id)
    if org is None or org.kind not in OWNER_KINDS:
        raise InvalidInput({"owner_org_id": [_l("Choose a municipality you belong to.")]})
    data = _clean({**DEFAULTS, **data})
    _check_consistency(data)
    challenge = Challenge(owner_org_id=org.id, created_by_id=user.id, status="draft")
    _apply(challenge, data)
    db.session.add(challenge)
    db.session.flush()
    return challenge


def update(challenge: Challenge, data: dict) -> Challenge:
    if challenge.status not in EDITABLE_STATUSES:
        raise Conflict(_l("A closed, awarded or cancelled challenge can no longer be edited."))
    data = dict(data)
    if "owner_org_id" in data and data.pop("owner_org_id") not in (None, challenge.owner_org_id):
        raise InvalidInput({"owner_org_id": [_l("The publishing organisation cannot be changed.")]})
    data = _clean(data)
    merged = {**values_of(challenge), **data}
    _check_consistency(merged)
    if challenge.status == "published":
        _check_publishable(merged)
    _apply(challenge, data)
    db.session.flush()
    return challenge


def delete(challenge: Challenge) -> None:
    if challenge.status != "draft":
        raise Conflict(_l("Only drafts can be deleted. Cancel a published challenge instead."))
    db.session.delete(challenge)
    db.session.flush()


def _check_publishable(data: dict) -> None:
    errors = {}
    for key in PUBLISH_REQUIRED:
        if not data.get(key):
            errors[key] = [_l("Required before publishing.")]
    if not data.get("environments"):
        errors["environments"] = [_l("Choose at least one network environment.")]
    deadline = data.get("application_deadline")
    if deadline is not None and deadline <= utcnow():
        errors["application_deadline"] = [_l("The application deadline must be in the future.")]
    if errors:
        raise InvalidInput(errors, _l("The challenge is not ready to be published."))


def transition(challenge: Challenge, action: str) -> Challenge:
    allowed_from, target = TRANSITIONS[action]
    if challenge.status not in allowed_from:
        raise Conflict(
            _l(
                "A challenge that is “%(status)s” cannot be changed with “%(action)s”.",
                status=challenge.status,
                action=action,
            )
        )
    if action == "publish":
        _check_publishable(values_of(challenge))
        challenge.published_at = utcnow()
    challenge.status = target
    db.session.flush()
    return challenge


# Joint challenges (共同調達) -------------------------------------------------------------
def _link(challenge: Challenge) -> str:
    return url_for("challenges.detail", challenge_id=challenge.id)


def co_owner_row(challenge: Challenge, org_id: int) -> ChallengeCoOwner | None:
    return next((c for c in challenge.co_owners if c.org_id == org_id), None)


def invite_co_owner(challenge: Challenge, org_id: int, user) -> ChallengeCoOwner:
    org = db.session.get(Organization, org_id)
    if org is None or org.kind not in OWNER_KINDS:
        raise InvalidInput({"org_id": [_l("Choose a municipality or coordinator to invite.")]})
    if org.id == challenge.owner_org_id:
        raise InvalidInput({"org_id": [_l("The publishing municipality already owns this challenge.")]})
    if challenge.status not in EDITABLE_STATUSES:
        raise Conflict(_l("Co-owners can only be invited while the challenge is a draft or published."))
    row = co_owner_row(challenge, org.id)
    if row is not None and row.status != "declined":
        raise Conflict(_l("This organisation has already been invited."), fields={"org_id": [_l("Already invited.")]})
    if row is None:
        row = ChallengeCoOwner(org_id=org.id, status="invited", invited_by_id=user.id)
        challenge.co_owners.append(row)
    else:
        row.status, row.invited_by_id = "invited", user.id
    db.session.flush()
    notify_org(
        org.id,
        "challenge.co_owner_invited",
        {"org": challenge.owner.name_ja, "title": challenge.title},
        _link(challenge),
        admins_only=True,
    )
    return row


def respond_co_owner(challenge: Challenge, org_id: int, user, accept: bool) -> ChallengeCoOwner:
    row = co_owner_row(challenge, org_id)
    if row is None:
        raise NotFound()
    if not (user.is_org_admin(org_id) or user.is_platform_admin):
        raise PermissionDenied(_l("Only an administrator of the invited organisation can answer."))
    if row.status != "invited":
        raise Conflict(_l("This invitation has already been answered."))
    row.status = "accepted" if accept else "declined"
    db.session.flush()
    kind = "challenge.co_owner_accepted" if accept else "challenge.co_owner_declined"
    notify_org(
        challenge.owner_org_id,
        kind,
        {"org": row.organization.name_ja, "title": challenge.title},
        _link(challenge),
        admins_only=True,
    )
    return row


def invitable_orgs(challenge: Challenge) -> list[Organization]:
    taken = {c.org_id for c in challenge.co_owners if c.status != "declined"} | {challenge.owner_org_id}
    rows = db.session.scalars(
        select(Organization)
        .where(Organization.kind.in_(OWNER_KINDS))
        .order_by(Organization.prefecture, Organization.name_ja)
        .limit(500)
    ).all()
    return [o for o in rows if o.id not in taken]
