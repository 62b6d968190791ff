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
    assert {j.user.email for j in contest.judges} <= {
        "yamaguchi@shinano-u.example.ac.jp",
        "kobayashi@nagano-govtech.example.jp",
        "mori@it-consult.example.jp",
    }
    assert context["contest_event_id"] == contest.event_id


def test_seeded_judges_give_a_real_hybrid_ranking(app, db):
    """The walkthrough: 16 of 17 score sheets seeded (森 recused from one entry, one left to score); once he
    scores it the contest finalises without confirmation on a ranking with real judge scores."""
    from app.events.contests import results, score_sheets
    from tests.factories import UserFactory

    judges = {email: UserFactory(email=email) for email in seed.DEMO_JUDGES}
    context = {}
    seed.seed(context)
    commit()
    contest = db.session.get(Contest, context["contest_id"])
    sheets = score_sheets.status(contest)
    assert (sheets["done"], sheets["expected"]) == (16, 17)
    assert [(m["judge_id"], m["entry_id"]) for m in sheets["missing"]] == [
        (judges["mori@it-consult.example.jp"].id, contest.entries[5].id)
    ]
    mori, last = judges["mori@it-consult.example.jp"], contest.entries[5]
    score_sheets.declare(last, mori, False, "")
    score_sheets.score(last, mori, {"understanding": 3, "feasibility": 3, "novelty": 2, "cost": 3, "continuity": 3})
    rows = results.finalize(contest, judges["kobayashi@nagano-govtech.example.jp"])
    commit()
    assert all(r.judge_score is not None and r.judge_score > 0 for r in rows)
    assert contest.score_sheets_done == contest.score_sheets_expected == 17
    assert contest.incomplete_confirmed_by_id is None
    votes_leader = max(rows, key=lambda r: r.votes)
    assert rows[0].entry_id != votes_leader.entry_id  # the judges' part changes the order
