"""A big screen: the organiser's presenter page (GET /contests/<id>/present and its assets, with
the organiser's session cookie), then the same live socket as a phone (page.py)."""

from __future__ import annotations

import time

from .page import LivePage
from .web import open_page


class Screen(LivePage):
    async def open(self, ws_url: str) -> float:
        start = time.monotonic()
        self.csrf = await open_page(self.http, self.port, f"/contests/{self.contest_id}/present")
        await self.go_live(ws_url)
        return time.monotonic() - start
