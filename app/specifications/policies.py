"""Standard specifications are shared knowledge among members: every logged-in user reads them; the
publishing coordinator's members add versions; municipality admins adopt; those who may publish a
challenge or open a round start one from a specification."""

from ..challenges.services import owner_orgs_of
from ..policies import rule


@rule("specification.list")
def list_specifications(user, _):
    return user is not None


@rule("specification.view")
def view(user, spec):
    return user is not None


@rule("specification.manage")
def manage(user, spec):
    return user is not None and (user.is_platform_admin or user.is_member(spec.coordinator_org_id))


@rule("specification.adopt")
def adopt(user, spec):
    return user is not None and bool(user.org_ids(role="admin", kind="municipality"))


@rule("specification.start_challenge")
def start_challenge(user, spec):
    return user is not None and bool(owner_orgs_of(user))


@rule("specification.start_round")
def start_round(user, spec):
    return user is not None and (user.is_platform_admin or bool(user.org_ids(kind="coordinator")))
