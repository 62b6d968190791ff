"""The index follows the database: jobs on create/change/publish/unpublish; failures are visible."""

from sqlalchemy import select

from app.db import commit
from app.extensions import db as _db
from app.matchmaking import hooks, index
from app.matchmaking.models import IndexingFailure, ReindexRun
from tests.factories import (
    ChallengeFactory,
    MunicipalityFactory,
    SolutionFactory,
    StartupFactory,
    UserFactory,
    member_of,
)
from tests.matchmaking.factories import build_index


def _indexed(doc_id):
    return doc_id in index.shared_engine().engine()


def test_changes_are_enqueued_on_the_matchmaking_queue(app, monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "enqueue", lambda *args: calls.append(args))
    city = MunicipalityFactory()
    c = ChallengeFactory(owner=city, owner_org_id=city.id, status="draft", published_at=None)
    assert ("matchmaking", "app.matchmaking.jobs:reindex_document", "challenge", c.id) in calls
    calls.clear()
    c.title = "新しい題名"
    c.summary = "変更"
    commit()
    assert calls == [("matchmaking", "app.matchmaking.jobs:reindex_document", "challenge", c.id)]  # once
    calls.clear()
    c.status = "published"
    commit()
    assert ("matchmaking", "app.matchmaking.jobs:queue_alerts", c.id) in calls


def test_publish_change_unpublish_update_the_index(app, db):
    build_index()
    startup = StartupFactory()
    s = SolutionFactory(organization=startup, org_id=startup.id, status="draft")
    commit()  # runs what the factories' commits queued
    key = f"solution:{s.id}"
    assert not _indexed(key)
    s.status = "published"
    commit()
    assert _indexed(key)
    s.title = "まったく別の名前 ひまわり"
    commit()
    assert index.shared_engine().engine().get(key).title == "まったく別の名前 ひまわり"
    s.status = "archived"
    commit()
    assert not _indexed(key)


def test_failures_are_recorded_shown_and_resolved(app, db, login, monkeypatch):
    from app.jobs import run_job

    build_index()
    city = MunicipalityFactory()
    c = ChallengeFactory(owner=city, owner_org_id=city.id)
    handle = index.shared_engine()
    real = handle.update

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(handle, "update", broken)
    for _ in range(2):
        try:
            run_job("app.matchmaking.jobs:reindex_document", "challenge", c.id)
        except OSError:
            pass
        else:
            raise AssertionError("the job must fail so that RQ retries it")
    rows = _db.session.scalars(select(IndexingFailure)).all()
    assert len(rows) == 1 and rows[0].attempts == 2 and "disk full" in rows[0].error
    admin = UserFactory(is_platform_admin=True)
    html = login(admin).get("/admin/matchmaking").get_data(as_text=True)
    assert "disk full" in html
    monkeypatch.setattr(handle, "update", real)
    run_job("app.matchmaking.jobs:reindex_document", "challenge", c.id)
    _db.session.expire_all()
    assert _db.session.scalars(select(IndexingFailure)).one().resolved_at is not None


def test_admin_reindex_runs_as_a_job_and_reports_progress(app, db, login):
    city = MunicipalityFactory()
    ChallengeFactory(owner=city, owner_org_id=city.id)
    admin = login(UserFactory(is_platform_admin=True))
    assert admin.post("/admin/matchmaking/reindex").status_code == 302
    progress = admin.get("/admin/matchmaking/progress").json["run"]
    assert progress["status"] == "done" and progress["done"] == progress["total"] >= 1
    assert progress["generation"].startswith("gen-")
    page = admin.get("/admin/matchmaking").get_data(as_text=True)
    assert "matchmaking-admin.js" in page
    assert _db.session.scalars(select(ReindexRun)).one().status == "done"


def test_index_is_built_on_demand(app, tmp_path, api):
    old = app.config["MATCHMAKING_DIR"]
    app.config["MATCHMAKING_DIR"] = str(tmp_path / "fresh")
    try:
        city = MunicipalityFactory()
        ChallengeFactory(owner=city, owner_org_id=city.id)
        startup = StartupFactory()
        s = SolutionFactory(organization=startup, org_id=startup.id)
        admin = api(UserFactory(is_platform_admin=True))
        r = admin.get(f"/api/v1/solutions/{s.id}/matches")
        assert r.status_code == 200 and r.json["items"]
        st = admin.get("/api/v1/matchmaking/status").json
        assert st["built"] and st["by_kind"] == {"challenge": 1, "solution": 1}
        assert st["semantic"]["active"] is False and st["mode"] == "lexical"
    finally:
        app.config["MATCHMAKING_DIR"] = old


def test_semantic_backend_when_enabled(app, tmp_path, api):
    """One test with the model on: hybrid mode and a semantic similarity in the reasons."""
    from tests.matchmaking.factories import market, semantic_model_on

    with semantic_model_on(app, tmp_path / "sem") as index:
        m = market()
        build_index()
        assert index.shared_engine().engine().semantic_active, index.shared_engine().status()["semantic"]["reason"]
        r = api(m["owner_member"]).get(f"/api/v1/challenges/{m['challenge'].id}/matches")
        assert r.json["mode"] == "hybrid"
        assert r.json["items"][0]["id"] == m["good"].id
        top = r.json["items"][0]
        assert top["meaning"] and top["meaning"].startswith("内容が近い：") and "semantic_score" not in top


def test_other_domains_register_document_kinds(app, tmp_path):
    """A pilot-like kind plugs in with register_kind and shows up among similar documents."""
    from sqlalchemy import select as sa_select

    from app.challenges.models import Challenge
    from app.matchmaking import documents, services
    from app.matchmaking.engine import Document

    old = app.config["MATCHMAKING_DIR"]
    app.config["MATCHMAKING_DIR"] = str(tmp_path / "kinds")
    # Closed challenges stand in for "pilots" (a kind backed by any model).
    documents.register_kind(
        "pilotlike",
        model=Challenge,
        to_document=lambda c: Document(
            id=documents.doc_id("pilotlike", c.id), kind="pilotlike", title=c.title, text=c.summary, language="ja"
        ),
        load_visible=lambda: sa_select(Challenge).where(Challenge.status == "closed"),
        url=lambda i: f"/p/{i}",
    )
    try:
        city = MunicipalityFactory()
        base = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 つばめ")
        done = ChallengeFactory(owner=city, owner_org_id=city.id, title="窓口の待ち時間 つばめ 実証", status="closed")
        build_index()
        kinds = {(i["kind"], i["object_id"]) for i in services.similar_to_challenge(base, None)}
        assert ("pilotlike", done.id) in kinds
    finally:
        documents.KINDS.pop("pilotlike", None)
        app.config["MATCHMAKING_DIR"] = old


def test_with_redis_updates_go_to_the_matchmaking_queue_with_retries(app):
    import pytest

    if not app.config.get("REDIS_URL"):
        pytest.skip("needs TEST_REDIS_URL")
    from app.jobs import get_queue

    app.config["JOBS_INLINE"] = False
    try:
        city = MunicipalityFactory()
        c = ChallengeFactory(owner=city, owner_org_id=city.id, status="draft", published_at=None)
        c.title = "変更後"
        commit()
        jobs = get_queue("matchmaking").get_jobs()
        args = [j.args for j in jobs]
        assert ("app.matchmaking.jobs:reindex_document", "challenge", c.id) in args
        assert all(j.retries_left == 3 for j in jobs)
    finally:
        app.config["JOBS_INLINE"] = True


def test_pages_never_build_the_index_they_enqueue_the_build(app, tmp_path, login, monkeypatch):
    """Without an index, the challenge page answers at once (empty state) and a full build is
    enqueued once on the "matchmaking" queue; the page itself builds nothing."""
    import app.jobs as jobs

    calls = []
    monkeypatch.setattr(jobs, "enqueue_now", lambda *args: calls.append(args))
    city = MunicipalityFactory()
    c = ChallengeFactory(owner=city, owner_org_id=city.id)
    startup = StartupFactory()
    SolutionFactory(organization=startup, org_id=startup.id)
    client = login(member_of(city, role="admin"))
    commit()
    monkeypatch.setitem(app.config, "MATCHMAKING_DIR", str(tmp_path / "none"))  # no index yet
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    real_rebuild = index.rebuild
    monkeypatch.setattr(index, "rebuild", lambda *a, **k: (_ for _ in ()).throw(AssertionError("built inline")))
    for _ in range(2):
        r = client.get(f"/challenges/{c.id}")
        assert r.status_code == 200
    assert index.building()
    assert [a[:2] for a in calls] == [("matchmaking", "app.matchmaking.jobs:reindex_all")]
    run = _db.session.get(ReindexRun, calls[0][2])
    assert run.status == "queued"
    monkeypatch.setattr(index, "rebuild", real_rebuild)
    index.run_reindex(run.id)  # what the worker does
    assert not index.building()


def test_inline_jobs_build_small_corpora_on_first_request_only(app, tmp_path, monkeypatch):
    """Embedded mode (no worker): a small corpus is built by the first request (the demo shows
    matches at once); beyond MATCHMAKING_INLINE_BUILD_MAX nothing is built inline."""
    monkeypatch.setitem(app.config, "MATCHMAKING_DIR", str(tmp_path / "big"))
    monkeypatch.setitem(app.config, "MATCHMAKING_INLINE_BUILD_MAX", 0)
    city = MunicipalityFactory()
    ChallengeFactory(owner=city, owner_org_id=city.id)
    with app.test_request_context("/"):
        assert len(index.engine()) == 0 and index.building()
    monkeypatch.setitem(app.config, "MATCHMAKING_DIR", str(tmp_path / "small"))
    monkeypatch.setitem(app.config, "MATCHMAKING_INLINE_BUILD_MAX", 5000)
    with app.test_request_context("/"):
        assert len(index.engine()) == 1 and not index.building()


def test_an_unchanged_document_publishes_no_new_generation(app, db):
    """A reindex job for a document the index already holds as it is (a commit's jobs after a
    full build, as in `flask seed-demo`) does no work twice; a real change still publishes."""
    from tests.matchmaking.factories import market

    m = market()
    first = build_index()
    assert index.reindex_document("solution", m["good"].id) == first
    assert index.shared_engine().store.current() == first
    m["good"].title = "来庁予約と番号発券 (改訂)"
    commit()  # app.db.commit: runs the queued reindex job
    assert index.shared_engine().store.current() != first  # the commit's job published the change
    assert index.shared_engine().engine().get(f"solution:{m['good'].id}").title == "来庁予約と番号発券 (改訂)"
