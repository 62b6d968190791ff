"""Socket.IO foundations shared by every live feature.

- `AuthenticatedNamespace`: authenticates on connect (session cookie or Bearer
  token), re-checks the session on every event, tracks sockets per user.
- `disconnect_user()`: ends every socket of a user, in every process (through
  the Redis message queue when configured). Called on logout, password
  change, disable and role loss.
"""
from __future__ import annotations

import logging
import threading

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, disconnect

from . import redis_client
from .extensions import socketio

log = logging.getLogger(__name__)
_local = {}  # user_id -> {(sid, namespace)} when there is no Redis
_lock = threading.Lock()
_KEY = "sockets:user:{}"


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
    server = getattr(socketio, "server", None)
    if server is None:
        return
    for sid, namespace in targets:
        try:
            server.disconnect(sid, namespace=namespace)
        except Exception:
            log.debug("Socket %s already gone", sid)
    with _lock:
        _local.pop(user_id, None)


class AuthenticatedNamespace(Namespace):
    """Refuses anonymous connections; every event re-validates the user's session."""

    allow_anonymous = False

    def on_connect(self, auth=None):
        if not current_user.is_authenticated and not self.allow_anonymous:
            return False  # refused: the client gets connect_error
        if current_user.is_authenticated:
            track(current_user.id, request.sid, self.namespace)
        return True

    def on_disconnect(self, reason=None):
        if current_user.is_authenticated:
            untrack(current_user.id, request.sid, self.namespace)

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
