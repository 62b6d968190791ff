"""Socket.IO namespace /contests: presenter, voter and moderator screens.

Connect: a logged-in user, or a guest with a valid join pass (cookie). Origins are checked
against SOCKETIO_ALLOWED_ORIGINS. Every event re-checks the policy; malformed or oversized
payloads are answered with an error and never broadcast. Votes go through the SAME service
as HTTP (ballots.cast) and are committed before the acknowledgement.
"""
from __future__ import annotations

import functools
import json
import logging

from flask import current_app, has_app_context, request
from flask_login import current_user
from flask_socketio import join_room
from werkzeug.exceptions import HTTPException

from ...db import commit
from ...errors import NotFound
from ...extensions import db
from ...policies import can
from ...realtime import AuthenticatedNamespace
from . import ballots, broadcast, services
from .identity import current_voter, read_pass, guest_token
from .models import Contest

log = logging.getLogger(__name__)
MAX_EVENT_BYTES = 2048


def error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _payload_ok(data) -> bool:
    if not isinstance(data, dict):
        return False
    try:
        return len(json.dumps(data)) <= MAX_EVENT_BYTES
    except (TypeError, ValueError):
        return False


def _contest(data) -> Contest | None:
    contest_id = data.get("contest_id")
    if not isinstance(contest_id, int) or isinstance(contest_id, bool):
        return None
    return db.session.get(Contest, contest_id)


def _may_view(contest) -> bool:
    if can(current_user, "contest.view", contest):
        return True
    return not current_user.is_authenticated and current_voter(contest.id) is not None


def guarded(handler):
    """Runs inside the event's request context: re-check the identity, map errors to the API shape."""
    @functools.wraps(handler)
    def wrapper(self, data=None):
        if not current_user.is_authenticated and read_pass(guest_token()) is None:
            return error("unauthorized", "Session ended.")
        try:
            return handler(self, data)
        except HTTPException as exc:
            db.session.rollback()
            code = getattr(exc, "error_code", None) or (exc.name or "error").lower().replace(" ", "_")
            if code == "unprocessable_entity":
                code = "validation_error"
            return error(code, exc.description or "", getattr(exc, "fields", {}))
        except Exception:
            db.session.rollback()
            log.exception("Socket event %s failed", handler.__name__)
            return error("server_error", "Something went wrong.")
        finally:
            if has_app_context():
                db.session.remove()
    return wrapper


class ContestNamespace(AuthenticatedNamespace):
    allow_anonymous = True  # guests with a join pass; checked in on_connect

    def on_connect(self, auth=None):
        origin = request.headers.get("Origin")
        if origin and origin not in current_app.config["SOCKETIO_ALLOWED_ORIGINS"]:
            return False
        if not current_user.is_authenticated and read_pass(guest_token()) is None:
            return False
        return super().on_connect(auth)

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
        if role == "moderator" and not can(current_user, "contest.manage", contest):
            return error("forbidden", "You may not moderate this contest.")
        join_room(broadcast.room(contest.id))
        if role == "moderator":
            join_room(broadcast.moderator_room(contest.id))
        return {"ok": True, "state": services.state(contest, current_voter(contest.id))}

    @guarded
    def on_vote(self, data=None):
        """{"contest_id", "round_id", "choices": [...], "idempotency_key"} -> {"receipt"}."""
        if not _payload_ok(data):
            return error("bad_request", "Malformed vote.")
        contest = _contest(data)
        if contest is None or not _may_view(contest):
            return error("not_found", "Not found.")
        round_id = data.get("round_id")
        rnd = db.session.get(ballots.VotingRound, round_id) if isinstance(round_id, int) else None
        if rnd is None or rnd.contest_id != contest.id:
            return error("not_found", "Not found.")
        voter = current_voter(contest.id)
        if voter is None:
            return error("unauthorized", "Please log in or enter the join code.")
        key = data.get("idempotency_key")
        result = ballots.cast(rnd.id, voter, data.get("choices"), key if isinstance(key, str) else "", via="socket")
        commit()  # durable before the acknowledgement
        return {"ok": True, "receipt": result.receipt, "choices": result.ballot.choices,
                "replayed": not result.created}

    @guarded
    def on_state(self, data=None):
        if not _payload_ok(data):
            return error("bad_request", "Send {contest_id}.")
        contest = _contest(data)
        if contest is None or not _may_view(contest):
            return error("not_found", "Not found.")
        return {"ok": True, "state": services.state(contest, current_voter(contest.id))}


def register(socketio) -> None:
    socketio.on_namespace(ContestNamespace(broadcast.NAMESPACE))
