"""Socket.IO foundations shared by every live feature.

- `AuthenticatedNamespace`: authenticates on connect (session cookie or Bearer token), re-checks
  the session on every event, and records which user each socket belongs to. The record is kept
  in this process (`_by_sid`), so a disconnect never needs the database.
- `RootNamespace`: the default namespace `/`, which no page uses: anonymous clients are refused.
- `disconnect_user()`: ends every socket of a user, in every process (through the Redis message
  queue when configured). Called on logout, password change, disable and role loss.
- The sweep: every SWEEP_SECONDS each web process re-reads the users (and tokens) of its own
  sockets in one query and drops those whose session ended. That covers a change made where no
  message can reach this process: `flask users disable` in another process without Redis.
- `origin_allowed()`: the Origin check of the Socket.IO handshake (SOCKETIO_ALLOWED_ORIGINS, and
  the page's own origin, which a cross-site page cannot forge).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user
from flask_socketio import Namespace, disconnect

from . import redis_client
from .extensions import socketio

log = logging.getLogger(__name__)
_local = {}  # user_id -> {(sid, namespace)}
_lock = threading.Lock()
_KEY = "sockets:user:{}"
SWEEP_SECONDS = 3.0


@dataclass(frozen=True)
class SocketUser:
    user_id: int
    session_version: int | None
    token_id: int | None


_by_sid: dict[tuple[str, str], SocketUser] = {}  # (sid, namespace) -> whose socket it is
_sweepers: set[int] = set()
_session_lookup = None  # see register_session_lookup()


def origin_allowed(app, origin: str | None, environ: dict) -> bool:
    """A browser always sends Origin on a websocket or cross-site request. Allowed: the configured
    origins, and the page's own origin (scheme and Host of this very request)."""
    if not origin:
        return True  # not a browser: no ambient credentials to abuse
    if origin in app.config["SOCKETIO_ALLOWED_ORIGINS"]:
        return True
    host = environ.get("HTTP_HOST")
    return bool(host) and origin == f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def _redis():
    return redis_client.client(current_app.config.get("REDIS_URL"))


def track(user_id: int, sid: str, namespace: str) -> None:
    with _lock:
        _local.setdefault(user_id, set()).add((sid, namespace))
    try:
        r = _redis()
        if r is not None:
            r.sadd(_KEY.format(user_id), f"{namespace}|{sid}")
            r.expire(_KEY.format(user_id), 86400)
    except Exception:  # Redis down: the local registry still works for this process
        log.warning("Could not record socket %s in Redis", sid)


def untrack(user_id: int, sid: str, namespace: str) -> None:
    with _lock:
        _local.get(user_id, set()).discard((sid, namespace))
        if not _local.get(user_id, True):
            _local.pop(user_id, None)
    try:
        r = _redis()
        if r is not None:
            r.srem(_KEY.format(user_id), f"{namespace}|{sid}")
    except Exception:
        pass


def disconnect_user(user_id: int) -> None:
    """Disconnect every socket of the user, wherever it is connected."""
    targets = set(_local.get(user_id, set()))
    try:
        r = _redis()
        if r is not None:
            for raw in r.smembers(_KEY.format(user_id)):
                namespace, _, sid = raw.decode().partition("|")
                targets.add((sid, namespace))
            r.delete(_KEY.format(user_id))
    except Exception:
        log.warning("Could not read sockets of user %s from Redis", user_id)
    _disconnect(targets)
    with _lock:
        _local.pop(user_id, None)


def _disconnect(targets) -> None:
    server = getattr(socketio, "server", None)
    if server is None:
        return
    for sid, namespace in targets:
        try:
            server.disconnect(sid, namespace=namespace)
        except Exception:
            log.debug("Socket %s already gone", sid)


def register_session_lookup(lookup) -> None:
    """The sweep's one question to the accounts package, asked without importing it (this module is
    core): lookup(user_ids, token_ids) -> ({user_id: row with .disabled and .session_version},
    {ids of the tokens still live}). app/accounts registers it in init_app."""
    global _session_lookup
    _session_lookup = lookup


def sweep_once(app) -> int:
    """Drop this process's sockets whose user was disabled, whose session ended (logout, password
    change) or whose token was revoked. One query for the users, one for the tokens. Returns how
    many sockets were dropped."""
    from .extensions import db

    with _lock:
        sockets = dict(_by_sid)
    if not sockets:
        return 0
    if _session_lookup is None:
        raise RuntimeError("No socket session lookup registered (app/accounts registers it in init_app)")
    with app.app_context():
        try:
            user_ids = {s.user_id for s in sockets.values()}
            token_ids = {s.token_id for s in sockets.values() if s.token_id is not None}
            users, live_tokens = _session_lookup(user_ids, token_ids)
        finally:
            db.session.remove()
    ended = []
    for key, who in sockets.items():
        row = users.get(who.user_id)
        if (
            row is None
            or row.disabled
            or (who.session_version is not None and row.session_version != who.session_version)
            or (who.token_id is not None and who.token_id not in live_tokens)
        ):
            ended.append(key)
    _disconnect(ended)
    return len(ended)


def _sweep_loop(app) -> None:
    while True:
        socketio.sleep(SWEEP_SECONDS)
        try:
            sweep_once(app)
        except Exception:  # the loop must survive a database restart
            log.exception("Socket session sweep failed")


def _ensure_sweeper(app) -> None:
    if app.testing and not app.config.get("SOCKETS_SWEEP", False):
        return  # tests call sweep_once() themselves
    with _lock:
        if id(app) in _sweepers:
            return
        _sweepers.add(id(app))
    socketio.start_background_task(_sweep_loop, app)


def _who() -> SocketUser:
    user = current_user._get_current_object()
    token_id = g.get("api_token_id")
    return SocketUser(user.id, None if token_id is not None else user.session_version, token_id)


class AuthenticatedNamespace(Namespace):
    """Refuses anonymous connections; every event re-validates the user's session."""

    allow_anonymous = False

    def on_connect(self, auth=None):
        if not current_user.is_authenticated and not self.allow_anonymous:
            return False  # refused: the client gets connect_error
        if current_user.is_authenticated:
            who = _who()
            with _lock:
                _by_sid[(request.sid, self.namespace)] = who
            track(who.user_id, request.sid, self.namespace)
            _ensure_sweeper(current_app._get_current_object())
        return True

    def on_disconnect(self, reason=None):
        """No database: whose socket it was is in this process's record."""
        with _lock:
            who = _by_sid.pop((request.sid, self.namespace), None)
        if who is not None:
            untrack(who.user_id, request.sid, self.namespace)

    def trigger_event(self, event, *args):
        """Every event re-validates the session inside the request context Flask-SocketIO sets up."""
        handler = getattr(self, "on_" + (event or ""), None)
        if handler is None or event in ("connect", "disconnect") or self.allow_anonymous:
            return super().trigger_event(event, *args)

        def guarded(*handler_args):
            if not current_user.is_authenticated:
                disconnect()
                return {"error": {"code": "unauthorized", "message": "Session ended."}}
            return handler(*handler_args)

        return self.socketio._handle_event(guarded, event, self.namespace, *args)


class RootNamespace(AuthenticatedNamespace):
    """`/`: no page uses it; only signed-in users may even connect (and nothing is served)."""


def register_root(sio) -> None:
    sio.on_namespace(RootNamespace("/"))
