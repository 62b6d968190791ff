"""Committee scoring setup: the rubric (evaluation criteria), the committee, assigning applications to judges
and closing the scoring. A judge's declaration and review are in judging.py, the ranking in ranking.py.

Services flush, never commit. Helpers used by policies live here too.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import User
from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from .models import Committee, CommitteeMember, ConflictDeclaration, Criterion, Review, ReviewAssignment, Rubric

# The standard set offered in the UI (like the MIC / Urban Innovation criteria).
DEFAULT_CRITERIA = [
    {
        "key": "understanding",
        "name_ja": "課題理解",
        "name_en": "Understanding of the problem",
        "weight": 25,
        "description": "課題の背景と現場の業務を正しく理解しているか",
        "scale_min": 1,
        "scale_max": 5,
    },
    {
        "key": "feasibility",
        "name_ja": "実現可能性",
        "name_en": "Feasibility",
        "weight": 25,
        "description": "体制・スケジュール・技術面で確実に実施できるか",
        "scale_min": 1,
        "scale_max": 5,
    },
    {
        "key": "novelty",
        "name_ja": "新規性",
        "name_en": "Novelty",
        "weight": 15,
        "description": "新しい技術や発想を取り入れているか",
        "scale_min": 1,
        "scale_max": 5,
    },
    {
        "key": "cost_effectiveness",
        "name_ja": "費用対効果",
        "name_en": "Cost-effectiveness",
        "weight": 20,
        "description": "費用に見合う定量的な効果が見込めるか",
        "scale_min": 1,
        "scale_max": 5,
    },
    {
        "key": "continuity",
        "name_ja": "継続性・横展開可能性",
        "name_en": "Continuity and replicability",
        "weight": 15,
        "description": "実証後も継続でき、他の自治体へ展開できるか",
        "scale_min": 1,
        "scale_max": 5,
    },
]
SCORABLE = ("submitted", "under_review", "shortlisted", "selected", "not_selected")


def committee_for_challenge(challenge_id: int) -> Committee | None:
    return db.session.scalar(select(Committee).where(Committee.challenge_id == challenge_id))


def check_open(committee: Committee | None) -> None:
    if committee is not None and committee.status == "closed":
        raise Conflict(_l("Scoring for this challenge has been closed; nothing can be changed any more."))


def _application_ids(challenge_id: int):
    from ..applications.models import Application

    return select(Application.id).where(Application.challenge_id == challenge_id)


# Rubric ----------------------------------------------------------------------------------------
def rubric_locked(challenge) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Review.id)).where(
                Review.application_id.in_(_application_ids(challenge.id)), Review.submitted_at.is_not(None)
            )
        )
    )


def rubric_view(challenge) -> dict:
    rubric = challenge.rubric
    return {
        "id": rubric.id if rubric else None,
        "title": rubric.title if rubric else "",
        "criteria": list(rubric.criteria) if rubric else [],
        "locked": rubric_locked(challenge),
        "defaults": DEFAULT_CRITERIA,
    }


def set_rubric(challenge, data: dict) -> Rubric:
    check_open(committee_for_challenge(challenge.id))
    if rubric_locked(challenge):
        raise Conflict(_l("The criteria cannot change once a judge has submitted scores."))
    rubric = challenge.rubric
    if rubric is None:
        rubric = Rubric(title=data.get("title") or "")
        db.session.add(rubric)
        db.session.flush()
        challenge.rubric_id = rubric.id
        challenge.rubric = rubric
    elif "title" in data:
        rubric.title = data["title"]
    by_key = {c.key: c for c in rubric.criteria}
    wanted = {c["key"] for c in data["criteria"]}
    for criterion in list(rubric.criteria):
        if criterion.key not in wanted:
            rubric.criteria.remove(criterion)
    db.session.flush()
    for position, spec in enumerate(data["criteria"]):
        criterion = by_key.get(spec["key"])
        if criterion is None:
            criterion = Criterion(key=spec["key"])
            rubric.criteria.append(criterion)
        for attr in ("name_ja", "name_en", "description", "weight", "scale_min", "scale_max"):
            setattr(criterion, attr, spec.get(attr))
        criterion.description = criterion.description or ""
        criterion.position = position
    db.session.flush()
    return rubric


# Committee -------------------------------------------------------------------------------------
def committee_view(challenge) -> dict:
    committee = committee_for_challenge(challenge.id)
    if committee is None:
        return {
            "id": None,
            "challenge_id": challenge.id,
            "status": "open",
            "closed_at": None,
            "chair": None,
            "judges": [],
            "assignments": [],
            "recusals": [],
        }
    assignments = db.session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.committee_id == committee.id)
        .order_by(ReviewAssignment.application_id, ReviewAssignment.judge_id)
    ).all()
    return {
        "id": committee.id,
        "challenge_id": challenge.id,
        "status": committee.status,
        "closed_at": committee.closed_at,
        "chair": db.session.get(User, committee.chair_id) if committee.chair_id else None,
        "judges": sorted((m.user for m in committee.members), key=lambda u: u.id),
        "assignments": assignments,
        "recusals": recusals(challenge.id),
    }


def recusals(challenge_id: int) -> list[ConflictDeclaration]:
    return db.session.scalars(
        select(ConflictDeclaration)
        .where(
            ConflictDeclaration.application_id.in_(_application_ids(challenge_id)),
            ConflictDeclaration.has_conflict.is_(True),
        )
        .order_by(ConflictDeclaration.id)
    ).all()


def _users_by_email(emails: list[str], field: str) -> list[User]:
    users, errors = [], []
    for email in emails:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None or user.disabled:
            errors.append(_l("No user with the email %(email)s.", email=email))
        elif user not in users:
            users.append(user)
    if errors:
        raise InvalidInput({field: errors})
    return users


def set_committee(challenge, judges: list[str], chair: str | None) -> Committee:
    committee = committee_for_challenge(challenge.id)
    check_open(committee)
    members = _users_by_email(judges, "judges")
    chair_user = _users_by_email([chair], "chair")[0] if chair else None
    if committee is None:
        committee = Committee(challenge_id=challenge.id, challenge=challenge, status="open")
        db.session.add(committee)
        db.session.flush()
    wanted = {u.id for u in members}
    for member in list(committee.members):
        if member.user_id in wanted:
            continue
        if db.session.scalar(
            select(func.count(Review.id)).where(
                Review.judge_id == member.user_id, Review.application_id.in_(_application_ids(challenge.id))
            )
        ):
            raise Conflict(
                _l(
                    "%(name)s has already scored and cannot be removed from the committee.",
                    name=member.user.display_name,
                )
            )
        db.session.execute(
            db.delete(ReviewAssignment).where(
                ReviewAssignment.committee_id == committee.id, ReviewAssignment.judge_id == member.user_id
            )
        )
        committee.members.remove(member)
    have = committee.judge_ids()
    for user in members:
        if user.id not in have:
            committee.members.append(CommitteeMember(user_id=user.id, user=user))
    committee.chair_id = chair_user.id if chair_user else None
    db.session.flush()
    return committee


def assign(challenge, application_id: int, judge_ids: list[int]) -> Committee:
    from ..applications.models import Application

    committee = committee_for_challenge(challenge.id)
    if committee is None:
        raise Conflict(_l("Form the committee before assigning applications."))
    check_open(committee)
    application = db.session.get(Application, application_id)
    if application is None or application.challenge_id != challenge.id or application.status not in SCORABLE:
        raise InvalidInput({"application_id": [_l("Choose a submitted application to this challenge.")]})
    unknown = [str(j) for j in judge_ids if j not in committee.judge_ids()]
    if unknown:
        raise InvalidInput({"judge_ids": [_l("Not a member of the committee: %(ids)s.", ids=", ".join(unknown))]})
    current = {
        a.judge_id: a
        for a in db.session.scalars(select(ReviewAssignment).where(ReviewAssignment.application_id == application.id))
    }
    for judge_id, row in current.items():
        if judge_id not in judge_ids:
            if db.session.scalar(
                select(func.count(Review.id)).where(
                    Review.application_id == application.id, Review.judge_id == judge_id
                )
            ):
                raise Conflict(_l("A judge who has already scored this application cannot be unassigned."))
            db.session.delete(row)
    for judge_id in dict.fromkeys(judge_ids):
        if judge_id not in current:
            db.session.add(
                ReviewAssignment(
                    committee_id=committee.id, committee=committee, application_id=application.id, judge_id=judge_id
                )
            )
    db.session.flush()
    return committee


def close(committee: Committee) -> Committee:
    check_open(committee)
    committee.status = "closed"
    committee.closed_at = utcnow()
    db.session.flush()
    return committee
