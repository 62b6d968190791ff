"""Joint procurement rounds: pages and API. The world's coordinator has no role user (only the platform
admin manages its rounds); the city takes part in the open round with a sheet; the startup is a vendor."""

from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.procurement.models import ProcurementRound, RoundParticipant, RoundVendor
from tests.factories import CoordinatorFactory, MunicipalityFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

SHEET = {
    "environments": ["lgwan"],
    "seats": 50,
    "security_level": 2,
    "budget_max_jpy": 600000,
    "must_have": ["話者識別"],
    "nice_to_have": [],
    "notes": "",
}
SHEET_FORM = {
    "environments": "lgwan",
    "seats": "50",
    "security_level": "2",
    "budget_max_jpy": "600000",
    "must_have": "話者識別",
    "nice_to_have": "",
    "notes": "",
}


def _participant(rnd, org_id):
    p = RoundParticipant(
        round_id=rnd.id,
        org_id=org_id,
        seats=50,
        security_level=2,
        budget_max_jpy=600000,
        must_have=["話者識別"],
        nice_to_have=[],
        sheet_submitted_at=utcnow(),
    )
    p.environments = ["lgwan"]
    db.session.add(p)


@world_builder
def _procurement(world):
    coord = CoordinatorFactory(slug="coord", name_ja="県GovTech推進機構")
    now = utcnow()

    def make(status):
        rnd = ProcurementRound(
            coordinator_org_id=coord.id,
            service_type="ai_minutes",
            title=f"AI議事録 {status}",
            feature_catalogue=["話者識別"],
            optin_deadline=now + timedelta(days=10),
            requirements_deadline=now + timedelta(days=20),
            status=status,
        )
        db.session.add(rnd)
        db.session.flush()
        return rnd

    open_round, draft, closed = make("open"), make("draft"), make("requirements_closed")
    _participant(open_round, world.ids["city"])
    db.session.add(RoundVendor(round_id=open_round.id, org_id=world.ids["startup"]))
    _participant(closed, world.ids["city"])
    _participant(closed, MunicipalityFactory(slug="proc-village").id)
    db.session.commit()
    world.ids.update(coordinator=coord.id, proc_round=open_round.id, proc_draft=draft.id, proc_closed=closed.id)


# Valid bodies: the API validates input before it authorizes.
NEW_ROUND = {
    "service_type": "rpa",
    "title": "RPA 共同調達",
    "optin_deadline": "2099-01-10T17:00:00+09:00",
    "requirements_deadline": "2099-02-01T17:00:00+09:00",
}
DEMO = {"title": "デモデイ", "starts_at": "2099-01-15T13:00:00+09:00", "ends_at": "2099-01-15T15:00:00+09:00"}

R = "/procurement/<int:round_id>"
A = "/api/v1/procurement-rounds/<int:round_id>"
PAGE_MANAGE = dict(anonymous=302, platform_admin=200, default=403)
API_MANAGE = dict(anonymous=404, platform_admin=200, default=403)

CASES = [
    # Pages
    Case("GET", "/procurement", "/procurement", anonymous=302, default=200),
    Case("GET", "/procurement/new", "/procurement/new", **PAGE_MANAGE),
    Case(
        "POST",
        "/procurement/new",
        "/procurement/new",
        data={"title": ""},
        anonymous=302,
        platform_admin=422,
        default=403,
    ),
    Case("GET", R, "/procurement/{proc_round}", anonymous=302, default=200),
    Case("GET", f"{R}/edit", "/procurement/{proc_round}/edit", **PAGE_MANAGE),
    Case(
        "POST",
        f"{R}/edit",
        "/procurement/{proc_round}/edit",
        data={"title": "x"},
        anonymous=302,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/opt-in",
        "/procurement/{proc_round}/opt-in",
        anonymous=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/opt-out",
        "/procurement/{proc_round}/opt-out",
        anonymous=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "GET",
        f"{R}/requirements",
        "/procurement/{proc_round}/requirements",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/requirements",
        "/procurement/{proc_round}/requirements",
        data=SHEET_FORM,
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        default=403,
    ),
    Case("GET", f"{R}/matrix", "/procurement/{proc_round}/matrix", **PAGE_MANAGE),
    Case(
        "POST",
        f"{R}/vendors",
        "/procurement/{proc_round}/vendors",
        data={"org_ids": "{startup}"},
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/demos",
        "/procurement/{proc_round}/demos",
        data={"title": ""},
        anonymous=302,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/status",
        "/procurement/{proc_round}/status",
        data={"status": "requirements_closed"},
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "POST",
        f"{R}/publish-challenge",
        "/procurement/{proc_closed}/publish-challenge",
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    # API
    Case("GET", "/api/v1/procurement-rounds", "/api/v1/procurement-rounds", anonymous=401, default=200),
    Case(
        "POST",
        "/api/v1/procurement-rounds",
        "/api/v1/procurement-rounds",
        json=NEW_ROUND,
        anonymous=401,
        platform_admin=201,
        default=403,
    ),
    Case("GET", A, "/api/v1/procurement-rounds/{proc_draft}", anonymous=404, platform_admin=200, default=404),
    Case(
        "PATCH", A, "/api/v1/procurement-rounds/{proc_round}", json={"title": "AI議事録 共同調達（改）"}, **API_MANAGE
    ),
    Case(
        "POST",
        f"{A}/status",
        "/api/v1/procurement-rounds/{proc_round}/status",
        json={"status": "requirements_closed"},
        **API_MANAGE,
    ),
    Case(
        "POST",
        f"{A}/opt-in",
        "/api/v1/procurement-rounds/{proc_round}/opt-in",
        json={},
        anonymous=404,
        municipality_admin=409,
        co_owner=201,
        default=403,
    ),
    Case(
        "DELETE",
        f"{A}/opt-in",
        "/api/v1/procurement-rounds/{proc_round}/opt-in",
        anonymous=404,
        municipality_admin=204,
        co_owner=409,
        default=403,
    ),
    Case("GET", f"{A}/requirements", "/api/v1/procurement-rounds/{proc_round}/requirements", **API_MANAGE),
    Case(
        "PUT",
        f"{A}/requirements",
        "/api/v1/procurement-rounds/{proc_round}/requirements",
        json=SHEET,
        anonymous=404,
        municipality_member=200,
        municipality_admin=200,
        default=403,
    ),
    Case("GET", f"{A}/matrix", "/api/v1/procurement-rounds/{proc_round}/matrix", **API_MANAGE),
    Case(
        "POST",
        f"{A}/vendors",
        "/api/v1/procurement-rounds/{proc_round}/vendors",
        json={"org_ids": [999999]},
        anonymous=404,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        f"{A}/demos",
        "/api/v1/procurement-rounds/{proc_round}/demos",
        json=DEMO,
        anonymous=404,
        platform_admin=201,
        default=403,
    ),
    Case(
        "POST",
        f"{A}/publish-challenge",
        "/api/v1/procurement-rounds/{proc_closed}/publish-challenge",
        anonymous=404,
        platform_admin=201,
        default=403,
    ),
]
