"""`flask seed-demo`: the core demo data loads completely, once, and its logins work."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Membership, Organization, User
from app.applications.models import DECIDED, Application
from app.challenges.models import Challenge
from app.reviews.models import Committee, ConflictDeclaration, Review
from app.seed.core import STATUS_PATHS, load_data
from app.solutions.models import Solution

DEMO_PASSWORD = load_data()["demo_password"]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def seeded_output(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    db.session.expire_all()
    return result.output


@pytest.fixture
def seeded(seeded_output):
    return load_data()


def test_seed_demo_loads_the_expected_counts(seeded, db):
    assert count(db, Organization) == len(seeded["organizations"]) == 28
    kinds = dict(db.session.execute(select(Organization.kind, func.count()).group_by(Organization.kind)).all())
    assert kinds == {"municipality": 11, "coordinator": 1, "startup": 16}
    core_emails = {u["email"] for u in seeded["users"]}
    assert len(core_emails) == 39
    assert core_emails <= set(db.session.scalars(select(User.email)))  # other domains may add demo staff
    assert count(db, Challenge) == 28
    assert count(db, Solution) == 47
    assert count(db, Application) == 25
    assert count(db, Committee) == 2
    assert db.session.scalar(select(func.count()).where(User.is_platform_admin.is_(True))) == 1
    core_memberships = db.session.scalar(
        select(func.count()).select_from(Membership).join(User).where(User.email.in_(core_emails))
    )
    assert core_memberships == sum(len(u["memberships"]) for u in seeded["users"])


def test_seed_demo_is_idempotent_with_if_empty(app, seeded, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "nothing loaded" in result.output
    assert count(db, Organization) == 28
    assert count(db, Challenge) == 28


@pytest.mark.parametrize("email", ["admin@matsumoto.example.jp", "admin@gijiroku-lab.example.jp"])
def test_demo_logins_work_through_the_form(app, seeded, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.data[:300]
    assert client.get("/account").status_code == 200


def test_wrong_password_is_refused(app, seeded):
    response = app.test_client().post(
        "/login", data={"email": "admin@matsumoto.example.jp", "password": "not-the-demo-pass"}
    )
    assert response.status_code != 302


def test_joint_challenge_has_accepted_co_owners(seeded, db):
    joint = [c for c in db.session.scalars(select(Challenge)) if len(c.co_owners) > 0]
    assert len(joint) == 2
    for challenge in joint:
        assert {c.status for c in challenge.co_owners} == {"accepted"}
    slugs = {c.organization.slug for c in joint[0].co_owners} | {c.organization.slug for c in joint[1].co_owners}
    assert {"shiojiri", "komoro", "achi", "kamiyama"} <= slugs


def test_each_committee_has_one_recusal_and_no_review_from_the_recused_judge(seeded, db):
    for committee in db.session.scalars(select(Committee)):
        recusals = db.session.scalars(
            select(ConflictDeclaration)
            .join(Application, Application.id == ConflictDeclaration.application_id)
            .where(Application.challenge_id == committee.challenge_id, ConflictDeclaration.has_conflict.is_(True))
        ).all()
        assert len(recusals) == 1
        recusal = recusals[0]
        assert recusal.judge_id in committee.judge_ids()
        assert (
            db.session.scalar(
                select(Review).where(
                    Review.application_id == recusal.application_id, Review.judge_id == recusal.judge_id
                )
            )
            is None
        )
        assert committee.challenge.rubric is not None and len(committee.challenge.rubric.criteria) == 5
    reviews = db.session.scalars(select(Review)).all()
    assert len(reviews) == 18
    assert all(r.submitted_at is not None and len(r.scores) == 5 for r in reviews)


def test_application_history_matches_status(seeded, db):
    for application in db.session.scalars(select(Application)):
        path = [h.to_status for h in application.history]
        assert path == ["draft", *STATUS_PATHS[application.status]]
        assert path[-1] == application.status
        assert (application.submitted_at is not None) == (application.status != "draft")
        assert (application.decided_at is not None) == (application.status in DECIDED)


def test_visible_challenges_are_published_with_dates(seeded, db):
    for challenge in db.session.scalars(select(Challenge)):
        assert (challenge.published_at is not None) == (challenge.status in ("published", "closed", "awarded"))
        assert challenge.application_deadline is not None


def test_the_public_sees_a_published_demo_challenge(app, seeded, db):
    challenge = db.session.scalar(
        select(Challenge).where(Challenge.status == "published", Challenge.visibility == "public").limit(1)
    )
    assert app.test_client().get(f"/challenges/{challenge.id}").status_code == 200
    draft = db.session.scalar(select(Challenge).where(Challenge.status == "draft").limit(1))
    assert app.test_client().get(f"/challenges/{draft.id}").status_code == 404


def test_seeding_twice_without_if_empty_fails_clearly_and_changes_nothing(app, seeded, db):
    users_before = count(db, User)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "already loaded" in result.output
    db.session.rollback()
    assert count(db, Organization) == 28
    assert count(db, User) == users_before


def test_seed_demo_reports_each_step_and_builds_the_index_once_with_a_progress_bar(seeded_output):
    """`flask seed-demo` says what it is doing: one line per step, then the index build with its bar."""
    output = seeded_output
    assert "Loading the demo data in" in output
    assert "] core: " in output
    assert "] events: " in output and "] pilots: " in output
    assert "Indexing" in output and "Published generation" in output
    assert output.index("] core: ") < output.index("Indexing") < output.index("Demo data loaded.")


def test_seeding_does_not_reindex_document_by_document(app, db, monkeypatch):
    """The hundreds of per-document index jobs after the seed's commit are what kept it silent for a minute."""
    from app.matchmaking import jobs

    calls = []
    monkeypatch.setattr(jobs, "reindex_document", lambda *args: calls.append(args))
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert calls == []
