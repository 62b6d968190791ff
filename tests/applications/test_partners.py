"""Consortium partners: chosen by name in the form, each with a role; {org_id or slug, role} over the API."""

from __future__ import annotations

from app.applications.models import Application, ApplicationPartner
from app.extensions import db
from tests.applications.helpers import PROPOSAL, counts, scene
from tests.conftest import reload
from tests.factories import StartupFactory


def _form(**extra):
    return {k: str(v) for k, v in PROPOSAL.items()} | extra


def test_the_form_offers_startups_by_name_and_keeps_each_partners_role(login):
    s = scene()
    ally = StartupFactory(slug="kaigo-data", name_ja="介護データ株式会社")
    founder = login(s.founder)
    page = founder.get(f"/challenges/{s.challenge.id}/apply").get_data(as_text=True)
    assert 'name="partner_org_id"' in page and 'name="partner_role"' in page
    select = page.split('id="f-partner_org_id-0"')[1].split("</select>")[0]
    assert f'<option value="{ally.id}">介護データ株式会社</option>' in select
    assert f'<option value="{s.other_startup.id}">' in select
    assert f'<option value="{s.startup.id}">' not in select  # not its own partner
    assert f'<option value="{s.city.id}">' not in select  # startups only
    assert "<script" not in page.split('name="partner_org_id"')[1].split("</form>")[0]

    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(solution_id=str(s.solution.id), partner_org_id=[str(ally.id), ""], partner_role=["データ分析", ""]),
    )
    assert r.status_code == 302
    application = db.session.query(Application).one()
    assert [(p.org_id, p.role) for p in application.partners] == [(ally.id, "データ分析")]
    detail = founder.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "介護データ株式会社" in detail and "データ分析" in detail

    edit = founder.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert f'<option value="{ally.id}" selected>' in edit and 'value="データ分析"' in edit
    r = founder.post(
        f"/applications/{application.id}/edit",
        data=_form(
            solution_id=str(s.solution.id),
            partner_org_id=[str(ally.id), str(s.other_startup.id)],
            partner_role=["運用保守", "窓口端末の提供"],
        ),
    )
    assert r.status_code == 302
    assert sorted((p.org_id, p.role) for p in reload(application).partners) == sorted(
        [(ally.id, "運用保守"), (s.other_startup.id, "窓口端末の提供")]
    )
    # An empty partner list removes them.
    r = founder.post(f"/applications/{application.id}/edit", data=_form(solution_id=str(s.solution.id)))
    assert r.status_code == 302 and counts(ApplicationPartner) == (0,)


def test_bad_partner_rows_in_the_form_get_messages_next_to_the_row(login):
    s = scene()
    founder = login(s.founder)
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(solution_id=str(s.solution.id), partner_org_id=[""], partner_role=["役割だけ"]),
        headers={"Accept-Language": "ja"},
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "団体を選んでください。" in page  # a role without an organisation
    assert 'value="役割だけ"' in page  # what was typed is kept
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(solution_id=str(s.solution.id), partner_org_id=["999999"], partner_role=[""]),
    )
    assert r.status_code == 422 and "999999" in r.get_data(as_text=True)  # no such organisation
    assert counts(Application) == (0,)
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(solution_id=str(s.solution.id), partner_org_id=[str(s.other_startup.id)], partner_role=["x" * 201]),
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422 and counts(Application) == (0,)


def test_the_api_takes_org_id_or_slug_and_a_role(api):
    s = scene()
    founder = api(s.founder)
    r = founder.post(
        f"/api/v1/challenges/{s.challenge.id}/applications",
        json={
            "solution_id": s.solution.id,
            **PROPOSAL,
            "partners": [
                {"slug": "azumino", "role": "実証フィールドの提供"},
                {"org_id": s.other_startup.id, "role": "端末の供給"},
            ],
        },
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert sorted((p["organization"]["slug"], p["role"]) for p in body["partners"]) == [
        ("azumino", "実証フィールドの提供"),
        ("rival-inc", "端末の供給"),
    ]
    r = founder.patch(
        f"/api/v1/applications/{body['id']}", json={"partners": [{"org_id": s.partner_city.id, "role": "住民説明会"}]}
    )
    assert r.status_code == 200
    assert [(p["organization"]["slug"], p["role"]) for p in r.get_json()["partners"]] == [("azumino", "住民説明会")]


def test_the_api_gives_field_level_errors_per_partner(api):
    s = scene()
    founder = api(s.founder)
    url = f"/api/v1/challenges/{s.challenge.id}/applications"
    r = founder.post(
        url,
        json={
            "solution_id": s.solution.id,
            **PROPOSAL,
            "partners": [
                {"role": "役割だけ"},
                {"slug": "azumino", "org_id": s.partner_city.id},
                {"slug": "azumino", "role": "x" * 201},
                {"slug": "azumino", "colour": "red"},
                42,
            ],
        },
    )
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]["partners"]
    assert set(fields["0"]) == {"org_id"}
    assert set(fields["1"]) == {"slug"}
    assert set(fields["2"]) == {"role"}
    assert set(fields["3"]) == {"colour"}
    assert fields["4"]
    r = founder.post(
        url,
        json={
            "solution_id": s.solution.id,
            **PROPOSAL,
            "partners": [{"slug": "no-such-org"}, {"org_id": 999999}, {"org_id": s.startup.id}],
        },
    )
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]["partners"]
    assert "no-such-org" in fields["0"]["slug"][0] and set(fields["1"]) == {"org_id"} and fields["2"]["org_id"]
    r = founder.post(
        url,
        json={
            "solution_id": s.solution.id,
            **PROPOSAL,
            "partners": [{"slug": "azumino"}, {"org_id": s.partner_city.id}],
        },
    )
    assert r.status_code == 422 and fields and "1" in r.get_json()["error"]["fields"]["partners"]
    assert counts(Application, ApplicationPartner) == (0, 0)
