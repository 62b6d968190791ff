"""A small, standard world in which every route is tried by every role.

Domains add objects with `@world_builder` (in their matrix module); the ids go into
`World.ids` and are used in the case paths, e.g. "/api/v1/challenges/{challenge}".
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from app.challenges.models import ChallengeCoOwner
from app.extensions import db
from tests.factories import (
    ApplicationFactory,
    Base,
    ChallengeFactory,
    CommitteeFactory,
    MunicipalityFactory,
    RubricFactory,
    SolutionFactory,
    StartupFactory,
    UserFactory,
    add_judge,
    member_of,
)

ROLES = (
    "anonymous",
    "startup_member",
    "startup_admin",
    "municipality_member",
    "municipality_admin",
    "co_owner",
    "judge",
    "platform_admin",
)

BUILDERS: list[Callable[["World"], None]] = []


def world_builder(fn: Callable[["World"], None]) -> Callable[["World"], None]:
    BUILDERS.append(fn)
    return fn


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no entry for anonymous)
    ids: dict = field(default_factory=dict)  # placeholder -> id used in paths
    objects: dict = field(default_factory=dict)


def build_world() -> World:
    """Builds the world with flushes and one commit (a commit per object made the matrix slow)."""
    with flush_only():
        world = _build()
    db.session.commit()
    return world


@contextmanager
def flush_only():
    factories = [Base, *_all_factories(Base)]
    saved = {f: f._meta.sqlalchemy_session_persistence for f in factories}
    for f in factories:
        f._meta.sqlalchemy_session_persistence = "flush"
    try:
        yield
    finally:
        for f, value in saved.items():
            f._meta.sqlalchemy_session_persistence = value


def _all_factories(cls):
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_factories(sub))
    return found


def _build() -> World:
    w = World()
    city = MunicipalityFactory(slug="city", name_ja="松本市")
    co_city = MunicipalityFactory(slug="co-city", name_ja="塩尻市")
    startup = StartupFactory(slug="startup")
    w.users["municipality_admin"] = member_of(city, "admin", email="city-admin@example.jp")
    w.users["municipality_member"] = member_of(city, "member", email="city-member@example.jp")
    w.users["co_owner"] = member_of(co_city, "admin", email="co-admin@example.jp")
    w.users["startup_admin"] = member_of(startup, "admin", email="startup-admin@example.jp")
    w.users["startup_member"] = member_of(startup, "member", email="startup-member@example.jp")
    w.users["judge"] = UserFactory(email="judge@example.jp")
    w.users["platform_admin"] = UserFactory(email="platform@example.jp", is_platform_admin=True)

    rubric = RubricFactory()
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id, rubric_id=rubric.id)
    db.session.add(ChallengeCoOwner(challenge_id=challenge.id, org_id=co_city.id, status="accepted"))
    draft = ChallengeFactory(owner=city, owner_org_id=city.id, status="draft", published_at=None)
    solution = SolutionFactory(organization=startup, org_id=startup.id)
    application = ApplicationFactory(
        challenge=challenge,
        challenge_id=challenge.id,
        solution=solution,
        solution_id=solution.id,
        applicant=startup,
        applicant_org_id=startup.id,
        status="under_review",
    )
    committee = CommitteeFactory(
        challenge=challenge, challenge_id=challenge.id, chair_id=w.users["municipality_admin"].id
    )
    add_judge(committee, w.users["judge"])
    db.session.flush()
    w.ids.update(
        city=city.id,
        city_slug=city.slug,
        co_city=co_city.id,
        startup=startup.id,
        startup_slug=startup.slug,
        challenge=challenge.id,
        draft_challenge=draft.id,
        solution=solution.id,
        application=application.id,
        committee=committee.id,
        rubric=rubric.id,
        criterion=rubric.criteria[0].id,
    )
    w.objects.update(
        city=city,
        co_city=co_city,
        startup=startup,
        challenge=challenge,
        draft=draft,
        solution=solution,
        application=application,
        committee=committee,
        rubric=rubric,
    )
    for build in BUILDERS:
        build(w)
    db.session.flush()
    return w
