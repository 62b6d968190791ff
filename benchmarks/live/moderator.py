"""The organiser: logs in through the real login form once; the moderator page gives its CSRF
token; rounds open and close as contest-moderator.js calls them (POST .../open|close with
Content-Type: application/json, Accept, X-CSRFToken and no body: its call() sends none). The same session cookie opens the presenter on every screen."""

from __future__ import annotations

import asyncio
import time

from .web import Http, form_csrf, meta_csrf


class Moderator:
    def __init__(self, port: int, contest_id: int, email: str, password: str):
        self.port, self.contest_id, self.email, self.password = port, contest_id, email, password
        self.http = Http()
        self.csrf = ""

    def run(self, coro_fn, *args):
        """Run one step on a fresh event loop (the parent is synchronous); connections end with it."""

        async def step():
            try:
                return await coro_fn(*args)
            finally:
                await self.http.close()

        return asyncio.run(step())

    async def login(self) -> dict:
        page = await self.http.get(self.port, "/login")
        answer = await self.http.post_form(
            self.port, "/login", {"csrf_token": form_csrf(page.text), "email": self.email, "password": self.password}
        )
        if answer.status != 302:
            raise RuntimeError(f"login: {answer.status} {answer.text[:300]}")
        page = await self.http.get(self.port, f"/contests/{self.contest_id}/moderate")
        if page.status != 200:
            raise RuntimeError(f"GET moderate: {page.status}")
        self.csrf = meta_csrf(page.text)
        return dict(self.http.cookies)

    async def round_action(self, round_id: int, action: str) -> tuple[float, float, dict]:
        """(sent at, answered at, round) of POST .../rounds/<id>/<open|close>."""
        sent = time.monotonic()
        answer = await self.http.post_json(
            self.port, f"/api/v1/contests/{self.contest_id}/rounds/{round_id}/{action}", None, self.csrf
        )
        if answer.status != 200:
            raise RuntimeError(f"{action} round: {answer.status} {answer.text[:300]}")
        return sent, time.monotonic(), answer.json()

    async def state(self) -> dict:
        answer = await self.http.get(self.port, f"/api/v1/contests/{self.contest_id}/state", accept="application/json")
        if answer.status != 200:
            raise RuntimeError(f"GET state: {answer.status}")
        return answer.json()
