"""What each side brings besides money: offers and co-development on challenges, free pilots and in-kind
work on applications and solutions; the zero-budget filter; free pilots are not "over budget"."""

from datetime import date, timedelta

from app.db import utcnow
from app.matchmaking.engine import Document
from app.matchmaking.engine.constraints import budget_fit, fitter
from tests.conftest import reload
from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of

OFFERS = [
    {"kind": "test_field", "description": "市役所本庁舎の窓口3か所で実証できます。"},
    {"kind": "data", "description": "過去3年分の来庁者数データ（匿名化済み）を提供します。"},
]


def _payload(**overrides):
    data = {
        "title": "窓口の共同開発",
        "summary": "待ち時間が長い。",
        "background": "繁忙期は90分待ち。",
        "desired_outcome": "待ち時間を半減。",
        "category": "counter_services",
        "environments": ["lgwan"],
        "application_deadline": (utcnow() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_co_development_challenge_states_its_offers_through_the_api(api):
    client = api(member_of(MunicipalityFactory(), "admin"))
    r = client.post("/api/v1/challenges", json=_payload(co_development=True, offers=OFFERS))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["co_development"] is True
    assert body["budget_max_jpy"] == 0 and body["budget_min_jpy"] == 0  # "no budget" is 0 yen, not empty
    assert [(o["kind"], o["description"]) for o in body["offers"]] == [(o["kind"], o["description"]) for o in OFFERS]
    assert body["offers"][0]["label"]
    patched = client.patch(f"/api/v1/challenges/{body['id']}", json={"offers": OFFERS[:1]}).get_json()
    assert [o["kind"] for o in patched["offers"]] == ["test_field"] and patched["co_development"] is True


def test_bad_offers_and_a_budget_on_co_development_are_field_errors(api):
    client = api(member_of(MunicipalityFactory(), "admin"))
    r = client.post("/api/v1/challenges", json=_payload(offers=[{"kind": "money", "description": "x"}]))
    assert r.status_code == 422 and "offers" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/challenges", json=_payload(offers=[{"kind": "data", "description": ""}]))
    assert r.status_code == 422 and "offers" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/challenges", json=_payload(offers=[OFFERS[0], OFFERS[0]]))
    assert r.status_code == 422 and "offers" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/challenges", json=_payload(co_development=True, budget_max_jpy=1_000_000))
    assert r.status_code == 422 and "budget_max_jpy" in r.get_json()["error"]["fields"]
    cid = client.post("/api/v1/challenges", json=_payload(co_development=True)).get_json()["id"]
    r = client.patch(f"/api/v1/challenges/{cid}", json={"budget_max_jpy": 500_000})
    assert r.status_code == 422 and "budget_max_jpy" in r.get_json()["error"]["fields"]


def test_zero_budget_filter_on_the_api_and_the_page(api, client):
    city = MunicipalityFactory()
    ChallengeFactory(
        owner=city, title="共同開発の防災アプリ", co_development=True, budget_min_jpy=0, budget_max_jpy=0, offers=OFFERS
    )
    ChallengeFactory(owner=city, title="予算のある窓口改善")
    titles = [c["title"] for c in client.get("/api/v1/challenges?co_development=true").get_json()["items"]]
    assert titles == ["共同開発の防災アプリ"]
    assert len(client.get("/api/v1/challenges").get_json()["items"]) == 2
    page = client.get("/challenges?co_development=1").get_data(as_text=True)
    assert "共同開発の防災アプリ" in page and "予算のある窓口改善" not in page
    assert "Test field or sites" in page or "実証フィールド" in page


def test_the_challenge_form_takes_one_box_per_offer_and_the_page_shows_them(login):
    city = MunicipalityFactory()
    browser = login(member_of(city, "admin"))
    form = {
        "title": "共同開発したい",
        "category": "community",
        "environments": "internet",
        "security_level": "2",
        "visibility": "public",
        "language": "ja",
        "co_development": "1",
        "offer_staff_time": "担当職員が週2時間、検証に参加します。",
        "offer_residents": "",
        "offer_reference_letter": "成功時には市長名の推薦状を出します。",
    }
    r = browser.post("/challenges/new", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert "担当職員が週2時間、検証に参加します。" in page and "成功時には市長名の推薦状を出します。" in page
    edit = browser.get(r.headers["Location"] + "/edit").get_data(as_text=True)
    assert "担当職員が週2時間" in edit and 'name="co_development" value="1" checked' in edit
    bad = browser.post("/challenges/new", data={**form, "budget_max_jpy": "100000", "offer_data": "x" * 600})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "担当職員が週2時間" in text  # the form keeps what was typed


def test_an_application_states_what_the_startup_brings(api):
    startup = StartupFactory()
    founder = member_of(startup, "admin")
    solution = SolutionFactory(organization=startup)
    challenge = ChallengeFactory(co_development=True, budget_min_jpy=0, budget_max_jpy=0)
    client = api(founder)
    r = client.post(
        f"/api/v1/challenges/{challenge.id}/applications",
        json={
            "solution_id": solution.id,
            "proposal": "共同で開発します。",
            "cost_estimate_jpy": 0,
            "free_pilot_months": 6,
            "in_kind": "初期設定と職員研修を無償で行います。",
        },
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["free_pilot_months"] == 6 and r.get_json()["in_kind"].startswith("初期設定")
    bad = client.patch(f"/api/v1/applications/{r.get_json()['id']}", json={"free_pilot_months": 99})
    assert bad.status_code == 422 and "free_pilot_months" in bad.get_json()["error"]["fields"]


def test_a_solution_states_its_free_pilot(api):
    startup = StartupFactory()
    solution = SolutionFactory(organization=startup)
    r = api(member_of(startup, "admin")).patch(f"/api/v1/solutions/{solution.id}", json={"free_pilot_months": 3})
    assert r.status_code == 200, r.get_json()
    assert reload(solution).free_pilot_months == 3


def _challenge_doc(months=None, co=True):
    meta = {"co_development": True, "pilot_months": months} if co else {}
    return Document(id="challenge:1", kind="challenge", budget_max_jpy=0, meta=meta)


def _solution_doc(free=None, price=1_200_000):
    return Document(
        id="solution:1", kind="solution", price_jpy_per_year=price, meta={"free_pilot_months": free} if free else {}
    )


def test_a_free_pilot_that_covers_the_pilot_is_not_over_a_zero_budget():
    for query, candidate in ((_challenge_doc(3), _solution_doc(6)), (_solution_doc(6), _challenge_doc(3))):
        assert budget_fit(query, candidate) is True
        assert fitter(query)(candidate)["budget"] is True
    assert budget_fit(_challenge_doc(None), _solution_doc(1)) is True  # no pilot dates: any free pilot
    assert budget_fit(_challenge_doc(12), _solution_doc(6)) is False  # too short a free pilot
    assert fitter(_challenge_doc(12))(_solution_doc(6))["budget"] is False
    assert budget_fit(_challenge_doc(3), _solution_doc(None)) is False  # no free pilot: over budget
    assert budget_fit(_challenge_doc(3, co=False), _solution_doc(6)) is False  # a plain 0-yen budget


def test_the_challenge_document_carries_the_pilot_length():
    from app.matchmaking.documents import challenge_document, solution_document

    challenge = ChallengeFactory(
        co_development=True,
        budget_min_jpy=0,
        budget_max_jpy=0,
        pilot_start=date(2027, 4, 1),
        pilot_end=date(2027, 6, 30),
    )
    doc = challenge_document(challenge)
    assert doc.meta["co_development"] is True and doc.meta["pilot_months"] == 3
    solution = SolutionFactory(free_pilot_months=3)
    assert budget_fit(doc, solution_document(solution)) is True
    assert "co_development" not in challenge_document(ChallengeFactory()).meta
