"""Where a ballot is cast and counted. Used by the HTTP API and the socket event alike.

Concurrency: the round row is locked (SELECT ... FOR UPDATE) for the length of the
transaction, so ballots of a round and its close are serialised on PostgreSQL: a ballot
either commits before the close (and is in the snapshot) or sees the round closed.
The partial unique index on the current ballot is the last guard.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ...db import on_commit, utcnow
from ...errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ...extensions import db
from . import eligibility
from .models import Ballot, Entry, VotingRound

MAX_KEY = 80


@dataclass
class Receipt:
    ballot: Ballot
    created: bool   # False when an idempotent retry returned the existing ballot

    @property
    def receipt(self) -> str:
        return self.ballot.receipt


def lock_round(round_id: int) -> VotingRound:
    rnd = db.session.execute(select(VotingRound).where(VotingRound.id == round_id).with_for_update()
                             .execution_options(populate_existing=True)).scalar_one_or_none()
    if rnd is None:
        raise NotFound()
    return rnd


def validate_choices(rnd: VotingRound, choices) -> list[int]:
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise InvalidInput({"choices": [_("Choose entries by their ids.")]})
    unique = sorted(set(choices))
    if len(unique) != len(choices) or not unique:
        raise InvalidInput({"choices": [_("Choose at least one entry, each once.")]})
    limit = 1 if rnd.method == "single" else rnd.max_choices
    if len(unique) > limit:
        raise InvalidInput({"choices": [_("Choose at most %(n)s entries.", n=limit)]})
    valid = set(db.session.scalars(select(Entry.id).where(Entry.contest_id == rnd.contest_id)))
    if not set(unique) <= valid:
        raise InvalidInput({"choices": [_("Choose entries of this contest.")]})
    return unique


def current_ballot(round_id: int, voter_key: str) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(Ballot.round_id == round_id, Ballot.voter_key == voter_key,
                                                  Ballot.superseded_at.is_(None)))


def cast(round_id: int, voter, choices, idempotency_key: str, via: str = "http") -> Receipt:
    """Accept (or idempotently return) a ballot. Flushes; the caller commits before acknowledging."""
    rnd = lock_round(round_id)
    contest = rnd.contest
    if not eligibility.eligible(contest, rnd.eligibility, voter):
        raise PermissionDenied(_("You are not eligible to vote in this round."))
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise InvalidInput({"idempotency_key": [_("Send an Idempotency-Key of 1 to 80 characters.")]})
    chosen = validate_choices(rnd, choices)
    previous = db.session.scalar(select(Ballot).where(Ballot.round_id == rnd.id, Ballot.voter_key == voter.key,
                                                      Ballot.idempotency_key == idempotency_key))
    if previous is not None:
        if previous.choices != chosen:
            raise Conflict(_("This idempotency key was already used for a different choice."))
        return Receipt(previous, created=False)
    if rnd.status != "open":
        raise Conflict(_("Voting in this round is closed.") if rnd.status == "closed"
                       else _("This round has not opened yet."))
    current = current_ballot(rnd.id, voter.key)
    if current is not None and not rnd.allow_change:
        raise Conflict(_("You have already voted in this round."))
    ballot = Ballot(round_id=rnd.id, voter_key=voter.key, user_id=getattr(voter.user, "id", None),
                    join_pass_id=voter.join_pass_id, choices=chosen, idempotency_key=idempotency_key,
                    receipt=new_receipt(), via=via)
    if current is not None:
        current.superseded_at = utcnow()
        db.session.flush()  # free the current-ballot slot before inserting the new one
    db.session.add(ballot)
    db.session.flush()
    if current is not None:
        current.superseded_by_id = ballot.id
    bump_version(rnd.id)
    _after_commit_mark_dirty(rnd.id)
    return Receipt(ballot, created=True)


def bump_version(round_id: int) -> None:
    db.session.execute(update(VotingRound).where(VotingRound.id == round_id)
                       .values(version=VotingRound.version + 1).execution_options(synchronize_session=False))


def _after_commit_mark_dirty(round_id: int) -> None:
    from . import broadcast
    on_commit(lambda: broadcast.mark_dirty(round_id))


def new_receipt() -> str:
    return "R-" + secrets.token_hex(8).upper()


def count(round_id: int) -> dict[int, int]:
    """Live counts from the current ballots: {entry id: votes}."""
    counts: dict[int, int] = {}
    for choices in db.session.scalars(select(Ballot.choices).where(Ballot.round_id == round_id,
                                                                   Ballot.superseded_at.is_(None))):
        for entry_id in choices:
            counts[entry_id] = counts.get(entry_id, 0) + 1
    return counts


def voters(round_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == round_id, Ballot.superseded_at.is_(None))) or 0
