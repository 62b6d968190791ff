"""Authentication: session login (Flask-Login) and personal API tokens (Bearer).

Session ids carry the user's session_version, so bumping it ends every session.
A request with an Authorization header is authenticated by the header alone (app.security).
Passwords are hashed with Argon2id (OWASP ASVS L2).
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, g
from sqlalchemy import select

from .db import utcnow
from .extensions import db, login_manager

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "cct_") -> str:
    return prefix + secrets.token_urlsafe(32)


def init_login(app: Flask) -> None:
    from .accounts.models import ApiToken, User
    from .security import bearer_token, has_authorization_header

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"  # "strong" wipes anonymous sessions (language, CSRF)

    @login_manager.user_loader
    def load_user(session_id: str):
        if has_authorization_header():
            return None  # a request with an Authorization header is authenticated by it alone
        user_id, _, version = (session_id or "").partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.disabled or user.session_version != int(version):
            return None
        return user

    @login_manager.request_loader
    def load_from_token(request):
        token = bearer_token()
        if not token:
            return None
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
        now = utcnow()
        if row is None or row.revoked_at or (row.expires_at and row.expires_at <= now) or row.user.disabled:
            return None
        g.api_token_id = row.id
        return row.user

    @login_manager.unauthorized_handler
    def unauthorized():
        from .errors import Unauthorized

        raise Unauthorized()
