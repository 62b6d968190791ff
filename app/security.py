"""Secure headers, CSRF and the Authorization-header rule for every request.

A request that carries an `Authorization` header is authenticated by that header alone: the
session cookie is ignored and a header that is not a valid token is a 401. Browsers never send
that header on their own, so such requests cannot be forged cross-site and skip the CSRF check.
Every other state-changing request (cookie or none) needs the CSRF token, unless its view is
marked with `@csrf_exempt` (only views that neither read nor set the session).
"""

from flask import Flask, current_app, request

from .extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def has_authorization_header() -> bool:
    return "Authorization" in request.headers


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def csrf_exempt(view):
    """For views that act on what the request body says, never on the session (the token exchange)."""
    view.csrf_exempt = True
    return view


def _view_is_csrf_exempt() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "csrf_exempt", False))


def register_security(app: Flask) -> None:
    @app.before_request
    def authenticate_header_or_check_csrf():
        if has_authorization_header():
            from flask_login import current_user

            if not current_user.is_authenticated:  # the session is not consulted (app.auth)
                from .errors import Unauthorized

                raise Unauthorized()
        elif request.method in UNSAFE_METHODS and not _view_is_csrf_exempt():
            csrf.protect()

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response
