"""The key steps through the pages: apply, submit, review with a recused judge, rank, decide."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from app.applications.models import Application
from app.applications.sections import challenge_section
from app.db import utcnow
from app.reviews.models import ConflictDeclaration, Review
from tests.applications.helpers import PROPOSAL, counts, scene
from tests.conftest import reload
from tests.factories import RubricFactory


def _form(**extra):
    return {k: str(v) for k, v in PROPOSAL.items()} | extra


def test_the_flow_through_the_pages(login, db):
    s = scene()
    s.challenge.rubric_id = RubricFactory(
        criteria=[("understanding", "課題理解", 60), ("feasibility", "実現可能性", 40)]
    ).id
    db.session.commit()
    founder = login(s.founder)
    page = founder.get(f"/challenges/{s.challenge.id}/apply")
    assert page.status_code == 200 and 'name="proposal"' in page.get_data(as_text=True)
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(
            solution_id=str(s.solution.id), partner_org_id=str(s.partner_city.id), partner_role="住民説明会の運営"
        ),
    )
    assert r.status_code == 302
    application = db.session.query(Application).one()
    assert [p.organization.slug for p in application.partners] == ["azumino"]
    assert founder.post(f"/applications/{application.id}/submit").status_code == 302
    assert reload(application).status == "submitted"
    # A second visit to "apply" leads to the existing application.
    assert (
        founder.get(f"/challenges/{s.challenge.id}/apply")
        .headers["Location"]
        .endswith(f"/applications/{application.id}")
    )

    # Other startups: 404. Partner: can read.
    assert login(s.rival).get(f"/applications/{application.id}").status_code == 404
    assert login(s.partner_user).get(f"/applications/{application.id}").status_code == 200

    owner = login(s.owner_admin)
    listing = owner.get(f"/challenges/{s.challenge.id}/applications").get_data(as_text=True)
    assert s.startup.name_ja in listing
    assert owner.post(f"/applications/{application.id}/status", data={"status": "under_review"}).status_code == 302
    r = owner.post(
        f"/challenges/{s.challenge.id}/committee/members",
        data={"judges": f"{s.judge_a.email}\n{s.judge_b.email}", "chair": s.owner_admin.email},
    )
    assert r.status_code == 302
    assert owner.get(f"/challenges/{s.challenge.id}/committee").status_code == 200
    r = owner.post(
        f"/challenges/{s.challenge.id}/committee/assign",
        data={"application_id": str(application.id), "judge_ids": [str(s.judge_a.id), str(s.judge_b.id)]},
    )
    assert r.status_code == 302

    # Judge B declares a conflict and is recused; judge A scores.
    judge_b = login(s.judge_b)
    panel = judge_b.get("/dashboard").get_data(as_text=True)
    assert f"/applications/{application.id}/review" in panel and s.startup.name_ja in panel
    r = judge_b.post(
        f"/applications/{application.id}/review/conflict", data={"has_conflict": "true", "reason": "元同僚"}
    )
    assert r.status_code == 302
    assert "元同僚" in judge_b.get(f"/applications/{application.id}/review").get_data(as_text=True)
    r = judge_b.post(
        f"/applications/{application.id}/review",
        data={"score_understanding": "5", "score_feasibility": "5", "action": "submit"},
    )
    assert r.status_code == 409
    judge_a = login(s.judge_a)
    assert (
        judge_a.post(f"/applications/{application.id}/review/conflict", data={"has_conflict": "false"}).status_code
        == 302
    )
    r = judge_a.post(
        f"/applications/{application.id}/review",
        data={"score_understanding": "9", "score_feasibility": "3", "action": "submit"},
    )
    assert r.status_code == 422 and "1" in r.get_data(as_text=True)
    assert counts(Review) == (0,)
    r = judge_a.post(
        f"/applications/{application.id}/review",
        data={"score_understanding": "4", "score_feasibility": "3", "comment": "審査コメント秘密", "action": "submit"},
    )
    assert r.status_code == 302

    owner_view = owner.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "審査員A" in owner_view and "3.60" in owner_view  # owners see the judges' scores
    ranking = owner.get(f"/challenges/{s.challenge.id}/ranking")
    assert ranking.status_code == 200 and "3.60" in ranking.get_data(as_text=True)
    assert owner.post(f"/challenges/{s.challenge.id}/committee/close").status_code == 302
    r = owner.post(f"/applications/{application.id}/status", data={"status": "selected", "reason": ""})
    assert r.status_code == 422
    r = owner.post(
        f"/applications/{application.id}/status",
        data={"status": "selected", "reason": "実現可能性が高いため採択します。"},
    )
    assert r.status_code == 409  # the deadline has not passed: the page asks to confirm
    r = owner.post(
        f"/applications/{application.id}/status",
        data={"status": "selected", "reason": "実現可能性が高いため採択します。", "confirm_early": "1"},
    )
    assert r.status_code == 302 and reload(application).early_decision == ["before_deadline"]

    seen = founder.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "実現可能性が高いため採択します。" in seen
    assert "審査コメント秘密" not in seen and "3.60" not in seen
    assert founder.get(f"/challenges/{s.challenge.id}/ranking").status_code == 403
    assert founder.get(f"/applications/{application.id}/review").status_code == 403
    assert db.session.query(ConflictDeclaration).filter_by(has_conflict=True).count() == 1


def test_the_apply_form_shows_field_errors(login, db):
    s = scene()
    founder = login(s.founder)
    r = founder.post(
        f"/challenges/{s.challenge.id}/apply",
        data=_form(solution_id=str(s.rival_solution.id), cost_estimate_jpy="たくさん"),
    )
    assert r.status_code == 422
    assert 'id="cost_estimate_jpy-errors"' in r.get_data(as_text=True)
    assert counts(Application) == (0,)


def test_after_the_deadline_the_page_explains_why_not(app, login, db):
    s = scene()
    s.challenge.application_deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    r = login(s.founder).post(f"/challenges/{s.challenge.id}/apply", data=_form(solution_id=str(s.solution.id)))
    assert r.status_code == 422 and counts(Application) == (0,)
    with app.test_request_context("/"):
        ctx = challenge_section(reload(s.challenge), s.founder)
        assert ctx["mode"] == "startup" and not ctx["can_apply"] and ctx["deadline_passed"]
        html = render_template("applications/_challenge_section.html", ctx=ctx)
    assert "deadline has passed" in html or "締切" in html


def test_editing_a_submitted_application_through_the_page_is_refused(login, db):
    s = scene()
    founder = login(s.founder)
    founder.post(f"/challenges/{s.challenge.id}/apply", data=_form(solution_id=str(s.solution.id)))
    application = db.session.query(Application).one()
    founder.post(f"/applications/{application.id}/submit")
    r = founder.post(f"/applications/{application.id}/edit", data={"proposal": "上書き"})
    assert r.status_code == 409
    assert reload(application).proposal == PROPOSAL["proposal"]
    assert founder.post(f"/applications/{application.id}/recall").status_code == 302
    assert founder.post(f"/applications/{application.id}/edit", data=_form(proposal="改訂")).status_code == 302
    assert reload(application).proposal == "改訂"


def test_dashboard_panels(login, db):
    s = scene()
    founder = login(s.founder)
    founder.post(f"/challenges/{s.challenge.id}/apply", data=_form(solution_id=str(s.solution.id)))
    assert s.challenge.title in founder.get("/dashboard").get_data(as_text=True)
