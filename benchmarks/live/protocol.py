"""Socket.IO v5 over Engine.IO v4, raw frames over `websockets`: exactly what socket.io-client
sends with `transports: ["websocket"]` (open packet, namespace connect, events with ack ids,
ping/pong)."""

from __future__ import annotations

import asyncio
import json
import random
import time

NS = "/contests"


class SioClient:
    """One Socket.IO connection to the /contests namespace. `on_event(name, payload, at)` is called
    for every event the server pushes; `call()` sends an event and waits for its ack."""

    def __init__(self, url: str, origin: str, cookie: str = "", on_event=None):
        self.url, self.origin, self.cookie = url, origin, cookie
        self.on_event = on_event
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.ws = None
        self.reader = None
        self.closed_at: float | None = None
        self.busy_refusals = 0

    @property
    def connected(self) -> bool:
        return self.reader is not None and self.closed_at is None

    async def connect(self, timeout: float = 60) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.url,
            origin=self.origin,
            additional_headers=headers,
            max_size=2**20,
            open_timeout=timeout,
            ping_interval=None,
            compression=None,
        )
        opened = await asyncio.wait_for(self.ws.recv(), timeout)  # 0{"sid":..,"pingInterval":..}
        if not opened.startswith("0"):
            raise RuntimeError(f"no engine.io open packet: {opened[:80]}")
        await self.ws.send(f"40{NS},")
        deadline = time.monotonic() + timeout  # pings do not extend the wait for the answer
        while True:  # 40/contests,{"sid":..}
            answer = await asyncio.wait_for(self.ws.recv(), max(0.001, deadline - time.monotonic()))
            if answer == "2":  # a ping before the answer (slow server)
                await self.ws.send("3")
                continue
            if answer.startswith(f"44{NS},"):  # connect_error
                data = json.loads(answer[len(f"44{NS},") :] or "{}")
                if isinstance(data, dict) and data.get("code") == "busy":
                    # contest-common.js: socket.connect() again after retryDelay(retry_after)
                    self.busy_refusals += 1
                    await asyncio.sleep((data.get("retry_after") or 2) * (1 + random.random()))
                    await self.ws.send(f"40{NS},")
                    deadline = time.monotonic() + timeout
                    continue
            if not answer.startswith(f"40{NS},"):
                raise RuntimeError(f"namespace refused: {answer[:120]}")
            break
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        prefix_ack, prefix_event = f"43{NS},", f"42{NS},"
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith(prefix_ack):
                    body = message[len(prefix_ack) :]
                    digits = len(body) - len(body.lstrip("0123456789"))
                    future = self.acks.pop(int(body[:digits]), None)
                    if future and not future.done():
                        future.set_result((time.monotonic(), json.loads(body[digits:])[0]))
                elif message.startswith(prefix_event) and self.on_event is not None:
                    at = time.monotonic()
                    name, *payload = json.loads(message[len(prefix_event) :])
                    self.on_event(name, payload[0] if payload else None, at)
        except Exception:
            pass
        finally:
            self.closed_at = time.monotonic()

    async def send_call(self, event: str, payload) -> asyncio.Future:
        """Send `42/contests,<id>[event, payload]`; the future resolves to (ack time, answer)."""
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_id] = future
        await self.ws.send(f"42{NS},{self.next_id}" + json.dumps([event, payload]))
        return future

    async def call(self, event: str, payload, timeout: float = 60):
        return await asyncio.wait_for(await self.send_call(event, payload), timeout)

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws:
            try:
                await self.ws.close()
            except Exception:
                pass
