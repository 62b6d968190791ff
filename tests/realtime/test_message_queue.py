"""The Socket.IO message queue notices a publish that failed and publishes it again, in order."""

from __future__ import annotations

import json
import time

from redis import Redis

from app.realtime_queue import ReliableRedisManager
from tests.events.contests.live_clients import free_port, redis_server


class _Server:
    """What the manager needs of a python-socketio server here: background tasks (run by hand)."""

    def __init__(self):
        import logging

        self.tasks = []
        self.logger = logging.getLogger("test-queue")

    def start_background_task(self, target, *args):
        self.tasks.append(target)

    def sleep(self, seconds):
        time.sleep(seconds)


def test_a_failed_publish_is_kept_and_published_again_in_order():
    manager = ReliableRedisManager(f"redis://127.0.0.1:{free_port()}/0", channel="flask-socketio", write_only=True)
    manager.server = _Server()
    for n in range(3):  # nothing listens on that port: python-socketio gives up on each
        manager._publish({"method": "emit", "event": "tally", "n": n})
    assert [m["n"] for m in manager.backlog] == [0, 1, 2]
    assert len(manager.server.tasks) == 1  # one retry task, not one per message
    assert manager.publish_backlog() is False  # Redis still down: nothing lost
    with redis_server() as redis:
        manager.redis_url = redis["url"]
        listener = Redis.from_url(redis["url"]).pubsub(ignore_subscribe_messages=True)
        listener.subscribe("flask-socketio")
        time.sleep(0.2)
        assert manager.publish_backlog() is True
        received = []
        deadline = time.monotonic() + 5
        while len(received) < 3 and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
            if message:
                received.append(json.loads(message["data"])["n"])
        assert received == [0, 1, 2] and not manager.backlog and manager.republished == 3
        manager._publish({"method": "emit", "event": "tally", "n": 3})  # healthy again: straight through
        assert not manager.backlog
