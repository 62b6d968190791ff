"""Tool comparisons (機能比較): the coordinator records vendors × requirements; member municipalities see
it whole; each vendor sees only its own row and may reply to any of its cells; everyone else sees
nothing (404). Every part of the visibility is tested here, through the API and the pages."""

import pytest

from tests.factories import CoordinatorFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of

from .factories import add_participant, add_vendor, make_round


class Scene:
    pass


@pytest.fixture
def scene(db):
    s = Scene()
    s.coordinator_org = CoordinatorFactory()
    s.rnd = make_round(coordinator=s.coordinator_org, status="requirements_closed")
    s.city = MunicipalityFactory(name_ja="松本市")
    add_participant(s.rnd, s.city, {"environments": ["lgwan"], "must_have": ["話者識別", "要約の自動生成"]})
    s.vendors = [StartupFactory(name_ja=n) for n in ("議事録AI株式会社", "ボイスメモ合同会社", "文字起こし工房")]
    s.solutions = [SolutionFactory(organization=v, title=f"{v.name_ja}の議事録") for v in s.vendors]
    for v in s.vendors:
        add_vendor(s.rnd, v)
    s.coordinator = member_of(s.coordinator_org, "member")
    s.city_user = member_of(s.city, "member")
    s.vendor_users = [member_of(v, "member") for v in s.vendors]
    s.outsider_city = member_of(MunicipalityFactory(), "admin")
    s.outsider_startup = member_of(StartupFactory(), "admin")
    return s


def _row(solution, met="met"):
    return {
        "solution_id": solution.id,
        "quoted_price_jpy": 1_200_000,
        "demo_date": "2027-01-20",
        "cells": [
            {"requirement": "話者識別", "result": met, "note": "6名まで識別"},
            {"requirement": "要約の自動生成", "result": "partial", "note": "箇条書きのみ"},
        ],
    }


def _recorded(scene, api):
    coord = api(scene.coordinator)
    for solution in scene.solutions[:2]:
        r = coord.put(f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison/rows", json=_row(solution))
        assert r.status_code == 200, r.get_json()
    return coord


def test_the_coordinator_records_rows_and_bad_input_is_a_field_error(scene, api):
    coord = _recorded(scene, api)
    url = f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison/rows"
    body = coord.get(url[:-5]).get_json()
    assert sorted(r["requirement"] for r in body["requirements"]) == sorted(["話者識別", "要約の自動生成"])
    assert len(body["rows"]) == 2 and body["rows"][0]["cells"][0] == {
        "requirement": "話者識別",
        "result": "met",
        "note": "6名まで識別",
        "vendor_reply": "",
        "replied_at": None,
    }
    again = coord.put(url, json={**_row(scene.solutions[0], met="not_met"), "quoted_price_jpy": 900_000})
    assert again.get_json()["quoted_price_jpy"] == 900_000 and again.get_json()["cells"][0]["result"] == "not_met"
    assert len(coord.get(url[:-5]).get_json()["rows"]) == 2  # updated, not duplicated
    bad = [
        ({"cells": [{"requirement": "存在しない要件", "result": "met"}]}, "cells"),
        ({"cells": [{"requirement": "話者識別", "result": "maybe"}]}, "cells"),
        ({"solution_id": SolutionFactory().id}, "solution_id"),
        ({"quoted_price_jpy": -1}, "quoted_price_jpy"),
    ]
    for change, field in bad:
        r = coord.put(url, json={**_row(scene.solutions[0]), **change})
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (change, r.get_json())


def test_member_municipalities_see_every_row(scene, api):
    _recorded(scene, api)
    body = api(scene.city_user).get(f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison").get_json()
    assert body["whole"] is True
    assert [r["vendor"]["id"] for r in body["rows"]] == [scene.vendors[0].id, scene.vendors[1].id]


def test_a_vendor_sees_only_its_own_row(scene, api):
    _recorded(scene, api)
    body = api(scene.vendor_users[1]).get(f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison").get_json()
    assert body["whole"] is False
    assert [r["vendor"]["id"] for r in body["rows"]] == [scene.vendors[1].id]


def test_everyone_else_sees_nothing(scene, api, client):
    _recorded(scene, api)
    url = f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison"
    for user in (scene.vendor_users[2], scene.outsider_city, scene.outsider_startup):  # invited, no row; others
        assert api(user).get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(f"/procurement/{scene.rnd.id}/comparison").status_code == 302  # to the login page


def test_only_the_coordinator_records(scene, api):
    url = f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison/rows"
    _recorded(scene, api)
    assert api(scene.city_user).put(url, json=_row(scene.solutions[2])).status_code == 403
    assert api(scene.vendor_users[0]).put(url, json=_row(scene.solutions[0])).status_code == 403
    assert api(scene.outsider_city).put(url, json=_row(scene.solutions[0])).status_code == 404


def test_a_vendor_replies_to_its_own_cells_only(scene, api):
    _recorded(scene, api)
    base = f"/api/v1/procurement-rounds/{scene.rnd.id}/comparison/rows"
    mine, theirs = scene.solutions[0].id, scene.solutions[1].id
    vendor = api(scene.vendor_users[0])
    r = vendor.post(
        f"{base}/{mine}/replies", json={"requirement": "要約の自動生成", "reply": "3月の版で文章要約に対応します。"}
    )
    assert r.status_code == 200 and r.get_json()["vendor_reply"].startswith("3月")
    assert vendor.post(f"{base}/{theirs}/replies", json={"requirement": "話者識別", "reply": "x"}).status_code == 404
    assert vendor.post(f"{base}/{mine}/replies", json={"requirement": "未評価", "reply": "x"}).status_code == 422
    assert vendor.post(f"{base}/{mine}/replies", json={"requirement": "話者識別"}).status_code == 422
    assert (
        api(scene.city_user).post(f"{base}/{mine}/replies", json={"requirement": "話者識別", "reply": "x"}).status_code
        == 403
    )
    assert (
        api(scene.outsider_startup)
        .post(f"{base}/{mine}/replies", json={"requirement": "話者識別", "reply": "x"})
        .status_code
        == 404
    )
    row = api(scene.city_user).get(base[:-5]).get_json()["rows"][0]
    assert row["cells"][1]["vendor_reply"] == "3月の版で文章要約に対応します。"  # shown to the members


def test_pages_members_see_all_a_vendor_its_row_and_replies(scene, api, login):
    _recorded(scene, api)
    page = f"/procurement/{scene.rnd.id}/comparison"
    coordinator = login(scene.coordinator)
    r = coordinator.post(
        f"{page}/rows",
        data={
            "solution_id": scene.solutions[2].id,
            "quoted_price_jpy": "800000",
            "requirement_1": "話者識別",
            "result_1": "not_met",
            "note_1": "未対応",
            "requirement_2": "要約の自動生成",
            "result_2": "",
        },
    )
    assert r.status_code == 302
    assert (
        coordinator.post(
            f"{page}/rows",
            data={"solution_id": scene.solutions[2].id, "requirement_1": "話者識別", "result_1": "maybe"},
        ).status_code
        == 422
    )
    member_view = login(scene.city_user).get(page).get_data(as_text=True)
    assert all(v.name_ja in member_view for v in scene.vendors) and "未対応" in member_view
    vendor = login(scene.vendor_users[0])
    own = vendor.get(page).get_data(as_text=True)
    assert scene.vendors[0].name_ja in own and scene.vendors[1].name_ja not in own and "未対応" not in own
    r = vendor.post(
        f"{page}/rows/{scene.solutions[0].id}/reply", data={"requirement": "話者識別", "reply": "8名に拡張済み"}
    )
    assert r.status_code == 302
    assert "8名に拡張済み" in login(scene.city_user).get(page).get_data(as_text=True)
    assert login(scene.outsider_city).get(page).status_code == 404
    assert login(scene.outsider_startup).get(page).status_code == 404
    assert login(scene.city_user).post(f"{page}/rows", data={"solution_id": scene.solutions[0].id}).status_code == 403


def test_a_solution_page_shows_its_comparisons_to_municipalities(scene, api, login, client):
    _recorded(scene, api)
    url = f"/solutions/{scene.solutions[0].id}"
    assert scene.rnd.title in login(scene.city_user).get(url).get_data(as_text=True)
    assert f"/procurement/{scene.rnd.id}/comparison" not in login(scene.outsider_startup).get(url).get_data(
        as_text=True
    )
    assert f"/procurement/{scene.rnd.id}/comparison" not in client.get(url).get_data(as_text=True)
    # a municipality outside the round sees no comparison it could not open
    assert f"/procurement/{scene.rnd.id}/comparison" not in login(scene.outsider_city).get(url).get_data(as_text=True)


def test_a_vendors_reply_fields_and_buttons_say_which_requirement_they_answer(scene, api, login):
    """Not a row of identical 「回答する」 buttons: each names its requirement (visible text first), and the
    wide table scrolls sideways inside a labelled region the keyboard can reach."""
    _recorded(scene, api)
    own = login(scene.vendor_users[0]).get(f"/procurement/{scene.rnd.id}/comparison").get_data(as_text=True)
    assert own.count('回答する<span class="visually-hidden"> （「話者識別」について）</span></button>') == 1
    assert own.count('回答する<span class="visually-hidden"> （「要約の自動生成」について）</span></button>') == 1
    assert '貴社の回答<span class="visually-hidden"> （「話者識別」について）</span></label>' in own
    assert '<div class="table-wrap" role="region" aria-label="機能比較" tabindex="0">' in own
    english = (
        login(member_of(scene.vendors[0], "member", locale="en"))
        .get(f"/procurement/{scene.rnd.id}/comparison")
        .get_data(as_text=True)
    )
    assert 'Reply<span class="visually-hidden"> on “話者識別”</span></button>' in english
