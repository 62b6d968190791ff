"""A phone: the guest's pages, request by request. Join through the form (GET /join/<code>, POST
it with its CSRF token, follow the redirect to the voter page, load the page's stylesheets and
scripts once), go live on the socket (page.py), then vote over the socket it holds, falling back
to POST .../ballots with the same Idempotency-Key when the ack does not come in time."""

from __future__ import annotations

import asyncio
import random
import time

from .page import LivePage
from .web import form_csrf, open_page


FALLBACK_CODES = ("busy", "unauthorized", "server_error")  # contest-voter.js: these go to HTTP
HTTP_TRIES = 3  # contest-voter.js sendHttp(url, choices, key, 3)
ACK_GIVE_UP = 20.0  # contest-voter.js ACK_GIVE_UP_MS


class Phone(LivePage):
    JOIN = {"tally": "paced"}  # contest-voter.js: the page shows only the count

    async def join(self, code: str, ws_url: str) -> float:
        """The whole join, from the first request to the join ack (the phone shows the round)."""
        start = time.monotonic()
        page = await self.http.get(self.port, f"/join/{code}")
        if page.status != 200:
            raise RuntimeError(f"GET /join: {page.status}")
        posted = await self.http.post_form(
            self.port, f"/join/{code}", {"csrf_token": form_csrf(page.text), "display_name": f"phone {self.index}"}
        )
        if posted.status != 302 or "contest_guest" not in self.http.cookies:
            raise RuntimeError(f"POST /join: {posted.status} {posted.text[:200]}")
        self.csrf = await open_page(self.http, self.port, posted.location_path() or f"/contests/{self.contest_id}/vote")
        await self.go_live(ws_url)
        return time.monotonic() - start

    def ballot_path(self, round_id: int) -> str:
        return f"/api/v1/contests/{self.contest_id}/rounds/{round_id}/ballots"

    async def vote_socket(self, round_id: int, entry_id: int, key: str, timeout: float) -> tuple[str, float, dict]:
        """The voter page's path: the `vote` event; ("socket", ack time, answer), or the HTTP
        fallback's answer when the socket drops or no ack comes within ACK_GIVE_UP seconds."""
        body = {"contest_id": self.contest_id, "round_id": round_id, "choices": [entry_id], "idempotency_key": key}
        try:
            at, answer = await self._ack(body, timeout)
            error = answer.get("error") or {}
            if answer.get("ok") or error.get("code") not in FALLBACK_CODES:
                return "socket", at, answer
            if error.get("code") == "busy":  # contest-voter.js: retryDelay(retry_after), then HTTP
                await asyncio.sleep((error.get("retry_after") or 2) * (1 + random.random()))
        except asyncio.TimeoutError:
            pass
        at, answer = await self.vote_http(round_id, entry_id, key, self.port)
        return "fallback", at, answer

    async def _ack(self, body: dict, check: float) -> tuple[float, dict]:
        """contest-voter.js: wait for the ack while the socket stays connected, checking every
        ACK_CHECK_MS (`check` s); TimeoutError when it dropped or after ACK_GIVE_UP_MS."""
        future = await self.sock.send_call("vote", body)
        started = time.monotonic()
        while True:
            try:
                return await asyncio.wait_for(asyncio.shield(future), check)
            except asyncio.TimeoutError:
                if not self.sock.connected or time.monotonic() - started >= ACK_GIVE_UP:
                    future.cancel()
                    raise

    async def vote_http(self, round_id: int, entry_id: int, key: str, port: int) -> tuple[float, dict]:
        """POST .../ballots as postJSON sends it: 201 new, 200 the same receipt again."""
        for tries in range(HTTP_TRIES, -1, -1):  # sendHttp: a 503 is retried after Retry-After × (1 + random)
            response = await self.http.post_json(
                port, self.ballot_path(round_id), {"choices": [entry_id]}, self.csrf, {"Idempotency-Key": key}
            )
            if response.status != 503 or not tries:
                break
            self.http.counters.overloaded += 1
            await asyncio.sleep(float(response.headers.get("retry-after") or 2) * (1 + random.random()))
        at = time.monotonic()
        answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if response.status in (200, 201) and answer.get("receipt"):
            return at, {"ok": True, "receipt": answer["receipt"], "replayed": response.status == 200}
        return at, {"ok": False, "status": response.status, "body": response.text[:300]}
