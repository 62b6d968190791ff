"""The audit log as people read it (issue #13): sentences with the object linked, labelled readable
changes, JST times, filters, CSV, both languages, and who may read which entries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.audit.models import AuditEvent
from app.audit.queries import JST
from tests.factories import ChallengeFactory, MunicipalityFactory, UserFactory, member_of


@pytest.fixture
def town(db):
    city = MunicipalityFactory(name_ja="松本市", name_en="Matsumoto City, Nagano")
    admin = member_of(city, "admin", display_name="山田花子", email="hanako@example.jp", locale=None)
    challenge = ChallengeFactory(
        owner=city,
        owner_org_id=city.id,
        title="窓口の待ち時間を短縮したい",
        status="draft",
        published_at=None,
        budget_max_jpy=1_000_000,
    )
    return city, admin, challenge


def _act(api, admin, challenge):
    client = api(admin)
    assert client.post(f"/api/v1/challenges/{challenge.id}/publish", json={}).status_code == 200
    assert client.patch(f"/api/v1/challenges/{challenge.id}", json={"budget_max_jpy": 2_000_000}).status_code == 200


def test_sentences_in_japanese_with_the_title_linked(api, login, town):
    city, admin, challenge = town
    _act(api, admin, challenge)
    html = login(admin).get("/audit", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    link = f'<a href="/challenges/{challenge.id}">「窓口の待ち時間を短縮したい」</a>'
    assert f"<strong>山田花子</strong> が 課題{link}を公開しました" in html
    assert f"<strong>山田花子</strong> が 課題{link}を変更しました" in html
    assert '<th scope="row">予算の上限</th><td>¥1,000,000</td><td>¥2,000,000</td>' in html
    entries = html.split('class="audit-list"')[1]
    assert "challenges #" not in entries and "budget_max_jpy" not in entries and "update" not in entries


def test_sentences_in_english(api, login, town, db):
    city, admin, challenge = town
    admin.locale = "en"
    db.session.commit()
    _act(api, admin, challenge)
    html = login(admin).get("/audit").get_data(as_text=True)
    assert (
        f'<strong>山田花子</strong> published the challenge <a href="/challenges/{challenge.id}">'
        "“窓口の待ち時間を短縮したい”</a>"
    ) in html
    assert '<th scope="row">Maximum budget</th><td>¥1,000,000</td><td>¥2,000,000</td>' in html
    assert '<th scope="row">Status</th><td>Draft</td><td>Published</td>' in html


def test_times_are_japan_time(api, login, town, db):
    city, admin, challenge = town
    _act(api, admin, challenge)
    db.session.execute(update(AuditEvent).values(created_at=dt.datetime(2026, 12, 6, 15, 30, tzinfo=dt.timezone.utc)))
    db.session.commit()
    html = login(admin).get("/audit", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "2026/12/07 0:30" in html and "15:30" not in html.split("<main")[1].split("datetime=")[0]


def test_filters_find_who_changed_the_budget_last_week(api, login, town, db):
    city, admin, challenge = town
    other = member_of(city, "admin", display_name="佐藤次郎")
    _act(api, admin, challenge)
    r = api(other).patch(f"/api/v1/challenges/{challenge.id}", json={"title": "窓口の待ち時間を半分にしたい"})
    assert r.status_code == 200, r.json
    client = login(admin)
    today = dt.datetime.now(JST).date().isoformat()  # the filter's days are Japanese calendar days
    html = client.get(
        f"/audit?actor_id={other.id}&object_type=challenges&since={today}&until={today}",
        headers={"Accept-Language": "ja"},
    ).get_data(as_text=True)
    assert "<strong>佐藤次郎</strong>" in html and "<strong>山田花子</strong>" not in html
    html = client.get(f"/audit?org_id={city.id}&actor_id={admin.id}").get_data(as_text=True)
    assert "<strong>山田花子</strong>" in html and "<strong>佐藤次郎</strong>" not in html
    old = (dt.datetime.now(JST).date() - dt.timedelta(days=30)).isoformat()
    html = client.get(f"/audit?until={old}").get_data(as_text=True)
    assert "<strong>山田花子</strong>" not in html


def test_bad_filters_are_reported_not_a_500(login, town):
    city, admin, challenge = town
    r = login(admin).get("/audit?since=yesterday&object_type=nope&until=2026-01-01", headers={"Accept-Language": "en"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Some filters were not understood" in html and "Not a valid date." in html
    r = login(admin).get("/audit?since=2026-02-01&until=2026-01-01", headers={"Accept-Language": "en"})
    assert r.status_code == 422 and "The end date is before the start date." in r.get_data(as_text=True)
    r = login(admin).get("/api/v1/audit?since=2026-02-01&until=2026-01-01", headers={"Accept-Language": "en"})
    assert r.status_code == 422 and r.json["error"]["fields"] == {"until": ["The end date is before the start date."]}


def test_csv_export(api, login, town):
    city, admin, challenge = town
    _act(api, admin, challenge)
    r = login(admin).get("/audit.csv?object_type=challenges", headers={"Accept-Language": "ja"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff日時（日本時間）,")
    assert "山田花子 が 課題「窓口の待ち時間を短縮したい」を公開しました" in text
    assert "予算の上限: ¥1,000,000 → ¥2,000,000" in text


def test_api_gives_the_sentence_too(api, town):
    city, admin, challenge = town
    _act(api, admin, challenge)
    r = api(admin).get("/api/v1/audit?object_type=challenges", headers={"Accept-Language": "en"})
    summaries = [e["summary"] for e in r.json["items"]]
    assert "山田花子 published the challenge “窓口の待ち時間を短縮したい”" in summaries


def test_an_org_admin_reads_only_their_organisations_entries(api, login, town, db):
    city, admin, challenge = town
    _act(api, admin, challenge)
    other_city = MunicipalityFactory()
    other_admin = member_of(other_city, "admin")
    member = member_of(city, "member")
    platform = UserFactory(is_platform_admin=True)
    assert "窓口の待ち時間を短縮したい" not in login(other_admin).get("/audit").get_data(as_text=True)
    assert "窓口の待ち時間を短縮したい" not in login(other_admin).get("/audit.csv").get_data(as_text=True)
    assert api(other_admin).get("/api/v1/audit").json["items"] == []
    # Filtering by another organisation does not widen what one may read.
    assert "窓口の待ち時間を短縮したい" not in login(other_admin).get(f"/audit?org_id={city.id}").get_data(as_text=True)
    assert login(member).get("/audit").status_code == 403
    assert "窓口の待ち時間を短縮したい" in login(platform).get("/audit").get_data(as_text=True)
    assert "窓口の待ち時間を短縮したい" in login(admin).get("/audit").get_data(as_text=True)
