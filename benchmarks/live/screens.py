"""A big screen: the organiser's presenter page (GET /contests/<id>/present and its assets, with
the organiser's session cookie), then the same live socket as a phone (page.py)."""
from __future__ import annotations

import time

from .page import LivePage
from .web import load_assets, meta_csrf


class Screen(LivePage):
    async def open(self, ws_url: str) -> float:
        start = time.monotonic()
        page = await self.http.get(self.port, f"/contests/{self.contest_id}/present")
        if page.status != 200:
            raise RuntimeError(f"GET present: {page.status}")
        self.csrf = meta_csrf(page.text)
        await load_assets(self.http, self.port, page.text)
        await self.go_live(ws_url)
        return time.monotonic() - start
