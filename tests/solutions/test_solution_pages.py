"""Solution pages: search, forms (with track record), publish/archive, visibility."""

import re

from app.extensions import db
from app.solutions.models import Solution
from tests.conftest import reload
from tests.factories import MunicipalityFactory, SolutionFactory, StartupFactory, member_of


def _titles(html):
    return re.findall(r'<h3><a href="/solutions/\d+">([^<]+)</a></h3>', html)


FORM = {
    "title": "来庁予約サービス",
    "summary": "スマホで来庁予約。",
    "features": "予約\n呼び出し",
    "category": "counter_services",
    "tags": "予約, 窓口",
    "environments": ["internet"],
    "security_level": "2",
    "price_jpy_per_year": "1200000",
    "certifications": ["ISMS", "LGWAN-ASP"],
    "languages": ["ja", "en"],
    "regions_served": ["長野県", "山梨県"],
    "language": "ja",
    "track_record": "塩尻市: 待ち時間を半減\n松本市｜問い合わせ30%減",
}


def test_create_publish_archive_through_pages(login, client):
    startup = StartupFactory()
    browser = login(member_of(startup))
    assert browser.get("/solutions/new").status_code == 200
    assert browser.post("/solutions/new", data=FORM).status_code == 302
    solution = db.session.scalar(db.select(Solution))
    assert solution.status == "draft" and solution.features == ["予約", "呼び出し"]
    assert solution.track_record == [
        {"municipality": "塩尻市", "outcome": "待ち時間を半減"},
        {"municipality": "松本市｜問い合わせ30%減", "outcome": ""},
    ] or solution.track_record[0] == {"municipality": "塩尻市", "outcome": "待ち時間を半減"}
    assert client.get(f"/solutions/{solution.id}").status_code == 404
    assert "来庁予約サービス" not in client.get("/solutions").get_data(as_text=True)
    assert browser.post(f"/solutions/{solution.id}/status", data={"action": "publish"}).status_code == 302
    page = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "塩尻市" in page and "LGWAN-ASP" in page
    edit = browser.get(f"/solutions/{solution.id}/edit").get_data(as_text=True)
    assert "塩尻市: 待ち時間を半減" in edit
    untick = dict(FORM, certifications=[])
    assert browser.post(f"/solutions/{solution.id}/edit", data=untick).status_code == 302
    assert reload(solution).certifications == []
    assert browser.post(f"/solutions/{solution.id}/status", data={"action": "archive"}).status_code == 302
    assert reload(solution).status == "archived" and client.get(f"/solutions/{solution.id}").status_code == 404


def test_form_errors_are_shown_and_nothing_is_saved(login):
    browser = login(member_of(StartupFactory()))
    response = browser.post(
        "/solutions/new", data=dict(FORM, environments=[], price_jpy_per_year="-1", regions_served=["Atlantis"])
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("environments", "price_jpy_per_year", "regions_served"):
        assert f'id="{field}-errors"' in html, field
    db.session.expire_all()
    assert db.session.query(Solution).count() == 0


def test_municipalities_cannot_create_or_edit(login):
    solution = SolutionFactory()
    browser = login(member_of(MunicipalityFactory()))
    assert browser.get("/solutions/new").status_code == 403
    assert browser.post(f"/solutions/{solution.id}/edit", data=FORM).status_code == 403
    assert reload(solution).title != FORM["title"]


def test_search_page_filters_and_pagination(client):
    for i in range(22):
        SolutionFactory(title=f"予約サービス{i:02d}")
    SolutionFactory(
        title="ドローン点検",
        summary="橋をドローンで点検",
        features=[],
        category="infrastructure",
        tags=["橋梁"],
        env_lgwan=False,
        certifications=["SOC2"],
        regions_served=["北海道"],
    )
    first = client.get("/solutions?q=予約").get_data(as_text=True)
    assert len(_titles(first)) == 20 and "q=%E4%BA%88%E7%B4%84&amp;page=2" in first
    assert len(_titles(client.get("/solutions?q=予約&page=2").get_data(as_text=True))) == 2
    assert _titles(client.get("/solutions?q=橋梁").get_data(as_text=True)) == ["ドローン点検"]
    assert _titles(client.get("/solutions?certification=SOC2").get_data(as_text=True)) == ["ドローン点検"]
    assert _titles(client.get("/solutions?category=infrastructure&region=北海道").get_data(as_text=True)) == [
        "ドローン点検"
    ]
    assert "empty-state" in client.get("/solutions?q=該当なし").get_data(as_text=True)
    assert client.get("/solutions?max_price=cheap").status_code == 200


def test_dashboard_org_page_and_site_search(login, client):
    startup = StartupFactory(slug="acme")
    SolutionFactory(organization=startup, title="公開ソリューション")
    SolutionFactory(organization=startup, title="社内の下書き", status="draft")
    dashboard = login(member_of(startup)).get("/dashboard").get_data(as_text=True)
    assert "公開ソリューション" in dashboard and "社内の下書き" in dashboard
    org = client.get("/orgs/acme").get_data(as_text=True)
    assert "公開ソリューション" in org and "社内の下書き" not in org
    search = client.get("/search?q=ソリューション").get_data(as_text=True)
    assert "公開ソリューション" in search and "社内の下書き" not in search
