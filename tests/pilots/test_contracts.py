"""Contract hub (give to get), waivers, startups, search; AI fact sheet versions."""

from app.pilots.models import ContractHubWaiver, ContractRecord, FactSheet
from tests.factories import MunicipalityFactory, SolutionFactory, StartupFactory, UserFactory, member_of
from tests.pilots.factories import ContractFactory


def _ids(response):
    return {c["id"] for c in response.get_json()["items"]}


def test_give_to_get(api, login):
    vendor = StartupFactory()
    theirs = ContractFactory(vendor_org_id=vendor.id, price_jpy=2_000_000)
    city = MunicipalityFactory()
    user = member_of(city)
    client = api(user)
    assert _ids(client.get("/api/v1/contracts")) == set()
    assert client.get(f"/api/v1/contracts/{theirs.id}").status_code == 404
    assert "hub-locked" in login(user).get("/contracts").get_data(as_text=True)
    created = client.post(
        "/api/v1/contracts",
        json={
            "title": "窓口予約サービス",
            "category": "counter_services",
            "vendor_name": "株式会社マドグチテック",
            "price_jpy": 1_200_000,
            "price_unit": "per_year",
            "checklist": {"data_ownership": {"answer": "yes", "note": "市に帰属"}, "exit": {"answer": "partial"}},
        },
    )
    assert created.status_code == 201, created.get_json()
    assert _ids(client.get("/api/v1/contracts")) == {theirs.id, created.get_json()["id"]}
    assert client.get(f"/api/v1/contracts/{theirs.id}").status_code == 200
    assert login(user).get(f"/contracts/{theirs.id}").status_code == 200


def test_waiver_by_platform_admin(api, login, db):
    theirs = ContractFactory()
    city = MunicipalityFactory()
    user = member_of(city)
    admin = UserFactory(is_platform_admin=True)
    assert api(user).post("/api/v1/contracts/waivers", json={"org_id": city.id}).status_code == 403
    assert api(admin).post("/api/v1/contracts/waivers", json={"org_id": 999999}).status_code == 422
    assert api(admin).post("/api/v1/contracts/waivers", json={"org_id": city.id}).status_code == 201
    assert api(admin).post("/api/v1/contracts/waivers", json={"org_id": city.id}).status_code == 409
    assert _ids(api(user).get("/api/v1/contracts")) == {theirs.id}
    assert login(admin).post(f"/contracts/waivers/{city.id}/delete").status_code == 302
    assert db.session.query(ContractHubWaiver).count() == 0
    assert _ids(api(user).get("/api/v1/contracts")) == set()
    assert login(admin).post("/contracts/waivers", data={"org_id": str(city.id)}).status_code == 302
    assert _ids(api(user).get("/api/v1/contracts")) == {theirs.id}


def test_startups_see_only_their_own_contracts(api):
    vendor = StartupFactory()
    mine = ContractFactory(vendor_org_id=vendor.id)
    other = ContractFactory()
    user = member_of(vendor)
    client = api(user)
    assert _ids(client.get("/api/v1/contracts")) == {mine.id}
    assert client.get(f"/api/v1/contracts/{other.id}").status_code == 404
    assert (
        client.post("/api/v1/contracts", json={"title": "x", "category": "community", "vendor_name": "x"}).status_code
        == 403
    )


def test_contract_search_and_bad_input(api, db):
    city = MunicipalityFactory()
    user = member_of(city)
    solution = SolutionFactory()
    ContractFactory(municipality=city, municipality_id=city.id, price_jpy=500_000, category="community")
    target = ContractFactory(solution_id=solution.id, vendor_org_id=solution.org_id, price_jpy=3_000_000)
    client = api(user)
    assert _ids(client.get(f"/api/v1/contracts?solution_id={solution.id}")) == {target.id}
    assert _ids(client.get(f"/api/v1/contracts?vendor_org_id={solution.org_id}")) == {target.id}
    assert _ids(client.get("/api/v1/contracts?price_min=1000000&price_max=5000000")) == {target.id}
    assert len(_ids(client.get("/api/v1/contracts?category=community"))) == 1
    before = db.session.query(ContractRecord).count()
    for body in (
        {"title": "x", "category": "community"},  # no vendor
        {"title": "x", "category": "community", "vendor_name": "v", "price_jpy": -5},
        {
            "title": "x",
            "category": "community",
            "vendor_name": "v",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
        {"title": "x", "category": "community", "vendor_name": "v", "checklist": {"unknown_item": {"answer": "yes"}}},
        {"title": "x", "category": "community", "vendor_name": "v", "checklist": {"sla": {"answer": "maybe"}}},
    ):
        assert client.post("/api/v1/contracts", json=body).status_code == 422, body
    assert db.session.query(ContractRecord).count() == before


def test_contract_form_with_checklist(login, db):
    user = member_of(MunicipalityFactory())
    client = login(user)
    assert client.get("/contracts/new").status_code == 200
    assert client.post("/contracts/new", data={"title": "", "category": "community"}).status_code == 422
    response = client.post(
        "/contracts/new",
        data={
            "title": "回覧板アプリ",
            "category": "community",
            "vendor_name": "株式会社まちつむぎ",
            "price_jpy": "360000",
            "price_unit": "per_year",
            "check_exit": "yes",
            "note_exit": "CSVで全件出力",
        },
    )
    assert response.status_code == 302
    record = db.session.query(ContractRecord).one()
    assert record.checklist == {"exit": {"answer": "yes", "note": "CSVで全件出力"}}
    assert "CSVで全件出力" in client.get(f"/contracts/{record.id}").get_data(as_text=True)


def test_fact_sheet_versions(api, login, client, db):
    solution = SolutionFactory()
    author = member_of(solution.organization)
    body = {"system_purpose": "窓口の混雑予測", "model_provider": "自社モデル", "known_limits": "祝日の予測精度が低い"}
    assert api(author).post(f"/api/v1/solutions/{solution.id}/fact-sheet", json=body).get_json()["version"] == 1
    body["known_limits"] = "祝日・選挙期間の予測精度が低い"
    assert api(author).post(f"/api/v1/solutions/{solution.id}/fact-sheet", json=body).get_json()["version"] == 2
    history = client.get(f"/api/v1/solutions/{solution.id}/fact-sheet").get_json()
    assert [h["version"] for h in history] == [2, 1]
    latest = client.get("/api/v1/fact-sheets").get_json()
    assert len(latest) == 1 and latest[0]["version"] == 2
    page = client.get(f"/solutions/{solution.id}/fact-sheet").get_data(as_text=True)
    assert "選挙期間" in page
    assert "選挙期間" not in client.get(f"/solutions/{solution.id}/fact-sheet?version=1").get_data(as_text=True)
    assert client.get(f"/solutions/{solution.id}/fact-sheet?version=9").status_code == 404
    other = member_of(MunicipalityFactory())
    assert api(other).post(f"/api/v1/solutions/{solution.id}/fact-sheet", json=body).status_code == 403
    assert (
        api(author).post(f"/api/v1/solutions/{solution.id}/fact-sheet", json={"system_purpose": ""}).status_code == 422
    )
    assert (
        login(author).post(f"/solutions/{solution.id}/fact-sheet/edit", data={"system_purpose": ""}).status_code == 422
    )
    assert (
        login(author).post(f"/solutions/{solution.id}/fact-sheet/edit", data={"system_purpose": "v3"}).status_code
        == 302
    )
    assert db.session.query(FactSheet).count() == 3
    draft = SolutionFactory(status="draft")
    assert client.get(f"/solutions/{draft.id}/fact-sheet").status_code == 404


def test_contract_recorded_from_a_pilot(login, db):
    from tests.pilots.factories import PilotFactory

    pilot = PilotFactory()
    user = member_of(pilot.municipality)
    client = login(user)
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "/contracts/new?" in page
    form = client.get(f"/contracts/new?pilot_id={pilot.id}&vendor_org_id={pilot.startup_id}").get_data(as_text=True)
    assert f'name="pilot_id" value="{pilot.id}"' in form
    response = client.post(
        "/contracts/new",
        data={
            "title": "本契約",
            "category": pilot.category,
            "vendor_org_id": str(pilot.startup_id),
            "pilot_id": str(pilot.id),
        },
    )
    assert response.status_code == 302
    assert db.session.query(ContractRecord).one().pilot_id == pilot.id
    stranger = member_of(MunicipalityFactory())
    bad = login(stranger).post(
        "/contracts/new", data={"title": "x", "category": pilot.category, "vendor_name": "x", "pilot_id": str(pilot.id)}
    )
    assert bad.status_code == 422 and db.session.query(ContractRecord).count() == 1
