"""Where a ballot is cast and counted. Used by the HTTP API and the socket event alike.

Where each step lives:

- `cast()` (here): the entry point: check, then hand the ballot to the group commit and wait.
- The checks (here): `Rules.load` (the round's rules), `check()` (eligibility, key, choices),
  `check_choices`, `check_key`.
- The write, where a vote is counted: group_commit.py (`GroupWriter` batches, `_write_round`
  decides and inserts each ballot under the round lock).
- The answer: receipts.py (`Receipt`, `BallotRow`, `new_receipt`).

`cast()` does two things, in this order:

1. **The checks**, in the caller's session: eligibility under the round's rules, the idempotency
   key, the choices. (Rules are frozen once a round opens, so these answers cannot change
   between the check and the write; a round still in draft is refused here.)
2. **A group commit** (group_commit.py). Ballots arriving at the same time in one process are
   written together by one of their callers (the leader) in ONE transaction on its own
   connection: lock the round row (SELECT ... FOR UPDATE), read the voters' existing ballots in
   one query, decide each ballot in arrival order (idempotent replay, 409 for a reused key with
   another choice, closed, already voted, new), one multi-row INSERT ... ON CONFLICT DO NOTHING,
   supersede changed ballots, bump the round's version by the number of new ballots, COMMIT.
   Only then does every caller get its answer (a `Receipt`, receipts.py): a ballot is durable
   before it is acknowledged. A lone ballot is a batch of one (no waiting); under load one
   commit serves every ballot that arrived while the previous batch was committing.

Concurrency: ballots of a round and its close are serialised by the round row lock on
PostgreSQL: a ballot either commits before the close (and is in the snapshot) or sees the
round closed. The unique indexes (current ballot; round + voter + key) are the last guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ...extensions import db
from . import eligibility
from .group_commit import Item, writer
from .models import Ballot, Entry, VotingRound
from .receipts import BallotRow, Receipt, new_receipt

__all__ = [
    "BallotRow",
    "Receipt",
    "Rules",
    "cast",
    "check",
    "check_choices",
    "check_key",
    "current_ballot",
    "new_receipt",
]

MAX_KEY = 80


def check_choices(method: str, max_choices: int, entry_ids, choices, reload_entries=None) -> list[int]:
    """Sorted unique entry ids, or InvalidInput. `entry_ids`: the contest's entries (may be a cached
    set; `reload_entries()` is asked once for a fresh one before an unknown id is refused)."""
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise InvalidInput({"choices": [_("Choose entries by their ids.")]})
    unique = sorted(set(choices))
    if len(unique) != len(choices) or not unique:
        raise InvalidInput({"choices": [_("Choose at least one entry, each once.")]})
    limit = 1 if method == "single" else max_choices
    if len(unique) > limit:
        raise InvalidInput({"choices": [_("Choose at most %(n)s entries.", n=limit)]})
    if not set(unique) <= entry_ids and (reload_entries is None or not set(unique) <= reload_entries()):
        raise InvalidInput({"choices": [_("Choose entries of this contest.")]})
    return unique


def contest_entry_ids(contest_id: int) -> set[int]:
    return set(db.session.scalars(select(Entry.id).where(Entry.contest_id == contest_id)))


def check_key(idempotency_key) -> str:
    if not isinstance(idempotency_key, str) or not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise InvalidInput({"idempotency_key": [_("Send an Idempotency-Key of 1 to 80 characters.")]})
    return idempotency_key


def current_ballot(round_id: int, voter_key: str) -> Ballot | None:
    return db.session.scalar(
        select(Ballot).where(Ballot.round_id == round_id, Ballot.voter_key == voter_key, Ballot.superseded_at.is_(None))
    )


@dataclass(frozen=True)
class Rules:
    """What the policy check of a ballot reads about its round. Method, choices and eligibility are
    frozen once the round opens and entries are only ever added, so a copy of an open round's
    rules may be cached (rules_cache.py does, for a second); the status is decided under the lock."""

    round_id: int
    contest_id: int
    status: str
    method: str
    max_choices: int
    eligibility: tuple
    entry_ids: frozenset
    contest: object = None  # the Contest, when loaded in this session (staff / checked-in checks)

    @classmethod
    def load(cls, round_id: int) -> Rules:
        rnd = db.session.get(VotingRound, round_id)
        if rnd is None:
            raise NotFound()
        return cls(
            round_id=rnd.id,
            contest_id=rnd.contest_id,
            status=rnd.status,
            method=rnd.method,
            max_choices=rnd.max_choices,
            eligibility=tuple(rnd.eligibility),
            entry_ids=frozenset(contest_entry_ids(rnd.contest_id)),
            contest=rnd.contest,
        )


def check(rules: Rules, voter, choices, idempotency_key, reload_entries=None) -> list[int]:
    """The policy check of a ballot: eligibility under the round's rules, the key, the choices."""
    if not eligibility.eligible(rules.contest, rules.eligibility, voter):
        raise PermissionDenied(_("You are not eligible to vote in this round."))
    check_key(idempotency_key)
    chosen = check_choices(rules.method, rules.max_choices, rules.entry_ids, choices, reload_entries)
    if rules.status == "draft":
        raise Conflict(_("This round has not opened yet."))
    return chosen


def cast(
    round_id: int,
    voter,
    choices,
    idempotency_key: str,
    via: str = "http",
    *,
    rules: Rules | None = None,
    reload_entries=None,
    verify_pass: bool = False,
) -> Receipt:
    """Check, then accept (or idempotently return) a ballot. COMMITTED when it returns (group commit).

    `rules`: the round's rules if the caller holds them (the socket path caches them for guests,
    whose eligibility needs no database); otherwise they are read here.
    `verify_pass`: the guest's join pass row is checked (it exists, for this round's contest, not
    claimed by a user) inside the batch's transaction, one query per batch, instead of by the
    caller before the ballot."""
    user_id = getattr(voter.user, "id", None)
    rules = rules if rules is not None else Rules.load(round_id)
    chosen = check(rules, voter, choices, idempotency_key, reload_entries)
    # Hand the caller's connection back before waiting: a waiting caller must not hold a pooled
    # connection (nor, on SQLite, a lock) that the batch's leader needs. Nothing of the ORM is
    # touched after this (objects are expired).
    db.session.commit()
    item = Item(
        round_id=rules.round_id,
        contest_id=rules.contest_id,
        voter_key=voter.key,
        user_id=user_id,
        join_pass_id=voter.join_pass_id,
        choices=chosen,
        key=idempotency_key,
        via=via,
        verify_pass=verify_pass,
    )
    return writer(current_app._get_current_object()).submit(item)
