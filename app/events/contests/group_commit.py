"""The group commit of ballots: how checked ballots are written, in batches, each one durable
before its caller gets an answer. `ballots.cast()` hands every checked ballot to `writer(app).submit()`.

- `GroupWriter` (one per app per process) batches the ballots that arrive together: the first
  caller to find no batch running leads and writes the batch on its own connection in ONE
  transaction; the others wait, and the oldest waiting caller leads the next batch.
- `_write_round` decides and stores the ballots of one round inside that transaction. One
  statement (`_lock_round`) locks the round row (SELECT ... FOR UPDATE) and counts the guests'
  valid join passes; the next reads the voters' existing ballots; each ballot is decided in
  arrival order (idempotent replay, 409 for a reused key with another choice, closed, already
  voted, new); changed ballots are superseded; one statement (`_insert_and_count`) inserts the
  new ones (multi-row INSERT ... ON CONFLICT DO NOTHING) and bumps the round's version. A batch
  of new ballots is BEGIN, three statements and COMMIT (it was six): under load each round trip
  of the leader waits for the other greenlets, and the other process waits for the lock.
- After COMMIT the changed rounds are marked dirty for the live broadcast (broadcast.mark_dirty).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, literal, or_, select, text, update

from ...db import utcnow
from ...errors import Conflict, NotFound, Unauthorized
from ...extensions import db
from .models import Ballot, JoinPass, VotingRound
from .receipts import BallotRow, Receipt, new_receipt


@dataclass
class Item:
    """A checked ballot waiting for its batch; `done` is set once it has a result or an error."""

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
        self._queue: list[Item] = []
        self._leading = False
        self.batches = 0  # diagnostics: transactions and ballots written by this process
        self.written = 0

    def submit(self, item: Item) -> Receipt:
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

    def _write(self, batch: list[Item]) -> None:
        from . import broadcast

        by_round: dict[int, list[Item]] = {}
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


def _valid_passes(passes: list[int], contest_id: int):
    """The condition on join-pass rows that still admit their guest: of this contest, not claimed."""
    return (_P.c.id.in_(passes), _P.c.contest_id == contest_id, _P.c.user_id.is_(None))


def _lock_round(conn, round_id: int, contest_id: int, passes: list[int]):
    """ONE statement: lock the round row (SELECT ... FOR UPDATE) and count how many of the batch's
    guest join passes (`passes`) are valid. The round's (status, allow_change, contest_id,
    valid_passes), or None.

    The voters' ballots are read by the NEXT statement, never by this one: in READ COMMITTED a
    statement that waits for the lock still reads the other tables as of its start, so it would
    miss the ballots that the batch holding the lock (in another process) just committed.
    """
    valid = (
        select(func.count()).select_from(_P).where(*_valid_passes(passes, contest_id)).scalar_subquery()
        if passes
        else literal(0)
    )
    return conn.execute(
        select(_R.c.status, _R.c.allow_change, _R.c.contest_id, valid.label("valid_passes"))
        .where(_R.c.id == round_id)
        .with_for_update()
    ).one_or_none()


def _existing_ballots(conn, round_id: int, items: list[Item]):
    """The voters' current ballots, and any ballot with one of the batch's keys (read under the lock)."""
    voter_keys = sorted({it.voter_key for it in items})
    keys = sorted({it.key for it in items})
    return conn.execute(
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
    )


def _refuse_invalid_passes(conn, rnd, items: list[Item], passes: list[int]) -> list[Item]:
    """Only when the pass count fell short (a pass was revoked or claimed): which ones."""
    valid = set(conn.scalars(select(_P.c.id).where(*_valid_passes(passes, rnd.contest_id))))
    for it in items:
        if it.verify_pass and it.join_pass_id not in valid:
            it.error = Unauthorized(_("Session ended."))
    return [it for it in items if it.error is None]


def _write_round(conn, round_id: int, items: list[Item]) -> bool:
    """Decide and store the ballots of one round, inside the batch's transaction. Sets each item's
    result or error. Returns True when new ballots were stored."""
    passes = sorted({it.join_pass_id for it in items if it.verify_pass})
    rnd = _lock_round(conn, round_id, items[0].contest_id, passes)
    if rnd is None:
        for it in items:
            it.error = NotFound()
        return False
    if rnd.valid_passes < len(passes):
        items = _refuse_invalid_passes(conn, rnd, items, passes)
        if not items:
            return False
    by_key: dict[tuple[str, str], BallotRow] = {}
    current: dict[str, BallotRow] = {}
    for r in _existing_ballots(conn, round_id, items):
        row = _row(r)
        by_key[(row.voter_key, row.idempotency_key)] = row
        if r.superseded_at is None:
            current[row.voter_key] = row
    now = utcnow()
    pending: dict[tuple[str, str], tuple[Item, dict]] = {}  # new ballots of this batch
    replays: list[tuple[Item, tuple[str, str]]] = []
    supersede: dict[str, int] = {}  # voter -> ballot id it replaces
    later: list[Item] = []  # a 2nd new ballot of one voter: next pass
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
        inserted = _insert_and_count(conn, round_id, [values for _it, values in pending.values()])
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
    if later:
        stored += int(_write_round(conn, round_id, later))
    return bool(stored)


# PostgreSQL: the new ballots as arrays (unnest), so that the statement's text is the same for
# every batch size: compiled once and cached, where a multi-row VALUES is compiled again for every
# batch (a seventh of the leader's CPU in the 2-process burst, measured with py-spy). The version
# bump is a data-modifying CTE of the same statement.
_INSERT_AND_COUNT = text(
    f"""
WITH new_ballots AS (
    INSERT INTO {_T.name} (round_id, voter_key, user_id, join_pass_id, choices, idempotency_key, receipt, via,
                           created_at)
    SELECT :round_id, b.voter_key, b.user_id, b.join_pass_id, CAST(b.choices AS json), b.idempotency_key,
           b.receipt, b.via, :created_at
    FROM unnest(CAST(:voter_keys AS text[]), CAST(:user_ids AS integer[]), CAST(:join_pass_ids AS integer[]),
                CAST(:choices AS text[]), CAST(:idempotency_keys AS text[]), CAST(:receipts AS text[]),
                CAST(:vias AS text[])) AS b(voter_key, user_id, join_pass_id, choices, idempotency_key, receipt, via)
    ON CONFLICT DO NOTHING
    RETURNING id, voter_key, idempotency_key
), bump_version AS (
    UPDATE {_R.name} SET version = version + (SELECT count(*) FROM new_ballots) WHERE id = :round_id RETURNING id
)
SELECT id, voter_key, idempotency_key FROM new_ballots
"""
).bindparams(bindparam("created_at", type_=_T.c.created_at.type))


def _insert_and_count(conn, round_id: int, rows: list[dict]) -> dict[tuple[str, str], int]:
    """Insert the new ballots (a conflict is skipped, never an error) and bump the round's version
    by the number inserted: {(voter_key, idempotency_key): ballot id} of the rows inserted.

    PostgreSQL: ONE statement (`_INSERT_AND_COUNT`), so the round lock is held over two round
    trips (this and COMMIT). Elsewhere two statements.
    """
    if conn.dialect.name == "postgresql":
        result = conn.execute(
            _INSERT_AND_COUNT,
            {
                "round_id": round_id,
                "created_at": rows[0]["created_at"],  # one batch, one time
                "voter_keys": [r["voter_key"] for r in rows],
                "user_ids": [r["user_id"] for r in rows],
                "join_pass_ids": [r["join_pass_id"] for r in rows],
                "choices": [json.dumps(r["choices"]) for r in rows],
                "idempotency_keys": [r["idempotency_key"] for r in rows],
                "receipts": [r["receipt"] for r in rows],
                "vias": [r["via"] for r in rows],
            },
        )
        return {(r.voter_key, r.idempotency_key): r.id for r in result}
    inserted = {
        (r.voter_key, r.idempotency_key): r.id
        for r in conn.execute(
            _insert_ignoring_conflicts(conn).returning(_T.c.id, _T.c.voter_key, _T.c.idempotency_key), rows
        )
    }
    if inserted:
        conn.execute(update(_R).where(_R.c.id == round_id).values(version=_R.c.version + len(inserted)))
    return inserted


def _insert_ignoring_conflicts(conn):
    """The INSERT of the databases other than PostgreSQL (which uses `_INSERT_AND_COUNT`)."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        return insert(_T).on_conflict_do_nothing()
    from sqlalchemy import insert  # other databases: a plain INSERT (the round lock still serialises)

    return insert(_T)
