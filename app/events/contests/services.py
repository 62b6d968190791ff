"""Contest management: create, formula, entries (import / invite / reorder), pitch, judges,
rounds (create / edit / open / close), likes, finalize and reveal. Flush, never commit."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from ...applications.models import Application
from ...challenges.models import Challenge
from ...db import on_commit, utcnow
from ...errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ...extensions import db
from ...reviews import scoring
from ...reviews.models import Rubric
from ...solutions.models import Solution
from . import ballots, broadcast, eligibility, score_sheets, tally
from .models import (Ballot, Contest, ContestJudge, ContestResult, Entry, JoinPass, JudgeDeclaration, JudgeScore,
                     Like, VotingRound)

FORMULA_FIELDS = ("weight_judges", "weight_votes", "weight_likes")
RULE_FIELDS = ("method", "max_choices", "eligibility", "allow_change")


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
    return bool(db.session.scalar(select(func.count()).select_from(JudgeScore).join(
        Entry, Entry.id == JudgeScore.entry_id).where(Entry.contest_id == contest.id)))


# Entries ---------------------------------------------------------------------

def _next_position(contest: Contest) -> int:
    return max((e.position for e in contest.entries), default=-1) + 1


def add_entry(contest: Contest, data: dict) -> Entry:
    """An entry added by invitation: a startup organisation, optionally with one of its solutions."""
    from ...accounts.models import Organization
    _not_finalized(contest)
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
    entry = Entry(org_id=org.id, solution_id=getattr(solution, "id", None), title=title,
                  summary=data.get("summary") or (solution.summary if solution else ""),
                  position=_next_position(contest), source="invitation")
    contest.entries.append(entry)
    db.session.flush()
    return entry


def import_shortlisted(contest: Contest, challenge_id: int | None) -> list[Entry]:
    """Entries from the SHORTLISTED applications of a challenge owned by the host."""
    _not_finalized(contest)
    challenge_id = challenge_id or contest.challenge_id
    challenge = db.session.get(Challenge, challenge_id) if challenge_id else None
    if challenge is None or challenge.owner_org_id not in contest.host_org_ids():
        raise InvalidInput({"challenge_id": [_("Choose a challenge owned by the host.")]})
    present = {e.org_id for e in contest.entries}
    added = []
    applications = db.session.scalars(select(Application).where(
        Application.challenge_id == challenge.id, Application.status == "shortlisted").order_by(Application.id))
    for application in applications:
        if application.applicant_org_id in present:
            continue
        solution = application.solution
        entry = Entry(org_id=application.applicant_org_id, solution_id=application.solution_id,
                      application_id=application.id,
                      title=solution.title if solution else application.applicant.name_ja,
                      summary=solution.summary if solution else application.proposal[:500],
                      position=_next_position(contest) + len(added), source="application")
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
    return {"entry_id": contest.current_entry_id, "seconds": contest.pitch_seconds,
            "started_at": contest.pitch_started_at.isoformat() if contest.pitch_started_at else None}


def _not_finalized(contest: Contest) -> None:
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
        raise InvalidInput({"email": [_("No active account has this email address. Ask the person to sign up "
                                        "first.")]})
    if user.id in contest.judge_ids():
        raise Conflict(_("This person is already a judge."), fields={"email": [_("Already a judge.")]})
    return add_judge(contest, user.id)


def use_standard_rubric(contest: Contest) -> Rubric:
    """Give a contest without a rubric the standard criteria of committee scoring (same model)."""
    from ...reviews.models import Criterion
    from ...reviews.services import DEFAULT_CRITERIA
    _not_finalized(contest)
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


def declare(entry: Entry, judge, has_conflict: bool, reason: str) -> JudgeDeclaration:
    declaration = db.session.scalar(select(JudgeDeclaration).where(
        JudgeDeclaration.entry_id == entry.id, JudgeDeclaration.judge_id == judge.id))
    if declaration is not None:
        raise Conflict(_("You have already declared for this entry."))
    if has_conflict and not reason.strip():
        raise InvalidInput({"reason": [_("Say briefly why you have a conflict.")]})
    declaration = JudgeDeclaration(entry_id=entry.id, judge_id=judge.id, has_conflict=has_conflict, reason=reason)
    db.session.add(declaration)
    if has_conflict:  # a recused judge's earlier score no longer counts
        db.session.execute(JudgeScore.__table__.delete().where(JudgeScore.entry_id == entry.id,
                                                               JudgeScore.judge_id == judge.id))
    db.session.flush()
    return declaration


def is_recused(entry_id: int, judge_id: int) -> bool:
    return bool(db.session.scalar(select(JudgeDeclaration.has_conflict).where(
        JudgeDeclaration.entry_id == entry_id, JudgeDeclaration.judge_id == judge_id)))


def score(entry: Entry, judge, scores: dict) -> JudgeScore:
    contest = entry.contest
    _not_finalized(contest)
    if contest.rubric is None:
        raise Conflict(_("The organiser has not chosen a rubric yet."))
    if is_recused(entry.id, judge.id):
        raise PermissionDenied(_("You declared a conflict of interest for this entry."))
    errors = scoring.validate_scores(contest.rubric.criteria, scores)
    if errors:
        raise InvalidInput({"scores": errors})
    row = db.session.scalar(select(JudgeScore).where(JudgeScore.entry_id == entry.id,
                                                     JudgeScore.judge_id == judge.id))
    if row is None:
        row = JudgeScore(entry_id=entry.id, judge_id=judge.id, scores=dict(scores))
        db.session.add(row)
    else:
        row.scores = dict(scores)
    db.session.flush()
    return row


# Rounds ----------------------------------------------------------------------

def _check_rules(values: dict) -> None:
    fields = {}
    if values["method"] == "single" and values.get("max_choices", 1) != 1:
        values["max_choices"] = 1
    if values["method"] == "approval" and not 1 <= values.get("max_choices", 1) <= 20:
        fields["max_choices"] = [_("Between 1 and 20.")]
    if not values.get("eligibility"):
        fields["eligibility"] = [_("Choose who may vote.")]
    if fields:
        raise InvalidInput(fields)


def create_round(contest: Contest, data: dict) -> VotingRound:
    _not_finalized(contest)
    values = {"method": "single", "max_choices": 1, "eligibility": ["staff"], "allow_change": True, **data}
    values["eligibility"] = sorted(set(values["eligibility"]))
    _check_rules(values)
    rnd = VotingRound(contest_id=contest.id, **values)
    db.session.add(rnd)
    db.session.flush()
    return rnd


def update_round(rnd: VotingRound, data: dict) -> VotingRound:
    """Rules (method, choices, eligibility, changes allowed) are frozen once the round opens."""
    rnd = ballots.lock_round(rnd.id)
    if rnd.status != "draft":
        changed = {k for k in data if k in RULE_FIELDS and _norm(k, data[k]) != getattr(rnd, k)}
        if changed or (rnd.status == "closed" and data):
            raise Conflict(_("The rules of a round are frozen once it opens."),
                           fields={k: [_("Frozen.")] for k in sorted(changed)})
    if "eligibility" in data:
        data = {**data, "eligibility": sorted(set(data["eligibility"]))}
    values = {k: data.get(k, getattr(rnd, k)) for k in RULE_FIELDS}
    _check_rules(values)
    data = {**data, "max_choices": values["max_choices"]} if "method" in data or "max_choices" in data else data
    for key, value in data.items():
        setattr(rnd, key, value)
    db.session.flush()
    return rnd


def _norm(key, value):
    return sorted(set(value)) if key == "eligibility" else value


def open_round(rnd: VotingRound) -> VotingRound:
    contest = rnd.contest
    _not_finalized(contest)
    rnd = ballots.lock_round(rnd.id)
    if rnd.status != "draft":
        raise Conflict(_("This round has already been opened."))
    if not contest.entries:
        raise Conflict(_("Add entries before opening a round."))
    if any(r.status == "open" for r in contest.rounds if r.id != rnd.id):
        raise Conflict(_("Another round is open. Close it first."))
    rnd.status, rnd.opened_at = "open", utcnow()
    if contest.status == "draft":
        contest.status = "live"
    db.session.flush()
    broadcast.announce_round(contest.id)
    return rnd


def close_round(rnd: VotingRound) -> VotingRound:
    """Lock the round, close it and snapshot the tally in the same transaction."""
    rnd = ballots.lock_round(rnd.id)
    if rnd.status != "open":
        raise Conflict(_("Only an open round can be closed."))
    rnd.status, rnd.closed_at = "closed", utcnow()
    db.session.flush()
    tally.take_snapshot(rnd)
    db.session.refresh(rnd)
    broadcast.announce_round(rnd.contest_id)
    broadcast.announce("tally", tally.tally_payload(rnd), rnd.contest_id)
    return rnd


def round_payload(rnd: VotingRound) -> dict:
    return {"id": rnd.id, "title": rnd.title, "status": rnd.status, "method": rnd.method,
            "max_choices": rnd.max_choices, "allow_change": rnd.allow_change, "eligibility": list(rnd.eligibility)}


def current_round(contest: Contest) -> VotingRound | None:
    rounds = contest.rounds
    open_ = [r for r in rounds if r.status == "open"]
    if open_:
        return open_[0]
    closed = [r for r in rounds if r.status == "closed"]
    return closed[-1] if closed else None


# Likes -----------------------------------------------------------------------

def like(entry: Entry, voter) -> bool:
    """One like per person per entry. Returns True if it was new."""
    if not eligibility.attending(entry.contest, voter):
        raise PermissionDenied(_("Only attendees can like an entry."))
    _not_finalized(entry.contest)
    if db.session.scalar(select(Like.id).where(Like.entry_id == entry.id, Like.voter_key == voter.key)):
        return False
    nested = db.session.begin_nested()
    try:
        db.session.add(Like(entry_id=entry.id, voter_key=voter.key))
        db.session.flush()
        nested.commit()
    except Exception:  # a concurrent identical like won the race
        nested.rollback()
        return False
    _likes_changed(entry.contest_id)
    return True


def unlike(entry: Entry, voter) -> None:
    if not eligibility.attending(entry.contest, voter):
        raise PermissionDenied(_("Only attendees can like an entry."))
    _not_finalized(entry.contest)
    db.session.execute(Like.__table__.delete().where(Like.entry_id == entry.id, Like.voter_key == voter.key))
    _likes_changed(entry.contest_id)


def _likes_changed(contest_id: int) -> None:
    from . import live_state
    on_commit(lambda: live_state.bump(contest_id))


def like_counts(contest: Contest) -> dict[int, int]:
    rows = db.session.execute(select(Like.entry_id, func.count()).join(Entry, Entry.id == Like.entry_id)
                              .where(Entry.contest_id == contest.id).group_by(Like.entry_id))
    return {entry_id: n for entry_id, n in rows}


# Guests ----------------------------------------------------------------------

def join(contest: Contest, display_name: str, user=None) -> JoinPass:
    if contest.status == "finalized":
        raise Conflict(_("The contest is over."))
    if user is not None:
        existing = db.session.scalar(select(JoinPass).where(JoinPass.contest_id == contest.id,
                                                            JoinPass.user_id == user.id))
        if existing is not None:
            return existing
    join_pass = JoinPass(contest_id=contest.id, user_id=getattr(user, "id", None), display_name=display_name)
    db.session.add(join_pass)
    db.session.flush()
    return join_pass


def find_by_code(code: str) -> Contest | None:
    """The contest of a join code, its row only (the phone pages need no entries, judges or
    event co-hosts: related rows load when something asks for them)."""
    return db.session.scalar(select(Contest).where(Contest.join_code == (code or "").upper()[:16])
                             .options(lazyload("*")))


# Results ---------------------------------------------------------------------

def compute_results(contest: Contest) -> list[dict]:
    """judges × normalised weighted score + votes × vote share + likes × like share (0..100)."""
    criteria = contest.rubric.criteria if contest.rubric is not None else []
    entries = list(contest.entries)
    votes: dict[int, int] = {}
    for rnd in contest.rounds:
        if rnd.status == "closed" and rnd.snapshot is not None:
            for entry_id, n in rnd.snapshot.counts.items():
                votes[int(entry_id)] = votes.get(int(entry_id), 0) + int(n)
    total_votes = sum(votes.values())
    likes = like_counts(contest)
    total_likes = sum(likes.values())
    rows = []
    for entry in entries:
        judged = []
        if criteria:
            for s in db.session.scalars(select(JudgeScore).where(JudgeScore.entry_id == entry.id)):
                if not is_recused(entry.id, s.judge_id) and not scoring.validate_scores(criteria, s.scores):
                    judged.append(scoring.normalised(criteria, scoring.weighted_score(criteria, s.scores)))
        judge_score = sum(judged) / len(judged) if judged else None
        vote_share = votes.get(entry.id, 0) / total_votes if total_votes else 0.0
        like_share = likes.get(entry.id, 0) / total_likes if total_likes else 0.0
        total = (contest.weight_judges * (judge_score or 0.0) + contest.weight_votes * vote_share
                 + contest.weight_likes * like_share)
        rows.append({"entry_id": entry.id, "entry": entry, "judge_score": judge_score, "judges": len(judged),
                     "votes": votes.get(entry.id, 0), "vote_share": vote_share, "likes": likes.get(entry.id, 0),
                     "like_share": like_share, "total": round(total, 6)})
    rows.sort(key=lambda r: (-r["total"], r["entry"].position, r["entry_id"]))
    rank, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if previous is None or abs(row["total"] - previous) > 1e-9:
            rank = index
        previous = row["total"]
        row["rank"] = rank
    return rows


def finalize(contest: Contest, user=None, confirm_incomplete_scores: bool = False) -> list[ContestResult]:
    """Store the ranking. With judges' score sheets missing this needs `confirm_incomplete_scores`
    (409 otherwise); k of n and who confirmed are recorded on the contest."""
    _not_finalized(contest)
    if any(r.status == "open" for r in contest.rounds):
        raise Conflict(_("Close the open round before finalising."))
    score_sheets.record_at_finalize(contest, user, confirm_incomplete_scores)
    rows = compute_results(contest)
    results = []
    for row in rows:
        result = ContestResult(contest_id=contest.id, **{k: v for k, v in row.items() if k != "entry"})
        db.session.add(result)
        results.append(result)
    contest.status, contest.finalized_at = "finalized", utcnow()
    db.session.flush()
    return results


def reveal(contest: Contest) -> None:
    if contest.status != "finalized":
        raise Conflict(_("Finalise the contest before revealing the results."))
    if contest.revealed_at is None:
        contest.revealed_at = utcnow()
        db.session.flush()
        broadcast.announce("reveal", {"contest_id": contest.id}, contest.id)


def stored_results(contest: Contest) -> list[ContestResult]:
    return list(db.session.scalars(select(ContestResult).where(ContestResult.contest_id == contest.id)
                                   .order_by(ContestResult.rank, ContestResult.id)))


# State (what a reconnecting client resynchronises from) ---------------------

def state(contest: Contest, voter) -> dict:
    """The shared state of the contest (computed once per revision) and the voter's own part."""
    from . import live_state
    return live_state.state(contest, voter)


def export_rows(contest: Contest):
    """The organiser's CSV: one row per counted ballot; voter names only if the contest is named.

    Choices are given both as entry ids and as entry titles (in the same order)."""
    from ...accounts.models import User
    from ..tickets import _csv_safe
    titles = {e.id: e.title for e in contest.entries}
    yield ["round", "receipt", "choices", "choice_titles", "cast_at", "voter"]
    for rnd in contest.rounds:
        rows = db.session.execute(select(Ballot, User.display_name, JoinPass.display_name)
                                  .outerjoin(User, User.id == Ballot.user_id)
                                  .outerjoin(JoinPass, JoinPass.id == Ballot.join_pass_id)
                                  .where(Ballot.round_id == rnd.id, Ballot.superseded_at.is_(None))
                                  .order_by(Ballot.id))
        for ballot, user_name, guest_name in rows:
            voter = (user_name or guest_name or "") if contest.named_export else ""
            yield [_csv_safe(rnd.title), ballot.receipt, " ".join(str(c) for c in ballot.choices),
                   _csv_safe(" / ".join(titles.get(c, f"#{c}") for c in ballot.choices)),
                   ballot.created_at.isoformat(), _csv_safe(voter)]


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
