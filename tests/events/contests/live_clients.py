"""Real servers and browser-like clients for the live-contest integration tests.

`serve()` starts gunicorn + gevent with the deploy config on the test database (and optionally a
Redis of the test's own). `Phone` does what the voter page does: GET /join/<code>, POST the form
with its CSRF token, GET the voter page, then a websocket with the cookies (Engine.IO v4 /
Socket.IO v5 frames, as socket.io-client sends them), `join`, and ballots over the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
NS = "/contests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc=None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def ready(port: int, proc, timeout: float = 180) -> None:
    """gunicorn listens before its worker has imported the app: wait for a real answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server on {port} did not answer")


@contextlib.contextmanager
def redis_server():
    """A Redis of this test's own (it is stopped and started again; the suite's Redis is not)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    box = {"proc": None}

    def start():
        box["proc"] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(port, box["proc"], 20)

    def stop():
        proc = box["proc"]
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)

    start()
    try:
        yield {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
    finally:
        stop()


@contextlib.contextmanager
def serve(database_url: str, processes: int = 1, redis_url: str | None = None):
    """gunicorn + gevent (deploy/gunicorn-socketio.conf.py) on the test database. Yields the ports."""
    ports = [free_port() for _ in range(processes)]
    origins = ",".join(f"http://127.0.0.1:{p}" for p in ports)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-clients-secret",
        "JOBS_INLINE": "1",
        "PYTHONPATH": ROOT,
        "APP_ENV": "production",
        "SOCKETIO_ALLOWED_ORIGINS": origins,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SESSION_COOKIE_SECURE": "0",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    procs = [
        subprocess.Popen(
            [
                gunicorn,
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
        for port in ports
    ]
    try:
        for port, proc in zip(ports, procs):
            wait_port(port, proc)
            ready(port, proc)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


def form_token(html: str, name: str = "csrf_token") -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{name}"', html
    )
    assert found, html[:2000]
    return found.group(1)


def meta_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def login_session(port: int, email: str, password: str) -> requests.Session:
    """The organiser, signed in through the login form (as a browser)."""
    http = requests.Session()
    page = http.get(f"http://127.0.0.1:{port}/login", timeout=20)
    r = http.post(
        f"http://127.0.0.1:{port}/login",
        data={"csrf_token": form_token(page.text), "email": email, "password": password},
        timeout=20,
    )
    assert r.status_code == 200 and "/login" not in r.url, (r.status_code, r.url)
    return http


def moderator_post(http: requests.Session, port: int, contest_id: int, path: str) -> requests.Response:
    page = http.get(f"http://127.0.0.1:{port}/contests/{contest_id}/moderate", timeout=20)
    return http.post(
        f"http://127.0.0.1:{port}/api/v1/contests/{contest_id}{path}",
        json={},
        timeout=20,
        headers={"X-CSRFToken": meta_token(page.text), "Accept": "application/json"},
    )


def join_page(port: int, code: str, name: str) -> requests.Session:
    """Steps 1-3 of a phone: the join form, its POST, the voter page."""
    http = requests.Session()
    page = http.get(f"http://127.0.0.1:{port}/join/{code}", timeout=30)
    assert page.status_code == 200, page.status_code
    voter = http.post(
        f"http://127.0.0.1:{port}/join/{code}",
        data={"csrf_token": form_token(page.text), "display_name": name},
        timeout=30,
    )
    assert voter.status_code == 200 and "/vote" in voter.url, (voter.status_code, voter.url)
    http.csrf = meta_token(voter.text)
    return http


class Phone:
    """A screen or phone on the contest socket: connects with the page's cookies, joins, records
    every tally and round event, and votes over the socket."""

    def __init__(self, port: int, cookies: dict, contest_id: int):
        self.port, self.cookies, self.contest_id = port, cookies, contest_id
        self.ws = None
        self.ids = itertools.count(1)
        self.acks: dict[int, asyncio.Future] = {}
        self.tallies: list[dict] = []
        self.rounds: list[dict] = []
        self.state: dict | None = None
        self.errors: list = []

    @property
    def final(self) -> dict | None:
        """The newest tally seen (by version), from events, heartbeats or the join state."""
        seen = self.tallies + ([self.state["tally"]] if self.state and self.state.get("tally") else [])
        seen = [t for t in seen if t.get("round_id") is not None]
        return max(seen, key=lambda t: (t["version"], t["status"] == "closed")) if seen else None

    async def connect(self):
        import websockets

        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/socket.io/?EIO=4&transport=websocket",
            compression=None,
            additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{self.port}"},
            open_timeout=30,
            max_size=2**22,
        )
        opened = await self.ws.recv()
        assert opened.startswith("0"), opened
        await self.ws.send(f"40{NS},")
        while True:
            message = await self.ws.recv()
            if message.startswith(f"40{NS},"):
                break
            if message.startswith(f"44{NS},"):
                raise RuntimeError(f"refused: {message}")
        self.reader = asyncio.ensure_future(self._read())
        answer = await self.call("join", {"contest_id": self.contest_id, "role": "viewer"})
        if not answer.get("ok"):
            raise RuntimeError(answer)
        self.state = answer["state"]
        return self.state

    async def _read(self):
        prefix_event, prefix_ack = f"42{NS},", f"43{NS},"
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith(prefix_ack):
                    body = message[len(prefix_ack) :]
                    n = int(re.match(r"\d+", body).group(0))
                    future = self.acks.pop(n, None)
                    if future is not None and not future.done():
                        future.set_result(json.loads(body[len(str(n)) :])[0])
                elif message.startswith(prefix_event):
                    name, payload = json.loads(message[len(prefix_event) :])[:2]
                    if name == "tally":
                        self.tallies.append(payload)
                    elif name == "round":
                        self.rounds.append(payload)
        except Exception as exc:  # a closed socket ends the reader
            self.errors.append(repr(exc))

    async def call(self, event: str, payload: dict, timeout: float = 30) -> dict:
        n = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.acks[n] = future
        await self.ws.send(f"42{NS},{n}" + json.dumps([event, payload]))
        return await asyncio.wait_for(future, timeout)

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
