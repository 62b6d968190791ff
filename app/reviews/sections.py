"""What the committee adds to other pages: the judge's dashboard panel and a challenge-page section."""

from __future__ import annotations

from ..web.registry import register_panel, register_section
from . import judging, services


def judge_panel(user):
    items = judging.assignments_for_judge(user)
    if not items:
        return None
    rows = []
    for a in items:
        declaration = judging.declaration(a.application, user)
        review = judging.my_review(a.application, user)
        if declaration is None:
            state = "declare"
        elif declaration.has_conflict:
            state = "recused"
        elif review is not None and review.submitted_at is not None:
            state = "done"
        else:
            state = "score"
        rows.append({"assignment": a, "state": state})
    return {"rows": rows}


def challenge_section(challenge, user):
    if user is None:
        return None
    committee = services.committee_for_challenge(challenge.id)
    if committee is None or user.id not in committee.judge_ids():
        return None
    return {
        "challenge": challenge,
        "committee": committee,
        "assignments": [a for a in judging.assignments_for_judge(user) if a.application.challenge_id == challenge.id],
    }


def register_sections() -> None:
    register_panel("reviews/_panel.html", judge_panel, order=15)
    register_section("challenge", "reviews/_challenge_section.html", challenge_section, order=25)
