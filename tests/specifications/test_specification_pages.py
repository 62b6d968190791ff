"""Standard specification pages: publish from the round page, the specification page with its uses,
a new version with a diff, print, and one click to a pre-filled challenge."""

from app.specifications.models import StandardSpecification
from tests.factories import MunicipalityFactory, member_of

from .helpers import closed_round, published_spec


def test_publish_from_the_round_page_through_the_form(login, db):
    rnd, coordinator_user, _ = closed_round()
    browser = login(coordinator_user)
    round_page = browser.get(f"/procurement/{rnd.id}").get_data(as_text=True)
    assert f"/procurement/{rnd.id}/specification/new" in round_page
    form = browser.get(f"/procurement/{rnd.id}/specification/new").get_data(as_text=True)
    assert "話者識別" in form and "1-100, 101-500" in form.replace("–", "-")  # pre-filled from the matrix
    bad = browser.post(
        f"/procurement/{rnd.id}/specification/new",
        data={
            "round_id": rnd.id,
            "title": "AI議事録 標準仕様書",
            "must_have": "話者識別",
            "environments": "lgwan",
            "seat_bands": "lots",
        },
    )
    assert bad.status_code == 422
    r = browser.post(
        f"/procurement/{rnd.id}/specification/new",
        data={
            "round_id": rnd.id,
            "title": "AI議事録 標準仕様書",
            "must_have": "話者識別\n音声データの国内保管",
            "nice_to_have": "要約の自動生成",
            "environments": "lgwan",
            "security_level": "2",
            "seat_bands": "1-100, 101-500",
            "price_min_jpy": "600000",
            "price_max_jpy": "1800000",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    spec = db.session.query(StandardSpecification).one()
    assert spec.current.seat_bands == [{"min_seats": 1, "max_seats": 100}, {"min_seats": 101, "max_seats": 500}]
    page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert "音声データの国内保管" in page and rnd.title in page
    assert spec.title in browser.get(f"/procurement/{rnd.id}").get_data(as_text=True)


def test_new_version_diff_print_and_start_a_challenge(login):
    spec, _, coordinator_user, _ = published_spec()
    coordinator = login(coordinator_user)
    r = coordinator.post(
        f"/specifications/{spec.id}/versions/new",
        data={
            "must_have": "話者識別\n方言辞書",
            "environments": "lgwan",
            "security_level": "3",
            "seat_bands": "1-100",
            "change_note": "方言辞書を追加",
        },
    )
    assert r.status_code == 302
    diff = coordinator.get(f"/specifications/{spec.id}/diff?from=1&to=2").get_data(as_text=True)
    assert "方言辞書" in diff and "音声データの国内保管" in diff
    printed = coordinator.get(f"/specifications/{spec.id}/print?v=1").get_data(as_text=True)
    assert "音声データの国内保管" in printed and "v1" in printed
    newcomer = MunicipalityFactory(name_ja="安曇野市")
    city = login(member_of(newcomer, "admin"))
    page = city.get(f"/specifications/{spec.id}").get_data(as_text=True)
    assert "v2" in page and f"/specifications/{spec.id}/start-challenge" in page
    r = city.post(f"/specifications/{spec.id}/start-challenge")
    assert r.status_code == 302 and r.headers["Location"].endswith("/edit")
    edit = city.get(r.headers["Location"]).get_data(as_text=True)
    assert "方言辞書" in edit
    challenge_page = city.get(r.headers["Location"][: -len("/edit")]).get_data(as_text=True)
    assert f"/specifications/{spec.id}" in challenge_page  # the challenge says where it came from
    assert city.post(f"/specifications/{spec.id}/adopt").status_code == 302
    listed = city.get(f"/specifications/{spec.id}").get_data(as_text=True)
    assert "安曇野市" in listed
    assert spec.title in city.get("/specifications").get_data(as_text=True)
