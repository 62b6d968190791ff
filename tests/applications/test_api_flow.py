"""The whole flow through the REST API: apply with a partner → submit → review by a committee with
one recused judge → close → ranking → decision; the applicant only ever sees the decision."""

from __future__ import annotations

import json

from app.applications.models import Application, ApplicationStatusChange
from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.reviews.models import ConflictDeclaration
from tests.applications.helpers import PROPOSAL, scene
from tests.conftest import reload

RUBRIC = {
    "title": "評価基準",
    "criteria": [
        {"key": "understanding", "name_ja": "課題理解", "name_en": "Understanding", "weight": 50},
        {"key": "feasibility", "name_ja": "実現可能性", "name_en": "Feasibility", "weight": 30},
        {"key": "cost", "name_ja": "費用対効果", "weight": 20, "scale_min": 1, "scale_max": 10},
    ],
}


def test_the_whole_flow_through_the_api(api, db):
    s = scene()
    founder, owner, judge_a, judge_b = api(s.founder), api(s.owner_admin), api(s.judge_a), api(s.judge_b)
    cid = s.challenge.id

    # Apply with a consortium partner (by slug), then submit.
    r = founder.post(
        f"/api/v1/challenges/{cid}/applications",
        json={"solution_id": s.solution.id, "partners": ["azumino"], **PROPOSAL},
    )
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    assert r.get_json()["status"] == "draft"
    assert [p["organization"]["slug"] for p in r.get_json()["partners"]] == ["azumino"]
    assert owner.get(f"/api/v1/applications/{app_id}").status_code == 404  # drafts are private
    assert api(s.partner_user).get(f"/api/v1/applications/{app_id}").status_code == 200  # partners see it
    r = founder.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"

    # Another startup never sees it; the owners list it.
    assert api(s.rival).get(f"/api/v1/applications/{app_id}").status_code == 404
    listing = owner.get(f"/api/v1/challenges/{cid}/applications").get_json()
    assert [i["id"] for i in listing["items"]] == [app_id] and listing["meta"]["total"] == 1
    assert api(s.co_owner).get(f"/api/v1/challenges/{cid}/applications").status_code == 200

    # Under review (owner admin).
    assert owner.post(f"/api/v1/applications/{app_id}/status", json={"status": "under_review"}).status_code == 200

    # Rubric, committee with two judges, assignments.
    r = owner.put(f"/api/v1/challenges/{cid}/rubric", json=RUBRIC)
    assert r.status_code == 200 and [c["key"] for c in r.get_json()["criteria"]] == [
        "understanding",
        "feasibility",
        "cost",
    ]
    r = owner.put(
        f"/api/v1/challenges/{cid}/committee",
        json={"judges": [s.judge_a.email, s.judge_b.email], "chair": s.judge_a.email},
    )
    assert r.status_code == 200 and {j["id"] for j in r.get_json()["judges"]} == {s.judge_a.id, s.judge_b.id}
    r = owner.post(
        f"/api/v1/challenges/{cid}/committee/assignments",
        json={"application_id": app_id, "judge_ids": [s.judge_a.id, s.judge_b.id]},
    )
    assert r.status_code == 200 and len(r.get_json()["assignments"]) == 2

    # Judge B is recused; judge A declares no conflict and scores.
    r = judge_b.post(
        f"/api/v1/applications/{app_id}/conflict", json={"has_conflict": True, "reason": "元同僚が代表を務めている"}
    )
    assert r.status_code == 200
    r = judge_b.post(
        f"/api/v1/applications/{app_id}/reviews",
        json={"scores": {"understanding": 5, "feasibility": 5, "cost": 10}, "submit": True},
    )
    assert r.status_code == 409 and "conflict" in r.get_json()["error"]["fields"]
    assert judge_a.post(f"/api/v1/applications/{app_id}/conflict", json={"has_conflict": False}).status_code == 200
    r = judge_a.put(
        f"/api/v1/applications/{app_id}/reviews",
        json={"scores": {"understanding": 4, "feasibility": 3, "cost": 8}, "comment": "堅実な提案", "submit": True},
    )
    assert r.status_code == 200, r.get_json()
    assert abs(r.get_json()["weighted"] - (4 * 50 + 3 * 30 + 8 * 20) / 100) < 1e-9
    assert judge_b.get(f"/api/v1/applications/{app_id}/reviews").get_json() == []  # recused: no scores

    # The recusal is logged and shown to the owners.
    committee = owner.get(f"/api/v1/challenges/{cid}/committee").get_json()
    assert [(x["judge_id"], x["application_id"]) for x in committee["recusals"]] == [(s.judge_b.id, app_id)]
    logged = (
        db.session.query(AuditEvent)
        .filter_by(object_type="conflict_declarations", action="create")
        .order_by(AuditEvent.id)
        .all()
    )  # PostgreSQL returns rows in no particular order without it
    assert [(e.actor_id, e.after["has_conflict"]) for e in logged] == [(s.judge_b.id, True), (s.judge_a.id, False)]
    assert {e.org_id for e in logged} == {s.city.id}  # in the owning municipality's audit log

    # The rubric is now locked.
    assert owner.put(f"/api/v1/challenges/{cid}/rubric", json=RUBRIC).status_code == 409

    # Judges see the ranking only after the chair closes; the owner sees it live.
    assert owner.get(f"/api/v1/challenges/{cid}/ranking").status_code == 200
    assert judge_a.get(f"/api/v1/challenges/{cid}/ranking").status_code == 403
    assert owner.post(f"/api/v1/challenges/{cid}/committee/close").status_code == 403  # not the chair
    assert judge_a.post(f"/api/v1/challenges/{cid}/committee/close").status_code == 200
    ranking = judge_a.get(f"/api/v1/challenges/{cid}/ranking").get_json()
    item = ranking["items"][0]
    assert ranking["committee_status"] == "closed"
    assert item["application_id"] == app_id and item["rank"] == 1 and item["judges"] == 1
    assert item["recusals"] == 1 and item["spread"] == 0.0 and abs(item["mean"] - 4.5) < 1e-9

    # Nothing changes after closing.
    r = judge_a.put(
        f"/api/v1/applications/{app_id}/reviews",
        json={"scores": {"understanding": 1, "feasibility": 1, "cost": 1}, "submit": True},
    )
    assert r.status_code == 409

    # Decision with a published reason.
    r = owner.post(f"/api/v1/applications/{app_id}/status", json={"status": "selected"})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = owner.post(
        f"/api/v1/applications/{app_id}/status",
        json={"status": "selected", "reason": "費用対効果と実現可能性が高く評価されました。"},
    )
    assert r.status_code == 409 and "confirm_early" in r.get_json()["error"]["fields"]  # before the deadline
    r = owner.post(
        f"/api/v1/applications/{app_id}/status",
        json={"status": "selected", "reason": "費用対効果と実現可能性が高く評価されました。", "confirm_early": True},
    )
    assert r.status_code == 200 and r.get_json()["status"] == "selected"

    # The applicant sees the decision and its reason, never scores or comments.
    mine = founder.get(f"/api/v1/applications/{app_id}")
    body = mine.get_data(as_text=True)
    assert mine.get_json()["decision_reason"].startswith("費用対効果")
    assert "堅実な提案" not in body and "score" not in body and "weighted" not in body
    assert founder.get(f"/api/v1/applications/{app_id}/reviews").status_code == 403
    assert founder.get(f"/api/v1/challenges/{cid}/ranking").status_code == 403
    assert api(s.partner_user).get(f"/api/v1/applications/{app_id}/reviews").status_code == 403
    history = founder.get(f"/api/v1/applications/{app_id}/history").get_json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "selected"),
    ]
    assert "堅実" not in json.dumps(history)

    # Every status change notified the applicant's members.
    kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=s.founder.id)]
    assert kinds == ["application.submitted", "application.under_review", "application.selected"]
    assert db.session.query(ApplicationStatusChange).count() == 4
    assert db.session.query(ConflictDeclaration).filter_by(has_conflict=True).count() == 1
    assert reload(db.session.get(Application, app_id)).decided_by_id == s.owner_admin.id


def test_recall_edit_resubmit_and_withdraw(api, db):
    s = scene()
    founder = api(s.founder)
    r = founder.post(f"/api/v1/challenges/{s.challenge.id}/applications", json={"solution_id": s.solution.id})
    app_id = r.get_json()["id"]
    r = founder.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {
        "proposal",
        "implementation_plan",
        "schedule",
        "cost_estimate_jpy",
        "expected_effect",
    }
    assert founder.patch(f"/api/v1/applications/{app_id}", json=PROPOSAL).status_code == 200
    assert founder.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
    r = founder.patch(f"/api/v1/applications/{app_id}", json={"proposal": "変更"})
    assert r.status_code == 409 and "下書きに戻し" in r.get_json()["error"]["message"]
    assert founder.post(f"/api/v1/applications/{app_id}/recall").get_json()["status"] == "draft"
    assert founder.patch(f"/api/v1/applications/{app_id}", json={"proposal": "改訂版"}).status_code == 200
    assert founder.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
    assert founder.post(f"/api/v1/applications/{app_id}/withdraw").get_json()["status"] == "withdrawn"
    assert founder.post(f"/api/v1/applications/{app_id}/withdraw").status_code == 409
    assert reload(db.session.get(Application, app_id)).proposal == "改訂版"
