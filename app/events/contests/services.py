"""Setting up a contest: create and edit it (formula, links), its entries (invite, import, reorder,
the pitch on stage), its judges and rubric, the guests' join passes, and finding a contest.
Rounds are in rounds.py, likes in likes.py, judges' declarations and scores in score_sheets.py,
results in results.py, ballots in ballots.py. Flush, never commit."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from ...applications.models import Application
from ...challenges.models import Challenge
from ...db import utcnow
from ...errors import Conflict, InvalidInput, NotFound
from ...extensions import db
from ...reviews.models import Rubric
from ...solutions.models import Solution
from . import broadcast
from .models import Contest, ContestJudge, Entry, JoinPass, JudgeScore

FORMULA_FIELDS = ("weight_judges", "weight_votes", "weight_likes")


def _check_formula(values: dict) -> None:
    total = sum(values[f] for f in FORMULA_FIELDS)
    if total != 100:
        raise InvalidInput({"weight_judges": [_("The weights must add up to 100 (now %(n)s).", n=total)]})


def new_join_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a big screen
    return "".join(secrets.choice(alphabet) for _ in range(8))


def create_contest(event, user, data: dict) -> Contest:
    from ..models import Event  # noqa: F401

    if event.kind != "contest":
        raise InvalidInput({"event_id": [_("Choose an event of the kind contest.")]})
    values = {"weight_judges": 60, "weight_votes": 35, "weight_likes": 5, **data}
    _check_formula(values)
    values.pop("event_id", None)
    _check_links(event, values)
    contest = Contest(event_id=event.id, join_code=new_join_code(), **values)
    db.session.add(contest)
    db.session.flush()
    return contest


def _check_links(event, values: dict) -> None:
    if values.get("challenge_id") is not None:
        challenge = db.session.get(Challenge, values["challenge_id"])
        if challenge is None or challenge.owner_org_id not in event.host_org_ids():
            raise InvalidInput({"challenge_id": [_("Choose a challenge owned by the host.")]})
    if values.get("rubric_id") is not None:
        rubric = db.session.get(Rubric, values["rubric_id"])
        if rubric is None or not rubric.criteria:
            raise InvalidInput({"rubric_id": [_("Choose a rubric with criteria.")]})


def update_contest(contest: Contest, data: dict) -> Contest:
    if contest.status == "finalized":
        raise Conflict(_("The contest is finalised."))
    formula = {f: data.get(f, getattr(contest, f)) for f in FORMULA_FIELDS}
    if any(f in data for f in FORMULA_FIELDS):
        started = any(r.status != "draft" for r in contest.rounds)
        if started and formula != {f: getattr(contest, f) for f in FORMULA_FIELDS}:
            raise Conflict(_("The formula is frozen once voting has started."))
        _check_formula(formula)
    if "rubric_id" in data and data["rubric_id"] != contest.rubric_id and _has_scores(contest):
        raise Conflict(_("Judges have already scored on this rubric."))
    _check_links(contest.event, data)
    for key, value in data.items():
        setattr(contest, key, value)
    db.session.flush()
    return contest


def _has_scores(contest: Contest) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(JudgeScore)
            .join(Entry, Entry.id == JudgeScore.entry_id)
            .where(Entry.contest_id == contest.id)
        )
    )


# Entries ---------------------------------------------------------------------


def _next_position(contest: Contest) -> int:
    return max((e.position for e in contest.entries), default=-1) + 1


def add_entry(contest: Contest, data: dict) -> Entry:
    """An entry added by invitation: a startup organisation, optionally with one of its solutions."""
    from ...accounts.models import Organization

    not_finalized(contest)
    org = db.session.get(Organization, data["org_id"])
    if org is None or org.kind != "startup":
        raise InvalidInput({"org_id": [_("Choose a startup.")]})
    solution = None
    if data.get("solution_id") is not None:
        solution = db.session.get(Solution, data["solution_id"])
        if solution is None or solution.org_id != org.id:
            raise InvalidInput({"solution_id": [_("Choose a solution of this startup.")]})
    if any(e.org_id == org.id for e in contest.entries):
        raise Conflict(_("This startup is already in the contest."), fields={"org_id": [_("Already entered.")]})
    title = data.get("title") or (solution.title if solution else org.name_ja)
    entry = Entry(
        org_id=org.id,
        solution_id=getattr(solution, "id", None),
        title=title,
        summary=data.get("summary") or (solution.summary if solution else ""),
        position=_next_position(contest),
        source="invitation",
    )
    contest.entries.append(entry)
    db.session.flush()
    return entry


def import_shortlisted(contest: Contest, challenge_id: int | None) -> list[Entry]:
    """Entries from the SHORTLISTED applications of a challenge owned by the host."""
    not_finalized(contest)
    challenge_id = challenge_id or contest.challenge_id
    challenge = db.session.get(Challenge, challenge_id) if challenge_id else None
    if challenge is None or challenge.owner_org_id not in contest.host_org_ids():
        raise InvalidInput({"challenge_id": [_("Choose a challenge owned by the host.")]})
    present = {e.org_id for e in contest.entries}
    added = []
    applications = db.session.scalars(
        select(Application)
        .where(Application.challenge_id == challenge.id, Application.status == "shortlisted")
        .order_by(Application.id)
    )
    for application in applications:
        if application.applicant_org_id in present:
            continue
        solution = application.solution
        entry = Entry(
            org_id=application.applicant_org_id,
            solution_id=application.solution_id,
            application_id=application.id,
            title=solution.title if solution else application.applicant.name_ja,
            summary=solution.summary if solution else application.proposal[:500],
            position=_next_position(contest) + len(added),
            source="application",
        )
        contest.entries.append(entry)
        added.append(entry)
        present.add(application.applicant_org_id)
    db.session.flush()
    return added


def reorder(contest: Contest, entry_ids: list[int]) -> None:
    if sorted(entry_ids) != sorted(e.id for e in contest.entries):
        raise InvalidInput({"entry_ids": [_("Give every entry of the contest exactly once.")]})
    by_id = {e.id: e for e in contest.entries}
    for position, entry_id in enumerate(entry_ids):
        by_id[entry_id].position = position
    db.session.flush()


def start_pitch(contest: Contest, entry_id: int | None) -> None:
    if entry_id is not None and entry_id not in {e.id for e in contest.entries}:
        raise InvalidInput({"entry_id": [_("Choose an entry of this contest.")]})
    contest.current_entry_id = entry_id
    contest.pitch_started_at = utcnow() if entry_id else None
    db.session.flush()
    broadcast.announce("pitch", pitch_payload(contest), contest.id)


def pitch_payload(contest: Contest) -> dict:
    return {
        "entry_id": contest.current_entry_id,
        "seconds": contest.pitch_seconds,
        "started_at": contest.pitch_started_at.isoformat() if contest.pitch_started_at else None,
    }


def not_finalized(contest: Contest) -> None:
    if contest.status == "finalized":
        raise Conflict(_("The contest is finalised."))


# Judges ----------------------------------------------------------------------


def add_judge(contest: Contest, user_id: int) -> ContestJudge:
    from ...accounts.models import User

    user = db.session.get(User, user_id)
    if user is None:
        raise InvalidInput({"user_id": [_("Unknown user.")]})
    if user_id in contest.judge_ids():
        raise Conflict(_("This person is already a judge."))
    judge = ContestJudge(contest_id=contest.id, user_id=user_id)
    contest.judges.append(judge)
    db.session.flush()
    return judge


def add_judge_by_email(contest: Contest, email: str) -> ContestJudge:
    """The organiser's page names a judge by email (an account must exist: judges sign in)."""
    from ...accounts.models import User
    from ...accounts.services import normalise_email

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        raise InvalidInput({"email": [_("No active account has this email address. Ask the person to sign up first.")]})
    if user.id in contest.judge_ids():
        raise Conflict(_("This person is already a judge."), fields={"email": [_("Already a judge.")]})
    return add_judge(contest, user.id)


def use_standard_rubric(contest: Contest) -> Rubric:
    """Give a contest without a rubric the standard criteria of committee scoring (same model)."""
    from ...reviews.models import Criterion
    from ...reviews.services import DEFAULT_CRITERIA

    not_finalized(contest)
    if contest.rubric_id is not None:
        raise Conflict(_("The contest already has a rubric."))
    rubric = Rubric(title=contest.title)
    for position, criterion in enumerate(DEFAULT_CRITERIA):
        rubric.criteria.append(Criterion(position=position, **criterion))
    db.session.add(rubric)
    db.session.flush()
    contest.rubric_id = rubric.id
    db.session.flush()
    return rubric


# Guests ----------------------------------------------------------------------


def join(contest: Contest, display_name: str, user=None) -> JoinPass:
    if contest.status == "finalized":
        raise Conflict(_("The contest is over."))
    if user is not None:
        existing = db.session.scalar(
            select(JoinPass).where(JoinPass.contest_id == contest.id, JoinPass.user_id == user.id)
        )
        if existing is not None:
            return existing
    join_pass = JoinPass(contest_id=contest.id, user_id=getattr(user, "id", None), display_name=display_name)
    db.session.add(join_pass)
    db.session.flush()
    return join_pass


def find_by_code(code: str) -> Contest | None:
    """The contest of a join code, its row only (the phone pages need no entries, judges or
    event co-hosts: related rows load when something asks for them)."""
    return db.session.scalar(
        select(Contest).where(Contest.join_code == (code or "").upper()[:16]).options(lazyload("*"))
    )


def get_contest(contest_id: int, light: bool = False) -> Contest:
    """The contest or NotFound. `light`: its row only, related rows loaded when asked for (the
    phone's pages, thousands of times per event)."""
    if light:
        contest = db.session.scalar(select(Contest).where(Contest.id == contest_id).options(lazyload("*")))
    else:
        contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound()
    return contest
