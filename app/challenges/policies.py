"""Challenge rules. Owner-org members edit drafts; owner-org admins take the decisions that
publish or commit the municipality. Accepted co-owners see applications and score."""

from ..policies import rule

VISIBLE_STATUSES = ("published", "closed", "awarded")


def is_owner_member(user, challenge) -> bool:
    return user is not None and user.is_member(challenge.owner_org_id)


def is_owning_member(user, challenge) -> bool:
    """Owner or accepted co-owner."""
    return user is not None and bool(user.org_ids() & challenge.owning_org_ids())


@rule("challenge.view")
def view(user, challenge):
    if user is not None and (user.is_platform_admin or is_owning_member(user, challenge)):
        return True
    if user is not None and any(c.status == "invited" and user.is_org_admin(c.org_id) for c in challenge.co_owners):
        return True  # an invited co-owner may read what it is asked to co-own
    if challenge.status not in VISIBLE_STATUSES:
        return False
    return challenge.visibility == "public" or user is not None


@rule("challenge.create")
def create(user, _):
    return user is not None and bool(user.org_ids(kind="municipality") | user.org_ids(kind="coordinator"))


@rule("challenge.edit")
def edit(user, challenge):
    return user is not None and (user.is_platform_admin or is_owner_member(user, challenge))


@rule("challenge.manage")
def manage(user, challenge):
    """Publish, close, cancel, award, invite co-owners."""
    return user is not None and (user.is_platform_admin or user.is_org_admin(challenge.owner_org_id))


@rule("challenge.respond_co_owner")
def respond_co_owner(user, challenge):
    return user is not None and any(user.is_org_admin(c.org_id) for c in challenge.co_owners)


@rule("challenge.view_applications")
def view_applications(user, challenge):
    return user is not None and (user.is_platform_admin or is_owning_member(user, challenge))


@rule("challenge.manage_committee")
def manage_committee(user, challenge):
    """Define the rubric, form the committee, assign applications."""
    return user is not None and (user.is_platform_admin or is_owning_member(user, challenge))


@rule("challenge.apply")
def apply(user, challenge):
    return (
        user is not None
        and bool(user.org_ids(kind="startup"))
        and challenge.status == "published"
        and view(user, challenge)
    )
