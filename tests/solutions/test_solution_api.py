"""Solutions through the REST API: CRUD, publish/archive, visibility, search filters, bad input."""

from app.extensions import db
from app.solutions.models import Solution
from tests.conftest import reload
from tests.factories import MunicipalityFactory, SolutionFactory, StartupFactory, member_of


def _payload(**overrides):
    data = {
        "title": "AI-OCRで申請書を自動入力",
        "summary": "紙の申請書を読み取ります。",
        "features": ["手書き対応"],
        "category": "backoffice_dx",
        "tags": ["OCR"],
        "environments": ["lgwan", "onprem"],
        "security_level": 3,
        "price_jpy_per_year": 1_200_000,
        "track_record": [{"municipality": "塩尻市", "outcome": "入力時間を60%削減"}],
        "certifications": ["ISMAP", "LGWAN-ASP"],
        "languages": ["ja"],
        "regions_served": ["長野県"],
    }
    data.update(overrides)
    return data


def _count():
    db.session.expire_all()
    return db.session.query(Solution).count()


def test_create_edit_publish_archive(api, client):
    startup = StartupFactory()
    member = api(member_of(startup, "member"))
    created = member.post("/api/v1/solutions", json=_payload())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    sid = body["id"]
    assert body["status"] == "draft" and body["track_record"][0]["municipality"] == "塩尻市"
    assert client.get(f"/api/v1/solutions/{sid}").status_code == 404
    assert member.patch(f"/api/v1/solutions/{sid}", json={"price_jpy_per_year": 900_000}).status_code == 200
    assert member.post(f"/api/v1/solutions/{sid}/publish").get_json()["status"] == "published"
    assert client.get(f"/api/v1/solutions/{sid}").get_json()["price_jpy_per_year"] == 900_000
    assert member.post(f"/api/v1/solutions/{sid}/publish").status_code == 409
    assert member.post(f"/api/v1/solutions/{sid}/archive").get_json()["status"] == "archived"
    assert client.get(f"/api/v1/solutions/{sid}").status_code == 404


def test_only_startup_members_create_and_edit(api):
    solution = SolutionFactory()
    city = api(member_of(MunicipalityFactory(), "admin"))
    other = api(member_of(StartupFactory(), "admin"))
    assert city.post("/api/v1/solutions", json=_payload()).status_code == 403
    assert other.patch(f"/api/v1/solutions/{solution.id}", json={"title": "乗っ取り"}).status_code == 403
    assert other.post(f"/api/v1/solutions/{solution.id}/archive").status_code == 403
    assert reload(solution).title != "乗っ取り" and _count() == 1


def test_publish_requires_a_summary(api):
    client = api(member_of(StartupFactory(), "admin"))
    sid = client.post(
        "/api/v1/solutions", json={"title": "草案", "category": "community", "environments": ["internet"]}
    ).get_json()["id"]
    response = client.post(f"/api/v1/solutions/{sid}/publish")
    assert response.status_code == 422 and "summary" in response.get_json()["error"]["fields"]


def test_bad_input_gets_field_messages_and_writes_nothing(api):
    client = api(member_of(StartupFactory(), "admin"))
    cases = [
        (_payload(colour="red"), "colour"),
        (_payload(environments=[]), "environments"),
        (_payload(price_jpy_per_year=-5), "price_jpy_per_year"),
        (_payload(price_jpy_per_year="cheap"), "price_jpy_per_year"),
        (_payload(certifications=["ISO9001"]), "certifications"),
        (_payload(regions_served=["Atlantis"]), "regions_served"),
        (_payload(track_record=[{"outcome": "no name"}]), "track_record"),
        (_payload(track_record=[{"municipality": "x", "extra": 1}]), "track_record"),
        (_payload(security_level=0), "security_level"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/solutions", json=body)
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    assert _count() == 0


def _titles(client, query):
    return sorted(i["title"] for i in client.get(f"/api/v1/solutions?{query}").get_json()["items"])


def test_search_filters(client):
    SolutionFactory(
        title="鳥獣害センサー",
        summary="罠の見回りを省く",
        category="agriculture_wildlife",
        env_lgwan=False,
        env_internet=True,
        price_jpy_per_year=500_000,
        certifications=[],
        regions_served=["長野県"],
    )
    SolutionFactory(
        title="ＡＩ窓口チャット",
        summary="問い合わせ対応",
        env_lgwan=True,
        env_internet=False,
        price_jpy_per_year=3_000_000,
        certifications=["ISMAP", "ISMS"],
        regions_served=["全国"],
    )
    SolutionFactory(title="非公開の草案", status="draft")
    assert _titles(client, "q=ai窓口") == ["ＡＩ窓口チャット"]  # NFKC + case-folded
    assert _titles(client, "q=見回り センサー") == ["鳥獣害センサー"]  # every term must match
    assert _titles(client, "q=草案") == []  # drafts never listed
    assert _titles(client, "q=100%") == []  # wildcards are literal
    assert _titles(client, "category=agriculture_wildlife") == ["鳥獣害センサー"]
    assert _titles(client, "environment=lgwan") == ["ＡＩ窓口チャット"]
    assert _titles(client, "max_price=1000000") == ["鳥獣害センサー"]
    assert _titles(client, "certification=ISMAP") == ["ＡＩ窓口チャット"]
    assert _titles(client, "region=長野県") == sorted(["ＡＩ窓口チャット", "鳥獣害センサー"])
    assert _titles(client, "region=東京都") == ["ＡＩ窓口チャット"]
    items = client.get("/api/v1/solutions?sort=price_high").get_json()["items"]
    assert [i["price_jpy_per_year"] for i in items] == [3_000_000, 500_000]
    paged = client.get("/api/v1/solutions?per_page=1&page=2").get_json()
    assert paged["meta"] == {"page": 2, "per_page": 1, "total": 2, "pages": 2} and len(paged["items"]) == 1
    assert client.get("/api/v1/solutions?certification=ISO9001").status_code == 422


def test_text_search_counts_up_to_a_cap(client, monkeypatch):
    from app.solutions import queries

    monkeypatch.setattr(queries, "TEXT_COUNT_CAP", 3)
    for i in range(5):
        SolutionFactory(title=f"防災アプリ{i}")
    meta = client.get("/api/v1/solutions?q=防災&per_page=2").get_json()["meta"]
    assert meta == {"page": 1, "per_page": 2, "total": 3, "pages": 2}
    assert client.get("/api/v1/solutions?per_page=2").get_json()["meta"]["total"] == 5  # no q: exact
    assert "3+" in client.get("/solutions?q=防災").get_data(as_text=True)


def test_short_terms_match_exactly_like_substrings(client):
    """One- and two-character terms (an index lookup on PostgreSQL, LIKE on SQLite) find exactly
    the texts containing them: inside a word, at its end, across scripts, quotes and backslashes."""
    SolutionFactory(title="観光案内AI", summary="")
    SolutionFactory(title="防災マップ", summary="")
    SolutionFactory(title="O'Reilly 連携", summary="")
    SolutionFactory(title="path\\to 取込", summary="")
    assert _titles(client, "q=観光") == ["観光案内AI"]
    assert _titles(client, "q=ai") == ["観光案内AI"]  # last two characters of the word
    assert _titles(client, "q=I") == ["O'Reilly 連携", "観光案内AI"]  # last character too, case-folded
    assert _titles(client, "q=プ") == ["防災マップ"]
    assert _titles(client, "q=防災 プ") == ["防災マップ"]
    assert _titles(client, "q=光防") == []  # never across two texts
    assert _titles(client, "q='r") == ["O'Reilly 連携"]
    assert _titles(client, "q=\\t") == ["path\\to 取込"]
    assert _titles(client, "q=%") == [] and _titles(client, "q=_") == []
