"""Joint procurement rules. Coordinator members run a round; municipality admins opt in; members of a
participating municipality keep its requirement sheet; invited vendors see the round."""

from ..policies import rule


def is_coordinator_member(user, rnd) -> bool:
    return user is not None and (user.is_platform_admin or user.is_member(rnd.coordinator_org_id))


@rule("procurement_round.view")
def view(user, rnd):
    if user is None:
        return False
    if is_coordinator_member(user, rnd):
        return True
    if rnd.status == "draft":
        return False
    return True  # members-only: every logged-in user sees a round once it is open


@rule("procurement_round.list")
def list_rounds(user, _):
    return user is not None


@rule("procurement_round.create")
def create(user, _):
    return user is not None and (user.is_platform_admin or bool(user.org_ids(kind="coordinator")))


@rule("procurement_round.manage")
def manage(user, rnd):
    """Edit, change status, invite vendors, schedule demos, read the matrix, publish the specification."""
    return is_coordinator_member(user, rnd)


@rule("procurement_round.opt_in")
def opt_in(user, rnd):
    return user is not None and rnd.status != "draft" and bool(user.org_ids(role="admin", kind="municipality"))


@rule("procurement_round.edit_sheet")
def edit_sheet(user, rnd):
    return user is not None and rnd.status != "draft" and bool(user.org_ids() & rnd.participant_org_ids())
