"""A browser's HTTP side, small and exact: HTTP/1.1 keep-alive (an idle connection to the server
is reused, another one opened while one is busy, a new one when the server closed the idle ones),
a cookie jar (sent back whatever the Secure flag: the benchmark speaks plain HTTP to a server
configured for HTTPS), and the pages' answer to 503: wait Retry-After seconds plus a random
jitter, then retry."""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
READ_TIMEOUT = 120.0  # a request unanswered this long is an error (raised as TimeoutError)
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
ASSETS = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def location_path(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Counters:
    requests: int = 0
    overloaded: int = 0  # 503 answers (each retried after Retry-After + jitter)
    reconnects: int = 0
    socket_retries: int = 0  # socket connects that timed out and were tried again


class Http:
    """One device's HTTP session: its cookies and its keep-alive connection to each server port."""

    def __init__(self, cookies: dict[str, str] | None = None, counters: Counters | None = None):
        self.cookies = dict(cookies or {})
        self.counters = counters or Counters()
        self.idle: dict[int, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def request(
        self, method: str, port: int, path: str, body: bytes = b"", headers: dict | None = None, max_503: int = 20
    ) -> Response:
        """The request, retried after each 503 (Retry-After + jitter 0-1 s) as the pages do."""
        for _attempt in range(max_503 + 1):
            response = await self._once(method, port, path, body, headers or {})
            if response.status != 503:
                return response
            self.counters.overloaded += 1
            try:
                wait = float(response.headers.get("retry-after", "1"))
            except ValueError:
                wait = 1.0
            await asyncio.sleep(wait + random.random())
        return response

    async def get(self, port: int, path: str, accept: str = "text/html") -> Response:
        return await self.request("GET", port, path, headers={"Accept": accept})

    async def post_form(self, port: int, path: str, form: dict) -> Response:
        return await self.request(
            "POST",
            port,
            path,
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        )

    async def post_json(self, port: int, path: str, data, csrf: str, extra: dict | None = None) -> Response:
        """window.postJSON: Content-Type, X-CSRFToken from the page's meta tag, Accept, the cookies.
        `data` None sends no body (contest-moderator.js's call() without a body)."""
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Accept": "application/json",
            **(extra or {}),
        }
        return await self.request("POST", port, path, b"" if data is None else json.dumps(data).encode(), headers)

    async def _once(self, method, port, path, body, headers) -> Response:
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{port}",
            "Connection: keep-alive",
            "User-Agent: bench-phone",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        if self.cookies:
            head.append(f"Cookie: {self.cookie_header()}")
        if body or method in ("POST", "PUT", "PATCH"):
            head.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in (0, 1):
            reused = bool(self.idle.get(port))
            reader, writer = await self._connection(port)
            try:
                writer.write(raw)
                await writer.drain()
                response = await asyncio.wait_for(self._read(reader), READ_TIMEOUT)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                writer.close()
                if reused and attempt == 0:  # the server closed the idle keep-alive connections
                    self.counters.reconnects += 1
                    for _reader, stale in self.idle.pop(port, []):
                        stale.close()
                    continue
                raise
            except BaseException:
                writer.close()
                raise
            self.counters.requests += 1
            if response.headers.get("connection", "").lower() == "close":
                writer.close()
            else:
                self.idle.setdefault(port, []).append((reader, writer))
            return response
        raise ConnectionError("unreachable")

    async def _connection(self, port):
        """An idle keep-alive connection to the port, or a new one (a browser opens another
        connection when a request is already in flight on the first)."""
        idle = self.idle.get(port)
        if idle:
            return idle.pop()
        return await asyncio.open_connection(HOST, port)

    async def _read(self, reader) -> Response:
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._set_cookie(value)
            headers[name] = value
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                chunks.append(await reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(c[:-2] for c in chunks)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = await reader.read()
            headers["connection"] = "close"
        return Response(status, headers, body)

    def _set_cookie(self, value: str) -> None:
        pair, *attributes = value.split(";")
        name, _, cookie = pair.strip().partition("=")
        attrs = {a.strip().split("=", 1)[0].lower(): a.strip() for a in attributes}
        if not cookie or attrs.get("max-age", "").lower() in ("max-age=0",) or "1970" in attrs.get("expires", ""):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = cookie

    async def close(self) -> None:
        for conns in self.idle.values():
            for _reader, writer in conns:
                writer.close()
        self.idle.clear()


def form_csrf(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise RuntimeError("no csrf_token input in the form")
    return html.unescape(match.group(1))


def meta_csrf(page: str) -> str:
    match = CSRF_META.search(page)
    if not match:
        raise RuntimeError('no <meta name="csrf-token">')
    return html.unescape(match.group(1))


def assets(page: str) -> list[str]:
    """Every stylesheet and script of the page, in document order (a first visit loads them all)."""
    return [html.unescape(a or b) for a, b in ASSETS.findall(page)]


async def load_assets(http: Http, port: int, page: str) -> None:
    for path in assets(page):
        response = await http.get(port, path, accept="*/*")
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")


async def open_page(http: Http, port: int, path: str) -> str:
    """A first visit to a page: the HTML, then its stylesheets and scripts; returns its CSRF token."""
    page = await http.get(port, path)
    if page.status != 200:
        raise RuntimeError(f"GET {path}: {page.status}")
    csrf = meta_csrf(page.text)
    await load_assets(http, port, page.text)
    return csrf
