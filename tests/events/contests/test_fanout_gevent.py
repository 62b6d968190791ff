"""Room broadcasts on the deployed server (gunicorn + gevent, app/realtime_fanout.py).

What viewers depend on: every viewer in the contest room receives every `tally` with the right
version and total, whether it is on a websocket (direct write of a frame encoded once) or on
long-polling (python-engineio's normal queue), and an emit from another process through the Redis
message queue reaches them too. Also pins the library internals realtime_fanout relies on.

The server tests start real gunicorn processes (deploy/gunicorn-socketio.conf.py) on a SQLite
database of their own (or on TEST_DATABASE_URL's server when set: a database of its own there too).
"""

from __future__ import annotations

import inspect
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
NS = "/contests"
ORIGIN = "http://fanout.test"


# --- the library assumptions (fail loudly when an upgrade changes them) ---------------------------
def test_library_hooks_still_exist():
    import engineio.socket
    import simple_websocket
    import socketio.manager
    from engineio.async_drivers import _websocket_wsgi
    from engineio.base_server import BaseServer

    # a room broadcast hands the same Engine.IO packet to server._send_eio_packet per participant
    emit_src = inspect.getsource(socketio.manager.Manager.emit)
    assert "self.server._send_eio_packet(eio_sid, p)" in emit_src
    assert "encoded_packet = pkt.encode()" in emit_src
    # one client's packets (acks, connect answers) go through server._send_packet -> eio.send
    import socketio.server

    assert "server._send_packet(eio_sid, self.packet_class(" in inspect.getsource(
        socketio.server.Server._handle_event_internal
    )
    assert "self.eio.send(eio_sid, encoded_packet)" in inspect.getsource(socketio.server.Server._send_packet)
    # the websocket driver is looked up per upgrade in the server's _async table
    assert "self.server._async['websocket']" in inspect.getsource(engineio.socket.Socket._upgrade_websocket)
    assert "_async" in inspect.getsource(BaseServer.__init__)
    # the handler is the Engine.IO socket's bound method; the writer sends pkt.encode() through ws.send
    handler_src = inspect.getsource(engineio.socket.Socket._websocket_handler)
    assert "ws.send(pkt.encode())" in handler_src and "self.upgraded = True" in handler_src
    assert "self.queue.get(" in inspect.getsource(engineio.socket.Socket.poll)
    # the driver we extend, and simple-websocket's writes going through self.sock
    wsgi_src = inspect.getsource(_websocket_wsgi.SimpleWebSocketWSGI.__call__)
    assert "simple_websocket.Server(environ, **self.server_args)" in wsgi_src
    assert "self.sock.send(" in inspect.getsource(simple_websocket.ws.Base._thread)
    assert "self.sock.send(" in inspect.getsource(simple_websocket.ws.Base.close)
    assert "self.thread.start()" in inspect.getsource(simple_websocket.ws.Base.__init__)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_frame_is_a_valid_server_frame(size):
    """Our frame decodes, with wsproto as a client, to exactly the message (all three length forms)."""
    from wsproto.connection import Connection, ConnectionType
    from wsproto.events import BytesMessage, TextMessage

    from app.realtime_fanout import frame

    text = "4" + "票" * (size // 3) + "x" * (size % 3)
    for message, kind in ((text, TextMessage), (text.encode(), BytesMessage)):
        client = Connection(ConnectionType.CLIENT)
        client.receive_data(frame(message))
        events = list(client.events())
        assert len(events) == 1 and isinstance(events[0], kind)
        assert events[0].data == message and events[0].message_finished


def test_not_installed_outside_gevent(app):
    """The test app runs threading mode: the normal python-engineio path, untouched."""
    from app.extensions import socketio

    assert not getattr(socketio.server, "direct_fanout", False)


# --- the real server ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        return f"sqlite:///{tmp_path}/fanout.db"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "test_fanout_" + uuid.uuid4().hex[:8]
    engine = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return str(make_url(base).set(database=name).render_as_string(hide_password=False))


def _drop_database(url):
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A contest with an open round and 12 guest passes; gunicorn + gevent serving it (the deploy
    config), with long-polling allowed too. With TEST_REDIS_URL: through the Redis message queue."""
    tmp_path = tmp_path_factory.mktemp("fanout")
    url = _database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "fanout-" + uuid.uuid4().hex,
        "JOBS_INLINE": "1",
        "PYTHONPATH": ROOT,
        "APP_ENV": "production",
        "SOCKETIO_ALLOWED_ORIGINS": ORIGIN,
        "SOCKETIO_TRANSPORTS": "polling,websocket",
        "SOCKETIO_FANOUT_STATS": "1",
    }
    env.pop("REDIS_URL", None)
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        env["REDIS_URL"] = redis_url
    setup = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from benchmarks.live.world import setup_passes; print(json.dumps(setup_passes(12)))",
        ],
        cwd=ROOT,
        env={**env, "APP_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    proc = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            os.path.join(ROOT, "deploy/gunicorn-socketio.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_port(port, proc)
        yield {**data, "port": port, "redis_url": redis_url}
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
        _drop_database(url)
    # the websocket deliveries took the direct path, the polling ones the queue
    line = [x for x in output.splitlines() if x.startswith("direct fan-out stats: ")]
    assert line, output[-3000:]
    stats = json.loads(line[-1].split(": ", 1)[1])
    assert stats["direct"] > 0 and stats["queued"] > 0, stats  # broadcasts
    assert stats["direct_unicast"] > 0 and stats["queued_unicast"] > 0, stats  # acks, connect answers


class PollingViewer:
    """python-socketio's client on long-polling, joined to the contest room, recording events."""

    def __init__(self, live, token):
        import socketio

        self.tallies, self.other = [], []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("tally", self.tallies.append, namespace=NS)
        self.sio.on("fanout_probe", self.other.append, namespace=NS)
        self.sio.connect(
            f"http://127.0.0.1:{live['port']}",
            namespaces=[NS],
            transports=["polling"],
            headers={"Origin": ORIGIN, "Cookie": f"contest_guest={token}"},
            wait_timeout=20,
        )
        answer = self.call("join", {"contest_id": live["contest_id"], "role": "viewer"})
        assert answer.get("ok"), answer

    def call(self, event, payload):
        return self.sio.call(event, payload, namespace=NS, timeout=20)

    def close(self):
        self.sio.disconnect()


class WebSocketViewer:
    """A browser-like websocket client (Engine.IO v4 / Socket.IO v5 frames, no compression, as the
    benchmark's), joined to the contest room, recording events. (websocket-client, python-socketio's
    websocket transport, sends a second Origin header that the origin check refuses.)"""

    def __init__(self, live, token):
        from websockets.sync.client import connect

        self.tallies, self.other, self.acks, self.next_id = [], [], {}, 0
        self.ws = connect(
            f"ws://127.0.0.1:{live['port']}/socket.io/?EIO=4&transport=websocket",
            origin=ORIGIN,
            additional_headers={"Cookie": f"contest_guest={token}"},
            compression=None,
            max_size=2**21,
            open_timeout=20,
        )
        assert self.ws.recv(timeout=20).startswith("0")
        self.ws.send(f"40{NS},")
        assert self.ws.recv(timeout=20).startswith(f"40{NS},")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        answer = self.call("join", {"contest_id": live["contest_id"], "role": "viewer"})
        assert answer.get("ok"), answer

    def _read(self):
        try:
            for message in self.ws:
                if message == "2":
                    self.ws.send("3")
                elif message.startswith(f"43{NS},"):
                    body = message[len(NS) + 3 :]
                    digits = len(body) - len(body.lstrip("0123456789"))
                    self.acks[int(body[:digits])] = json.loads(body[digits:])[0]
                elif message.startswith(f"42{NS},"):
                    event, payload = json.loads(message[len(NS) + 3 :])
                    (self.tallies if event == "tally" else self.other).append(payload)
        except Exception:
            pass

    def call(self, event, payload):
        self.next_id += 1
        n = self.next_id
        self.ws.send(f"42{NS},{n}" + json.dumps([event, payload]))
        assert _wait_for(lambda: n in self.acks, timeout=20), f"no ack for {event}"
        return self.acks.pop(n)

    def close(self):
        self.ws.close()


def Viewer(live, token, transport):
    return (WebSocketViewer if transport == "websocket" else PollingViewer)(live, token)


def _wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_every_viewer_gets_every_tally_on_websocket_and_polling(live):
    tokens = live["tokens"]
    viewers = [Viewer(live, tokens[i], "websocket") for i in range(6)] + [
        Viewer(live, tokens[i], "polling") for i in range(6, 8)
    ]
    voters = [Viewer(live, tokens[i], "websocket") for i in range(8, 12)]
    try:
        versions = []
        for n, voter in enumerate(voters):
            answer = voter.call(
                "vote",
                {
                    "contest_id": live["contest_id"],
                    "round_id": live["round_id"],
                    "choices": [live["entries"][n % 5]],
                    "idempotency_key": uuid.uuid4().hex,
                },
            )
            assert answer.get("ok"), answer
            # wait for this ballot's tally everywhere: each step is one broadcast of its own
            assert _wait_for(lambda: all(v.tallies and v.tallies[-1]["total"] == n + 1 for v in viewers + voters)), [
                v.tallies[-1:] for v in viewers
            ]
            versions.append(viewers[0].tallies[-1]["version"])
        assert versions == sorted(versions) and len(set(versions)) == len(versions)
        for v in viewers + voters:
            final = v.tallies[-1]
            assert final["round_id"] == live["round_id"] and final["version"] == versions[-1]
            assert final["total"] == len(voters)
            seen = [t["version"] for t in v.tallies]
            assert seen == sorted(seen), seen  # in order on every transport
            assert set(versions) <= set(seen)  # none of the four was missed
    finally:
        for v in viewers + voters:
            v.close()


def test_emit_from_another_process_through_redis_reaches_every_viewer(live):
    """What an RQ worker or a second web process does: publish on the Redis queue. Large payloads
    cover the 16- and 64-bit frame lengths on the direct path."""
    if not live["redis_url"]:
        pytest.skip("needs TEST_REDIS_URL (the message queue)")
    import socketio

    tokens = live["tokens"]
    viewers = [Viewer(live, tokens[i], "websocket") for i in range(4)] + [Viewer(live, tokens[4], "polling")]
    try:
        queue = socketio.RedisManager(live["redis_url"], channel="flask-socketio", write_only=True)
        room = f"contest:{live['contest_id']}"
        sent = [{"n": 0, "blob": ""}, {"n": 1, "blob": "票" * 100}, {"n": 2, "blob": "x" * 70000}]
        for payload in sent:
            queue.emit("fanout_probe", payload, room=room, namespace=NS)
        assert _wait_for(lambda: all(len(v.other) == len(sent) for v in viewers)), [len(v.other) for v in viewers]
        for v in viewers:
            assert v.other == sent
    finally:
        for v in viewers:
            v.close()


def test_concurrent_broadcasts_never_interleave(live):
    """Many large broadcasts at once (direct writes, partial writes, queued fallbacks on one socket):
    every viewer decodes every message whole and in order."""
    if not live["redis_url"]:
        pytest.skip("needs TEST_REDIS_URL (the message queue)")
    import socketio

    tokens = live["tokens"]
    viewers = [Viewer(live, tokens[i], "websocket") for i in range(3)]
    try:
        queue = socketio.RedisManager(live["redis_url"], channel="flask-socketio", write_only=True)
        room = f"contest:{live['contest_id']}"
        sent = [{"n": i, "blob": chr(0x3041 + i % 80) * (20000 + 997 * i)} for i in range(40)]
        for payload in sent:
            queue.emit("fanout_probe", payload, room=room, namespace=NS)
        assert _wait_for(lambda: all(len(v.other) == len(sent) for v in viewers), timeout=30), [
            len(v.other) for v in viewers
        ]
        for v in viewers:
            assert v.other == sent
    finally:
        for v in viewers:
            v.close()
