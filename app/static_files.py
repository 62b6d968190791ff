"""Static files (CSS, JS, the vendored Socket.IO client, icons) served by WhiteNoise in front of Flask.

Every asset is served by the app itself (LGWAN: no CDN). A phone joining a contest loads seven
of them; through Flask each one paid for a request context, the session, the rate limiter and
the after-request hooks. WhiteNoise answers them before Flask with headers computed once per
file, ETag / Last-Modified and 304s, and a short max-age (file names carry no hash, so an upgrade
must show within a minute). The security headers are the same as on every page.
"""

from __future__ import annotations

import os

from flask import Flask
from whitenoise import WhiteNoise

MAX_AGE = 60


def register_static_files(app: Flask) -> None:
    from .security import CSP

    def headers(headers, _path, _url):
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=os.path.join(app.root_path, "static"),
        prefix=app.static_url_path.strip("/") + "/",
        max_age=MAX_AGE,
        add_headers_function=headers,
        autorefresh=app.debug,
    )
