"""A municipality records its real population (organisation settings, its admins only); the per-resident
cost of its pilots uses it, and the population band's midpoint only as a fallback. Page and API."""

from __future__ import annotations

import pytest

from app.pilots import kpis
from tests.conftest import reload
from tests.factories import MunicipalityFactory, StartupFactory, UserFactory, member_of
from tests.pilots.factories import PilotFactory


def test_an_admin_records_the_population_and_the_cost_per_resident_uses_it(login, db):
    city = MunicipalityFactory(population_band="100k_300k")
    admin = member_of(city, "admin")
    pilot = PilotFactory(municipality=city, municipality_id=city.id, population=None, costs_public=True)
    assert kpis.residents(pilot) == (200_000, "band_midpoint")
    client = login(admin)
    assert f'href="/orgs/{city.slug}/settings"' in client.get(f"/orgs/{city.slug}").text
    page = client.get(f"/orgs/{city.slug}/settings")
    assert page.status_code == 200 and "組織の設定" in page.text and 'name="population"' in page.text
    r = client.post(f"/orgs/{city.slug}/settings", data={"population": "２４１,０００人"})  # as people type it
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/orgs/{city.slug}/settings")
    assert reload(city).population == 241_000
    pilot = reload(pilot)
    assert kpis.residents(pilot) == (241_000, "municipality")
    assert kpis.cost_per_resident(pilot) == pytest.approx(2_800_000 / 241_000)
    detail = client.get(f"/pilots/{pilot.id}").text
    assert "自治体が登録した人口: 241,000" in detail and "人口規模の区分の中央値" not in detail
    assert "241,000人" in client.get(f"/orgs/{city.slug}").text
    # A population given on the pilot itself still wins
    pilot.population = 1000
    db.session.commit()
    assert kpis.residents(reload(pilot)) == (1000, "explicit")
    # Emptied: back to the band's midpoint
    assert client.post(f"/orgs/{city.slug}/settings", data={"population": ""}).status_code == 302
    assert reload(city).population is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "1から50,000,000の間"),
        ("-5", "1から50,000,000の間"),
        ("60000000", "1から50,000,000の間"),
        ("24万", "整数"),
        ("12.5", "整数"),
        ("abc", "整数"),
    ],
)
def test_a_population_that_is_not_a_positive_whole_number_is_refused(login, db, value, message):
    city = MunicipalityFactory()
    city.population = 50_000
    db.session.commit()
    r = login(member_of(city, "admin")).post(f"/orgs/{city.slug}/settings", data={"population": value})
    assert r.status_code == 422
    assert 'id="population-errors"' in r.text and message in r.text and 'aria-invalid="true"' in r.text
    assert reload(city).population == 50_000


def test_only_the_municipalitys_admins_change_it(login, anon, db):
    city = MunicipalityFactory()
    for user in (member_of(city, "member"), member_of(MunicipalityFactory(), "admin"), UserFactory()):
        assert login(user).get(f"/orgs/{city.slug}/settings").status_code == 403
        assert login(user).post(f"/orgs/{city.slug}/settings", data={"population": "5"}).status_code == 403
    assert anon.get(f"/orgs/{city.slug}/settings").status_code == 302
    assert reload(city).population is None
    startup = StartupFactory()  # only municipalities record a population
    assert login(member_of(startup, "admin")).get(f"/orgs/{startup.slug}/settings").status_code == 404
    assert login(UserFactory()).get("/orgs/no-such-org/settings").status_code == 404


def test_settings_page_in_english(login, db):
    city = MunicipalityFactory(population_band="10k_50k")
    admin = member_of(city, "admin", locale="en")
    page = login(admin).get(f"/orgs/{city.slug}/settings").text
    assert "Organisation settings" in page and "Population (residents)" in page
    r = login(admin).post(f"/orgs/{city.slug}/settings", data={"population": "0"})
    assert r.status_code == 422 and "Enter a population between 1 and 50,000,000." in r.text


def test_population_through_the_api(api, anon, db):
    city = MunicipalityFactory()
    admin = member_of(city, "admin")
    client = api(admin)
    r = client.patch(f"/api/v1/organizations/{city.id}", json={"population": 241000})
    assert r.status_code == 200 and r.get_json()["population"] == 241000
    assert anon.get(f"/api/v1/organizations/{city.id}").get_json()["population"] == 241000
    for bad in (0, -1, 50_000_001, "24万", 1.5, True):
        r = client.patch(f"/api/v1/organizations/{city.id}", json={"population": bad})
        assert r.status_code == 422 and "population" in r.get_json()["error"]["fields"], bad
    r = client.patch(f"/api/v1/organizations/{city.id}", json={"population": 5, "name_ja": "改名"})
    assert r.status_code == 422 and "name_ja" in r.get_json()["error"]["fields"]
    assert reload(city).population == 241000
    assert client.patch(f"/api/v1/organizations/{city.id}", json={"population": None}).status_code == 200
    assert reload(city).population is None
    assert (
        api(member_of(city, "member")).patch(f"/api/v1/organizations/{city.id}", json={"population": 5}).status_code
        == 403
    )
    startup = StartupFactory()
    assert (
        api(member_of(startup, "admin"))
        .patch(f"/api/v1/organizations/{startup.id}", json={"population": 5})
        .status_code
        == 404
    )
