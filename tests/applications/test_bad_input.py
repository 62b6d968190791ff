"""Bad input to the applications API: a clear 4xx with field messages, and the database unchanged."""

from __future__ import annotations

from datetime import timedelta

from app.applications.models import Application, ApplicationPartner, ApplicationStatusChange
from app.db import utcnow
from app.extensions import db
from tests.applications.helpers import PROPOSAL, counts, scene
from tests.conftest import reload
from tests.factories import ApplicationFactory

TABLES = (Application, ApplicationPartner, ApplicationStatusChange)


def _create(client, s, **body):
    return client.post(
        f"/api/v1/challenges/{s.challenge.id}/applications", json={"solution_id": s.solution.id, **PROPOSAL, **body}
    )


def test_unknown_fields_and_wrong_types_are_rejected(api):
    s = scene()
    founder = api(s.founder)
    r = _create(founder, s, budget="free", cost_estimate_jpy="abc", partners="azumino")
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert {"budget", "cost_estimate_jpy", "partners"} <= set(fields)
    assert _create(founder, s, cost_estimate_jpy=-5).status_code == 422
    assert counts(*TABLES) == (0, 0, 0)


def test_the_solution_must_be_the_applicants_and_partners_must_exist(api):
    s = scene()
    founder = api(s.founder)
    r = _create(founder, s, solution_id=s.rival_solution.id)
    assert r.status_code == 422 and "solution_id" in r.get_json()["error"]["fields"]
    r = _create(founder, s, partners=["madoguchi-tech"])
    assert r.status_code == 422 and "partners" in r.get_json()["error"]["fields"]
    r = _create(founder, s, partners=["no-such-org"])
    assert r.status_code == 422 and "no-such-org" in r.get_json()["error"]["fields"]["partners"]["0"][0]
    assert counts(*TABLES) == (0, 0, 0)
    # By id works too.
    assert _create(founder, s, partners=[str(s.partner_city.id)]).status_code == 201


def test_one_application_per_startup_per_challenge(api):
    s = scene()
    founder = api(s.founder)
    assert _create(founder, s).status_code == 201
    r = _create(founder, s)
    assert r.status_code == 409 and r.get_json()["error"]["message"]
    assert counts(Application) == (1,)


def test_applying_after_the_deadline_is_refused(api):
    s = scene()
    s.challenge.application_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    r = _create(api(s.founder), s)
    assert r.status_code == 422
    assert "application_deadline" in r.get_json()["error"]["fields"]
    assert "締切" in r.get_json()["error"]["message"]
    assert counts(*TABLES) == (0, 0, 0)


def test_editing_or_submitting_after_the_deadline_is_refused(api):
    s = scene()
    draft = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
        status="draft",
        submitted_at=None,
    )
    s.challenge.application_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    founder = api(s.founder)
    r = founder.patch(f"/api/v1/applications/{draft.id}", json={"proposal": "遅れた変更"})
    assert r.status_code == 422 and "application_deadline" in r.get_json()["error"]["fields"]
    assert founder.post(f"/api/v1/applications/{draft.id}/submit").status_code == 422
    again = reload(draft)
    assert again.status == "draft" and again.proposal == PROPOSAL["proposal"]


def test_editing_a_submitted_application_is_a_conflict(api):
    s = scene()
    submitted = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
    )
    r = api(s.founder).patch(f"/api/v1/applications/{submitted.id}", json={"proposal": "直接の変更"})
    assert r.status_code == 409 and "下書き" in r.get_json()["error"]["message"]
    assert reload(submitted).proposal == PROPOSAL["proposal"]


def test_owner_transitions_are_checked(api):
    s = scene()
    submitted = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
    )
    owner = api(s.owner_admin)
    r = owner.post(f"/api/v1/applications/{submitted.id}/status", json={"status": "shortlisted"})
    assert r.status_code == 409 and "status" in r.get_json()["error"]["fields"]
    r = owner.post(f"/api/v1/applications/{submitted.id}/status", json={"status": "withdrawn"})
    assert r.status_code == 422 and "status" in r.get_json()["error"]["fields"]
    r = owner.post(f"/api/v1/applications/{submitted.id}/status", json={"status": "not_selected", "reason": "  "})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    # A member who is not an admin of the owning municipality cannot decide.
    assert (
        api(s.owner_member)
        .post(f"/api/v1/applications/{submitted.id}/status", json={"status": "under_review"})
        .status_code
        == 403
    )
    assert reload(submitted).status == "submitted" and counts(ApplicationStatusChange) == (0,)


def test_visibility_between_startups_partners_and_owners(api):
    s = scene()
    founder = api(s.founder)
    app_id = _create(founder, s, partners=["azumino"]).get_json()["id"]
    for user in (s.rival, s.owner_admin, s.co_owner, s.judge_a, s.outsider):
        assert api(user).get(f"/api/v1/applications/{app_id}").status_code == 404, user.email
    assert api(s.partner_user).get(f"/api/v1/applications/{app_id}").status_code == 200
    assert api(s.partner_user).patch(f"/api/v1/applications/{app_id}", json={"proposal": "x"}).status_code == 403
    founder.post(f"/api/v1/applications/{app_id}/submit")
    assert api(s.rival).get(f"/api/v1/applications/{app_id}").status_code == 404
    assert api(s.rival).get(f"/api/v1/challenges/{s.challenge.id}/applications").status_code == 403
    assert api(s.co_owner).get(f"/api/v1/applications/{app_id}").status_code == 200
    listing = api(s.owner_member).get(f"/api/v1/challenges/{s.challenge.id}/applications?status=submitted")
    assert listing.get_json()["meta"]["total"] == 1
    assert api(s.owner_member).get(f"/api/v1/challenges/{s.challenge.id}/applications?status=bogus").status_code == 422


def test_messages_follow_the_users_language(api):
    s = scene()
    s.founder.locale = "en"
    db.session.commit()
    submitted = ApplicationFactory(
        challenge=s.challenge,
        challenge_id=s.challenge.id,
        solution=s.solution,
        solution_id=s.solution.id,
        applicant=s.startup,
        applicant_org_id=s.startup.id,
    )
    r = api(s.founder).patch(f"/api/v1/applications/{submitted.id}", json={"proposal": "change"})
    assert r.status_code == 409 and "Recall it to draft" in r.get_json()["error"]["message"]
