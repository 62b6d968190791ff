"""Languages: one Japanese translation per msgid across the per-package catalogues, and marshmallow's
built-in validation messages in the user's language (API and pages)."""

from __future__ import annotations


from babel.messages.pofile import read_po

from app.i18n import APP_DIR
from tests.factories import MunicipalityFactory, member_of


def test_every_msgid_has_one_japanese_translation_across_catalogues():
    """Flask-Babel merges every package's catalogue into one: when two packages translate the same
    msgid differently, the later one silently wins everywhere (e.g. a "Schedule" button's 設定する
    replaced the application form's スケジュール). Give such strings distinct msgids instead."""
    seen: dict[str, dict[str, list[str]]] = {}
    for po in sorted(APP_DIR.glob("**/translations/ja/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            for message in read_po(f):
                if message.id and isinstance(message.id, str) and message.string:
                    package = str(po.relative_to(APP_DIR).parent.parent.parent.parent)
                    seen.setdefault(message.id, {}).setdefault(message.string, []).append(package)
    clashes = {msgid: found for msgid, found in seen.items() if len(found) > 1}
    assert clashes == {}


def test_api_validation_messages_in_japanese(client):
    r = client.post(
        "/api/v1/contests",
        json={"title": 5, "weight_judges": "x", "bogus": 1, "pitch_seconds": 5},
        headers={"Accept-Language": "ja"},
    )
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    assert fields == {
        "bogus": ["この項目は受け付けていません。"],
        "event_id": ["入力してください。"],
        "pitch_seconds": ["30以上3600以下の値にしてください。"],
        "title": ["文字列を入力してください。"],
        "weight_judges": ["整数を入力してください。"],
    }


def test_api_validation_messages_stay_english_in_english(app):
    client = app.test_client()
    r = client.post("/api/v1/contests", json={"weight_judges": "x"}, headers={"Accept-Language": "en"})
    assert r.json["error"]["fields"] == {
        "event_id": ["Missing data for required field."],
        "title": ["Missing data for required field."],
        "weight_judges": ["Not a valid integer."],
    }


def test_query_string_and_choice_messages_translated(client):
    r = client.get("/api/v1/contests?per_page=500&page=x", headers={"Accept-Language": "ja"})
    assert r.status_code == 422
    assert r.json["error"]["fields"] == {
        "page": ["整数を入力してください。"],
        "per_page": ["1以上100以下の値にしてください。"],
    }


def test_csrf_refusal_is_translated(app):
    client = app.test_client()
    client.csrf = False
    r = client.post("/api/v1/contests", json={}, headers={"Accept-Language": "ja"})
    assert r.status_code == 400 and "ページを再読み込み" in r.json["error"]["message"]


def test_page_form_errors_translated(login, db):
    """A page that renders a ValidationError's messages itself (the event form) shows them in Japanese."""
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    client = login(admin)
    r = client.post("/events/new", data={"title": "", "kind": "nonsense", "starts_at": "not a date"})
    text = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Missing data for required field." not in text and "Not a valid" not in text
    assert "Must be one of" not in text and "次のいずれかを指定してください" in text


def test_localise_messages_leaves_our_own_messages_alone(app):
    from app.validation_messages import localise_messages

    with app.test_request_context(headers={"Accept-Language": "ja"}):
        out = localise_messages(
            {
                "a": ["自分のメッセージ。", "Longer than maximum length 200."],
                "b": {"0": ["Must be one of: single, approval."]},
                "scores": {"novelty": ["The score must be between 1 and 5."]},
            }
        )
    assert out == {
        "a": ["自分のメッセージ。", "長すぎます（200文字・件以内）。"],
        "b": {"0": ["次のいずれかを指定してください: single, approval"]},
        "scores": {"novelty": ["点数は1から5の間で入力してください。"]},
    }


def test_lazy_required_message_is_a_list_of_messages(client, login, db):
    """A schema's own lazy `error_messages` came back bare: the API gave a string instead of a list and
    pages printed it one character per line."""
    r = client.post("/api/v1/challenges", json={"title": "x", "environments": []})
    fields = r.json["error"]["fields"]
    assert fields["category"] == ["分野を選んでください。"]
    city = MunicipalityFactory()
    page = login(member_of(city, "admin")).post("/challenges/new", data={"title": "課題", "owner_org_id": city.id})
    assert page.status_code == 422
    assert "<li>分野を選んでください。</li>" in page.text and "<li>分</li>" not in page.text
