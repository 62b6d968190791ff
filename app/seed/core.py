"""Core demo data from `data/core.json`: organisations, users, challenges, solutions,
applications (with their status history) and two scoring committees.

Everything is created in the caller's transaction (services flush; `seed_all` commits once).
Dates in the file are offsets in days from today in Asia/Tokyo, so the demo always looks current.
The result is deterministic: same file, same day -> same rows.

Keys `seed(context)` leaves for the domain seeders that run afterwards:
    context["orgs"]         {slug: Organization}
    context["users"]        {email: User}
    context["admins"]       {org slug: its first admin User}
    context["judges"]       [User] (external judges flagged `"judge": true` in the file)
    context["user_titles"]  {email: job title}   (no column for it in the core models)
    context["challenges"]   {key: Challenge}
    context["coordinators"] {challenge key: Organization} (joint procurement coordinator)
    context["solutions"]    {key: Solution}
    context["applications"] {(challenge key, applicant slug): Application}
    context["rubrics"]      {challenge key: Rubric}
    context["committees"]   {challenge key: Committee}
    context["today"]        date in Asia/Tokyo; context["now"] aware UTC datetime
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..accounts import services as accounts
from ..accounts.models import User
from ..applications.models import Application, ApplicationPartner, ApplicationStatusChange
from ..auth import hash_password
from ..challenges.models import Challenge, ChallengeCoOwner
from ..extensions import db
from ..reviews.models import (
    Committee,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Review,
    ReviewAssignment,
    ReviewScore,
    Rubric,
)
from ..solutions.models import Solution

DATA_FILE = Path(__file__).parent / "data" / "core.json"
TOKYO = ZoneInfo("Asia/Tokyo")
VISIBLE = ("published", "closed", "awarded")

# The path an application walks to reach each status (after its creation as a draft).
STATUS_PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "under_review": ["submitted", "under_review"],
    "shortlisted": ["submitted", "under_review", "shortlisted"],
    "selected": ["submitted", "under_review", "shortlisted", "selected"],
    "not_selected": ["submitted", "under_review", "not_selected"],
    "withdrawn": ["submitted", "withdrawn"],
}


def load_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


class AlreadySeeded(click.ClickException):
    """Raised instead of duplicate-key errors when the demo organisations already exist."""


def seed(context: dict) -> None:
    data = load_data()
    first = data["organizations"][0]["slug"]
    if accounts.get_org_by_slug(first):
        raise AlreadySeeded(
            f"The demo data is already loaded (organisation {first!r} exists). "
            "Use `flask seed-demo --if-empty`, or start from an empty database."
        )
    today = datetime.now(TOKYO).date()
    context.update(today=today, now=datetime.now(timezone.utc))
    seed_organizations(context, data["organizations"])
    seed_users(context, data["users"], data["demo_password"])
    seed_solutions(context, data["solutions"])
    seed_challenges(context, data["challenges"])
    seed_applications(context, data["applications"])
    seed_committees(context, data["committee"], data["rubric_default"])
    db.session.flush()


# Dates ---------------------------------------------------------------------------
def tokyo_at(day: date, hour: int = 17) -> datetime:
    """A wall-clock time in Tokyo on `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), tzinfo=TOKYO).astimezone(timezone.utc)


def days_from_today(context: dict, days: int | None) -> date | None:
    return None if days is None else context["today"] + timedelta(days=days)


# Organisations and people ----------------------------------------------------------
def seed_organizations(context: dict, rows: list[dict]) -> None:
    fields = ("slug", "kind", "name_ja", "name_en", "prefecture", "population_band", "description", "website")
    context["orgs"] = {
        row["slug"]: accounts.create_organization(**{f: row.get(f) for f in fields if f in row}) for row in rows
    }


def seed_users(context: dict, rows: list[dict], password: str) -> None:
    password_hash = hash_password(password)  # Argon2 is slow on purpose: hash once, share the hash.
    context["password_hash"] = password_hash  # other domains' demo users share the demo password
    users, admins, titles, judges = {}, {}, {}, []
    for row in rows:
        user = User(
            email=accounts.normalise_email(row["email"]),
            password_hash=password_hash,
            display_name=row["display_name"],
            locale=row.get("locale"),
            is_platform_admin=bool(row.get("platform_admin")),
        )
        db.session.add(user)
        db.session.flush()
        for membership in row["memberships"]:
            accounts.add_membership(user, context["orgs"][membership["org"]], membership["role"])
            if membership["role"] == "admin":
                admins.setdefault(membership["org"], user)
        users[user.email] = user
        titles[user.email] = row.get("title", "")
        if row.get("judge"):
            judges.append(user)
    context.update(users=users, admins=admins, user_titles=titles, judges=judges)


# Solutions -----------------------------------------------------------------------------
def seed_solutions(context: dict, rows: list[dict]) -> None:
    fields = (
        "title",
        "summary",
        "features",
        "category",
        "tags",
        "security_level",
        "price_jpy_per_year",
        "track_record",
        "certifications",
        "languages",
        "regions_served",
        "status",
        "language",
    )
    solutions = {}
    for row in rows:
        solution = Solution(org_id=context["orgs"][row["owner"]].id, **{f: row[f] for f in fields if f in row})
        solution.environments = row["environments"]
        db.session.add(solution)
        solutions[row["key"]] = solution
    db.session.flush()
    context["solutions"] = solutions


# Challenges ----------------------------------------------------------------------------
def seed_challenges(context: dict, rows: list[dict]) -> None:
    context["challenges"], context["coordinators"] = {}, {}
    for row in rows:
        challenge = build_challenge(context, row)
        add_co_owners(context, challenge, row)
        context["challenges"][row["key"]] = challenge
    db.session.flush()


def build_challenge(context: dict, row: dict) -> Challenge:
    owner = context["orgs"][row["owner"]]
    deadline_day = days_from_today(context, row.get("deadline_in_days"))
    challenge = Challenge(
        owner_org_id=owner.id,
        created_by_id=context["admins"][row["owner"]].id,
        title=row["title"],
        summary=row["summary"],
        background=row["background"],
        current_workflow=row["current_workflow"],
        desired_outcome=row["desired_outcome"],
        kpis=row["kpis"],
        category=row["category"],
        tags=row["tags"],
        security_level=row["security_level"],
        budget_min_jpy=row.get("budget_min_jpy"),
        budget_max_jpy=row.get("budget_max_jpy"),
        application_deadline=tokyo_at(deadline_day) if deadline_day else None,
        pilot_start=days_from_today(context, row.get("pilot_start_in_days")),
        pilot_end=days_from_today(context, row.get("pilot_end_in_days")),
        status=row["status"],
        visibility=row["visibility"],
        language=row.get("language", "ja"),
    )
    challenge.environments = row["environments"]
    if row["status"] in VISIBLE:
        challenge.published_at = published_at(context, deadline_day)
    db.session.add(challenge)
    return challenge


def published_at(context: dict, deadline_day: date | None) -> datetime:
    """Six weeks before the deadline, and never later than yesterday morning."""
    yesterday = context["today"] - timedelta(days=1)
    day = min(deadline_day - timedelta(days=42), yesterday) if deadline_day else yesterday
    return tokyo_at(day, hour=10)


def add_co_owners(context: dict, challenge: Challenge, row: dict) -> None:
    """Joint challenges: the co-owning municipalities accepted. The coordinator that convened the joint
    procurement (no column of its own) is an accepted co-owner too, so its staff can run the committee."""
    invited_by = context["admins"][row["owner"]]
    slugs = list(row.get("co_owners", []))
    if row.get("coordinator"):
        context["coordinators"][row["key"]] = context["orgs"][row["coordinator"]]
        slugs.append(row["coordinator"])
    for slug in slugs:
        challenge.co_owners.append(
            ChallengeCoOwner(org_id=context["orgs"][slug].id, status="accepted", invited_by_id=invited_by.id)
        )


# Applications ----------------------------------------------------------------------------
def seed_applications(context: dict, rows: list[dict]) -> None:
    context["applications"] = {}
    for index, row in enumerate(rows):
        application = build_application(context, row)
        add_partners(context, application, row)
        add_history(context, application, row, index)
        context["applications"][(row["challenge"], row["applicant"])] = application
    db.session.flush()


def build_application(context: dict, row: dict) -> Application:
    fields = ("proposal", "implementation_plan", "schedule", "cost_estimate_jpy", "expected_effect")
    application = Application(
        challenge_id=context["challenges"][row["challenge"]].id,
        solution_id=context["solutions"][row["solution"]].id if row.get("solution") else None,
        applicant_org_id=context["orgs"][row["applicant"]].id,
        created_by_id=context["admins"][row["applicant"]].id,
        status=row["status"],
        decision_reason=row.get("decision_reason"),
        **{f: row[f] for f in fields if f in row},
    )
    db.session.add(application)
    return application


def add_partners(context: dict, application: Application, row: dict) -> None:
    for partner in row.get("consortium_partners", []):
        slug, role = (partner, "") if isinstance(partner, str) else (partner["org"], partner.get("role", ""))
        application.partners.append(ApplicationPartner(org_id=context["orgs"][slug].id, role=role))


def add_history(context: dict, application: Application, row: dict, index: int) -> None:
    """Status changes from creation to the current status, with plausible times: submitted before the
    deadline (and in the past), reviewed and decided after it."""
    challenge = context["challenges"][row["challenge"]]
    applicant_admin = context["admins"][row["applicant"]]
    owner_admin = context["admins"][_slug_of(context, challenge.owner_org_id)]
    submitted = submitted_at(context, challenge, index)
    steps = STATUS_PATHS[row["status"]]
    created = submitted - timedelta(days=3)
    application.created_at = created
    application.history.append(
        ApplicationStatusChange(from_status=None, to_status="draft", actor_id=applicant_admin.id, created_at=created)
    )
    previous, moment = "draft", submitted
    for step in steps:
        by_applicant = step in ("submitted", "withdrawn")
        application.history.append(
            ApplicationStatusChange(
                from_status=previous,
                to_status=step,
                created_at=moment,
                actor_id=(applicant_admin if by_applicant else owner_admin).id,
            )
        )
        if step == "submitted":
            application.submitted_at = moment
        if step in ("selected", "not_selected"):
            application.decided_at, application.decided_by_id = moment, owner_admin.id
        previous = step
        moment = next_step_time(context, challenge, moment)


def submitted_at(context: dict, challenge: Challenge, index: int) -> datetime:
    latest = context["now"] - timedelta(days=2)
    moment = challenge.application_deadline - timedelta(days=4) if challenge.application_deadline else latest
    return min(moment, latest) - timedelta(hours=index % 7)


def next_step_time(context: dict, challenge: Challenge, moment: datetime) -> datetime:
    """After the deadline when it has passed, else a day later; never in the future."""
    after = moment + timedelta(days=1)
    if challenge.application_deadline and challenge.application_deadline < context["now"]:
        after = max(after, challenge.application_deadline + timedelta(days=2))
    return min(after, context["now"] - timedelta(hours=1))


def _slug_of(context: dict, org_id: int) -> str:
    return next(slug for slug, org in context["orgs"].items() if org.id == org_id)


# Committees ------------------------------------------------------------------------------
def seed_committees(context: dict, rows: list[dict], rubric_rows: list[dict]) -> None:
    context["rubrics"], context["committees"] = {}, {}
    for row in rows:
        challenge = context["challenges"][row["challenge"]]
        rubric = build_rubric(challenge, rubric_rows)
        challenge.rubric = rubric
        committee = build_committee(context, challenge, row)
        db.session.flush()
        assign_and_declare(context, committee, row)
        add_reviews(context, rubric, row)
        context["rubrics"][row["challenge"]] = rubric
        context["committees"][row["challenge"]] = committee
    db.session.flush()


def build_rubric(challenge: Challenge, rubric_rows: list[dict]) -> Rubric:
    rubric = Rubric(title=f"{challenge.title} 審査基準")
    for position, row in enumerate(rubric_rows):
        rubric.criteria.append(
            Criterion(
                key=row["key"],
                name_ja=row["name_ja"],
                name_en=row.get("name_en"),
                description=row.get("description_ja", ""),
                weight=row["weight"],
                scale_min=row["scale_min"],
                scale_max=row["scale_max"],
                position=position,
            )
        )
    db.session.add(rubric)
    return rubric


def build_committee(context: dict, challenge: Challenge, row: dict) -> Committee:
    committee = Committee(challenge=challenge, chair_id=context["users"][row["chair"]].id, status="open")
    for email in row["judges"]:
        committee.members.append(CommitteeMember(user_id=context["users"][email].id))
    db.session.add(committee)
    return committee


def _application(context: dict, ref: dict) -> Application:
    return context["applications"][(ref["challenge"], ref["applicant"])]


def assign_and_declare(context: dict, committee: Committee, row: dict) -> None:
    """Every judge is assigned every application under review and declares conflicts before scoring:
    the recusals from the file, "no conflict" for everyone else."""
    recused = {(c["judge"], _application(context, c["application"]).id): c["reason"] for c in row["conflicts"]}
    reviewed = [
        a
        for (key, _), a in context["applications"].items()
        if key == row["challenge"] and a.status not in ("draft", "withdrawn")
    ]
    for application in reviewed:
        for email in row["judges"]:
            judge = context["users"][email]
            reason = recused.get((email, application.id))
            db.session.add(
                ReviewAssignment(
                    committee=committee,
                    application_id=application.id,
                    judge_id=judge.id,
                    created_at=application.submitted_at,
                )
            )
            db.session.add(
                ConflictDeclaration(
                    application_id=application.id,
                    judge_id=judge.id,
                    has_conflict=reason is not None,
                    reason=reason or "",
                    declared_at=application.submitted_at + timedelta(days=1),
                )
            )


def add_reviews(context: dict, rubric: Rubric, row: dict) -> None:
    criteria = {c.key: c for c in rubric.criteria}
    for index, entry in enumerate(row["scores"]):
        application = _application(context, entry["application"])
        review = Review(
            application_id=application.id,
            judge_id=context["users"][entry["judge"]].id,
            comment=entry.get("comment", ""),
            submitted_at=min(
                application.submitted_at + timedelta(days=2, hours=index), context["now"] - timedelta(hours=2)
            ),
        )
        for key, value in entry["scores"].items():
            review.scores.append(ReviewScore(criterion_id=criteria[key].id, value=value))
        db.session.add(review)
