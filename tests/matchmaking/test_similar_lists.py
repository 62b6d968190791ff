"""Similar past challenges are precomputed when the index changes; the page checks visibility per view."""

from sqlalchemy import update

from app.challenges.models import Challenge
from app.db import commit
from app.extensions import db as _db
from app.matchmaking import index, services, similar
from app.matchmaking.models import ReindexRun, SimilarList
from tests.factories import ChallengeFactory, MunicipalityFactory, UserFactory

BASE = dict(title="窓口の待ち時間を短縮したい", summary="来庁者の待ち時間が長く、番号札の呼び出しに苦情が多い。")
TWIN = dict(
    title="市民課窓口の待ち時間 短縮", summary="来庁者の待ち時間が長く、番号札で呼び出している。予約を導入したい。"
)
OTHER = dict(
    title="鳥獣被害の対策",
    summary="イノシシやシカが畑を荒らす。センサーで出没を検知したい。",
    category="agriculture",
    tags=["鳥獣"],
)


def _challenge(city, **kw):
    return ChallengeFactory(owner=city, owner_org_id=city.id, **kw)


def _reindex():
    """What the worker does for a full rebuild (rebuild, then every similar list), committed."""
    run = ReindexRun(status="queued")
    _db.session.add(run)
    commit()
    index.run_reindex(run.id)
    commit()
    return run


def _similar_titles(client, challenge):
    page = client.get(f"/challenges/{challenge.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    if 'id="similar"' not in html:
        return ""
    return html.split('id="similar"', 1)[1].split("</section>", 1)[0]


def test_full_rebuild_stores_a_list_per_challenge_and_the_page_reads_it(app, anon, monkeypatch):
    city, other_city = MunicipalityFactory(), MunicipalityFactory()
    base = _challenge(city, **BASE)
    twin = _challenge(other_city, **TWIN)
    boars = _challenge(other_city, **OTHER)
    _reindex()
    row = _db.session.get(SimilarList, f"challenge:{base.id}")
    assert row is not None and row.generation == index.shared_engine().store.current()
    ids = [it["id"] for it in row.items]
    assert ids[0] == f"challenge:{twin.id}" and f"challenge:{base.id}" not in ids
    assert row.items[0]["terms"]  # the reasons are kept with the list
    # the page serves the list without searching the index
    monkeypatch.setattr(
        services, "similar_to_challenge", lambda *a, **k: (_ for _ in ()).throw(AssertionError("searched live"))
    )
    section = _similar_titles(anon, base)
    assert twin.title in section
    assert section.index(twin.title) < section.find(boars.title) if boars.title in section else True


def test_visibility_is_checked_on_every_view_not_stored(app, anon, login):
    city, other_city = MunicipalityFactory(), MunicipalityFactory()
    base = _challenge(city, **BASE)
    members = _challenge(other_city, visibility="members", **TWIN)
    _reindex()
    assert f"challenge:{members.id}" in [it["id"] for it in _db.session.get(SimilarList, f"challenge:{base.id}").items]
    assert members.title not in _similar_titles(anon, base)  # members only: not for the public
    assert members.title in _similar_titles(login(UserFactory()), base)
    # unpublished behind the index's back (no job ran): gone from the list at once
    _db.session.execute(update(Challenge).where(Challenge.id == members.id).values(status="draft"))
    commit()
    assert members.title not in _similar_titles(login(UserFactory()), base)


def test_a_new_challenge_joins_its_neighbours_lists_through_the_update_job(app, anon):
    city, other_city = MunicipalityFactory(), MunicipalityFactory()
    base = _challenge(city, **BASE)
    _challenge(other_city, **OTHER)
    _reindex()
    twin = _challenge(other_city, **TWIN)  # published: the inline update job refreshes around it
    commit()
    assert _db.session.get(SimilarList, f"challenge:{twin.id}") is not None
    _db.session.expire_all()
    ids = [it["id"] for it in _db.session.get(SimilarList, f"challenge:{base.id}").items]
    assert ids[0] == f"challenge:{twin.id}"
    assert twin.title in _similar_titles(anon, base)
    # withdrawn (back to draft): its own list goes, and its neighbours' lists drop it
    twin.status = "draft"
    commit()
    _db.session.expire_all()
    assert _db.session.get(SimilarList, f"challenge:{twin.id}") is None
    assert f"challenge:{twin.id}" not in [it["id"] for it in _db.session.get(SimilarList, f"challenge:{base.id}").items]


def test_without_a_list_the_page_searches_live(app, anon):
    city, other_city = MunicipalityFactory(), MunicipalityFactory()
    base = _challenge(city, **BASE)
    twin = _challenge(other_city, **TWIN)
    commit()  # the factories' update jobs
    index.rebuild()  # an index without lists (e.g. built by a page in embedded mode)
    _db.session.query(SimilarList).delete()
    commit()
    assert _db.session.get(SimilarList, f"challenge:{base.id}") is None
    with app.test_request_context("/"):
        assert similar.for_challenge(base, None) is None
    assert twin.title in _similar_titles(anon, base)


def test_a_list_too_hidden_for_the_viewer_falls_back_to_the_live_search(app, monkeypatch):
    city = MunicipalityFactory()
    base = _challenge(city, **BASE)
    _challenge(city, **TWIN)
    _reindex()
    monkeypatch.setattr(similar, "DEPTH", 1)  # a full list of one entry …
    _db.session.get(SimilarList, f"challenge:{base.id}").items = [
        {"id": "challenge:999999", "title": "消えた課題", "terms": [], "score": 1.0}
    ]
    commit()
    with app.test_request_context("/"):
        assert similar.for_challenge(base, None) is None  # … whose entry nobody may see
