"""API errors speak the user's language: their setting first, then Accept-Language (issue #13)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.mark.parametrize(
    "lang, text", [("en", "The page or item was not found."), ("ja", "ページまたは項目が見つかりません。")]
)
def test_api_not_found_follows_accept_language(client, lang, text):
    r = client.get("/api/v1/challenges/99999", headers={"Accept-Language": lang})
    assert r.status_code == 404 and r.json["error"]["message"] == text


@pytest.mark.parametrize("locale, accept, expected", [("en", "ja", "en"), ("ja", "en", "ja")])
def test_the_users_setting_wins_over_accept_language(api, db, locale, accept, expected):
    client = api(UserFactory(locale=locale))
    r = client.post("/api/v1/challenges", json={}, headers={"Accept-Language": accept})
    assert r.status_code == 422
    message = r.json["error"]["message"]
    assert message == ("Some fields are invalid." if expected == "en" else "入力内容に誤りがあります。")
    assert r.json["error"]["fields"]["title"] == (
        ["Enter a title."] if expected == "en" else ["タイトルを入力してください。"]
    )


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "Too many attempts. Please wait a moment and try again."),
        ("ja", "試行回数が多すぎます。しばらく待ってから再度お試しください。"),
    ],
)
def test_too_many_requests_is_explained_in_the_users_language(app, lang, text):
    client = app.test_client()
    codes = [
        client.post(
            "/api/v1/auth/token",
            json={"email": "x@example.jp", "password": "wrong-password"},
            headers={"Accept-Language": lang},
        )
        for _ in range(7)
    ]
    limited = [r for r in codes if r.status_code == 429]
    assert limited, [r.status_code for r in codes]
    assert limited[0].json["error"] == {"code": "too_many_requests", "message": text, "fields": {}}


def test_too_many_requests_page_in_the_users_language(app):
    client = app.test_client()
    pages = [
        client.post(
            "/login", data={"email": "x@example.jp", "password": "wrong-password"}, headers={"Accept-Language": "en"}
        )
        for _ in range(7)
    ]
    limited = [r for r in pages if r.status_code == 429]
    assert limited and "Too many attempts" in limited[0].get_data(as_text=True)
