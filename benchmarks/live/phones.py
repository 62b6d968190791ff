"""A phone: the guest's pages, request by request. Join through the form (GET /join/<code>, POST
it with its CSRF token, follow the redirect to the voter page, load the page's stylesheets and
scripts once), go live on the socket (page.py), then vote over the socket it holds, falling back
to POST .../ballots with the same Idempotency-Key when the ack does not come in time."""

from __future__ import annotations

import asyncio
import time

from .page import OVERLOADED, LivePage
from .web import form_csrf, open_page


class Phone(LivePage):
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
        fallback's answer when the ack does not come within `timeout` seconds."""
        body = {"contest_id": self.contest_id, "round_id": round_id, "choices": [entry_id], "idempotency_key": key}
        try:
            at, answer = await self.sock.call("vote", body, timeout)
            if answer.get("ok") or (answer.get("error") or {}).get("code") not in OVERLOADED:
                return "socket", at, answer
        except asyncio.TimeoutError:
            pass
        at, answer = await self.vote_http(round_id, entry_id, key, self.port)
        return "fallback", at, answer

    async def vote_http(self, round_id: int, entry_id: int, key: str, port: int) -> tuple[float, dict]:
        """POST .../ballots as postJSON sends it: 201 new, 200 the same receipt again."""
        response = await self.http.post_json(
            port, self.ballot_path(round_id), {"choices": [entry_id]}, self.csrf, {"Idempotency-Key": key}
        )
        at = time.monotonic()
        answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if response.status in (200, 201) and answer.get("receipt"):
            return at, {"ok": True, "receipt": answer["receipt"], "replayed": response.status == 200}
        return at, {"ok": False, "status": response.status, "body": response.text[:300]}
