"""A closed AI-minutes round with two sheets, its coordinator, and a published specification."""

from __future__ import annotations

from app.db import commit
from app.specifications import services
from tests.factories import CoordinatorFactory, MunicipalityFactory, member_of
from tests.procurement.factories import add_participant, make_round

SPEC = {
    "title": "AI議事録 標準仕様書",
    "must_have": ["話者識別", "音声データの国内保管"],
    "nice_to_have": ["要約の自動生成"],
    "environments": ["lgwan"],
    "security_level": 2,
    "seat_bands": [{"min_seats": 1, "max_seats": 100}, {"min_seats": 101, "max_seats": 500}],
    "price_min_jpy": 600_000,
    "price_max_jpy": 1_800_000,
    "summary": "長野県内の共同調達で合意した仕様。",
}


def closed_round():
    coordinator = CoordinatorFactory(name_ja="長野県DX推進センター")
    rnd = make_round(coordinator=coordinator, status="requirements_closed")
    a, b = MunicipalityFactory(name_ja="松本市"), MunicipalityFactory(name_ja="塩尻市")
    add_participant(
        rnd,
        a,
        {
            "environments": ["lgwan"],
            "seats": 300,
            "must_have": ["話者識別", "音声データの国内保管"],
            "nice_to_have": ["要約の自動生成"],
            "budget_max_jpy": 1_800_000,
        },
    )
    add_participant(
        rnd,
        b,
        {"environments": ["lgwan", "internet"], "seats": 80, "must_have": ["話者識別"], "budget_max_jpy": 600_000},
    )
    coordinator_user = member_of(coordinator, "member")
    return rnd, coordinator_user, (a, b)


def published_spec():
    rnd, coordinator_user, cities = closed_round()
    spec = services.publish_from_round(rnd, coordinator_user, {**SPEC, "round_id": rnd.id})
    commit()
    return spec, rnd, coordinator_user, cities
