"""A real HTTP server (werkzeug, in a thread) serving the test app, for plain-client tests."""

from __future__ import annotations

import contextlib
import os
import socket
import threading

from werkzeug.serving import make_server


def _free_port() -> int:
    """A free port in TEST_HTTP_PORTS ("5100-5199"), or any free port when it is unset."""
    first, _, last = os.environ.get("TEST_HTTP_PORTS", "").partition("-")
    for port in range(int(first), int(last or first) + 1) if first else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port in TEST_HTTP_PORTS")


@contextlib.contextmanager
def serving(wsgi_app):
    """Yields the base URL of a threaded server for `wsgi_app` until the block ends."""
    server = make_server("127.0.0.1", _free_port(), wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
