"""Results: the ranking by the contest's formula, finalising (stored results), the reveal on the
big screen, and the organiser's CSV of counted ballots. Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...db import utcnow
from ...errors import Conflict
from ...extensions import db
from ...reviews import scoring
from . import broadcast, score_sheets
from .likes import like_counts
from .models import Ballot, Contest, ContestResult, JoinPass, JudgeScore
from .score_sheets import is_recused
from .services import not_finalized


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
        total = (
            contest.weight_judges * (judge_score or 0.0)
            + contest.weight_votes * vote_share
            + contest.weight_likes * like_share
        )
        rows.append(
            {
                "entry_id": entry.id,
                "entry": entry,
                "judge_score": judge_score,
                "judges": len(judged),
                "votes": votes.get(entry.id, 0),
                "vote_share": vote_share,
                "likes": likes.get(entry.id, 0),
                "like_share": like_share,
                "total": round(total, 6),
            }
        )
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
    not_finalized(contest)
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
    return list(
        db.session.scalars(
            select(ContestResult)
            .where(ContestResult.contest_id == contest.id)
            .order_by(ContestResult.rank, ContestResult.id)
        )
    )


def export_rows(contest: Contest):
    """The organiser's CSV: one row per counted ballot; voter names only if the contest is named.

    Choices are given both as entry ids and as entry titles (in the same order)."""
    from ...accounts.models import User
    from ..tickets import _csv_safe

    titles = {e.id: e.title for e in contest.entries}
    yield ["round", "receipt", "choices", "choice_titles", "cast_at", "voter"]
    for rnd in contest.rounds:
        rows = db.session.execute(
            select(Ballot, User.display_name, JoinPass.display_name)
            .outerjoin(User, User.id == Ballot.user_id)
            .outerjoin(JoinPass, JoinPass.id == Ballot.join_pass_id)
            .where(Ballot.round_id == rnd.id, Ballot.superseded_at.is_(None))
            .order_by(Ballot.id)
        )
        for ballot, user_name, guest_name in rows:
            voter = (user_name or guest_name or "") if contest.named_export else ""
            yield [
                _csv_safe(rnd.title),
                ballot.receipt,
                " ".join(str(c) for c in ballot.choices),
                _csv_safe(" / ".join(titles.get(c, f"#{c}") for c in ballot.choices)),
                ballot.created_at.isoformat(),
                _csv_safe(voter),
            ]
