"""What `Contest.live` (app/static/js/contest-common.js) does on a phone or a big screen, once the
page is loaded: open the socket with the page's cookies, `join` as a viewer, take the state from
the join ack (fetch GET .../state only when the ack has none), then apply the pushed events:
`tally` (heartbeats too) when its version is not older, `round` carrying the shared state (the
new shape: applied as is) or only the round (the old shape: fetch the state after a random
0-1 s delay)."""

from __future__ import annotations

import asyncio
import random
import time

from .protocol import SioClient
from .web import Counters, Http

FETCH_DELAY = 1.0  # the page's random delay before a fetch prompted by a `round` event
SPREAD = 1.5  # contest-common.js SPREAD_MS: resyncSoon's random delay
OVERLOADED = ("overloaded", "unavailable", "service_unavailable")
CONNECT_TIMEOUT, CONNECT_TRIES = 20.0, 3  # socket.io-client's `timeout`; then it reconnects


class LivePage:
    JOIN: dict = {}  # what the page adds to its `join` (the voter page: {"tally": "paced"})

    def __init__(
        self,
        index: int,
        port: int,
        other_port: int,
        contest_id: int,
        cookies: dict | None = None,
        counters: Counters | None = None,
    ):
        self.index, self.port, self.other_port, self.contest_id = index, port, other_port, contest_id
        self.http = Http(cookies, counters)
        self.sock: SioClient | None = None
        self.csrf = ""
        self.tallies: list[tuple[float, int, int, int]] = []  # (time, round id, version, total)
        self.shown: dict[tuple[int, str], float] = {}  # (round id, status) -> first time on screen
        self.last_version = -1
        self.round_id: int | None = None  # the round the page shows
        self.resync_pending = False
        self.fetches = 0
        self.errors: list[str] = []
        self.tasks: set[asyncio.Task] = set()

    @property
    def state_path(self) -> str:
        return f"/api/v1/contests/{self.contest_id}/state"

    async def go_live(self, ws_url: str, attempts: int = 20) -> None:
        """Socket steps: connect with the cookies and the page's Origin, namespace, `join`. An
        overloaded server (503 on the upgrade, or a join answered `overloaded`) is retried after
        its Retry-After plus a random jitter, and counted apart from errors."""
        from websockets.exceptions import InvalidStatus

        for attempt in range(attempts):
            self.sock = SioClient(ws_url, f"http://127.0.0.1:{self.port}", self.http.cookie_header(), self.on_event)
            try:
                await self.sock.connect(CONNECT_TIMEOUT)
            except InvalidStatus as exc:
                if exc.response.status_code != 503:
                    raise
                await self._overloaded(exc.response.headers.get("Retry-After"))
                continue
            except TimeoutError:  # socket.io-client: connect_error, then it reconnects
                self.http.counters.socket_retries += 1
                if attempt >= CONNECT_TRIES - 1:
                    raise
                await self.sock.close()
                await asyncio.sleep(1 + random.random())
                continue
            answer = await self._join(attempts)
            if answer.get("ok"):
                break
            if (answer.get("error") or {}).get("code") not in OVERLOADED:
                raise RuntimeError(f"join refused: {answer}")
            await self.sock.close()
            await self._overloaded((answer.get("error") or {}).get("retry_after"))
        else:
            raise RuntimeError("overloaded on every attempt")
        if answer.get("state"):
            self.apply_state(answer["state"], time.monotonic())
        else:
            await self.fetch_state()

    async def _join(self, attempts: int) -> dict:
        """`join` on the open socket; a `busy` answer is retried on the same socket after
        Retry-After × (1 + random), as contest-common.js does."""
        for _ in range(attempts):
            _at, answer = await self.sock.call("join", {"contest_id": self.contest_id, "role": "viewer", **self.JOIN})
            error = answer.get("error") or {}
            if error.get("code") != "busy":
                return answer
            self.http.counters.overloaded += 1
            seconds = error.get("retry_after") or 2
            await asyncio.sleep(seconds * (1 + random.random()))
        return answer

    async def _overloaded(self, retry_after) -> None:
        self.http.counters.overloaded += 1
        try:
            wait = float(retry_after or 1)
        except ValueError:
            wait = 1.0
        await asyncio.sleep(wait + random.random())

    def apply_state(self, state: dict, at: float) -> None:
        rnd = state.get("round")
        self.round_id = rnd["id"] if rnd else None
        if rnd:
            self.shown.setdefault((rnd["id"], rnd["status"]), at)
        if state.get("tally"):
            self.apply_tally(state["tally"], at)

    def apply_tally(self, t: dict, at: float) -> None:
        """As the page's `tally` handler: a tally (or heartbeat) of another round than the one
        shown means a missed round: resync soon; a heartbeat without a round changes nothing."""
        if (t.get("round_id") or None) != self.round_id:
            if not self.resync_pending:  # resyncSoon: one pending resync at a time
                self.resync_pending = True
                self.spawn(self.fetch_state(random.random() * SPREAD))
            return
        if t.get("round_id") is None:
            return
        if t["version"] < self.last_version and t.get("status") == "open":
            return  # an older update arrived late
        self.last_version = t["version"]
        if t.get("status"):
            self.shown.setdefault((t["round_id"], t["status"]), at)
        self.tallies.append((at, t["round_id"], t["version"], t["total"]))

    def on_event(self, name: str, payload, at: float) -> None:
        if name == "tally" and isinstance(payload, dict):
            self.apply_tally(payload, at)
        elif name == "round" and isinstance(payload, dict):
            if isinstance(payload.get("round"), dict) or "entries" in payload:
                self.apply_state(payload, at)  # the shared state: nothing to fetch
            else:
                self.spawn(self.fetch_state(random.random() * FETCH_DELAY))
        elif name == "reveal":
            self.spawn(self.fetch_state())

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def fetch_state(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        self.resync_pending = False
        try:
            response = await self.http.get(self.port, self.state_path, accept="application/json")
            self.fetches += 1
            if response.status != 200:
                raise RuntimeError(f"GET state: {response.status}")
            self.apply_state(response.json(), time.monotonic())
        except Exception as exc:
            self.errors.append(f"state: {exc!r}")

    def final_tally(self, round_id: int, total: int) -> tuple[float, int] | None:
        """(first time, total) of the first tally of the round that reached `total` ballots."""
        return next(((t, n) for t, r, _v, n in self.tallies if r == round_id and n >= total), None)

    def last_total(self, round_id: int) -> int | None:
        totals = [n for _t, r, _v, n in self.tallies if r == round_id]
        return totals[-1] if totals else None

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.sock:
            await self.sock.close()
        await self.http.close()
