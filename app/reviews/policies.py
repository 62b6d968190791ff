from ..policies import rule


@rule("committee.view")
def view(user, committee):
    return user is not None and (
        user.is_platform_admin
        or user.id in committee.judge_ids()
        or bool(user.org_ids() & committee.challenge.owning_org_ids())
    )


@rule("committee.close")
def close(user, committee):
    """The chair closes scoring (or an owner admin when no chair is named)."""
    if user is None:
        return False
    if committee.chair_id is not None:
        return committee.chair_id == user.id or user.is_platform_admin
    return user.is_platform_admin or user.is_org_admin(committee.challenge.owner_org_id)


def _owning(user, challenge) -> bool:
    return user.is_platform_admin or bool(user.org_ids() & challenge.owning_org_ids())


@rule("rubric.view")
def view_rubric(user, challenge):
    """The criteria: owners, co-owners and the committee's judges (who score against them)."""
    if user is None:
        return False
    from .services import committee_for_challenge

    committee = committee_for_challenge(challenge.id)
    return _owning(user, challenge) or (committee is not None and user.id in committee.judge_ids())


@rule("ranking.view")
def view_ranking(user, challenge):
    """Owners and co-owners live; judges once the chair has closed scoring."""
    if user is None:
        return False
    if _owning(user, challenge):
        return True
    from .services import committee_for_challenge

    committee = committee_for_challenge(challenge.id)
    return committee is not None and committee.status == "closed" and user.id in committee.judge_ids()
