"""Applications: create, edit, submit, recall, withdraw and the owners' status decisions.

Services flush, never commit. Every status change is recorded and notified to the applicant.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..accounts.models import Organization
from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..notifications.services import message_kind, notify_org
from ..solutions.models import Solution
from .models import DECIDED, Application, ApplicationPartner, ApplicationStatusChange

EDITABLE = (
    "proposal",
    "implementation_plan",
    "schedule",
    "cost_estimate_jpy",
    "expected_effect",
    "free_pilot_months",
    "in_kind",
)
NULLABLE = ("cost_estimate_jpy", "free_pilot_months")
REQUIRED_TO_SUBMIT = (
    "solution_id",
    "proposal",
    "implementation_plan",
    "schedule",
    "cost_estimate_jpy",
    "expected_effect",
)
# Owner-side transitions (policy application.decide); the applicant submits, recalls and withdraws.
OWNER_TRANSITIONS = {
    "submitted": ("under_review", "not_selected"),
    "under_review": ("shortlisted", "selected", "not_selected"),
    "shortlisted": ("under_review", "selected", "not_selected"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "shortlisted": _l("Shortlisted"),
    "selected": _l("Selected"),
    "not_selected": _l("Not selected"),
    "withdrawn": _l("Withdrawn"),
}

for _status, _text in {
    "submitted": _l("Your application to “%(challenge)s” was submitted."),
    "draft": _l("Your application to “%(challenge)s” was recalled to draft."),
    "under_review": _l("Your application to “%(challenge)s” is now under review."),
    "shortlisted": _l("Your application to “%(challenge)s” was shortlisted."),
    "selected": _l("Your application to “%(challenge)s” was selected."),
    "not_selected": _l("Your application to “%(challenge)s” was not selected."),
    "withdrawn": _l("Your application to “%(challenge)s” was withdrawn."),
}.items():
    message_kind(f"application.{_status}", _text)
message_kind("application.received", _l("%(applicant)s submitted an application to “%(challenge)s”."))


# Reading ---------------------------------------------------------------------------------------
def applications_for_challenge(challenge_id: int, status: str | None = None):
    """What owners see: every application except drafts."""
    stmt = select(Application).where(Application.challenge_id == challenge_id, Application.status != "draft")
    if status:
        stmt = stmt.where(Application.status == status)
    return stmt.order_by(Application.submitted_at.desc().nulls_last(), Application.id.desc())


def applications_of_orgs(org_ids: set[int]):
    return (
        select(Application)
        .where(Application.applicant_org_id.in_(org_ids or {-1}))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )


def application_of(org_ids: set[int], challenge_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.challenge_id == challenge_id, Application.applicant_org_id.in_(org_ids or {-1})
        )
    )


def deadline_passed(challenge) -> bool:
    return challenge.application_deadline is not None and utcnow() >= challenge.application_deadline


def _check_deadline(challenge) -> None:
    if deadline_passed(challenge):
        raise InvalidInput(
            {"application_deadline": [_l("The application deadline for this challenge has passed.")]},
            _l("The application deadline has passed; applications can no longer be changed."),
        )


# Writing ---------------------------------------------------------------------------------------
def _solution_for(user, solution_id: int | None) -> Solution | None:
    if solution_id is None:
        return None
    solution = db.session.get(Solution, solution_id)
    if solution is None or solution.org_id not in user.org_ids(kind="startup"):
        raise InvalidInput({"solution_id": [_l("Choose one of your organisation's solutions.")]})
    return solution


def partner_choices(applicant_org_ids: set[int], current: list[ApplicationPartner] = ()) -> list[Organization]:
    """Organisations a startup can name as partners in the form: other startups, plus the current partners."""
    keep = {p.org_id for p in current}
    stmt = select(Organization).where(
        or_(Organization.kind == "startup", Organization.id.in_(keep or {-1})),
        Organization.id.not_in(applicant_org_ids or {-1}),
    )
    return db.session.scalars(stmt.order_by(Organization.name_ja, Organization.id)).all()


def _find_org(ref: dict) -> Organization | None:
    if ref.get("org_id") is not None:
        return db.session.get(Organization, ref["org_id"])
    text = (ref.get("slug") or ref.get("ref") or "").strip()
    cond = Organization.slug == text
    if "ref" in ref and text.isdigit():
        cond = or_(cond, Organization.id == int(text))
    return db.session.scalar(select(Organization).where(cond))


def _resolve_partners(refs: list[dict], applicant_org_id: int) -> list[tuple[Organization, str]]:
    """[(organisation, role)]; errors per entry, in the shape marshmallow gives: {"partners": {i: ...}}."""
    out, errors, seen = [], {}, set()
    for i, ref in enumerate(refs):
        key = "org_id" if ref.get("org_id") is not None else ("slug" if "slug" in ref else None)
        org = _find_org(ref)
        message = None
        if org is None:
            label = ref.get("org_id") if key == "org_id" else (ref.get("slug") or ref.get("ref"))
            message = _l("No organisation “%(ref)s”.", ref=label)
        elif org.id == applicant_org_id:
            message = _l("The applicant cannot be its own consortium partner.")
        elif org.id in seen:
            message = _l("This organisation is listed twice.")
        if message is not None:
            errors[i] = {key: [message]} if key else [message]
            continue
        seen.add(org.id)
        out.append((org, (ref.get("role") or "").strip()))
    if errors:
        raise InvalidInput({"partners": errors})
    return out


def _set_partners(application: Application, partners: list[tuple[Organization, str]]) -> None:
    wanted = {org.id: role for org, role in partners}
    for partner in list(application.partners):
        if partner.org_id not in wanted:
            application.partners.remove(partner)
    have = {p.org_id: p for p in application.partners}
    for org, role in partners:
        if org.id in have:
            have[org.id].role = role
        else:
            application.partners.append(ApplicationPartner(org_id=org.id, organization=org, role=role))


def create_application(challenge, user, data: dict) -> Application:
    _check_deadline(challenge)
    solution = _solution_for(user, data.get("solution_id"))
    if application_of({solution.org_id}, challenge.id) is not None:
        raise Conflict(
            _l("Your organisation has already applied to this challenge."),
            {"solution_id": [_l("Your organisation has already applied to this challenge.")]},
        )
    partners = _resolve_partners(data.get("partners") or [], solution.org_id)
    application = Application(
        challenge_id=challenge.id,
        challenge=challenge,
        solution_id=solution.id,
        applicant_org_id=solution.org_id,
        created_by_id=user.id,
        status="draft",
        **{k: data[k] for k in EDITABLE if data.get(k) is not None},
    )
    db.session.add(application)
    _set_partners(application, partners)
    db.session.flush()
    _record(application, None, "draft", user, notify=False)
    return application


def _require_draft(application: Application) -> None:
    if application.status != "draft":
        raise Conflict(
            _l(
                "A submitted application cannot be edited. Recall it to draft first (possible until "
                "the deadline), then edit and submit it again."
            )
        )


def update_application(application: Application, user, data: dict) -> Application:
    _require_draft(application)
    _check_deadline(application.challenge)
    if "solution_id" in data:
        solution = _solution_for(user, data["solution_id"])
        if solution is not None and solution.org_id != application.applicant_org_id:
            raise InvalidInput({"solution_id": [_l("The solution must belong to the applicant organisation.")]})
        application.solution_id = solution.id if solution else None
    partners = _resolve_partners(data["partners"], application.applicant_org_id) if "partners" in data else None
    for key in EDITABLE:
        if key in data:
            setattr(application, key, data[key] if data[key] is not None or key in NULLABLE else "")
    if partners is not None:
        _set_partners(application, partners)
    db.session.flush()
    return application


def missing_fields(application: Application) -> dict:
    errors = {}
    for key in REQUIRED_TO_SUBMIT:
        value = getattr(application, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[key] = [_l("Required before you submit.")]
    return errors


def submit(application: Application, user) -> Application:
    _require_draft(application)
    _check_deadline(application.challenge)
    if application.challenge.status != "published":
        raise Conflict(_l("This challenge is not accepting applications."))
    errors = missing_fields(application)
    if errors:
        raise InvalidInput(errors, _l("Complete the required fields before submitting."))
    application.submitted_at = utcnow()
    _change(application, "submitted", user)
    challenge = application.challenge
    notify_org(
        challenge.owner_org_id,
        "application.received",
        {"applicant": application.applicant.name_ja, "challenge": challenge.title},
        link=_link(application),
        admins_only=True,
    )
    return application


def recall(application: Application, user) -> Application:
    if application.status != "submitted":
        raise Conflict(_l("Only a submitted application that is not yet under review can be recalled."))
    _check_deadline(application.challenge)
    application.submitted_at = None
    return _change(application, "draft", user)


def withdraw(application: Application, user) -> Application:
    if application.status in DECIDED or application.status == "withdrawn":
        raise Conflict(_l("This application can no longer be withdrawn."))
    return _change(application, "withdrawn", user)


EARLY_LABELS = {
    "committee_open": _l("the committee has not closed scoring"),
    "before_deadline": _l("the application deadline has not passed"),
}


def early_reasons(application: Application) -> list[str]:
    """Why selecting this application now would be early: "committee_open" (a committee exists and has not
    closed scoring), "before_deadline" (others may still apply)."""
    from .reviewing import committee_for_challenge

    reasons = []
    committee = committee_for_challenge(application.challenge_id)
    if committee is not None and committee.status != "closed":
        reasons.append("committee_open")
    if application.challenge.application_deadline is not None and not deadline_passed(application.challenge):
        reasons.append("before_deadline")
    return reasons


def _check_early(application: Application, confirm_early: bool) -> list[str]:
    reasons = early_reasons(application)
    if reasons and not confirm_early:
        message = _l(
            "Selecting now is early: %(reasons)s. Confirm to select anyway; this is recorded and shown "
            "on the committee ranking.",
            reasons=", ".join(str(EARLY_LABELS[r]) for r in reasons),
        )
        raise Conflict(message, {"confirm_early": [message]})
    return reasons


def change_status(
    application: Application, user, status: str, reason: str = "", confirm_early: bool = False
) -> Application:
    """Owner decisions. Selecting before the committee closed or before the deadline needs `confirm_early`
    (409 otherwise); the reasons are recorded on the application (`early_decision`)."""
    allowed = OWNER_TRANSITIONS.get(application.status, ())
    if status not in allowed:
        raise Conflict(
            _l(
                "An application that is %(current)s cannot be moved to %(target)s.",
                current=STATUS_LABELS[application.status],
                target=STATUS_LABELS.get(status, status),
            ),
            {"status": [_l("Not possible from the current status.")]},
        )
    reason = (reason or "").strip()
    if status in DECIDED:
        if not reason:
            raise InvalidInput({"reason": [_l("A decision needs a reason; it is shown to the applicant.")]})
        if status == "selected":
            application.early_decision = _check_early(application, confirm_early) or None
        application.decision_reason = reason
        application.decided_at = utcnow()
        application.decided_by_id = user.id
    return _change(application, status, user)


def _change(application: Application, status: str, user) -> Application:
    previous = application.status
    application.status = status
    db.session.flush()
    _record(application, previous, status, user)
    return application


def _link(application: Application) -> str | None:
    try:
        return url_for("applications.detail", application_id=application.id)
    except RuntimeError:
        return None


def _record(application: Application, previous: str | None, status: str, user, notify: bool = True) -> None:
    db.session.add(
        ApplicationStatusChange(
            application_id=application.id, from_status=previous, to_status=status, actor_id=user.id if user else None
        )
    )
    db.session.flush()
    if notify:
        notify_org(
            application.applicant_org_id,
            f"application.{status}",
            {"challenge": application.challenge.title},
            link=_link(application),
        )


def history(application: Application) -> list[ApplicationStatusChange]:
    return db.session.scalars(
        select(ApplicationStatusChange)
        .where(ApplicationStatusChange.application_id == application.id)
        .order_by(ApplicationStatusChange.id)
    ).all()
