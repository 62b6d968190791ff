"""Find challenges by what the municipality offers besides money (issue #15): a filter on the challenge
list and on GET /api/v1/challenges, next to the zero-budget co-development filter, in ja and en."""

from tests.factories import ChallengeFactory, MunicipalityFactory, member_of

FIELD = {"kind": "test_field", "description": "市役所本庁舎の窓口3か所で実証できます。"}
DATA = {"kind": "data", "description": "過去3年分の来庁者数データを提供します。"}
# A description that mentions another kind's code must not match it
TRICKY = {"kind": "staff_time", "description": 'データ担当の職員が週2時間 "kind": "data" の整備を手伝います。'}


def _challenges(city):
    ChallengeFactory(
        owner=city,
        title="共同開発の防災アプリ",
        co_development=True,
        budget_min_jpy=0,
        budget_max_jpy=0,
        offers=[FIELD, DATA],
    )
    ChallengeFactory(owner=city, title="予算のある窓口改善", offers=[DATA])
    ChallengeFactory(owner=city, title="職員が手伝う課題", offers=[TRICKY])
    ChallengeFactory(owner=city, title="何も提供しない課題", offers=[])


def _titles(client, query):
    r = client.get(f"/api/v1/challenges?{query}")
    assert r.status_code == 200, r.get_json()
    return sorted(c["title"] for c in r.get_json()["items"])


def test_offer_filter_on_the_api(client, db):
    _challenges(MunicipalityFactory())
    assert _titles(client, "offer=data") == ["予算のある窓口改善", "共同開発の防災アプリ"]
    assert _titles(client, "offer=test_field") == ["共同開発の防災アプリ"]
    assert _titles(client, "offer=staff_time") == ["職員が手伝う課題"]
    assert _titles(client, "offer=office_space") == []
    assert _titles(client, "offer=data&co_development=true") == ["共同開発の防災アプリ"]
    assert len(_titles(client, "")) == 4
    r = client.get("/api/v1/challenges?offer=money")
    assert r.status_code == 422 and "offer" in r.get_json()["error"]["fields"]


def test_offer_filter_on_the_page(client, login, db):
    city = MunicipalityFactory()
    _challenges(city)
    page = client.get("/challenges?offer=test_field").get_data(as_text=True)
    assert '<select id="f-offer" name="offer">' in page and '<label for="f-offer">' in page
    assert '<option value="test_field" selected>' in page
    assert "共同開発の防災アプリ" in page and "予算のある窓口改善" not in page and "何も提供しない課題" not in page
    both = client.get("/challenges?offer=data&co_development=1").get_data(as_text=True)
    assert "共同開発の防災アプリ" in both and "予算のある窓口改善" not in both
    # An unknown kind is ignored with a notice, never a 500
    bad = client.get("/challenges?offer=money")
    assert bad.status_code == 200 and "無視しました" in bad.get_data(as_text=True)
    english = login(member_of(city, "member", locale="en")).get("/challenges?offer=data").get_data(as_text=True)
    assert "The municipality offers (besides money)" in english and "Data sets" in english
