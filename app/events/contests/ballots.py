"""Where a ballot is cast and counted. Used by the HTTP API and the socket event alike.

`cast()` does two things, in this order:

1. **The checks**, in the caller's session: eligibility under the round's rules, the idempotency
   key, the choices. (Rules are frozen once a round opens, so these answers cannot change
   between the check and the write; a round still in draft is refused here.)
2. **A group commit.** Ballots arriving at the same time in one process are written together by
   one of their callers (the leader) in ONE transaction on its own connection: lock the round
   row (SELECT ... FOR UPDATE), read the voters' existing ballots in one query, decide each
   ballot in arrival order (idempotent replay, 409 for a reused key with another choice, closed,
   already voted, new), one multi-row INSERT ... ON CONFLICT DO NOTHING, supersede changed
   ballots, bump the round's version by the number of new ballots, COMMIT. Only then does
   every caller get its answer: a ballot is durable before it is acknowledged. A lone ballot
   is a batch of one (no waiting); under load one commit serves every ballot that arrived
   while the previous batch was committing.

Concurrency: ballots of a round and its close are serialised by the round row lock on
PostgreSQL: a ballot either commits before the close (and is in the snapshot) or sees the
round closed. The unique indexes (current ballot; round + voter + key) are the last guard.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select, update

from ...db import utcnow
from ...errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthorized
from ...extensions import db
from . import eligibility
from .models import Ballot, Entry, JoinPass, VotingRound

MAX_KEY = 80


@dataclass
class BallotRow:
    """What an acknowledgement needs of a stored ballot."""

    id: int
    round_id: int
    voter_key: str
    choices: list
    idempotency_key: str
    receipt: str
    created_at: datetime


@dataclass
class Receipt:
    ballot: BallotRow
    created: bool  # False when an idempotent retry returned the existing ballot

    @property
    def receipt(self) -> str:
        return self.ballot.receipt


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
    rules may be cached (sockets.py does, for a second); the status is decided under the lock."""

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
    item = _Item(
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


# Group commit ---------------------------------------------------------------------------------


@dataclass
class _Item:
    round_id: int
    contest_id: int
    voter_key: str
    user_id: int | None
    join_pass_id: int | None
    choices: list
    key: str
    via: str
    verify_pass: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: Receipt | None = None
    error: BaseException | None = None

    def answer(self) -> Receipt:
        if self.error is not None:
            raise self.error
        return self.result


class GroupWriter:
    """Leader/follower group commit (one per app per process). No thread of its own: the first
    caller to find no batch running leads; it writes everything queued, then hands the lead to
    the oldest waiting caller, so no caller waits longer than one batch behind its own."""

    def __init__(self, app):
        self.app = app
        self._lock = threading.Lock()
        self._queue: list[_Item] = []
        self._leading = False
        self.batches = 0  # diagnostics: transactions and ballots written by this process
        self.written = 0

    def submit(self, item: _Item) -> Receipt:
        with self._lock:
            self._queue.append(item)
            lead = not self._leading
            if lead:
                self._leading = True
        while not lead:
            item.done.wait()
            if item.lead and item.result is None and item.error is None:
                item.lead, item.done = False, threading.Event()
                lead = True
            else:
                return item.answer()
        self._lead()
        return item.answer()

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self._write(batch)
        except BaseException as exc:  # noqa: BLE001  (never leave a follower waiting)
            for it in batch:
                if it.result is None and it.error is None:
                    it.error = exc
        finally:
            with self._lock:
                if self._queue:
                    nxt = self._queue[0]
                    nxt.lead = True
                    nxt.done.set()
                else:
                    self._leading = False
            for it in batch:
                it.done.set()

    def _write(self, batch: list[_Item]) -> None:
        from . import broadcast

        by_round: dict[int, list[_Item]] = {}
        for it in batch:
            by_round.setdefault(it.round_id, []).append(it)
        changed = []
        with self.app.app_context():
            with db.engine.connect() as conn:
                try:
                    for round_id in sorted(by_round):  # one lock order for every process
                        if _write_round(conn, round_id, by_round[round_id]):
                            changed.append(round_id)
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    for it in batch:
                        it.result = None  # nothing of this batch was stored
                    raise
            self.batches += 1
            self.written += len(batch)
            for round_id in changed:
                broadcast.mark_dirty(round_id, by_round[round_id][0].contest_id)


_writers: dict[int, GroupWriter] = {}
_writers_lock = threading.Lock()


def writer(app) -> GroupWriter:
    w = _writers.get(id(app))
    if w is None or w.app is not app:
        with _writers_lock:
            w = _writers.get(id(app))
            if w is None or w.app is not app:
                w = _writers[id(app)] = GroupWriter(app)
    return w


_T = Ballot.__table__
_R = VotingRound.__table__
_P = JoinPass.__table__


def _row(r) -> BallotRow:
    return BallotRow(
        id=r.id,
        round_id=r.round_id,
        voter_key=r.voter_key,
        choices=list(r.choices),
        idempotency_key=r.idempotency_key,
        receipt=r.receipt,
        created_at=r.created_at,
    )


def _write_round(conn, round_id: int, items: list[_Item]) -> bool:
    """Decide and store the ballots of one round, inside the batch's transaction. Sets each item's
    result or error. Returns True when new ballots were stored."""
    rnd = conn.execute(
        select(_R.c.status, _R.c.allow_change, _R.c.contest_id).where(_R.c.id == round_id).with_for_update()
    ).one_or_none()
    if rnd is None:
        for it in items:
            it.error = NotFound()
        return False
    passes = sorted({it.join_pass_id for it in items if it.verify_pass})
    if passes:
        valid = set(
            conn.scalars(
                select(_P.c.id).where(_P.c.id.in_(passes), _P.c.contest_id == rnd.contest_id, _P.c.user_id.is_(None))
            )
        )
        refused = [it for it in items if it.verify_pass and it.join_pass_id not in valid]
        for it in refused:
            it.error = Unauthorized(_("Session ended."))
        if refused:
            items = [it for it in items if it.error is None]
            if not items:
                return False
    voter_keys = sorted({it.voter_key for it in items})
    keys = sorted({it.key for it in items})
    by_key: dict[tuple[str, str], BallotRow] = {}
    current: dict[str, BallotRow] = {}
    for r in conn.execute(
        select(
            _T.c.id,
            _T.c.round_id,
            _T.c.voter_key,
            _T.c.choices,
            _T.c.idempotency_key,
            _T.c.receipt,
            _T.c.created_at,
            _T.c.superseded_at,
        ).where(
            _T.c.round_id == round_id,
            _T.c.voter_key.in_(voter_keys),
            or_(_T.c.superseded_at.is_(None), _T.c.idempotency_key.in_(keys)),
        )
    ):
        row = _row(r)
        by_key[(row.voter_key, row.idempotency_key)] = row
        if r.superseded_at is None:
            current[row.voter_key] = row
    now = utcnow()
    pending: dict[tuple[str, str], tuple[_Item, dict]] = {}  # new ballots of this batch
    replays: list[tuple[_Item, tuple[str, str]]] = []
    supersede: dict[str, int] = {}  # voter -> ballot id it replaces
    later: list[_Item] = []  # a 2nd new ballot of one voter: next pass
    for it in items:
        ident = (it.voter_key, it.key)
        known = by_key.get(ident)
        if known is not None:
            if known.choices != it.choices:
                it.error = Conflict(_("This idempotency key was already used for a different choice."))
            else:
                it.result = Receipt(known, created=False)
            continue
        if ident in pending:
            if pending[ident][1]["choices"] != it.choices:
                it.error = Conflict(_("This idempotency key was already used for a different choice."))
            else:
                replays.append((it, ident))
            continue
        if rnd.status != "open":
            it.error = Conflict(
                _("Voting in this round is closed.") if rnd.status == "closed" else _("This round has not opened yet.")
            )
            continue
        if any(v == it.voter_key for v, _k in pending):
            later.append(it)
            continue
        previous = current.get(it.voter_key)
        if previous is not None and not rnd.allow_change:
            it.error = Conflict(_("You have already voted in this round."))
            continue
        if previous is not None:
            supersede[it.voter_key] = previous.id
        pending[ident] = (
            it,
            {
                "round_id": round_id,
                "voter_key": it.voter_key,
                "user_id": it.user_id,
                "join_pass_id": it.join_pass_id,
                "choices": it.choices,
                "idempotency_key": it.key,
                "receipt": new_receipt(),
                "via": it.via,
                "created_at": now,
            },
        )
    if supersede:  # free the current-ballot slots before inserting the new ballots
        conn.execute(update(_T).where(_T.c.id.in_(list(supersede.values()))).values(superseded_at=now))
    stored = 0
    if pending:
        inserted = {
            (r.voter_key, r.idempotency_key): r.id
            for r in conn.execute(
                _insert_ignoring_conflicts(conn).returning(_T.c.id, _T.c.voter_key, _T.c.idempotency_key),
                [values for _it, values in pending.values()],
            )
        }
        for ident, (it, values) in pending.items():
            ballot_id = inserted.get(ident)
            if ballot_id is None:  # cannot happen under the round lock; refuse rather than guess
                it.error = Conflict(_("Your ballot could not be stored; please send it again."))
                continue
            stored += 1
            it.result = Receipt(
                BallotRow(
                    id=ballot_id,
                    round_id=round_id,
                    voter_key=it.voter_key,
                    choices=it.choices,
                    idempotency_key=it.key,
                    receipt=values["receipt"],
                    created_at=now,
                ),
                created=True,
            )
        links = [
            {"b_id": supersede[it.voter_key], "b_by": it.result.ballot.id}
            for it, _v in pending.values()
            if it.voter_key in supersede and it.result is not None
        ]
        if links:
            conn.execute(
                update(_T).where(_T.c.id == bindparam("b_id")).values(superseded_by_id=bindparam("b_by")), links
            )
    for it, ident in replays:
        first = pending[ident][0]
        it.result, it.error = (
            (Receipt(first.result.ballot, created=False), None) if first.result else (None, first.error)
        )
    if stored:
        conn.execute(update(_R).where(_R.c.id == round_id).values(version=_R.c.version + stored))
    if later:
        stored += int(_write_round(conn, round_id, later))
    return bool(stored)


def _insert_ignoring_conflicts(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - other databases: a plain INSERT (the round lock still serialises)
        from sqlalchemy import insert

        return insert(_T)
    return insert(_T).on_conflict_do_nothing()


def new_receipt() -> str:
    return "R-" + secrets.token_hex(8).upper()
