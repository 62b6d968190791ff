"""The group commit's batch: what it writes and how many statements it takes to write it."""

from __future__ import annotations

from sqlalchemy import event, func, select

from app.events.contests.group_commit import writer
from app.events.contests.models import Ballot, VotingRound

from .factories import add_round, ballot_items, make_contest


def _statements(engine, run):
    seen = []

    def count(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_a_batch_of_new_ballots_is_written_in_three_statements_on_postgresql(app, db):
    """Every statement of a batch's leader waits its turn among thousands of sockets while the
    round row is locked: the lock with the pass check, the voters' existing ballots (read after
    the lock, so that another process's committed ballots are seen), and the insert with the
    version bump (two statements with SQLite's plain INSERT)."""
    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"], allow_change=False)
    db.session.commit()
    version = rnd.version
    batch = ballot_items(contest, rnd, 25)
    seen = _statements(db.engine, lambda: writer(app)._write(batch))
    if db.engine.dialect.name == "postgresql":
        assert seen == ["SELECT", "SELECT", "WITH"]
    else:
        assert seen == ["SELECT", "SELECT", "INSERT", "UPDATE"]
    assert all(it.error is None and it.result.created for it in batch)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id)) == 25
    assert db.session.get(VotingRound, rnd.id).version == version + 25
    # the same batch again: every ballot is an idempotent replay, nothing written, no version bump
    again = ballot_items(contest, rnd, 25)
    seen = _statements(db.engine, lambda: writer(app)._write(again))
    assert seen == ["SELECT", "SELECT"]
    assert [it.result.receipt for it in again] == [it.result.receipt for it in batch]
    assert not any(it.result.created for it in again)
    db.session.expire_all()
    assert db.session.get(VotingRound, rnd.id).version == version + 25
