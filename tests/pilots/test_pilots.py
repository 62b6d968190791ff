"""Pilot flows through HTTP: creation, status, visibility, costs, library, CSV, reports."""

from datetime import date, timedelta

from app.extensions import db as _db
from app.pilots.models import Pilot, PilotReport
from tests.factories import ApplicationFactory, ChallengeFactory, MunicipalityFactory, StartupFactory, member_of
from tests.pilots.factories import PilotFactory, add_kpi


def test_pilot_from_selected_application_carries_everything_over(login, db):
    application = ApplicationFactory(status="selected")
    owner = member_of(application.challenge.owner, "admin")
    response = login(owner).post(f"/pilots/from-application/{application.id}")
    assert response.status_code == 302
    pilot = db.session.query(Pilot).one()
    assert pilot.municipality_id == application.challenge.owner_org_id
    assert pilot.startup_id == application.applicant_org_id
    assert pilot.solution_id == application.solution_id
    assert pilot.challenge_id == application.challenge_id
    assert pilot.status == "planned"
    # once only
    again = login(owner).post(f"/pilots/from-application/{application.id}")
    assert again.status_code == 303
    assert db.session.query(Pilot).count() == 1


def test_pilot_from_unselected_application_is_refused(api, db):
    application = ApplicationFactory(status="under_review")
    owner = member_of(application.challenge.owner, "admin")
    response = api(owner).post(f"/api/v1/applications/{application.id}/pilot")
    assert response.status_code == 409
    startup_user = member_of(application.applicant)
    assert api(startup_user).post(f"/api/v1/applications/{application.id}/pilot").status_code == 403
    assert db.session.query(Pilot).count() == 0


def test_create_directly_validates_period_and_is_unchanged_on_error(api, db):
    city = MunicipalityFactory()
    user = member_of(city)
    client = api(user)
    bad = client.post(
        "/api/v1/pilots",
        json={"title": "AI-OCR", "category": "backoffice_dx", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert bad.status_code == 422 and "end_date" in bad.get_json()["error"]["fields"]
    assert client.post("/api/v1/pilots", json={"title": "", "category": "nope"}).status_code == 422
    assert (
        client.post("/api/v1/pilots", json={"title": "x", "category": "backoffice_dx", "budget_jpy": -1}).status_code
        == 422
    )
    assert db.session.query(Pilot).count() == 0
    ok = client.post(
        "/api/v1/pilots",
        json={
            "title": "AI-OCR",
            "category": "backoffice_dx",
            "environment": "lgwan",
            "start_date": "2026-04-01",
            "end_date": "2026-09-30",
            "budget_jpy": 1200000,
        },
    )
    assert ok.status_code == 201
    assert ok.get_json()["municipality"]["id"] == city.id
    startup_user = member_of(StartupFactory())
    assert api(startup_user).post("/api/v1/pilots", json={"title": "x", "category": "community"}).status_code == 403


def test_new_pilot_form_rerenders_with_errors(login, db):
    user = member_of(MunicipalityFactory())
    response = login(user).post(
        "/pilots/new",
        data={"title": "", "category": "backoffice_dx", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert response.status_code == 422
    assert db.session.query(Pilot).count() == 0
    response = login(user).post(
        "/pilots/new", data={"title": "電子申請の実証", "category": "counter_services", "public": "1"}
    )
    assert response.status_code == 302
    assert db.session.query(Pilot).one().public is True


def test_status_transitions_require_reason_for_outcomes(api, db, app):
    pilot = PilotFactory(status="planned")
    admin = member_of(pilot.municipality, "admin")
    member = member_of(pilot.municipality, "member")
    client = api(admin)
    url = f"/api/v1/pilots/{pilot.id}/status"
    assert api(member).post(url, json={"status": "running"}).status_code == 403
    assert client.post(url, json={"status": "adopted", "reason": "x"}).status_code == 422  # planned → adopted
    assert client.post(url, json={"status": "running"}).status_code == 200
    assert client.post(url, json={"status": "completed"}).status_code == 200
    response = client.post(url, json={"status": "adopted"})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    assert client.post(url, json={"status": "adopted", "reason": "   "}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Pilot, pilot.id).status == "completed"
    response = client.post(url, json={"status": "adopted", "reason": "待ち時間が半減したため本格導入"})
    assert response.status_code == 200 and response.get_json()["outcome_reason"].startswith("待ち時間")
    assert client.post(url, json={"status": "running"}).status_code == 422  # final


def test_discontinue_from_running_and_planned(api):
    for start in ("planned", "running"):
        pilot = PilotFactory(status=start)
        admin = member_of(pilot.municipality, "admin")
        response = api(admin).post(
            f"/api/v1/pilots/{pilot.id}/status", json={"status": "discontinued", "reason": "予算措置が見送られた"}
        )
        assert response.status_code == 200


def test_non_public_pilot_is_404_for_others(client, login, api):
    pilot = PilotFactory(public=False)
    other_city = member_of(MunicipalityFactory())
    other_startup = member_of(StartupFactory())
    for path in (f"/pilots/{pilot.id}", f"/pilots/{pilot.id}/print", f"/pilots/{pilot.id}/measurements.csv"):
        assert client.get(path).status_code == 404
        assert login(other_city).get(path).status_code == 404
    assert api(other_startup).get(f"/api/v1/pilots/{pilot.id}").status_code == 404
    assert api(other_startup).get(f"/api/v1/pilots/{pilot.id}/kpis").status_code == 404
    own_startup = member_of(pilot.solution.organization)
    assert api(own_startup).get(f"/api/v1/pilots/{pilot.id}").get_json()["budget_jpy"] == 3_000_000
    assert login(member_of(pilot.municipality)).get(f"/pilots/{pilot.id}").status_code == 200
    listed = client.get("/api/v1/pilots").get_json()
    assert listed["meta"]["total"] == 0


def test_cost_visibility(client, api, login):
    pilot = PilotFactory(public=True, costs_public=False)
    anon = client.get(f"/api/v1/pilots/{pilot.id}").get_json()
    assert anon["budget_jpy"] is None and anon["actual_cost_jpy"] is None
    assert "¥3,000,000" not in client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    other_startup = member_of(StartupFactory())
    assert api(other_startup).get(f"/api/v1/pilots/{pilot.id}").get_json()["budget_jpy"] is None
    member_city = member_of(MunicipalityFactory())
    assert api(member_city).get(f"/api/v1/pilots/{pilot.id}").get_json()["budget_jpy"] == 3_000_000
    assert "¥3,000,000" in login(member_city).get(f"/pilots/{pilot.id}").get_data(as_text=True)
    pilot.costs_public = True
    _db.session.commit()
    assert client.get(f"/api/v1/pilots/{pilot.id}").get_json()["actual_cost_jpy"] == 2_800_000


def test_library_filters_sort_and_empty_state(client):
    a = PilotFactory(title="書かない窓口", category="counter_services", environment="lgwan")
    b = PilotFactory(
        title="除雪車の運行管理",
        category="infrastructure",
        environment="internet",
        municipality=MunicipalityFactory(prefecture="北海道", population_band="lt10k"),
    )
    add_kpi(a, values=[50])  # +16.7%
    add_kpi(b, values=[20])  # +66.7%
    PilotFactory(title="下書き", public=True, status="draft")
    data = client.get("/api/v1/pilots?sort=improvement").get_json()
    assert [p["id"] for p in data["items"]] == [b.id, a.id]
    assert client.get("/api/v1/pilots?category=infrastructure").get_json()["meta"]["total"] == 1
    assert client.get("/api/v1/pilots?prefecture=北海道").get_json()["items"][0]["id"] == b.id
    assert client.get("/api/v1/pilots?population_band=lt10k").get_json()["meta"]["total"] == 1
    assert client.get("/api/v1/pilots?environment=lgwan&q=窓口").get_json()["meta"]["total"] == 1
    assert client.get("/api/v1/pilots?status=running&per_page=1").get_json()["meta"]["pages"] == 2
    assert client.get(f"/api/v1/pilots?solution_id={a.solution_id}").get_json()["meta"]["total"] == 1
    assert client.get("/api/v1/pilots?category=nope").status_code == 422
    page = client.get("/pilots?q=存在しない言葉")
    assert page.status_code == 200 and "empty-state" in page.get_data(as_text=True)
    assert client.get("/pilots?category=nope").status_code == 200
    assert "除雪車" in client.get("/pilots?sort=improvement").get_data(as_text=True)


def test_csv_exports_have_bom_and_hide_costs(client, login):
    pilot = PilotFactory(title='=HYPERLINK("x")')
    add_kpi(pilot, values=[45, 40])
    response = client.get("/pilots.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "3000000" not in text
    kpi_csv = client.get(f"/pilots/{pilot.id}/measurements.csv").get_data().decode("utf-8-sig")
    lines = kpi_csv.strip().splitlines()
    assert len(lines) == 3 and "33.3" in lines[-1]


def test_reports_and_overdue_flag_and_reminder_job(api, db, app):
    pilot = PilotFactory(start_date=date.today() - timedelta(days=70), report_interval_days=30)
    owner = member_of(pilot.municipality, "admin")
    startup_user = member_of(pilot.solution.organization)
    from app.pilots import services

    assert services.is_overdue(pilot)
    from app.pilots.jobs import remind_overdue_reports
    from app.db import commit
    from app.notifications.models import Notification

    assert remind_overdue_reports() == 1
    commit()
    assert {n.user_id for n in db.session.query(Notification)} == {owner.id, startup_user.id}
    assert remind_overdue_reports() == 0  # not again within the interval
    bad = api(startup_user).post(
        f"/api/v1/pilots/{pilot.id}/reports",
        json={"period_start": "2026-02-01", "period_end": "2026-01-01", "body": "x"},
    )
    assert bad.status_code == 422 and db.session.query(PilotReport).count() == 0
    ok = api(startup_user).post(
        f"/api/v1/pilots/{pilot.id}/reports",
        json={
            "period_start": (date.today() - timedelta(days=30)).isoformat(),
            "period_end": date.today().isoformat(),
            "body": "予約機能を本庁舎で稼働",
            "issues": "支所の回線が遅い",
        },
    )
    assert ok.status_code == 201
    db.session.expire_all()
    assert not services.is_overdue(db.session.get(Pilot, pilot.id))
    assert len(api(owner).get(f"/api/v1/pilots/{pilot.id}/reports").get_json()) == 1
    from app.jobs import PERIODIC

    job = PERIODIC["pilots.report_reminders"]
    assert job.queue == "pilots" and job.func == "app.pilots.jobs:remind_overdue_reports"


def test_edit_page_and_final_report(login, db):
    pilot = PilotFactory()
    user = member_of(pilot.municipality)
    client = login(user)
    assert client.get(f"/pilots/{pilot.id}/edit").status_code == 200
    response = client.post(
        f"/pilots/{pilot.id}/edit",
        data={
            "title": pilot.title,
            "category": pilot.category,
            "results": "待ち時間 60分→35分",
            "lessons": "繁忙期前に導入する",
            "replication_prerequisites": "LGWAN端末",
            "public": "1",
            "costs_public": "0",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pilot, pilot.id).results == "待ち時間 60分→35分"
    bad = client.post(f"/pilots/{pilot.id}/edit", data={"start_date": "2030-01-01", "end_date": "2029-01-01"})
    assert bad.status_code == 422
    page = client.get(f"/pilots/{pilot.id}/print")
    assert page.status_code == 200 and "繁忙期前に導入する" in page.get_data(as_text=True)


def test_shared_pages_show_pilot_sections(client, login):
    pilot = PilotFactory()
    challenge = ChallengeFactory(category=pilot.category)
    assert client.get(f"/orgs/{pilot.municipality.slug}").status_code == 200
    owner = member_of(pilot.municipality, "admin")
    assert "pilots" in login(owner).get("/dashboard").get_data(as_text=True).lower()
    from app.web.registry import sections_for

    sections = sections_for("challenge", challenge, None)
    assert any(pilot in ctx["pilots"] for _t, ctx in sections if "pilots" in ctx)
    from app.pilots.library import pilot_document

    doc = pilot_document(pilot)
    assert set(doc) == {"id", "title", "text", "category", "environments", "prefecture", "language"}
    assert client.get("/search?q=窓口予約").status_code == 200
