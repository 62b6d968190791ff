"""Matchmaking: matches, invitations, Dejima referrals, admin index page."""

from app.applications.models import Application
from app.extensions import db
from app.matchmaking.models import Referral, ReferralTarget
from tests.factories import ChallengeFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


@world_builder
def _matchmaking(world):
    city, co_city, startup = world.objects["city"], world.objects["co_city"], world.objects["startup"]
    solution = world.objects["solution"]
    # An open challenge of the co-owner city: the target of the pass-on.
    target = ChallengeFactory(owner=co_city, owner_org_id=co_city.id)
    sources = [ChallengeFactory(owner=city, owner_org_id=city.id) for _ in range(3)]
    apps = [
        Application(
            challenge_id=c.id,
            solution_id=solution.id,
            applicant_org_id=startup.id,
            proposal="番号発券と来庁予約を導入します。",
            status="not_selected",
        )
        for c in sources
    ]
    db.session.add_all(apps)
    db.session.flush()
    pending = Referral(
        application_id=apps[1].id,
        from_challenge_id=sources[1].id,
        startup_org_id=startup.id,
        status="pending_consent",
        targets=[ReferralTarget(challenge_id=target.id, score=0.5)],
    )
    consented = Referral(
        application_id=apps[2].id,
        from_challenge_id=sources[2].id,
        startup_org_id=startup.id,
        status="consented",
        targets=[ReferralTarget(challenge_id=target.id, score=0.5)],
    )
    db.session.add_all([pending, consented])
    db.session.flush()
    world.ids.update(
        target_challenge=target.id,
        not_selected_application=apps[0].id,
        pending_referral=pending.id,
        consented_referral=consented.id,
    )


OWNERS = dict(municipality_member=200, municipality_admin=200, co_owner=200, platform_admin=200)
STARTUP = dict(startup_member=200, startup_admin=200, platform_admin=200)

CASES = [
    # Matches of a challenge: owners and co-owners; the challenge is public, so others get 403.
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/matches",
        "/api/v1/challenges/{challenge}/matches",
        anonymous=401,
        default=403,
        **OWNERS,
    ),
    Case(
        "GET",
        "/api/v1/solutions/<int:solution_id>/matches",
        "/api/v1/solutions/{solution}/matches",
        anonymous=401,
        default=403,
        **STARTUP,
    ),
    Case(
        "POST",
        "/api/v1/challenges/<int:challenge_id>/invitations",
        "/api/v1/challenges/{challenge}/invitations",
        json={"solution_id": 0},
        anonymous=401,
        municipality_member=422,
        municipality_admin=422,
        co_owner=422,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        "/matchmaking/challenges/<int:challenge_id>/invitations",
        "/matchmaking/challenges/{challenge}/invitations",
        data={"solution_id": "{solution}"},
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
        platform_admin=302,
        default=403,
    ),
    Case("GET", "/matchmaking/matches", "/matchmaking/matches", anonymous=302, default=200),
    # Referred proposals: the target's owners once the startup consented.
    Case(
        "GET",
        "/api/v1/challenges/<int:challenge_id>/referrals",
        "/api/v1/challenges/{target_challenge}/referrals",
        anonymous=401,
        co_owner=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/referrals",
        "/api/v1/applications/{not_selected_application}/referrals",
        json={"challenge_ids": [0]},
        anonymous=404,
        startup_member=403,
        startup_admin=403,
        municipality_member=403,
        municipality_admin=422,
        platform_admin=422,
        co_owner=404,
        judge=404,
    ),
    Case(
        "POST",
        "/matchmaking/applications/<int:application_id>/referrals",
        "/matchmaking/applications/{not_selected_application}/referrals",
        data={"challenge_ids": "{target_challenge}"},
        anonymous=302,
        startup_member=403,
        startup_admin=403,
        municipality_member=403,
        municipality_admin=302,
        platform_admin=302,
        co_owner=404,
        judge=404,
    ),
    # A pending referral: the startup and the proposing city; the target owner not yet (404).
    Case(
        "GET",
        "/api/v1/referrals/<int:referral_id>",
        "/api/v1/referrals/{pending_referral}",
        anonymous=404,
        co_owner=404,
        judge=404,
        default=200,
    ),
    Case(
        "GET",
        "/matchmaking/referrals/<int:referral_id>",
        "/matchmaking/referrals/{consented_referral}",
        anonymous=302,
        judge=404,
        default=200,
    ),
    Case(
        "POST",
        "/api/v1/referrals/<int:referral_id>/consent",
        "/api/v1/referrals/{pending_referral}/consent",
        json={"accept": True},
        anonymous=404,
        co_owner=404,
        judge=404,
        startup_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/matchmaking/referrals/<int:referral_id>/consent",
        "/matchmaking/referrals/{pending_referral}/consent",
        data={"accept": "0"},
        anonymous=302,
        co_owner=404,
        judge=404,
        startup_admin=302,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/referrals/<int:referral_id>/invitations",
        "/api/v1/referrals/{consented_referral}/invitations",
        json={"challenge_id": 0},
        anonymous=404,
        judge=404,
        co_owner=422,
        default=403,
    ),
    Case(
        "POST",
        "/matchmaking/referrals/<int:referral_id>/invitations",
        "/matchmaking/referrals/{consented_referral}/invitations",
        data={"challenge_id": "{target_challenge}"},
        anonymous=302,
        judge=404,
        co_owner=302,
        default=403,
    ),
    # Admin index page.
    Case("GET", "/admin/matchmaking", "/admin/matchmaking", anonymous=302, platform_admin=200, default=403),
    Case(
        "POST",
        "/admin/matchmaking/reindex",
        "/admin/matchmaking/reindex",
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "GET",
        "/admin/matchmaking/progress",
        "/admin/matchmaking/progress",
        anonymous=302,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/admin/matchmaking/failures/resolve",
        "/admin/matchmaking/failures/resolve",
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/matchmaking/status",
        "/api/v1/matchmaking/status",
        anonymous=401,
        platform_admin=200,
        default=403,
    ),
]
