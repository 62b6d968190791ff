"""Voter identity: a logged-in user, or a guest holding a signed join pass (cookie or header)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ...extensions import db

COOKIE = "contest_guest"
HEADER = "X-Contest-Guest"
MAX_AGE = 60 * 60 * 24  # a guest pass lasts one day


@dataclass(frozen=True)
class Voter:
    key: str
    user: object | None = None
    join_pass_id: int | None = None
    display_name: str = ""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="contest-guest")


def sign_pass(join_pass) -> str:
    return _serializer().dumps({"p": join_pass.id, "c": join_pass.contest_id})


def read_pass(token: str | None, contest_id: int | None = None):
    """The JoinPass a token stands for (None if missing, forged, expired or for another contest)."""
    from .models import JoinPass

    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or (contest_id is not None and data.get("c") != contest_id):
        return None
    join_pass = db.session.get(JoinPass, data.get("p")) if isinstance(data.get("p"), int) else None
    if join_pass is None or join_pass.contest_id != data.get("c"):
        return None
    return join_pass


def signed_pass(token: str | None, contest_id: int) -> int | None:
    """The id of the join pass a token was signed for, when it is for this contest and not
    expired; checked without the database (the row is checked where the pass is used)."""
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != contest_id:
        return None
    pass_id = data.get("p")
    return pass_id if isinstance(pass_id, int) and not isinstance(pass_id, bool) else None


def guest_token() -> str | None:
    return request.headers.get(HEADER) or request.cookies.get(COOKIE)


def current_voter(contest_id: int) -> Voter | None:
    if current_user.is_authenticated:
        return Voter(
            key=f"u:{current_user.id}", user=current_user._get_current_object(), display_name=current_user.display_name
        )
    join_pass = read_pass(guest_token(), contest_id)
    if join_pass is None or join_pass.user_id is not None:
        return None
    return Voter(key=f"g:{join_pass.id}", join_pass_id=join_pass.id, display_name=join_pass.display_name)
