"""Judges' score sheets of a contest: one sheet per judge × entry, except where the judge is recused.

A judge declares (a conflict of interest or none) and scores an entry here (`declare`, `score`), with
the same rules for the API and the judges' pages. Also what the moderator sees before finalising (who
has not scored which entry), the confirmation that finalising with sheets missing needs, and the
record shown on the results ("k of n score sheets").
Flush, never commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...db import utcnow
from ...errors import Conflict, InvalidInput, PermissionDenied
from ...extensions import db
from ...reviews import scoring
from .models import Contest, Entry, JudgeDeclaration, JudgeScore
from .services import not_finalized

CONFIRM_FIELD = "confirm_incomplete_scores"


def status(contest: Contest) -> dict:
    """{"done": k, "expected": n, "missing": [{judge_id, judge_name, entry_id, entry_title, state}]}.

    A sheet is expected from every judge for every entry unless the judge declared a conflict for it;
    it is done when the judge's scores are complete on the rubric. `state` of a missing sheet is
    "declare" (no conflict declaration yet) or "score" (declared, not scored)."""
    entries = list(contest.entries)
    entry_ids = [e.id for e in entries] or [-1]
    declared = {
        (d.judge_id, d.entry_id): d.has_conflict
        for d in db.session.scalars(select(JudgeDeclaration).where(JudgeDeclaration.entry_id.in_(entry_ids)))
    }
    criteria = contest.rubric.criteria if contest.rubric is not None else []
    scored = {
        (s.judge_id, s.entry_id)
        for s in db.session.scalars(select(JudgeScore).where(JudgeScore.entry_id.in_(entry_ids)))
        if criteria and not scoring.validate_scores(criteria, s.scores)
    }
    done, expected, missing = 0, 0, []
    for judge in sorted(contest.judges, key=lambda j: j.id):
        for entry in entries:
            key = (judge.user_id, entry.id)
            if declared.get(key) is True:
                continue  # recused: no sheet expected
            expected += 1
            if key in scored:
                done += 1
                continue
            missing.append(
                {
                    "judge_id": judge.user_id,
                    "judge_name": judge.user.display_name,
                    "entry_id": entry.id,
                    "entry_title": entry.title,
                    "state": "score" if key in declared else "declare",
                }
            )
    return {"done": done, "expected": expected, "missing": missing}


def incomplete(sheets: dict, contest: Contest) -> bool:
    """Would the judges' part rest on fewer sheets than expected (or on none at all)?"""
    if contest.weight_judges <= 0 or not contest.entries:
        return False
    return sheets["done"] < sheets["expected"] or sheets["expected"] == 0


def record_at_finalize(contest: Contest, user, confirmed: bool) -> dict:
    """Refuse (409) to finalise with sheets missing unless confirmed; record k of n and the confirmation."""
    sheets = status(contest)
    if incomplete(sheets, contest):
        if not confirmed:
            message = _l(
                "The judges' part (%(weight)s%%) would be based on %(done)s of %(expected)s score sheets. "
                "Confirm that you want to finalise with score sheets missing.",
                weight=contest.weight_judges,
                done=sheets["done"],
                expected=sheets["expected"],
            )
            raise Conflict(message, {CONFIRM_FIELD: [message]})
        contest.incomplete_confirmed_by_id = user.id if user is not None else None
        contest.incomplete_confirmed_at = utcnow()
    contest.score_sheets_done, contest.score_sheets_expected = sheets["done"], sheets["expected"]
    return sheets


def summary(contest: Contest, sheets: dict | None = None) -> dict:
    """What the results show: the recorded k of n once finalised, the live count before."""
    if contest.status == "finalized" and contest.score_sheets_expected is not None:
        done, expected = contest.score_sheets_done, contest.score_sheets_expected
    else:
        sheets = sheets or status(contest)
        done, expected = sheets["done"], sheets["expected"]
    by = contest.incomplete_confirmed_by
    return {
        "done": done,
        "expected": expected,
        "complete": expected > 0 and done >= expected,
        "confirmed_by": by.display_name if by is not None else None,
        "confirmed_at": contest.incomplete_confirmed_at,
    }


def declare(entry: Entry, judge, has_conflict: bool, reason: str) -> JudgeDeclaration:
    declaration = db.session.scalar(
        select(JudgeDeclaration).where(JudgeDeclaration.entry_id == entry.id, JudgeDeclaration.judge_id == judge.id)
    )
    if declaration is not None:
        raise Conflict(_("You have already declared for this entry."))
    if has_conflict and not reason.strip():
        raise InvalidInput({"reason": [_("Say briefly why you have a conflict.")]})
    declaration = JudgeDeclaration(entry_id=entry.id, judge_id=judge.id, has_conflict=has_conflict, reason=reason)
    db.session.add(declaration)
    if has_conflict:  # a recused judge's earlier score no longer counts
        db.session.execute(
            JudgeScore.__table__.delete().where(JudgeScore.entry_id == entry.id, JudgeScore.judge_id == judge.id)
        )
    db.session.flush()
    return declaration


def is_recused(entry_id: int, judge_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(JudgeDeclaration.has_conflict).where(
                JudgeDeclaration.entry_id == entry_id, JudgeDeclaration.judge_id == judge_id
            )
        )
    )


def score(entry: Entry, judge, scores: dict) -> JudgeScore:
    contest = entry.contest
    not_finalized(contest)
    if contest.rubric is None:
        raise Conflict(_("The organiser has not chosen a rubric yet."))
    if is_recused(entry.id, judge.id):
        raise PermissionDenied(_("You declared a conflict of interest for this entry."))
    errors = scoring.validate_scores(contest.rubric.criteria, scores)
    if errors:
        raise InvalidInput({"scores": errors})
    row = db.session.scalar(select(JudgeScore).where(JudgeScore.entry_id == entry.id, JudgeScore.judge_id == judge.id))
    if row is None:
        row = JudgeScore(entry_id=entry.id, judge_id=judge.id, scores=dict(scores))
        db.session.add(row)
    else:
        row.scores = dict(scores)
    db.session.flush()
    return row
