"""Failed logins are limited per account and per address (Flask-Limiter).

Per account (LOGIN_RATE_LIMIT): guessing one person's password is slow wherever it comes from.
Per address (LOGIN_ADDRESS_RATE_LIMIT, higher): one machine cannot try many accounts quickly.
Only failures (401) count, and the address limit is high enough that one person's failures
cannot lock out an office that shares one NAT address. Behind a reverse proxy the address is the
client's only when TRUSTED_PROXIES is set (app.proxies).
"""

from __future__ import annotations

from flask import current_app, request

from ..extensions import limiter
from .services import normalise_email


def _submitted_email() -> str:
    email = request.form.get("email")
    if email is None:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return (normalise_email(email) if isinstance(email, str) else "") or "(no email)"


def _failed(response) -> bool:
    return response.status_code == 401


_per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    scope="login-account",
    key_func=_submitted_email,
    deduct_when=_failed,
    methods=["POST"],
)
_per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], scope="login-address", deduct_when=_failed, methods=["POST"]
)


def limit_failed_logins(view):
    """Decorate a login view (form or token exchange): both share the two limits."""
    return _per_address(_per_account(view))
