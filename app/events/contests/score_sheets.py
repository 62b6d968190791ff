"""Judges' score sheets of a contest: one sheet per judge × entry, except where the judge is recused.

What the moderator sees before finalising (who has not scored which entry), the confirmation that
finalising with sheets missing needs, and the record shown on the results ("k of n score sheets").
Flush, never commit.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...db import utcnow
from ...errors import Conflict
from ...extensions import db
from ...reviews import scoring
from .models import Contest, JudgeDeclaration, JudgeScore

CONFIRM_FIELD = "confirm_incomplete_scores"


def status(contest: Contest) -> dict:
    """{"done": k, "expected": n, "missing": [{judge_id, judge_name, entry_id, entry_title, state}]}.

    A sheet is expected from every judge for every entry unless the judge declared a conflict for it;
    it is done when the judge's scores are complete on the rubric. `state` of a missing sheet is
    "declare" (no conflict declaration yet) or "score" (declared, not scored)."""
    entries = list(contest.entries)
    entry_ids = [e.id for e in entries] or [-1]
    declared = {(d.judge_id, d.entry_id): d.has_conflict for d in db.session.scalars(
        select(JudgeDeclaration).where(JudgeDeclaration.entry_id.in_(entry_ids)))}
    criteria = contest.rubric.criteria if contest.rubric is not None else []
    scored = {(s.judge_id, s.entry_id) for s in db.session.scalars(
        select(JudgeScore).where(JudgeScore.entry_id.in_(entry_ids)))
        if criteria and not scoring.validate_scores(criteria, s.scores)}
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
            missing.append({"judge_id": judge.user_id, "judge_name": judge.user.display_name,
                            "entry_id": entry.id, "entry_title": entry.title,
                            "state": "score" if key in declared else "declare"})
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
            message = _l("The judges' part (%(weight)s%%) would be based on %(done)s of %(expected)s score sheets. "
                         "Confirm that you want to finalise with score sheets missing.",
                         weight=contest.weight_judges, done=sheets["done"], expected=sheets["expected"])
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
    return {"done": done, "expected": expected, "complete": expected > 0 and done >= expected,
            "confirmed_by": by.display_name if by is not None else None,
            "confirmed_at": contest.incomplete_confirmed_at}

