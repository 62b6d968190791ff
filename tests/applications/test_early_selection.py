"""Selecting before the committee has closed scoring, or before the application deadline, is not silent:
the page warns and asks to confirm, the API needs `confirm_early`, and the early decision is recorded and
shown on the committee ranking (page and API)."""

from __future__ import annotations

from datetime import timedelta

from app.applications.models import Application
from app.db import utcnow
from app.extensions import db
from app.reviews.models import Committee
from tests.applications.helpers import PROPOSAL, scene
from tests.conftest import reload

REASON = "実現可能性が高いため採択します。"


def _submitted(s, deadline_days=10, committee_status="open"):
    s.challenge.application_deadline = utcnow() + timedelta(days=deadline_days)
    application = Application(
        challenge_id=s.challenge.id,
        solution_id=s.solution.id,
        applicant_org_id=s.startup.id,
        status="under_review",
        submitted_at=utcnow(),
        **PROPOSAL,
    )
    db.session.add(application)
    if committee_status:
        db.session.add(
            Committee(
                challenge=s.challenge,
                challenge_id=s.challenge.id,
                status=committee_status,
                closed_at=utcnow() if committee_status == "closed" else None,
            )
        )
    db.session.commit()
    return application


def test_api_refuses_an_early_selection_without_confirmation_and_records_it(api, db):
    s = scene()
    application = _submitted(s)
    owner = api(s.owner_admin)
    url = f"/api/v1/applications/{application.id}/status"
    refused = owner.post(url, json={"status": "selected", "reason": REASON})
    assert refused.status_code == 409 and "confirm_early" in refused.json["error"]["fields"]
    message = refused.json["error"]["message"]
    assert "審査委員会" in message and "締切" in message
    assert reload(application).status == "under_review"
    r = owner.post(url, json={"status": "selected", "reason": REASON, "confirm_early": True})
    assert r.status_code == 200 and r.json["early_decision"] == ["committee_open", "before_deadline"]
    stored = reload(application)
    assert stored.early_decision == ["committee_open", "before_deadline"] and stored.decided_by_id == s.owner_admin.id
    ranking = owner.get(f"/api/v1/challenges/{s.challenge.id}/ranking").json["items"]
    assert ranking[0]["early_decision"] == ["committee_open", "before_deadline"]


def test_in_order_selection_needs_no_confirmation(api, db):
    s = scene()
    application = _submitted(s, deadline_days=-1, committee_status="closed")
    r = api(s.owner_admin).post(
        f"/api/v1/applications/{application.id}/status", json={"status": "selected", "reason": REASON}
    )
    assert r.status_code == 200 and r.json["early_decision"] is None


def test_not_selecting_stays_possible_without_confirmation(api, db):
    s = scene()
    application = _submitted(s)
    r = api(s.owner_admin).post(
        f"/api/v1/applications/{application.id}/status",
        json={"status": "not_selected", "reason": "要件を満たさないため"},
    )
    assert r.status_code == 200


def test_the_page_warns_asks_to_confirm_and_the_ranking_shows_it(login, db):
    s = scene()
    application = _submitted(s, deadline_days=-1)  # deadline passed, committee still open
    owner = login(s.owner_admin)
    page = owner.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="early-warning"' in page and "審査委員会が採点を締め切っていません" in page
    assert 'name="confirm_early"' in page and "締切" not in page.split('id="early-warning"')[1].split("</p>")[0]
    refused = owner.post(f"/applications/{application.id}/status", data={"status": "selected", "reason": REASON})
    assert refused.status_code == 409 and 'id="confirm_early-errors"' in refused.get_data(as_text=True)
    assert "confirm_early:" not in refused.get_data(as_text=True)
    assert reload(application).status == "under_review"
    r = owner.post(
        f"/applications/{application.id}/status", data={"status": "selected", "reason": REASON, "confirm_early": "1"}
    )
    assert r.status_code == 302 and reload(application).early_decision == ["committee_open"]
    detail = owner.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "早期採択（確認済み）" in detail
    assert "早期採択" not in login(s.founder).get(f"/applications/{application.id}").get_data(as_text=True)
    ranking = owner.get(f"/challenges/{s.challenge.id}/ranking").get_data(as_text=True)
    assert "early-decision" in ranking and "審査委員会が採点を締め切っていません" in ranking
