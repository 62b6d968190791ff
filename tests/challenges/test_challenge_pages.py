"""Challenge pages: search filters, sort, pagination, forms, lifecycle buttons, uploads."""

import io
import re
from datetime import timedelta

from app.attachments.models import Attachment
from app.challenges.models import Challenge
from app.db import utcnow
from app.extensions import db
from tests.conftest import reload
from tests.factories import ChallengeFactory, MunicipalityFactory, StartupFactory, member_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/challenges/\d+">([^<]+)</a></h3>', html)


def _form(**overrides):
    data = {
        "title": "獣害の通報を楽にしたい",
        "summary": "通報が電話のみ。",
        "background": "農家の高齢化。",
        "desired_outcome": "通報から出動まで30分以内。",
        "kpis": "通報件数\n出動時間",
        "category": "agriculture_wildlife",
        "tags": "鳥獣害, 通報",
        "environments": ["internet", "lgwan"],
        "security_level": "2",
        "budget_min_jpy": "500000",
        "budget_max_jpy": "2000000",
        "application_deadline": "2099-01-31T17:00",
        "pilot_start": "2099-04-01",
        "pilot_end": "2099-09-30",
        "visibility": "public",
        "language": "ja",
    }
    data.update(overrides)
    return data


def test_search_filters_sort_and_empty_state(client):
    nagano = MunicipalityFactory(prefecture="長野県")
    osaka = MunicipalityFactory(prefecture="大阪府")
    soon = utcnow() + timedelta(days=3)
    ChallengeFactory(
        owner=nagano, title="窓口の混雑", application_deadline=soon + timedelta(days=20), budget_max_jpy=9_000_000
    )
    ChallengeFactory(
        owner=osaka,
        title="ＡＩで窓口案内",
        application_deadline=soon,
        env_lgwan=False,
        env_internet=True,
        budget_max_jpy=1_000_000,
    )
    ChallengeFactory(owner=nagano, title="サルの被害", category="agriculture_wildlife", tags=["獣害"])
    ChallengeFactory(owner=nagano, title="終わった課題", status="closed")
    ChallengeFactory(owner=nagano, title="下書き", status="draft", published_at=None)
    html = client.get("/challenges").get_data(as_text=True)
    assert sorted(_titles(html)) == sorted(["窓口の混雑", "ＡＩで窓口案内", "サルの被害"])
    assert _titles(client.get("/challenges?q=窓口 ai").get_data(as_text=True)) == ["ＡＩで窓口案内"]
    assert _titles(client.get("/challenges?q=獣害").get_data(as_text=True)) == ["サルの被害"]  # tags searched
    assert _titles(client.get("/challenges?prefecture=大阪府").get_data(as_text=True)) == ["ＡＩで窓口案内"]
    assert "ＡＩで窓口案内" not in client.get("/challenges?environment=lgwan").get_data(as_text=True)
    assert _titles(client.get("/challenges?category=agriculture_wildlife").get_data(as_text=True)) == ["サルの被害"]
    assert _titles(client.get("/challenges?budget_min=6000000").get_data(as_text=True)) == ["窓口の混雑"]
    assert _titles(client.get("/challenges?budget_max=2000000").get_data(as_text=True)) == ["ＡＩで窓口案内"]
    assert _titles(client.get("/challenges?sort=deadline&category=counter_services").get_data(as_text=True)) == [
        "ＡＩで窓口案内",
        "窓口の混雑",
    ]
    assert _titles(client.get("/challenges?sort=budget_high&category=counter_services").get_data(as_text=True)) == [
        "窓口の混雑",
        "ＡＩで窓口案内",
    ]
    assert _titles(client.get("/challenges?status=past").get_data(as_text=True)) == ["終わった課題"]
    before = (soon + timedelta(days=1)).strftime("%Y-%m-%d")
    assert _titles(client.get(f"/challenges?deadline_before={before}").get_data(as_text=True)) == ["ＡＩで窓口案内"]
    empty = client.get("/challenges?q=存在しない言葉")
    assert empty.status_code == 200 and "empty-state" in empty.get_data(as_text=True)
    bad = client.get("/challenges?budget_min=abc&sort=weird&category=counter_services")
    assert bad.status_code == 200 and len(_titles(bad.get_data(as_text=True))) == 2


def test_pagination_keeps_filters_in_links(client):
    city = MunicipalityFactory()
    for i in range(25):
        ChallengeFactory(owner=city, title=f"課題{i:02d}")
    first = client.get("/challenges?category=counter_services").get_data(as_text=True)
    assert len(_titles(first)) == 20
    assert "category=counter_services&amp;page=2" in first
    second = client.get("/challenges?category=counter_services&page=2").get_data(as_text=True)
    assert len(_titles(second)) == 5


def test_members_only_needs_login(client, login):
    challenge = ChallengeFactory(visibility="members", title="会員限定の課題")
    assert client.get(f"/challenges/{challenge.id}").status_code == 404
    assert "会員限定の課題" not in client.get("/challenges").get_data(as_text=True)
    startup = login(member_of(StartupFactory()))
    assert startup.get(f"/challenges/{challenge.id}").status_code == 200
    assert "会員限定の課題" in startup.get("/challenges").get_data(as_text=True)


def test_create_edit_publish_through_the_pages(login):
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    client = login(admin)
    assert client.get("/challenges/new").status_code == 200
    response = client.post("/challenges/new", data=_form())
    assert response.status_code == 302
    challenge = db.session.scalar(db.select(Challenge))
    assert challenge.status == "draft" and challenge.environments == ["lgwan", "internet"]
    assert challenge.kpis == ["通報件数", "出動時間"] and challenge.tags == ["鳥獣害", "通報"]
    assert challenge.application_deadline.isoformat().startswith("2099-01-31T08:00")  # 17:00 JST in UTC
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "獣害の通報を楽にしたい" in page and "data-confirm" in page and "通報件数" in page
    edit = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert "2099-01-31T17:00" in edit
    assert client.post(f"/challenges/{challenge.id}/edit", data=_form(title="改題")).status_code == 302
    assert client.post(f"/challenges/{challenge.id}/status", data={"action": "publish"}).status_code == 302
    challenge = reload(challenge)
    assert challenge.title == "改題" and challenge.status == "published" and challenge.published_at
    # An illegal transition is explained, not applied.
    response = client.post(f"/challenges/{challenge.id}/status", data={"action": "award"}, follow_redirects=True)
    assert reload(challenge).status == "published"
    assert "Mark as awarded" not in response.get_data(as_text=True)


def test_form_errors_rerender_with_messages_and_write_nothing(login):
    client = login(member_of(MunicipalityFactory(), "member"))
    response = client.post(
        "/challenges/new", data=_form(environments=[], budget_min_jpy="9000000", budget_max_jpy="1000")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "field-errors" in html
    assert "獣害の通報を楽にしたい" in html  # the user's text is kept
    response = client.post("/challenges/new", data=_form(budget_min_jpy="9000000", budget_max_jpy="1000"))
    assert response.status_code == 422 and 'id="budget_max_jpy-errors"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Challenge).count() == 0


def test_publish_with_past_deadline_shows_the_form_with_messages(login):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(
        owner=city, status="draft", published_at=None, application_deadline=utcnow() - timedelta(hours=1)
    )
    response = login(member_of(city, "admin")).post(f"/challenges/{challenge.id}/status", data={"action": "publish"})
    assert response.status_code == 422 and 'id="application_deadline-errors"' in response.get_data(as_text=True)
    assert reload(challenge).status == "draft"


def test_attachment_upload_checks_content_and_cleans_names(login):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city)
    client = login(member_of(city, "member"))

    def upload(content, name):
        return client.post(
            f"/attachments/challenge/{challenge.id}",
            data={"file": (io.BytesIO(content), name), "next": f"/challenges/{challenge.id}"},
        )

    assert upload(EXE, "仕様書.pdf").status_code == 302  # disguised executable
    assert upload(b"x" * (300 * 1024), "big.pdf").status_code == 302  # over UPLOAD_MAX_BYTES (tests: 200 KB)
    db.session.expire_all()
    assert db.session.query(Attachment).count() == 0
    assert upload(PDF, "../../etc/passwd.pdf").status_code == 302
    row = db.session.scalar(db.select(Attachment))
    assert row.filename == "passwd.pdf" and "/" not in row.stored_name
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "passwd.pdf" in page and f"/attachments/{row.id}" in page


def test_api_upload_rejects_disguised_and_oversize_files(api):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city)
    client = api(member_of(city, "member"))
    for content, name in ((EXE, "report.pdf"), (b"x" * (300 * 1024), "big.pdf"), (PDF, "tool.exe")):
        response = client.post(
            "/api/v1/attachments",
            data={"owner_type": "challenge", "owner_id": challenge.id, "file": (io.BytesIO(content), name)},
        )
        assert response.status_code in (413, 422) and response.get_json()["error"]["fields"].get("file"), name
    db.session.expire_all()
    assert db.session.query(Attachment).count() == 0


def test_dashboard_and_org_page_list_challenges(login, client):
    city = MunicipalityFactory(slug="matsumoto")
    ChallengeFactory(owner=city, title="公開中の課題")
    ChallengeFactory(owner=city, title="内部の下書き", status="draft", published_at=None)
    dashboard = login(member_of(city)).get("/dashboard").get_data(as_text=True)
    assert "公開中の課題" in dashboard and "内部の下書き" in dashboard
    org_page = client.get("/orgs/matsumoto").get_data(as_text=True)
    assert "公開中の課題" in org_page and "内部の下書き" not in org_page
    search = client.get("/search?q=課題").get_data(as_text=True)
    assert "公開中の課題" in search and "内部の下書き" not in search


def test_open_only_and_api_filters(api, client):
    city = MunicipalityFactory(prefecture="長野県")
    ChallengeFactory(owner=city, title="締切済み", application_deadline=utcnow() - timedelta(days=1))
    ChallengeFactory(owner=city, title="募集中")
    assert _titles(client.get("/challenges?open_only=1").get_data(as_text=True)) == ["募集中"]
    body = client.get("/api/v1/challenges?open_only=true&prefecture=長野県&environment=lgwan&sort=deadline").get_json()
    assert [i["title"] for i in body["items"]] == ["募集中"] and body["meta"]["total"] == 1
    assert client.get("/api/v1/challenges?sort=random").status_code == 422
    assert client.get("/api/v1/challenges?budget_min=-3").status_code == 422
