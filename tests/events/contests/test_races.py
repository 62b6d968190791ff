"""Races on PostgreSQL: parallel identical ballots, ballots racing the round close, a batch waiting
for another process's round lock."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.events.contests import tally
from app.db import utcnow
from app.events.contests.models import Ballot, TallySnapshot, VotingRound
from tests.conftest import reload

from .factories import add_round, ballot_items, make_contest, staff_of

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks and real concurrency need PostgreSQL",
)


def _bearer_client(app, api, user):
    token_client = api(user)
    header = token_client.environ_base["HTTP_AUTHORIZATION"]

    def make():
        c = app.test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = header
        c.csrf = False
        return c

    return make


def test_fifty_parallel_identical_ballots_give_one_row_and_one_receipt(app, api, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    make = _bearer_client(app, api, staff)
    path = f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots"
    barrier = threading.Barrier(50)

    def cast(_):
        client = make()
        barrier.wait()
        r = client.post(path, json={"choices": [contest.entries[0].id]}, headers={"Idempotency-Key": "tap-1"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(cast, range(50)))
    statuses = sorted(s for s, _ in answers)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    assert len({body["receipt"] for _, body in answers}) == 1
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert reload(rnd).version == 1


def test_parallel_different_keys_keep_one_current_ballot(app, api, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    make = _bearer_client(app, api, staff)
    path = f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots"
    barrier = threading.Barrier(20)

    def cast(i):
        client = make()
        barrier.wait()
        entry = contest.entries[i % len(contest.entries)]
        return client.post(path, json={"choices": [entry.id]}, headers={"Idempotency-Key": f"k{i}"}).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(cast, range(20)))
    assert statuses.count(201) == 20
    current = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.superseded_at.is_(None)))
    assert current == 1
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 20


def test_ballots_racing_the_close_are_counted_or_refused_never_lost(app, api, login, db):
    contest, organiser, _staff = make_contest()
    rnd = add_round(contest)
    voters = staff_of(contest, 30)
    makers = [_bearer_client(app, api, v) for v in voters]
    closer = _bearer_client(app, api, organiser)()
    path = f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots"
    barrier = threading.Barrier(31)

    def cast(i):
        client = makers[i]()
        barrier.wait()
        r = client.post(path, json={"choices": [contest.entries[i % 3].id]}, headers={"Idempotency-Key": "x"})
        return r.status_code, (r.get_json() or {}).get("receipt")

    def close():
        barrier.wait()
        return closer.post(f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/close").status_code

    with ThreadPoolExecutor(31) as pool:
        closing = pool.submit(close)
        answers = list(pool.map(cast, range(30)))
        assert closing.result() == 200
    accepted = {receipt for status, receipt in answers if status == 201}
    assert all(status in (201, 409) for status, _ in answers), answers
    db.session.expire_all()
    snapshot = db.session.scalar(select(TallySnapshot).where(TallySnapshot.round_id == rnd.id))
    counted = set(db.session.scalars(select(Ballot.receipt).where(Ballot.id.in_(snapshot.ballot_ids))))
    assert counted == accepted  # every acknowledged ballot is in the snapshot
    assert sum(snapshot.counts.values()) == len(accepted)
    assert tally.verify(reload(rnd))["verified"] is True  # recount == snapshot


def test_a_batch_waiting_for_another_process_s_lock_sees_the_ballot_that_process_committed(app, db):
    """The socket's ballot in one process, the page's HTTP retry with the same key in the other:
    the retry's batch waits for the round lock while the first batch commits, and must then
    answer with the first ballot's receipt, not fail to store a second one."""
    from app.events.contests.group_commit import GroupWriter, new_receipt

    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"], allow_change=False)
    db.session.commit()
    version = rnd.version
    (retry,) = ballot_items(contest, rnd, 1)
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
