"""Standard specifications: pages and API. Every logged-in user reads them; the world's coordinator
(managed by the platform admin) publishes and versions them; municipality admins adopt; whoever may
publish a challenge starts one from a specification; coordinators start a round."""

from app.db import utcnow
from app.extensions import db
from app.specifications.models import SpecificationVersion, StandardSpecification
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


@world_builder
def _specifications(world):
    spec = StandardSpecification(
        service_type="ai_minutes",
        title="AI議事録 標準仕様書",
        coordinator_org_id=world.ids["coordinator"],
        origin_round_id=world.ids["proc_closed"],
    )
    spec.versions.append(
        SpecificationVersion(
            number=1,
            must_have=["話者識別"],
            nice_to_have=[],
            environments=["lgwan"],
            security_level=2,
            seat_bands=[{"min_seats": 1, "max_seats": 100}],
            summary="",
            change_note="",
            published_at=utcnow(),
        )
    )
    db.session.add(spec)
    db.session.flush()
    world.ids.update(spec=spec.id)


VERSION = {"must_have": ["話者識別", "方言辞書"], "environments": ["lgwan"], "change_note": "方言辞書を追加"}
NEW_SPEC = {
    "round_id": "{proc_round}",
    "title": "RPA 標準仕様書",
    "must_have": ["シナリオの共有"],
    "environments": ["lgwan"],
}
S = "/specifications/<int:spec_id>"
A = "/api/v1/specifications/<int:spec_id>"
READ_PAGE = dict(anonymous=302, default=200)
READ_API = dict(anonymous=404, default=200)
MANAGE_PAGE = dict(anonymous=302, platform_admin=200, default=403)

CASES = [
    # Pages
    Case("GET", "/specifications", "/specifications", **READ_PAGE),
    Case(
        "GET",
        "/procurement/<int:round_id>/specification/new",
        "/procurement/{proc_closed}/specification/new",
        **MANAGE_PAGE,
    ),
    Case(
        "POST",
        "/procurement/<int:round_id>/specification/new",
        "/procurement/{proc_closed}/specification/new",
        data={"title": ""},
        anonymous=302,
        platform_admin=422,
        default=403,
    ),
    Case("GET", S, "/specifications/{spec}", **READ_PAGE),
    Case("GET", f"{S}/print", "/specifications/{spec}/print", **READ_PAGE),
    Case("GET", f"{S}/diff", "/specifications/{spec}/diff", **READ_PAGE),
    Case("GET", f"{S}/requirements.csv", "/specifications/{spec}/requirements.csv", **READ_PAGE),
    Case("GET", f"{S}/requirements.json", "/specifications/{spec}/requirements.json", **READ_PAGE),
    Case("GET", f"{S}/versions/new", "/specifications/{spec}/versions/new", **MANAGE_PAGE),
    Case(
        "POST",
        f"{S}/versions/new",
        "/specifications/{spec}/versions/new",
        data={"must_have": ""},
        anonymous=302,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        f"{S}/adopt",
        "/specifications/{spec}/adopt",
        anonymous=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "POST",
        f"{S}/start-challenge",
        "/specifications/{spec}/start-challenge",
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "POST", f"{S}/start-round", "/specifications/{spec}/start-round", anonymous=302, platform_admin=302, default=403
    ),
    # API
    Case("GET", "/api/v1/specifications", "/api/v1/specifications", anonymous=401, default=200),
    Case(
        "POST",
        "/api/v1/specifications",
        "/api/v1/specifications",
        json=NEW_SPEC,
        anonymous=404,
        platform_admin=409,
        default=403,
    ),  # the open round is not closed yet: a conflict, after the check
    Case("GET", A, "/api/v1/specifications/{spec}", **READ_API),
    Case("GET", f"{A}/versions", "/api/v1/specifications/{spec}/versions", **READ_API),
    Case(
        "POST",
        f"{A}/versions",
        "/api/v1/specifications/{spec}/versions",
        json=VERSION,
        anonymous=404,
        platform_admin=201,
        default=403,
    ),
    Case("GET", f"{A}/diff", "/api/v1/specifications/{spec}/diff", **READ_API),
    Case("GET", f"{A}/requirements", "/api/v1/specifications/{spec}/requirements", **READ_API),
    Case("GET", f"{A}/uses", "/api/v1/specifications/{spec}/uses", **READ_API),
    Case(
        "POST",
        f"{A}/adopt",
        "/api/v1/specifications/{spec}/adopt",
        json={},
        anonymous=404,
        municipality_admin=201,
        co_owner=201,
        default=403,
    ),
    Case(
        "POST",
        f"{A}/challenges",
        "/api/v1/specifications/{spec}/challenges",
        json={},
        anonymous=404,
        municipality_member=201,
        municipality_admin=201,
        co_owner=201,
        default=403,
    ),
    Case(
        "POST",
        f"{A}/rounds",
        "/api/v1/specifications/{spec}/rounds",
        json={"coordinator_org_id": "{coordinator}"},
        anonymous=404,
        platform_admin=201,
        default=403,
    ),
]
