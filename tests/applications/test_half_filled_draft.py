"""A draft application is saved half-filled (only the solution chosen), in the page and the API; everything
is checked when it is submitted, with a message next to each missing field."""

from __future__ import annotations

import re

from app.applications.models import Application
from tests.applications.helpers import scene
from tests.conftest import reload

FIELDS = ("proposal", "implementation_plan", "schedule", "cost_estimate_jpy", "expected_effect")
BLANK = {k: "" for k in FIELDS}


def test_the_form_only_requires_the_solution_in_html(login, db):
    s = scene()
    page = login(s.founder).get(f"/challenges/{s.challenge.id}/apply").get_data(as_text=True)
    assert re.search(r'<select id="f-solution_id" name="solution_id" required', page)
    for name in FIELDS:
        tag = re.search(rf'<(textarea|input) id="f-{name}"[^>]*>', page).group(0)
        assert " required" not in tag, tag
    assert "下書き" in page and "提出" in page


def test_a_half_filled_draft_is_saved_and_submission_lists_each_missing_field(login, db):
    s = scene()
    founder = login(s.founder)
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data={**BLANK, "solution_id": str(s.solution.id), "proposal": "来庁予約の導入"},
    )
    assert r.status_code == 302
    application = db.session.query(Application).one()
    assert application.status == "draft" and application.proposal == "来庁予約の導入"
    assert application.cost_estimate_jpy is None
    # Editing keeps it half-filled
    r = founder.post(
        f"/applications/{application.id}/edit",
        data={**BLANK, "solution_id": str(s.solution.id), "proposal": "来庁予約の導入", "schedule": "4月〜"},
    )
    assert r.status_code == 302 and reload(application).schedule == "4月〜"
    # Submitting checks everything: the form comes back with a message next to each missing field
    r = founder.post(f"/applications/{application.id}/submit")
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and reload(application).status == "draft"
    for name in ("implementation_plan", "cost_estimate_jpy", "expected_effect"):
        assert f'id="{name}-errors"' in text, name
    assert 'id="proposal-errors"' not in text and 'id="schedule-errors"' not in text
    assert f'action="/applications/{application.id}/edit"' in text  # saving again goes to the edit page
    assert "来庁予約の導入" in text


def test_the_api_saves_a_draft_with_only_the_solution_and_checks_at_submission(api, db):
    s = scene()
    client = api(s.founder)
    r = client.post(f"/api/v1/challenges/{s.challenge.id}/applications", json={"solution_id": s.solution.id})
    assert r.status_code == 201 and r.json["status"] == "draft"
    refused = client.post(f"/api/v1/applications/{r.json['id']}/submit")
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == set(FIELDS)
    missing = client.post(f"/api/v1/challenges/{s.challenge.id}/applications", json={"proposal": "x"})
    assert missing.status_code == 422 and "solution_id" in missing.json["error"]["fields"]
