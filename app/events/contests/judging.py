"""The judges' side of a pitch contest, for pages: what each judge has declared and scored, the
dashboard panel and the event-page section. Declaring and scoring go through score_sheets.declare /
score_sheets.score (the same rules as the API); this module only adds what the pages need. Flush, never commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...errors import Conflict, InvalidInput
from ...extensions import db
from ...policies import can
from ...reviews import scoring
from . import score_sheets
from .models import Contest, ContestJudge, Entry, JudgeDeclaration, JudgeScore

STATES = ("declare", "recused", "score", "scored")


def declarations_of(contest: Contest, judge) -> dict[int, JudgeDeclaration]:
    rows = db.session.scalars(
        select(JudgeDeclaration)
        .join(Entry, Entry.id == JudgeDeclaration.entry_id)
        .where(Entry.contest_id == contest.id, JudgeDeclaration.judge_id == judge.id)
    )
    return {row.entry_id: row for row in rows}


def scores_of(contest: Contest, judge) -> dict[int, JudgeScore]:
    rows = db.session.scalars(
        select(JudgeScore)
        .join(Entry, Entry.id == JudgeScore.entry_id)
        .where(Entry.contest_id == contest.id, JudgeScore.judge_id == judge.id)
    )
    return {row.entry_id: row for row in rows}


def state_of(declaration: JudgeDeclaration | None, score: JudgeScore | None) -> str:
    if declaration is None:
        return "declare"
    if declaration.has_conflict:
        return "recused"
    return "scored" if score is not None else "score"


def overview(contest: Contest, judge) -> list[dict]:
    """One row per entry, in pitch order: the judge's declaration, own score and what to do next."""
    declarations, scores = declarations_of(contest, judge), scores_of(contest, judge)
    return [
        {
            "entry": e,
            "declaration": declarations.get(e.id),
            "score": scores.get(e.id),
            "state": state_of(declarations.get(e.id), scores.get(e.id)),
        }
        for e in contest.entries
    ]


def entry_view(entry: Entry, judge) -> dict:
    declaration = db.session.scalar(
        select(JudgeDeclaration).where(JudgeDeclaration.entry_id == entry.id, JudgeDeclaration.judge_id == judge.id)
    )
    score = db.session.scalar(
        select(JudgeScore).where(JudgeScore.entry_id == entry.id, JudgeScore.judge_id == judge.id)
    )
    return {"declaration": declaration, "score": score, "state": state_of(declaration, score)}


def score_from_form(entry: Entry, judge, form) -> JudgeScore:
    """The page's scoring: declare first (as in committee reviews), whole numbers per criterion, then
    score_sheets.score (rubric scale, recusal, finalised contest)."""
    contest = entry.contest
    declared = entry_view(entry, judge)["declaration"]
    if declared is None:
        message = _l("Declare whether you have a conflict of interest before scoring.")
        raise Conflict(message, {"conflict": [message]})
    if contest.rubric is None:
        raise Conflict(_l("The organiser has not chosen a rubric yet."))
    scores, bad = {}, {}
    for c in contest.rubric.criteria:
        raw = (form.get(f"score_{c.key}") or "").strip()
        if not raw:
            bad[c.key] = [_l("A score is required.")]
            continue
        try:
            scores[c.key] = int(raw)
        except ValueError:
            bad[c.key] = [_l("The score must be a whole number.")]
    if bad:  # report every field at once: the scale of those that are whole numbers too
        in_scale = scoring.validate_scores(contest.rubric.criteria, scores)
        raise InvalidInput({**{k: v for k, v in in_scale.items() if k in scores}, **bad})
    try:
        return score_sheets.score(entry, judge, scores)
    except InvalidInput as exc:  # the service nests criterion errors under "scores"
        nested = exc.fields.get("scores")
        raise InvalidInput(nested if isinstance(nested, dict) else exc.fields) from exc


# What judging adds to other pages ------------------------------------------------------------


def judge_panel(user):
    """Dashboard: contests this user judges that are not finalised, with how many entries remain."""
    if user is None:
        return None
    contests = db.session.scalars(
        select(Contest)
        .join(ContestJudge, ContestJudge.contest_id == Contest.id)
        .where(ContestJudge.user_id == user.id, Contest.status != "finalized")
        .order_by(Contest.id)
    ).all()
    if not contests:
        return None
    rows = []
    for contest in contests:
        states = [row["state"] for row in overview(contest, user)]
        rows.append(
            {"contest": contest, "todo": sum(1 for s in states if s in ("declare", "score")), "total": len(states)}
        )
    return {"rows": rows}


def event_section(event, user):
    """The contests of a contest event, with the links this user may follow."""
    contests = db.session.scalars(select(Contest).where(Contest.event_id == event.id).order_by(Contest.id)).all()
    visible = [c for c in contests if can(user, "contest.view", c)]
    create = event.kind == "contest" and can(user, "contest.create", event)
    if not visible and not create:
        return None
    return {
        "event": event,
        "create": create,
        "contests": [
            {"contest": c, "judge": can(user, "contest.judging", c), "manage": can(user, "contest.manage", c)}
            for c in visible
        ],
    }
