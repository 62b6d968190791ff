"""Published challenges alert matching startups: at most one digest per startup per day."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.db import commit
from app.jobs import PERIODIC
from app.matchmaking import alerts
from app.matchmaking.models import DigestLog, PendingAlert
from app.notifications.models import Notification
from app.matchmaking import documents, index
from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory
from tests.matchmaking.factories import build_index, market
from tests.matchmaking.test_ranking import FILLER_TOPICS

MORNING = datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)  # 09:00 in Tokyo


def _publish(db, challenge):
    challenge.status = "published"
    commit()  # the after_flush hook queues the alert job; inline in tests


def _digests(db):
    return db.session.scalars(select(Notification).where(Notification.kind == "matchmaking.digest")).all()


def test_periodic_job_is_declared():
    job = PERIODIC["matchmaking.daily_digest"]
    assert job.func == "app.matchmaking.jobs:send_daily_digests" and job.queue == "matchmaking"
    assert job.at.hour == 8


def test_publishing_queues_alerts_for_matching_startups(app, db):
    m = market()
    build_index()
    second_city = MunicipalityFactory()
    challenge = ChallengeFactory(
        owner=second_city,
        owner_org_id=second_city.id,
        status="draft",
        published_at=None,
        title="窓口の待ち時間を短縮したい 第二",
    )
    assert db.session.scalar(select(func.count(PendingAlert.id))) == 0
    _publish(db, challenge)
    orgs = set(db.session.scalars(select(PendingAlert.org_id).where(PendingAlert.challenge_id == challenge.id)))
    assert m["good_startup"].id in orgs
    assert m["other"].id not in orgs  # the wildlife sensor does not match; the draft is not a candidate


def test_only_matches_are_alerted_not_merely_better_than_average(app, db):
    m = market()
    for topic in FILLER_TOPICS[:18]:  # a realistic population: unrelated products
        org = StartupFactory()
        SolutionFactory(
            organization=org,
            org_id=org.id,
            title=f"{topic}システム",
            summary=f"{topic}の業務を効率化します。",
            features=[],
            tags=[],
            category="other",
        )
    library = StartupFactory()  # shares "予約" with the challenge, but is not what it asks for
    weak = SolutionFactory(
        organization=library,
        org_id=library.id,
        title="図書館の蔵書予約システム",
        summary="図書館の本をスマートフォンから予約できます。",
        features=[],
        tags=[],
        category="education",
    )
    build_index()
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id, status="draft", published_at=None)
    _publish(db, challenge)
    orgs = set(db.session.scalars(select(PendingAlert.org_id).where(PendingAlert.challenge_id == challenge.id)))
    assert orgs == {m["good_startup"].id}  # not the LGWAN violator, not the library, not the fillers
    allowed = {documents.doc_id("solution", i) for i in documents.visible_solution_ids(None)}
    hits = {
        h.id: h
        for h in index.engine().search(
            documents.challenge_document(challenge), kinds=("solution",), k=50, allowed_ids=allowed
        )
    }
    library_hit = hits[documents.doc_id("solution", weak.id)]
    # well above a typical product (the old "score >= 0.2" rule alerted it), below the match floor
    assert 0.2 < library_hit.score < index.engine().config.match_floor and not library_hit.is_match
    assert hits[documents.doc_id("solution", m["good"].id)].is_match


def test_one_digest_per_startup_per_day_and_idempotent(app, db):
    m = market()
    build_index()
    city = MunicipalityFactory()
    first = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 一")
    second = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 二")
    for c in (first, second):
        alerts.queue_alerts_for_challenge(c.id)
    commit()
    assert alerts.send_daily_digests(MORNING) == 1
    commit()
    notes = _digests(db)
    assert {n.user_id for n in notes} == {m["startup_admin"].id, m["startup_member"].id}
    assert notes[0].params["count"] >= 2
    # Running again the same day (a retry, a second scheduler) sends nothing.
    assert alerts.send_daily_digests(MORNING + timedelta(hours=3)) == 0
    commit()
    assert len(_digests(db)) == 2
    # A new match later the same day waits for tomorrow.
    third = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 三")
    alerts.queue_alerts_for_challenge(third.id)
    commit()
    assert alerts.send_daily_digests(MORNING + timedelta(hours=5)) == 0
    assert alerts.send_daily_digests(MORNING + timedelta(days=1)) == 1
    commit()
    assert len(_digests(db)) == 4
    assert db.session.scalar(select(func.count(DigestLog.id))) == 2
    # Nothing pending: no empty digest.
    assert alerts.send_daily_digests(MORNING + timedelta(days=2)) == 0


def test_digest_job_runs_through_the_job_runner(app, db):
    from app.jobs import run_job

    market()
    build_index()
    city = MunicipalityFactory()
    c = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 四")
    run_job("app.matchmaking.jobs:queue_alerts", c.id)
    assert run_job("app.matchmaking.jobs:send_daily_digests") == 1
    assert run_job("app.matchmaking.jobs:send_daily_digests") == 0
