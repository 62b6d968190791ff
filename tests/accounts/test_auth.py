"""Login, logout everywhere, password change, tokens, CSRF and rate limiting through HTTP."""

from app.accounts.models import User
from app.extensions import db
from tests.conftest import PASSWORD
from tests.factories import MunicipalityFactory, UserFactory, member_of


def test_login_with_correct_password_starts_a_session(client):
    user = UserFactory()
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/users/me").get_json()["email"] == user.email


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client):
    user = UserFactory()
    wrong = client.post("/login", data={"email": user.email, "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"email": "ghost@example.jp", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません" in wrong.get_data(as_text=True)
    assert "メールアドレスまたはパスワードが正しくありません" in unknown.get_data(as_text=True)


def test_login_is_rate_limited(client):
    user = UserFactory()
    codes = [
        client.post("/login", data={"email": user.email, "password": "bad-password-x"}).status_code for _ in range(6)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429


def test_post_without_csrf_token_is_refused(app):
    client = app.test_client()
    client.csrf = False
    response = client.post("/login", data={"email": "a@example.jp", "password": "x" * 12})
    assert response.status_code == 400


def test_logout_ends_every_session_of_the_user(app, login_form):
    login = login_form
    user = UserFactory()
    laptop, phone = login(user), login(user)
    assert phone.get("/api/v1/users/me").status_code == 200
    laptop.post("/logout")
    assert phone.get("/api/v1/users/me").status_code == 401


def test_password_change_ends_other_sessions_and_requires_the_current_password(login_form):
    login = login_form
    user = UserFactory()
    client, other = login(user), login(user)
    bad = client.post(
        "/account/password", data={"current_password": "wrong-one-x", "new_password": "new-password-2026"}
    )
    assert bad.status_code == 302 and other.get("/api/v1/users/me").status_code == 200
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "new-password-2026"})
    assert other.get("/api/v1/users/me").status_code == 401
    assert client.post("/login", data={"email": user.email, "password": "new-password-2026"}).status_code == 302


def test_disabled_account_cannot_log_in_or_use_tokens(app, api, client):
    user = UserFactory()
    token_client = api(user)
    user.disabled = True
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    assert token_client.get("/api/v1/users/me").status_code == 401


def test_bearer_token_works_without_csrf_and_can_be_revoked(api):
    user = UserFactory()
    client = api(user)
    assert client.patch("/api/v1/users/me", json={"display_name": "新しい名前"}).status_code == 200
    tokens = client.get("/api/v1/users/me/tokens").get_json()
    assert client.delete(f"/api/v1/users/me/tokens/{tokens[0]['id']}").status_code == 204
    assert client.get("/api/v1/users/me").status_code == 401


def test_token_from_password_exchange(client):
    user = UserFactory()
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["id"] == user.id


def test_signup_validates_fields_and_creates_nothing_on_error(client):
    response = client.post("/signup", data={"email": "not-an-email", "display_name": "", "password": "short"})
    assert response.status_code == 422
    assert db.session.query(User).count() == 0
    ok = client.post("/signup", data={"email": "new@example.jp", "display_name": "新規", "password": "long-enough-pw"})
    assert ok.status_code == 302
    assert db.session.query(User).filter_by(email="new@example.jp").count() == 1


def test_invitation_link_adds_the_invited_user_to_the_organisation(client, login):
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    admin_client = login(admin)
    response = admin_client.post(
        f"/api/v1/organizations/{city.id}/invitations", json={"email": "staff@example.jp", "role": "member"}
    )
    assert response.status_code == 201
    token = response.get_json()["url"].rsplit("/", 1)[1]
    signup = client.post(
        "/signup",
        data={"email": "staff@example.jp", "display_name": "職員", "password": "long-enough-pw", "invitation": token},
    )
    assert signup.status_code == 302
    me = client.get("/api/v1/users/me").get_json()
    assert [m["organization"]["id"] for m in me["memberships"]] == [city.id]


def test_only_org_admins_can_invite(login):
    city = MunicipalityFactory()
    member = member_of(city, "member")
    response = login(member).post(f"/api/v1/organizations/{city.id}/invitations", json={"email": "x@example.jp"})
    assert response.status_code == 403


def test_api_rejects_unknown_fields_with_field_messages(api):
    user = UserFactory()
    response = api(user).patch("/api/v1/users/me", json={"display_name": "x", "is_platform_admin": True})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "validation_error"
    assert "is_platform_admin" in body["error"]["fields"]
    db.session.refresh(user)
    assert user.is_platform_admin is False


def test_secure_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_open_redirect_after_login_is_refused(client):
    user = UserFactory()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "https://evil.example"})
    assert response.headers["Location"] == "/dashboard"


def test_failed_logins_are_limited_per_account_not_per_shared_address(client):
    """An office behind one NAT address: one person's failures lock out their own account only."""
    careless, colleague = UserFactory(), UserFactory()
    codes = [
        client.post("/login", data={"email": careless.email, "password": "bad-password-x"}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    assert client.post("/api/v1/auth/token", json={"email": careless.email, "password": PASSWORD}).status_code == 429
    assert client.post("/login", data={"email": colleague.email, "password": PASSWORD}).status_code == 302


def test_correct_logins_do_not_use_up_the_limit(app):
    user = UserFactory()
    for _ in range(7):
        browser = app.test_client()
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_password_change_revokes_personal_api_tokens_and_says_so(login_form, api):
    user = UserFactory()
    script = api(user)
    assert script.get("/api/v1/users/me").status_code == 200
    browser = login_form(user)
    response = browser.post(
        "/account/password",
        follow_redirects=True,
        data={"current_password": PASSWORD, "new_password": "new-password-2026"},
    )
    assert "APIトークン" in response.get_data(as_text=True)
    assert script.get("/api/v1/users/me").status_code == 401
