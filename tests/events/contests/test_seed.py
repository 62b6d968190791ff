"""The demo seed: a contest with 6 entries, a rubric, a closed round whose recount equals its snapshot,
and a round ready to open."""
from app.db import commit
from app.events.contests import seed, tally
from app.events.contests.models import Contest


def test_seed_builds_a_demo_contest(app, db):
    context = {}
    seed.seed(context)
    commit()
    contest = db.session.get(Contest, context["contest_id"])
    assert len(contest.entries) == 6 and contest.rubric and len(contest.rubric.criteria) == 5
    closed, ready = contest.rounds
    assert closed.status == "closed" and tally.verify(closed)["verified"] is True
    assert ready.status == "draft"
    assert context["contest_event_id"] == contest.event_id
