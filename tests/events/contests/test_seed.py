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
    # The exported ballots were cast while the round was open, not after it closed
    from app.events.contests.models import Ballot
    cast = [b.created_at for b in db.session.scalars(db.select(Ballot).where(Ballot.round_id == closed.id))]
    assert len(cast) == 8 and all(closed.opened_at < t < closed.closed_at for t in cast)
    assert {j.user.email for j in contest.judges} <= {"yamaguchi@shinano-u.example.ac.jp",
                                                      "kobayashi@nagano-govtech.example.jp",
                                                      "mori@it-consult.example.jp"}
    assert context["contest_event_id"] == contest.event_id
