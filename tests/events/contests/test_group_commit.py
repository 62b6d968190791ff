"""The group commit's batch: what it writes and how many statements it takes to write it."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import event, func, select

from app.db import utcnow
from app.events.contests.group_commit import Item, writer
from app.events.contests.models import Ballot, VotingRound

from .factories import add_round, make_contest


def _items(contest, rnd, n, prefix="v"):
    entry = contest.entries[0].id
    return [
        Item(
            round_id=rnd.id,
            contest_id=contest.id,
            voter_key=f"{prefix}{i}",
            user_id=None,
            join_pass_id=None,
            choices=[entry],
            key=f"k{i}",
            via="socket",
        )
        for i in range(n)
    ]


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
    batch = _items(contest, rnd, 25)
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
    again = _items(contest, rnd, 25)
    seen = _statements(db.engine, lambda: writer(app)._write(again))
    assert seen == ["SELECT", "SELECT"]
    assert [it.result.receipt for it in again] == [it.result.receipt for it in batch]
    assert not any(it.result.created for it in again)
    db.session.expire_all()
    assert db.session.get(VotingRound, rnd.id).version == version + 25


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks between two processes' batches need PostgreSQL",
)
def test_a_batch_waiting_for_another_process_s_lock_sees_the_ballot_that_process_committed(app, db):
    """The socket's ballot in one process, the page's HTTP retry with the same key in the other:
    the retry's batch waits for the round lock while the first batch commits, and must then
    answer with the first ballot's receipt, not fail to store a second one."""
    from app.events.contests.group_commit import GroupWriter, new_receipt

    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"], allow_change=False)
    db.session.commit()
    version = rnd.version
    (retry,) = _items(contest, rnd, 1)
    receipt = new_receipt()
    other_process = db.engine.connect()
    rounds, ballots = VotingRound.__table__, Ballot.__table__
    other_process.execute(select(rounds.c.id).where(rounds.c.id == rnd.id).with_for_update())
    other_process.execute(
        ballots.insert().values(
            round_id=rnd.id,
            voter_key=retry.voter_key,
            choices=retry.choices,
            idempotency_key=retry.key,
            receipt=receipt,
            via="socket",
            created_at=utcnow(),
        )
    )
    other_process.execute(rounds.update().where(rounds.c.id == rnd.id).values(version=rounds.c.version + 1))
    waiting = threading.Thread(target=GroupWriter(app)._write, args=([retry],))
    waiting.start()
    time.sleep(0.5)  # the retry's batch has started its statement and waits for the lock
    other_process.commit()
    other_process.close()
    waiting.join(10)
    assert retry.error is None, retry.error
    assert retry.result.receipt == receipt and retry.result.created is False
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id)) == 1
    assert db.session.get(VotingRound, rnd.id).version == version + 1
