"""Challenges: pages and REST, lifecycle, joint co-owners."""

from app.challenges.models import ChallengeCoOwner
from app.extensions import db
from tests.factories import ChallengeFactory, MunicipalityFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

DEADLINE = "2099-03-31T17:00"
FULL = {
    "title": "更新した課題",
    "summary": "概要",
    "background": "背景",
    "desired_outcome": "目指す姿",
    "category": "counter_services",
    "environments": "lgwan",
    "application_deadline": DEADLINE,
}
NEW_JSON = {"title": "新しい課題", "category": "community", "environments": ["internet"]}

UNSEEN_DRAFT = dict(anonymous=404, startup_member=404, startup_admin=404, co_owner=404, judge=404)
PAGE_EDITORS = dict(anonymous=302, municipality_member=302, municipality_admin=302, platform_admin=302, default=403)
PAGE_MANAGERS = dict(anonymous=302, municipality_admin=302, platform_admin=302, default=403)
API_MANAGERS = dict(anonymous=401, municipality_admin=200, platform_admin=200, default=403)
CREATORS = dict(municipality_member=201, municipality_admin=201, co_owner=201)


@world_builder
def _joint(world):
    other = MunicipalityFactory(slug="other-city", name_ja="安曇野市")
    city = world.objects["city"]
    invited = ChallengeFactory(owner=city, owner_org_id=city.id, title="共同で調達したい")
    db.session.add(ChallengeCoOwner(challenge_id=invited.id, org_id=world.ids["co_city"], status="invited"))
    db.session.flush()
    world.ids.update(other_city=other.id, invited_challenge=invited.id)


CASES = [
    # Pages
    Case("GET", "/challenges", "/challenges?category=counter_services&environment=lgwan&sort=deadline", default=200),
    Case("GET", "/challenges/<int:challenge_id>", "/challenges/{draft_challenge}", **UNSEEN_DRAFT, default=200),
    Case(
        "GET",
        "/challenges/new",
        "/challenges/new",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        co_owner=200,
        default=403,
    ),
    Case(
        "POST",
        "/challenges/new",
        "/challenges/new",
        data=FULL,
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "GET",
        "/challenges/<int:challenge_id>/edit",
        "/challenges/{challenge}/edit",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case("POST", "/challenges/<int:challenge_id>/edit", "/challenges/{challenge}/edit", data=FULL, **PAGE_EDITORS),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/status",
        "/challenges/{challenge}/status",
        data={"action": "close"},
        **PAGE_MANAGERS,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/delete",
        "/challenges/{draft_challenge}/delete",
        anonymous=302,
        startup_member=404,
        startup_admin=404,
        co_owner=404,
        judge=404,
        default=302,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/co-owners",
        "/challenges/{challenge}/co-owners",
        data={"org_id": "{other_city}"},
        **PAGE_MANAGERS,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/co-owners/<int:org_id>/respond",
        "/challenges/{invited_challenge}/co-owners/{co_city}/respond",
        data={"decision": "accept"},
        anonymous=302,
        co_owner=302,
        default=403,
    ),
    # REST
    Case("GET", "/api/v1/challenges", "/api/v1/challenges?prefecture=長野県&status=past", default=200),
    Case("POST", "/api/v1/challenges", "/api/v1/challenges", json=NEW_JSON, anonymous=401, default=403, **CREATORS),
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>",
        "/api/v1/challenges/{draft_challenge}",
        **UNSEEN_DRAFT,
        default=200,
    ),
    Case(
        "PATCH",
        "/api/v1/challenges/<int:challenge_id>",
        "/api/v1/challenges/{challenge}",
        json={"title": "更新"},
        anonymous=401,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "DELETE",
        "/api/v1/challenges/<int:challenge_id>",
        "/api/v1/challenges/{draft_challenge}",
        **UNSEEN_DRAFT,
        default=204,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/publish",
        "/api/v1/challenges/{draft_challenge}/publish",
        **UNSEEN_DRAFT,
        municipality_member=403,
        default=200,
    ),
    Case("POST", "/api/v1/challenges/<int:challenge_id>/close", "/api/v1/challenges/{challenge}/close", **API_MANAGERS),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/award",
        "/api/v1/challenges/{challenge}/award",
        anonymous=401,
        municipality_admin=409,
        platform_admin=409,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/cancel",
        "/api/v1/challenges/{draft_challenge}/cancel",
        **UNSEEN_DRAFT,
        municipality_member=403,
        default=200,
    ),
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/co-owners",
        "/api/v1/challenges/{challenge}/co-owners",
        default=200,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/co-owners",
        "/api/v1/challenges/{challenge}/co-owners",
        json={"org_id": 0},
        anonymous=401,
        municipality_admin=422,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/co-owners/<int:org_id>/accept",
        "/api/v1/challenges/{invited_challenge}/co-owners/{co_city}/accept",
        anonymous=401,
        co_owner=200,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/co-owners/<int:org_id>/decline",
        "/api/v1/challenges/{invited_challenge}/co-owners/{co_city}/decline",
        anonymous=401,
        co_owner=200,
        default=403,
    ),
]
