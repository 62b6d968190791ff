"""Authentication as scripts and proxies meet it: a plain HTTP client (requests) against a real
server on the test database, with no test-client help (no CSRF token added for us)."""

from __future__ import annotations

import pytest
import requests

from app import register_proxies
from app.extensions import limiter
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.http_server import serving


@pytest.fixture
def server(app):
    with serving(app) as base:
        yield base


def _login_session(base: str, user) -> requests.Session:
    """A browser-like session: the CSRF token from the API, then the login form."""
    browser = requests.Session()
    csrf = browser.get(f"{base}/api/v1/auth/csrf").json()["csrf_token"]
    response = browser.post(
        f"{base}/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": csrf},
        allow_redirects=False,
    )
    assert response.status_code == 302
    browser.headers["X-CSRFToken"] = browser.get(f"{base}/api/v1/auth/csrf").json()["csrf_token"]
    return browser


def test_token_exchange_works_for_a_script_with_no_cookie_and_no_csrf_token(server, db):
    user = UserFactory()
    response = requests.post(f"{server}/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    assert "Set-Cookie" not in response.headers or "session=" not in response.headers["Set-Cookie"]
    token = response.json()["token"]
    me = requests.get(f"{server}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["email"] == user.email
    wrong = requests.post(f"{server}/api/v1/auth/token", json={"email": user.email, "password": "not-the-one"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"


def test_a_request_with_an_authorization_header_is_authenticated_by_it_alone(server, db):
    user, other = UserFactory(), UserFactory()
    browser = _login_session(server, user)
    assert browser.get(f"{server}/api/v1/users/me").json()["email"] == user.email
    junk = {"Authorization": "Bearer x"}
    # The cookie no longer authenticates, and the junk header does not skip CSRF into the session.
    assert browser.post(f"{server}/api/v1/users/me/tokens", json={"name": "stolen"}, headers=junk).status_code == 401
    assert (
        browser.patch(f"{server}/api/v1/users/me", json={"display_name": "乗っ取り"}, headers=junk).status_code == 401
    )
    assert browser.get(f"{server}/api/v1/users/me", headers=junk).status_code == 401
    assert browser.get(f"{server}/api/v1/users/me", headers={"Authorization": "Basic eDp5"}).status_code == 401
    assert browser.get(f"{server}/api/v1/users/me/tokens").json() == []
    # A valid token wins over the cookie: the request acts as the token's user.
    token = requests.post(f"{server}/api/v1/auth/token", json={"email": other.email, "password": PASSWORD}).json()[
        "token"
    ]
    me = browser.get(f"{server}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == other.email
    # Without the header the cookie still works, and still needs its CSRF token.
    assert browser.patch(f"{server}/api/v1/users/me", json={"display_name": "本人"}).status_code == 200
    del browser.headers["X-CSRFToken"]
    assert browser.patch(f"{server}/api/v1/users/me", json={"display_name": "偽物"}).status_code == 400


def _failed_exchanges(base: str, client_address: str, count: int) -> list[int]:
    return [
        requests.post(
            f"{base}/api/v1/auth/token",
            headers={"X-Forwarded-For": client_address},
            json={"email": f"guess{i}@{client_address}.example.jp", "password": "wrong-guess"},
        ).status_code
        for i in range(count)
    ]


def test_trusted_proxies_setting_gives_each_forwarded_client_its_own_rate_limit_bucket(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "3 per minute")
    # Default (TRUSTED_PROXIES=0): X-Forwarded-For is not believed; behind a proxy all share one bucket.
    assert app.config["TRUSTED_PROXIES"] == 0
    with serving(app) as base:
        assert _failed_exchanges(base, "203.0.113.1", 4) == [401, 401, 401, 429]
        assert _failed_exchanges(base, "203.0.113.2", 1) == [429]
    limiter.reset()
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    register_proxies(app)
    with serving(app) as base:
        assert _failed_exchanges(base, "203.0.113.1", 4) == [401, 401, 401, 429]
        assert _failed_exchanges(base, "203.0.113.2", 1) == [401]
