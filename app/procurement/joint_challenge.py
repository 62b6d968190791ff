"""The joint specification as a joint challenge: the draft fields from the consolidated requirement matrix,
and publishing it as a draft challenge co-owned by every participant that submitted a sheet.

Services validate fully before changing anything, flush, and never commit.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import Conflict
from ..extensions import db
from ..notifications.services import notify_org
from . import matrix as matrix_mod
from .constants import SERVICE_CATEGORIES, SERVICE_TYPES
from .models import ProcurementRound
from .services import consolidated


def challenge_draft_fields(rnd: ProcurementRound, result: matrix_mod.Matrix) -> dict:
    """What the joint challenge is pre-filled with, from the consolidated matrix."""
    names = "、".join(p["name"] for p in result.participants if p["submitted"])
    musts = [f"{f.feature}（{f.count}/{result.submitted_count}団体）" for f in result.must_have]
    nice = "、".join(f.feature for f in result.nice_to_have)
    outcome = [
        "共同調達の参加団体（" + names + "）が共通仕様で導入できること。",
        f"利用者数の合計: {result.seats_total:,}名。",
    ]
    if musts:
        outcome.append("必須機能: " + "、".join(musts))
    if nice:
        outcome.append("あれば望ましい機能: " + nice)
    background = rnd.description or ""
    return {
        "title": rnd.title[:200],
        "summary": (rnd.description or rnd.title)[:5000],
        "background": background,
        "desired_outcome": "\n".join(outcome),
        "kpis": [f"必須機能「{f.feature}」を満たす" for f in result.must_have][:20],
        "category": SERVICE_CATEGORIES.get(rnd.service_type, "backoffice_dx"),
        "tags": ["共同調達", str(SERVICE_TYPES.get(rnd.service_type, rnd.service_type))],
        "environments": result.common_environments,
        "security_level": result.security_level or 2,
        "budget_max_jpy": result.budget_total_jpy or None,
        "pilot_start": rnd.expected_start,
    }


def publish_challenge(rnd: ProcurementRound, user):
    from ..challenges.models import Challenge, ChallengeCoOwner

    if rnd.challenge_id is not None:
        raise Conflict(_("The joint specification was already published."))
    if rnd.status != "requirements_closed":
        raise Conflict(_("Close the requirement sheets before publishing the specification."))
    result = consolidated(rnd)
    if result.submitted_count == 0:
        raise Conflict(_("No participant has submitted a requirement sheet yet."))
    if not result.common_environments:
        raise Conflict(_("No environment is acceptable to every participant: resolve the conflict first."))
    fields = challenge_draft_fields(rnd, result)
    environments = fields.pop("environments")
    challenge = Challenge(
        owner_org_id=rnd.coordinator_org_id,
        created_by_id=user.id,
        status="draft",
        visibility="public",
        language="ja",
        **fields,
    )
    challenge.environments = environments
    db.session.add(challenge)
    db.session.flush()
    for participant in rnd.participants:
        if participant.has_sheet:
            db.session.add(
                ChallengeCoOwner(
                    challenge_id=challenge.id, org_id=participant.org_id, status="accepted", invited_by_id=user.id
                )
            )
    rnd.challenge_id = challenge.id
    rnd.status = "specification_published"
    db.session.flush()
    for participant in rnd.participants:
        notify_org(
            participant.org_id,
            "procurement.specification_published",
            {"round": rnd.title},
            f"/challenges/{challenge.id}",
        )
    return challenge
