"""Matchmaking rules. Matches of a challenge are for its owners and co-owners; matches of a
solution for its startup; a Dejima referral is seen by the startup, the municipality that
proposed it and, only after the startup consented, the owners of the target challenges."""

from ..policies import rule


def _owning_member(user, challenge) -> bool:
    return user is not None and bool(user.org_ids() & challenge.owning_org_ids())


@rule("matchmaking.challenge_matches")
def challenge_matches(user, challenge):
    """Ranked solutions for a challenge, and invitations to apply."""
    return user is not None and (user.is_platform_admin or _owning_member(user, challenge))


@rule("matchmaking.solution_matches")
def solution_matches(user, solution):
    return user is not None and (user.is_platform_admin or user.is_member(solution.org_id))


@rule("matchmaking.view_referrals")
def view_referrals(user, challenge):
    return user is not None and (user.is_platform_admin or _owning_member(user, challenge))


@rule("matchmaking.refer_application")
def refer(user, application):
    """Pass a not-selected proposal on (出島): the owner municipality's admins."""
    return (
        user is not None
        and application.status == "not_selected"
        and (user.is_platform_admin or user.is_org_admin(application.challenge.owner_org_id))
    )


@rule("referral.view")
def view_referral(user, referral):
    if user is None:
        return False
    if user.is_platform_admin or user.is_member(referral.startup_org_id):
        return True
    if user.org_ids() & referral.from_challenge.owning_org_ids():
        return True
    return referral.status == "consented" and any(
        user.org_ids() & t.challenge.owning_org_ids() for t in referral.targets
    )


@rule("referral.consent")
def consent(user, referral):
    return user is not None and user.is_org_admin(referral.startup_org_id)


@rule("referral.invite")
def invite_from_referral(user, referral):
    """Target owners invite the referred startup to apply."""
    return (
        user is not None
        and referral.status == "consented"
        and any(user.org_ids() & t.challenge.owning_org_ids() for t in referral.targets)
    )


@rule("matchmaking.admin")
def admin(user, _):
    return user is not None and user.is_platform_admin
