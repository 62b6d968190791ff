from ..policies import rule


@rule("committee.view")
def view(user, committee):
    return user is not None and (user.is_platform_admin or user.id in committee.judge_ids()
                                 or bool(user.org_ids() & committee.challenge.owning_org_ids()))


@rule("committee.close")
def close(user, committee):
    """The chair closes scoring (or an owner admin when no chair is named)."""
    if user is None:
        return False
    if committee.chair_id is not None:
        return committee.chair_id == user.id or user.is_platform_admin
    return user.is_platform_admin or user.is_org_admin(committee.challenge.owner_org_id)
