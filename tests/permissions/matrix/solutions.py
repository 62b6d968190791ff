"""Solutions: pages and REST."""

from tests.factories import SolutionFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

FORM = {
    "title": "来庁予約サービス",
    "summary": "スマホで来庁予約",
    "category": "counter_services",
    "environments": "internet",
    "price_jpy_per_year": "1200000",
    "track_record": "塩尻市: 待ち時間40%減",
}
STARTUP_ONLY = dict(startup_member=200, startup_admin=200)
UNSEEN_DRAFT = dict(anonymous=404, municipality_member=404, municipality_admin=404, co_owner=404, judge=404)


@world_builder
def _draft_solution(world):
    draft = SolutionFactory(
        organization=world.objects["startup"],
        org_id=world.ids["startup"],
        status="draft",
        title="未公開のソリューション",
    )
    world.ids["draft_solution"] = draft.id


CASES = [
    Case(
        "GET", "/solutions", "/solutions?environment=lgwan&certification=ISMS&region=長野県&sort=price_low", default=200
    ),
    Case("GET", "/solutions/<int:solution_id>", "/solutions/{draft_solution}", **UNSEEN_DRAFT, default=200),
    Case("GET", "/solutions/new", "/solutions/new", anonymous=302, **STARTUP_ONLY, default=403),
    Case(
        "POST",
        "/solutions/new",
        "/solutions/new",
        data=FORM,
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        default=403,
    ),
    Case(
        "GET",
        "/solutions/<int:solution_id>/edit",
        "/solutions/{solution}/edit",
        anonymous=302,
        **STARTUP_ONLY,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/solutions/<int:solution_id>/edit",
        "/solutions/{solution}/edit",
        data=FORM,
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "POST",
        "/solutions/<int:solution_id>/status",
        "/solutions/{solution}/status",
        data={"action": "archive"},
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        platform_admin=302,
        default=403,
    ),
    Case("GET", "/api/v1/solutions", "/api/v1/solutions?q=予約&max_price=5000000", default=200),
    Case(
        "POST",
        "/api/v1/solutions",
        "/api/v1/solutions",
        json={"title": "新サービス", "category": "community", "environments": ["internet"]},
        anonymous=401,
        startup_member=201,
        startup_admin=201,
        default=403,
    ),
    Case(
        "GET", "/api/v1/solutions/<int:solution_id>", "/api/v1/solutions/{draft_solution}", **UNSEEN_DRAFT, default=200
    ),
    Case(
        "PATCH",
        "/api/v1/solutions/<int:solution_id>",
        "/api/v1/solutions/{solution}",
        json={"title": "改題"},
        anonymous=401,
        platform_admin=200,
        **STARTUP_ONLY,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/solutions/<int:solution_id>/publish",
        "/api/v1/solutions/{draft_solution}/publish",
        **UNSEEN_DRAFT,
        default=200,
    ),
    Case(
        "POST",
        "/api/v1/solutions/<int:solution_id>/archive",
        "/api/v1/solutions/{solution}/archive",
        anonymous=401,
        platform_admin=200,
        **STARTUP_ONLY,
        default=403,
    ),
]
