"""Stateful property test: cast / change / idempotent retry / close / reconnect.

Invariants: one current ballot per voter per round; the tally equals the ballot rows and
the model; a closed round never changes and its recount equals its snapshot."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app.db import commit
from app.errors import Conflict
from app.events.contests import ballots, live_state, rounds, services, tally
from app.events.contests.identity import Voter
from app.events.contests.models import Ballot, VotingRound
from app.extensions import db
from tests.conftest import _truncate_all

from .factories import add_round, make_contest, staff_of


class Voting(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        _truncate_all()
        self.contest, _org, _staff = make_contest(entries=3)
        self.entry_ids = [e.id for e in self.contest.entries]
        self.voters = [Voter(key=f"u:{u.id}", user=u) for u in staff_of(self.contest, 3)]
        self.rounds = [add_round(self.contest, title="R1").id, add_round(self.contest, status="draft", title="R2").id]
        self.model = {rid: {} for rid in self.rounds}  # round -> voter key -> choices
        self.keys = {}  # (round, voter, key) -> choices
        self.closed = {}  # round -> frozen counts
        self.counter = 0

    def _round(self, rid):
        db.session.expire_all()
        return db.session.get(VotingRound, rid)

    @rule(r=st.integers(0, 1), v=st.integers(0, 2), e=st.integers(0, 2), reuse=st.booleans())
    def cast(self, r, v, e, reuse):
        rid, voter, choice = self.rounds[r], self.voters[v], [self.entry_ids[e]]
        previous = [k for (rr, vv, k) in self.keys if rr == rid and vv == voter.key]
        if reuse and previous:
            key = previous[-1]
        else:
            self.counter += 1
            key = f"k{self.counter}"
        status = self._round(rid).status
        try:
            result = ballots.cast(rid, voter, choice, key)
            commit()
        except Conflict:
            db.session.rollback()
            known = self.keys.get((rid, voter.key, key))
            assert status != "open" and known is None or (known is not None and known != choice)
            return
        known = self.keys.get((rid, voter.key, key))
        if known is not None:
            assert known == choice and not result.created
        else:
            assert status == "open" and result.created
            self.keys[(rid, voter.key, key)] = choice
            self.model[rid][voter.key] = choice

    @precondition(lambda self: True)
    @rule(r=st.integers(0, 1))
    def open_round(self, r):
        rnd = self._round(self.rounds[r])
        try:
            rounds.open_round(rnd)
            commit()
        except Conflict:
            db.session.rollback()

    @rule(r=st.integers(0, 1))
    def close(self, r):
        rnd = self._round(self.rounds[r])
        try:
            rounds.close_round(rnd)
            commit()
        except Conflict:
            db.session.rollback()
            return
        self.closed[rnd.id] = tally.recount(rnd.id)

    @rule(v=st.integers(0, 2))
    def reconnect(self, v):
        db.session.expire_all()
        contest = services.get_contest(self.contest.id)
        state = live_state.state(contest, self.voters[v])
        rnd = state["round"]
        if rnd is not None:
            mine = self.model[rnd["id"]].get(self.voters[v].key)
            assert (state["my_ballot"] or {}).get("choices") == mine

    @invariant()
    def one_current_ballot_per_voter(self):
        if not hasattr(self, "rounds"):
            return
        rows = db.session.execute(
            select(Ballot.round_id, Ballot.voter_key, func.count())
            .where(Ballot.superseded_at.is_(None))
            .group_by(Ballot.round_id, Ballot.voter_key)
        ).all()
        assert all(n == 1 for _r, _v, n in rows)

    @invariant()
    def tally_equals_rows_and_model(self):
        if not hasattr(self, "rounds"):
            return
        for rid in self.rounds:
            expected = {}
            for choice in self.model[rid].values():
                for entry_id in choice:
                    expected[str(entry_id)] = expected.get(str(entry_id), 0) + 1
            assert tally.recount(rid)["counts"] == expected
            rnd = self._round(rid)
            if rnd.status != "draft":
                assert tally.tally_payload(rnd)["counts"] == expected

    @invariant()
    def closed_rounds_never_change(self):
        if not hasattr(self, "rounds"):
            return
        for rid, frozen in self.closed.items():
            assert tally.recount(rid) == frozen
            assert tally.verify(self._round(rid))["verified"]


def test_voting_state_machine(app):
    app.config["CONTESTS_BROADCAST_WORKER"] = False
    try:
        with app.test_request_context():
            run_state_machine_as_test(
                Voting,
                settings=settings(
                    max_examples=10,
                    stateful_step_count=25,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                ),
            )
    finally:
        app.config.pop("CONTESTS_BROADCAST_WORKER", None)
