"""One Redis client per process and URL for the short, frequent calls of the live features
(socket registry, dirty rounds of the contest broadcast). A client owns a connection pool, so
building one per call opened (and leaked into TIME_WAIT) a new TCP connection per ballot; the
client is thread- and greenlet-safe and is shared. Keyed by the process id too, so a forked
child never reuses its parent's sockets.
"""

from __future__ import annotations

import os
import threading

_clients: dict[tuple[int, str, bool], object] = {}
_lock = threading.Lock()


def client(url: str | None, short_timeouts: bool = True):
    """The process's client for `url`. Short timeouts by default (the live features degrade when
    Redis is down); `short_timeouts=False` for RQ, whose workers block on reads."""
    if not url:
        return None
    key = (os.getpid(), url, short_timeouts)
    found = _clients.get(key)
    if found is None:
        from redis import Redis

        with _lock:
            found = _clients.get(key)
            if found is None:
                timeouts = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if short_timeouts else {}
                found = _clients[key] = Redis.from_url(url, **timeouts)
    return found
