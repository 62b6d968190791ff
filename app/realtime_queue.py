"""The Socket.IO message queue (Redis) that notices a failed publish and publishes it again.

python-socketio's RedisManager tries a publish twice, then logs "Cannot publish to redis...
giving up" and drops the message: the other web processes never hear it, and nothing sends that
round's tally or state change again. A screen on another process could stay wrong for good.

`ReliableRedisManager` keeps what it could not publish, in order, and a background task publishes
it again once Redis answers (every RETRY_SECONDS). While anything is waiting, new messages queue
behind it, so the other processes see them in the order they were sent. The backlog is bounded
(MAX_BACKLOG, oldest dropped first with a warning); screens also correct themselves from the
contests' heartbeat, so a dropped tally is never the last word. Local delivery is unaffected:
python-socketio delivers to this process's own clients before it publishes.
"""

from __future__ import annotations

import collections
import logging
import threading

import socketio

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
MAX_BACKLOG = 10_000


class ReliableRedisManager(socketio.RedisManager):
    name = "redis"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backlog: collections.deque = collections.deque()
        self._backlog_lock = threading.Lock()
        self._retrying = False
        self.republished = 0  # diagnostics (tests)

    def _publish(self, data):
        with self._backlog_lock:
            if self.backlog:  # keep the order: behind what is already waiting
                self._keep(data)
                return None
        result = super()._publish(data)
        if result is None:  # python-socketio gave up (it returns the receiver count otherwise)
            with self._backlog_lock:
                self._keep(data)
        return result

    def _keep(self, data) -> None:
        if len(self.backlog) >= MAX_BACKLOG:
            self.backlog.popleft()
            log.warning("Socket.IO backlog full: the oldest unpublished message was dropped")
        self.backlog.append(data)
        if not self._retrying:
            self._retrying = True
            self.server.start_background_task(self._retry_loop)

    def publish_backlog(self) -> bool:
        """Publish what is waiting, in order. True when nothing is left."""
        while True:
            with self._backlog_lock:
                if not self.backlog:
                    return True
                data = self.backlog[0]
            try:
                if not self.connected:
                    self._redis_connect()
                self.redis.publish(self.channel, self.json.dumps(data))
            except Exception:
                self.connected = False
                return False
            with self._backlog_lock:
                if self.backlog and self.backlog[0] is data:
                    self.backlog.popleft()
                    self.republished += 1

    def _retry_loop(self) -> None:
        try:
            while not self.publish_backlog():
                self.server.sleep(RETRY_SECONDS)
            log.info("Socket.IO message queue reachable again: the backlog was published")
        finally:
            with self._backlog_lock:
                self._retrying = False
                again = bool(self.backlog)
            if again:  # a message arrived between the last publish and the flag
                with self._backlog_lock:
                    if not self._retrying:
                        self._retrying = True
                        self.server.start_background_task(self._retry_loop)


def client_manager(url: str | None):
    """The message queue for `url`, or None (one process, no queue)."""
    if not url or not url.startswith(("redis://", "rediss://")):
        return None
    return ReliableRedisManager(url, channel="flask-socketio")
