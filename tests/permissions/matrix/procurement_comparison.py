"""Tool comparisons of a round: the open round's participant (the city) sees it whole, the world's startup
is a vendor with a row (sees it, replies), the platform admin manages the coordinator; the co-owner city
and the judge take no part: 404, like the public."""

from app.extensions import db
from app.procurement.comparison_models import ComparisonCell, ComparisonRow
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


@world_builder
def _comparison(world):
    row = ComparisonRow(
        round_id=world.ids["proc_round"],
        solution_id=world.ids["solution"],
        vendor_org_id=world.ids["startup"],
        quoted_price_jpy=1_000_000,
    )
    row.cells.append(ComparisonCell(requirement="話者識別", result="met", note=""))
    db.session.add(row)
    db.session.flush()


R = "/procurement/<int:round_id>/comparison"
A = "/api/v1/procurement-rounds/<int:round_id>/comparison"
P = "/procurement/{proc_round}/comparison"
AP = "/api/v1/procurement-rounds/{proc_round}/comparison"
ROW = {"solution_id": "{solution}", "cells": [{"requirement": "話者識別", "result": "partial"}]}
ROW_FORM = {"solution_id": "{solution}", "requirement_1": "話者識別", "result_1": "met"}
REPLY = {"requirement": "話者識別", "reply": "対応済みです。"}
OUTSIDERS = dict(co_owner=404, judge=404)

CASES = [
    Case(
        "GET",
        R,
        P,
        anonymous=302,
        startup_member=200,
        startup_admin=200,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        **OUTSIDERS,
    ),
    Case("POST", f"{R}/rows", f"{P}/rows", data=ROW_FORM, anonymous=302, platform_admin=302, default=403, **OUTSIDERS),
    Case(
        "POST",
        f"{R}/rows/<int:solution_id>/reply",
        P + "/rows/{solution}/reply",
        data=REPLY,
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        default=403,
        **OUTSIDERS,
    ),
    Case(
        "GET",
        A,
        AP,
        anonymous=404,
        startup_member=200,
        startup_admin=200,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        **OUTSIDERS,
    ),
    Case("PUT", f"{A}/rows", f"{AP}/rows", json=ROW, anonymous=404, platform_admin=200, default=403, **OUTSIDERS),
    Case(
        "POST",
        f"{A}/rows/<int:solution_id>/replies",
        AP + "/rows/{solution}/replies",
        json=REPLY,
        anonymous=404,
        startup_member=200,
        startup_admin=200,
        default=403,
        **OUTSIDERS,
    ),
]
