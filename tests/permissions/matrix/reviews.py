"""Committee scoring: rubric, committee, assignments, conflicts, reviews, closing, ranking.

The world's committee is chaired by `municipality_admin`; `judge` is assigned to the world's application
and has declared no conflict of interest.
"""

from app.extensions import db
from app.reviews.models import ConflictDeclaration, ReviewAssignment
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

MANAGERS = dict(municipality_member=200, municipality_admin=200, co_owner=200, platform_admin=200)
MANAGERS_302 = dict(municipality_member=302, municipality_admin=302, co_owner=302, platform_admin=302)
RUBRIC = {
    "criteria": [
        {"key": "understanding", "name_ja": "課題理解", "weight": 60},
        {"key": "feasibility", "name_ja": "実現可能性", "weight": 40},
    ]
}
SCORES = {"understanding": 4, "feasibility": 3, "novelty": 5, "cost": 2, "continuity": 3}


@world_builder
def _judge_assigned(world):
    judge, application = world.users["judge"], world.objects["application"]
    db.session.add(
        ReviewAssignment(
            committee_id=world.objects["committee"].id,
            committee=world.objects["committee"],
            application_id=application.id,
            judge_id=judge.id,
        )
    )
    db.session.add(ConflictDeclaration(application_id=application.id, judge_id=judge.id, has_conflict=False))
    db.session.commit()


CASES = [
    # API
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/rubric",
        "/api/v1/challenges/{challenge}/rubric",
        anonymous=401,
        judge=200,
        default=403,
        **MANAGERS,
    ),
    Case(
        "PUT",
        "/api/v1/challenges/<int:challenge_id>/rubric",
        "/api/v1/challenges/{challenge}/rubric",
        json=RUBRIC,
        anonymous=401,
        default=403,
        **MANAGERS,
    ),
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/committee",
        "/api/v1/challenges/{challenge}/committee",
        anonymous=401,
        judge=200,
        default=403,
        **MANAGERS,
    ),
    Case(
        "PUT",
        "/api/v1/challenges/<int:challenge_id>/committee",
        "/api/v1/challenges/{challenge}/committee",
        json={"judges": ["judge@example.jp"], "chair": "city-admin@example.jp"},
        anonymous=401,
        default=403,
        **MANAGERS,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/committee/assignments",
        "/api/v1/challenges/{challenge}/committee/assignments",
        json={"application_id": "{application}", "judge_ids": []},
        anonymous=401,
        default=403,
        **MANAGERS,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/committee/close",
        "/api/v1/challenges/{challenge}/committee/close",
        anonymous=404,
        startup_member=404,
        startup_admin=404,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/ranking",
        "/api/v1/challenges/{challenge}/ranking",
        anonymous=401,
        default=403,
        **MANAGERS,
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/conflict",
        "/api/v1/applications/{application}/conflict",
        json={"has_conflict": False},
        anonymous=404,
        judge=200,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/applications/<int:application_id>/reviews",
        "/api/v1/applications/{application}/reviews",
        anonymous=404,
        startup_member=403,
        startup_admin=403,
        default=200,
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/reviews",
        "/api/v1/applications/{application}/reviews",
        json={"scores": SCORES, "submit": True},
        anonymous=404,
        judge=200,
        default=403,
    ),
    Case(
        "PUT",
        "/api/v1/applications/<int:application_id>/reviews",
        "/api/v1/applications/{application}/reviews",
        json={"scores": SCORES},
        anonymous=404,
        judge=200,
        default=403,
    ),
    # Pages
    Case(
        "GET",
        "/challenges/<int:challenge_id>/committee",
        "/challenges/{challenge}/committee",
        anonymous=302,
        default=403,
        **MANAGERS,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/committee/rubric",
        "/challenges/{challenge}/committee/rubric",
        data={"key": "understanding", "name_ja": "課題理解", "weight": "10"},
        anonymous=302,
        default=403,
        **MANAGERS_302,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/committee/members",
        "/challenges/{challenge}/committee/members",
        data={"judges": "judge@example.jp"},
        anonymous=302,
        default=403,
        **MANAGERS_302,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/committee/assign",
        "/challenges/{challenge}/committee/assign",
        data={"application_id": "{application}"},
        anonymous=302,
        default=403,
        **MANAGERS_302,
    ),
    Case(
        "POST",
        "/challenges/<int:challenge_id>/committee/close",
        "/challenges/{challenge}/committee/close",
        anonymous=302,
        startup_member=404,
        startup_admin=404,
        municipality_admin=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "GET",
        "/challenges/<int:challenge_id>/ranking",
        "/challenges/{challenge}/ranking",
        anonymous=302,
        default=403,
        **MANAGERS,
    ),
    Case(
        "GET",
        "/applications/<int:application_id>/review",
        "/applications/{application}/review",
        anonymous=302,
        judge=200,
        default=403,
    ),
    Case(
        "POST",
        "/applications/<int:application_id>/review/conflict",
        "/applications/{application}/review/conflict",
        data={"has_conflict": "false"},
        anonymous=302,
        judge=302,
        default=403,
    ),
    Case(
        "POST",
        "/applications/<int:application_id>/review",
        "/applications/{application}/review",
        data={f"score_{k}": str(v) for k, v in SCORES.items()} | {"action": "submit"},
        anonymous=302,
        judge=302,
        default=403,
    ),
]
