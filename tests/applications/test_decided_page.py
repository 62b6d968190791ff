"""The applicant's page once decided: the decision and its reason, no empty "Your application" card."""

from __future__ import annotations

from app.applications.models import Application
from tests.factories import ApplicationFactory

from .helpers import scene


def test_decided_application_shows_the_decision_without_an_empty_actions_card(login, db):
    s = scene()
    application = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
        status="selected",
        decision_reason="評価が最も高いため",
    )
    page = login(s.founder).get(f"/applications/{application.id}")
    assert page.status_code == 200 and "評価が最も高いため" in page.text
    assert "自社の応募</h2>" not in page.text
    application = db.session.get(Application, application.id)
    application.status = "submitted"
    db.session.commit()
    assert "自社の応募</h2>" in login(s.founder).get(f"/applications/{application.id}").text
