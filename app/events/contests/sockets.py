"""Socket.IO namespace /contests: presenter, voter and moderator screens.

Connect: a logged-in user, or a guest with a valid join pass (cookie). Origins are checked
against SOCKETIO_ALLOWED_ORIGINS. Every event re-checks the policy; malformed or oversized
payloads are answered with an error and never broadcast. Votes go through the SAME service
and policy check as HTTP (ballots.cast) and are committed before the acknowledgement.

The vote event is lean for guests (the big audience): their identity is the signed join pass,
checked (age, contest, and that it is the token whose signature was verified) on EVERY event
without the database; that the pass row still exists (and is not claimed by a user) is checked
for a vote inside the group commit's transaction (one query per batch), for other events re-read
at most once per CACHE_SECONDS per connection. The round's rules (frozen once it opens) come
from a per-process cache of the same age (rules_cache.py); the round's status is decided under
the row lock in the group commit. Logged-in users take the full path (session, user row, staff
and check-in checks on every event).
"""

from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import dataclass

from flask import current_app, has_app_context, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ...extensions import db
from ...policies import can
from ...realtime import AuthenticatedNamespace, origin_allowed
from ...security import bearer_token
from . import ballots, broadcast, guest_ballots
from .identity import MAX_AGE, Voter, _serializer, current_voter, guest_token
from .models import Contest, JoinPass
from .rules_cache import CACHE_SECONDS

log = logging.getLogger(__name__)
MAX_EVENT_BYTES = 2048
MAX_ID = 2**31 - 1  # ids are INTEGER columns: anything larger cannot exist (and must not reach the database)
BUSY_RETRY_SECONDS = 2


@dataclass
class _Guest:
    token: str
    pass_id: int
    contest_id: int
    display_name: str
    checked_at: float
    signed_at: float = 0.0


_guests: dict[str, _Guest] = {}  # socket sid -> the guest it was checked to be
_pure_guests: dict[str, tuple[str, str]] = {}  # socket sid -> (join-pass token, locale) without a login


def _guest_on_socket(
    contest_id: int | None = None, sid: str | None = None, token: str | None = None, row_checked_later: bool = False
) -> _Guest | None:
    """The guest of this socket, checked on every call: the join-pass token's age and contest, and
    that it is the very token whose signature was verified (a socket's cookies are fixed at
    connect; any other token is verified afresh). Whether the pass row still exists is re-read
    from the database once per CACHE_SECONDS, or not at all when the caller has it checked later
    (a vote: the group commit checks the row in its transaction)."""
    token = guest_token() if token is None else token
    if not token or len(token) > 300:
        return None
    sid, now = (request.sid if sid is None else sid), time.monotonic()
    known = _guests.get(sid)
    if known is not None and known.token == token:
        if time.time() - known.signed_at > MAX_AGE:
            _guests.pop(sid, None)
            return None
        if contest_id is not None and known.contest_id != contest_id:
            return None
        if row_checked_later or now - known.checked_at < CACHE_SECONDS:
            return known
        data, signed_at = {"p": known.pass_id, "c": known.contest_id}, known.signed_at
    else:
        try:
            data, signed = _serializer().loads(token, max_age=MAX_AGE, return_timestamp=True)
        except Exception:  # noqa: BLE001  (any bad token is no guest)
            return None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("p"), int)
            or (contest_id is not None and data.get("c") != contest_id)
        ):
            return None
        signed_at = signed.timestamp()
    join_pass = db.session.get(JoinPass, data["p"])
    if join_pass is None or join_pass.contest_id != data.get("c") or join_pass.user_id is not None:
        _guests.pop(sid, None)
        return None
    known = _guests[sid] = _Guest(token, join_pass.id, join_pass.contest_id, join_pass.display_name, now, signed_at)
    return known


def error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _payload_ok(data) -> bool:
    if not isinstance(data, dict):
        return False
    try:
        return len(json.dumps(data)) <= MAX_EVENT_BYTES
    except (TypeError, ValueError):
        return False


def db_id(value) -> int | None:
    """A well-formed database id, or None (not an int, a bool, <= 0, or past the INTEGER ids)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        return None
    return value


def _contest(data) -> Contest | None:
    contest_id = db_id(data.get("contest_id"))
    return db.session.get(Contest, contest_id) if contest_id is not None else None


def _may_view(contest) -> bool:
    if can(current_user, "contest.view", contest):
        return True
    return not current_user.is_authenticated and current_voter(contest.id) is not None


def guarded(handler):
    """Runs inside the event's request context: re-check the identity, map errors to the API shape."""

    @functools.wraps(handler)
    def wrapper(self, data=None):
        if not current_user.is_authenticated and _guest_on_socket() is None:
            return error("unauthorized", "Session ended.")
        return _answer_errors(handler.__name__, handler, self, data)

    return wrapper


TALLY_PACES = ("every", "paced")  # join's optional "tally": every tally (screens) or paced (the phones)


def _tally_room(contest_id: int, data) -> str:
    """The room a joining socket gets its tallies in: a page that shows only the count (the voter
    page sends "tally": "paced") gets them paced (broadcast.voters_room), a screen every one."""
    if data.get("tally") == "paced":
        return broadcast.voters_room(contest_id)
    return broadcast.screens_room(contest_id)


def _own_contest_view(sid: str, data) -> bool:
    """Is this `join` a guest asking to view the contest of its own join pass?"""
    known = _guests.get(sid)
    return (
        known is not None
        and isinstance(data, dict)
        and data.get("role", "viewer") == "viewer"
        and data.get("tally", "every") in TALLY_PACES
        and db_id(data.get("contest_id")) == known.contest_id
        and _payload_ok(data)
    )


def _guest_vote(guest: _Guest | None, contest_id: int, round_id: int, key: str, choices) -> dict:
    """A guest may view (and vote in) exactly the contest of its join pass."""
    if guest is None or guest.contest_id != contest_id:
        return error("not_found", "Not found.")
    db.session.remove()  # nothing of this session is needed while the ballot is written
    result = guest_ballots.cast(guest.pass_id, contest_id, round_id, choices, key, via="socket")
    # guest_ballots.cast returns once the ballot is committed: durable before the acknowledgement
    return {"ok": True, "receipt": result.receipt, "choices": result.ballot.choices, "replayed": not result.created}


def _vote_fields(data):
    """(contest_id, round_id, key) of a well-formed vote, else an error answer."""
    if not _payload_ok(data):
        return error("bad_request", "Malformed vote.")
    contest_id, round_id = db_id(data.get("contest_id")), db_id(data.get("round_id"))
    if contest_id is None or round_id is None:
        return error("not_found", "Not found.")
    key = data.get("idempotency_key")
    return contest_id, round_id, key if isinstance(key, str) else ""


def busy() -> dict:
    return {
        "code": "busy",
        "message": "The server is busy. Please try again shortly.",
        "fields": {},
        "retry_after": BUSY_RETRY_SECONDS,
    }


def _answer_errors(name: str, fn, *args):
    """Map errors to the API shape; the event's database session always ends."""
    try:
        return fn(*args)
    except PoolTimeout:
        db.session.rollback()
        log.warning("Socket event %s: no database connection free (overload)", name)
        return {"error": busy()}
    except HTTPException as exc:
        db.session.rollback()
        code = getattr(exc, "error_code", None) or (exc.name or "error").lower().replace(" ", "_")
        if code == "unprocessable_entity":
            code = "validation_error"
        return error(code, exc.description or "", getattr(exc, "fields", {}))
    except Exception:
        db.session.rollback()
        log.exception("Socket event %s failed", name)
        return error("server_error", "Something went wrong.")
    finally:
        if has_app_context():
            db.session.remove()


class ContestNamespace(AuthenticatedNamespace):
    allow_anonymous = True  # guests with a join pass; checked in on_connect

    def on_connect(self, auth=None):
        """Refused when no database connection is free: the client gets connect_error with
        data {"code": "busy", "retry_after"} and connects again after that (contest-common.js)."""
        try:
            return self._connect(auth)
        except PoolTimeout:
            db.session.rollback()
            log.warning("Socket connect: no database connection free (overload)")
            raise ConnectionRefusedError("busy", busy()) from None  # connect_error: {message, data}
        finally:
            db.session.remove()

    def _connect(self, auth):
        if not origin_allowed(current_app, request.headers.get("Origin"), request.environ):
            return False
        if not current_user.is_authenticated and _guest_on_socket() is None:
            return False
        if not current_user.is_authenticated and "_user_id" not in session and not bearer_token():
            # No login credential at all: the socket's cookies and headers are fixed at connect, so
            # this socket stays a guest for its whole life (see trigger_event).
            _pure_guests[request.sid] = (guest_token(), str(get_locale() or ""))
        broadcast.ensure_worker(current_app._get_current_object())  # tallies and the heartbeat
        return super().on_connect(auth)

    def on_disconnect(self, reason=None):
        _guests.pop(request.sid, None)
        _pure_guests.pop(request.sid, None)
        return super().on_disconnect(reason)

    def trigger_event(self, event, *args):
        """A pure guest's `vote` (the big audience's only frequent event) skips Flask's request
        context: no Request object, URL matching, session cookie or Flask-Login per ballot. Its
        checks are the same as on the full path: the join pass (age, contest, row once per
        CACHE_SECONDS), the round's rules and, in ballots.cast, the policy."""
        if event in ("vote", "join") and len(args) <= 2:
            sid = args[0]
            guest = _pure_guests.get(sid)
            lean = event == "vote" or _own_contest_view(sid, args[1] if len(args) > 1 else None)
            environ = lean and guest and self.socketio.server.get_environ(sid, namespace=self.namespace)
            if environ:
                token, locale = guest
                handler = self._lean_vote if event == "vote" else self._lean_join
                with environ["flask.app"].app_context(), force_locale(locale or None):
                    return _answer_errors("on_" + event, handler, sid, token, *args[1:])
        return super().trigger_event(event, *args)

    def _lean_join(self, sid, token, data=None):
        """A pure guest joining its own contest as a viewer (the big audience's connect): the join
        pass (row re-read at most once per CACHE_SECONDS) is what lets it view; the state is the
        shared one plus the guest's own rows."""
        from . import live_state

        guest = _guest_on_socket(data["contest_id"], sid=sid, token=token)
        if guest is None:
            return error("not_found", "Not found.")
        voter = Voter(key=f"g:{guest.pass_id}", join_pass_id=guest.pass_id, display_name=guest.display_name)
        state = live_state.state_for(guest.contest_id, voter, ["join_code"])
        if not state.get("contest"):
            return error("not_found", "Not found.")
        for name in (broadcast.room(guest.contest_id), _tally_room(guest.contest_id, data)):
            self.socketio.server.enter_room(sid, name, namespace=self.namespace)
        return {"ok": True, "state": state}

    @staticmethod
    def _lean_vote(sid, token, data=None):
        guest = _guest_on_socket(sid=sid, token=token, row_checked_later=True)
        if guest is None:
            return error("unauthorized", "Session ended.")
        fields = _vote_fields(data)
        if isinstance(fields, dict):
            return fields
        contest_id, round_id, key = fields
        return _guest_vote(
            _guest_on_socket(contest_id, sid=sid, token=token, row_checked_later=True),
            contest_id,
            round_id,
            key,
            data.get("choices"),
        )

    @guarded
    def on_join(self, data=None):
        """{"contest_id", "role": "viewer" | "moderator"} -> the contest's room, and the state."""
        if not _payload_ok(data):
            return error("bad_request", "Send {contest_id, role}.")
        contest = _contest(data)
        if contest is None or not _may_view(contest):
            return error("not_found", "Not found.")
        role = data.get("role", "viewer")
        if role not in ("viewer", "moderator"):
            return error("bad_request", "Unknown role.", {"role": ["viewer or moderator"]})
        if data.get("tally", "every") not in TALLY_PACES:
            return error("bad_request", "Unknown tally pace.", {"tally": ["every or paced"]})
        if role == "moderator" and not can(current_user, "contest.manage", contest):
            return error("forbidden", "You may not moderate this contest.")
        join_room(broadcast.room(contest.id))
        join_room(_tally_room(contest.id, data))
        if role == "moderator":
            join_room(broadcast.moderator_room(contest.id))
        from . import live_state  # imported when first used: its session listeners come with it

        return {"ok": True, "state": live_state.state(contest, current_voter(contest.id))}

    @guarded
    def on_vote(self, data=None):
        """{"contest_id", "round_id", "choices": [...], "idempotency_key"} -> {"receipt"}."""
        fields = _vote_fields(data)
        if isinstance(fields, dict):
            return fields
        contest_id, round_id, key = fields
        if not current_user.is_authenticated:
            return _guest_vote(_guest_on_socket(contest_id), contest_id, round_id, key, data.get("choices"))
        else:
            contest = _contest(data)
            if contest is None or not _may_view(contest):
                return error("not_found", "Not found.")
            rnd = db.session.get(ballots.VotingRound, round_id)
            if rnd is None or rnd.contest_id != contest.id:
                return error("not_found", "Not found.")
            voter = current_voter(contest.id)
            if voter is None:
                return error("unauthorized", "Please log in or enter the join code.")
            result = ballots.cast(rnd.id, voter, data.get("choices"), key, via="socket")
            # ballots.cast returns once the ballot is committed: durable before the acknowledgement
            return {
                "ok": True,
                "receipt": result.receipt,
                "choices": result.ballot.choices,
                "replayed": not result.created,
            }

    @guarded
    def on_state(self, data=None):
        if not _payload_ok(data):
            return error("bad_request", "Send {contest_id}.")
        contest = _contest(data)
        if contest is None or not _may_view(contest):
            return error("not_found", "Not found.")
        from . import live_state  # imported when first used: its session listeners come with it

        return {"ok": True, "state": live_state.state(contest, current_voter(contest.id))}


def register(socketio) -> None:
    socketio.on_namespace(ContestNamespace(broadcast.NAMESPACE))
