"""Replication (横展開): draft pilot in the replicating municipality, lineage, no self-replication, no cycles."""

from app.notifications.models import Notification
from app.pilots.models import Pilot
from tests.factories import MunicipalityFactory, member_of
from tests.pilots.factories import PilotFactory, add_kpi


def test_replicate_creates_a_prefilled_draft_and_invites_the_startup(api, db, login):
    origin = PilotFactory(status="adopted")
    add_kpi(origin, values=[30])
    startup_user = member_of(origin.solution.organization)
    other = MunicipalityFactory()
    user = member_of(other)
    response = api(user).post(f"/api/v1/pilots/{origin.id}/replications", json={"with_challenge": True})
    assert response.status_code == 201, response.get_json()
    copy = db.session.get(Pilot, response.get_json()["id"])
    assert copy.status == "draft" and copy.municipality_id == other.id and copy.origin_id == origin.id
    assert copy.startup_id == origin.startup_id and copy.objectives == origin.objectives
    assert copy.environment == origin.environment and copy.challenge_id is not None
    kpi = copy.kpis[0]
    assert kpi.reference_baseline == 60.0 and kpi.reference_target == 30.0 and kpi.measurements == []
    assert (
        db.session.query(Notification).filter_by(user_id=startup_user.id, kind="pilots.replication_invited").count()
        == 1
    )
    listed = api(user).get(f"/api/v1/pilots/{origin.id}/replications").get_json()
    assert [p["id"] for p in listed] == [copy.id]
    # the draft is not public: others do not see it in the lineage
    assert login(user).get(f"/pilots/{copy.id}").status_code == 200
    assert api(member_of(MunicipalityFactory())).get(f"/api/v1/pilots/{copy.id}").status_code == 404


def test_cannot_replicate_into_the_same_municipality(api, login, db):
    origin = PilotFactory()
    own = member_of(origin.municipality)
    response = api(own).post(f"/api/v1/pilots/{origin.id}/replications", json={})
    assert response.status_code == 422
    assert login(own).post(f"/pilots/{origin.id}/replicate", data={}).status_code == 422
    assert db.session.query(Pilot).count() == 1


def test_startups_and_anonymous_cannot_replicate(api, client):
    origin = PilotFactory()
    assert (
        api(member_of(origin.solution.organization))
        .post(f"/api/v1/pilots/{origin.id}/replications", json={})
        .status_code
        == 403
    )
    assert client.post(f"/api/v1/pilots/{origin.id}/replications", json={}).status_code == 401


def test_lineage_rejects_cycles(api, db):
    a = PilotFactory()
    b_city, c_city = MunicipalityFactory(), MunicipalityFactory()
    b_id = api(member_of(b_city)).post(f"/api/v1/pilots/{a.id}/replications", json={}).get_json()["id"]
    b = db.session.get(Pilot, b_id)
    b.public, b.status = True, "running"
    db.session.commit()
    c_id = api(member_of(c_city)).post(f"/api/v1/pilots/{b_id}/replications", json={}).get_json()["id"]
    # a → b → c; making a descend from c would be a cycle
    a_admin = member_of(a.municipality, "admin")
    response = api(a_admin).patch(f"/api/v1/pilots/{a.id}", json={"origin_id": c_id})
    assert response.status_code == 422 and "origin_id" in response.get_json()["error"]["fields"]
    assert api(a_admin).patch(f"/api/v1/pilots/{a.id}", json={"origin_id": a.id}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Pilot, a.id).origin_id is None
    from app.pilots.lineage import ancestors

    assert [p.id for p in ancestors(db.session.get(Pilot, c_id))] == [b_id, a.id]


def test_comparison_and_lineage_views(client, db, api, app):
    origin = PilotFactory(status="adopted", population=50_000)
    add_kpi(origin, values=[30])
    for status, value in (("not_adopted", 55), ("running", 40)):
        city = MunicipalityFactory()
        new_id = api(member_of(city)).post(f"/api/v1/pilots/{origin.id}/replications", json={}).get_json()["id"]
        p = db.session.get(Pilot, new_id)
        p.public, p.status = True, status
        kpi = p.kpis[0]
        from datetime import date
        from app.pilots.models import KpiMeasurement

        db.session.add(KpiMeasurement(kpi_id=kpi.id, measured_on=date.today(), value=value))
        db.session.commit()
    page = client.get(f"/pilots/compare?solution={origin.solution_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "+50.0%" in html and "+8.3%" in html and "+33.3%" in html
    assert "lineage-chart" in html
    assert client.get("/pilots/compare?solution=999999").status_code == 404
    from app.web.registry import sections_for

    with app.test_request_context():
        ctx = [c for t, c in sections_for("solution", origin.solution, None) if "trees" in c][0]
    assert len(ctx["trees"][0]["children"]) == 2


def test_replicate_button_flow_in_pages(login, db):
    origin = PilotFactory()
    other = MunicipalityFactory()
    user = member_of(other)
    page = login(user).get(f"/pilots/{origin.id}").get_data(as_text=True)
    assert f"/pilots/{origin.id}/replicate" in page
    response = login(user).post(f"/pilots/{origin.id}/replicate", data={"municipality_id": str(other.id)})
    assert response.status_code == 302
    copy = db.session.query(Pilot).filter_by(municipality_id=other.id).one()
    assert response.headers["Location"].endswith(f"/pilots/{copy.id}")
    own_page = login(member_of(origin.municipality)).get(f"/pilots/{origin.id}").get_data(as_text=True)
    assert f"/pilots/{origin.id}/replicate" not in own_page
