"""Pilot, contract-hub and fact-sheet rules.

- A pilot is seen by its municipality, its startup and the platform admin; by everyone once the
  municipality marks it public (drafts never). What a user may not see is 404.
- Costs: public when `costs_public`, otherwise members only (logged-in users of a municipality or
  coordinator organisation), plus the pilot's own startup.
- Contract hub, give to get: a municipality sees other members' contract records only after it has
  contributed one (or the platform admin waived this). Startups see only records naming them as vendor.
"""

from ..policies import rule
from .hub import hub_unlocked


def _admin(user) -> bool:
    return user is not None and user.is_platform_admin


def is_pilot_municipality(user, pilot) -> bool:
    return user is not None and user.is_member(pilot.municipality_id)


def is_pilot_startup(user, pilot) -> bool:
    return user is not None and pilot.startup_id is not None and user.is_member(pilot.startup_id)


def is_member_org_user(user) -> bool:
    return user is not None and bool(user.org_ids(kind="municipality") | user.org_ids(kind="coordinator"))


@rule("pilot.view")
def view(user, pilot):
    if _admin(user) or is_pilot_municipality(user, pilot) or is_pilot_startup(user, pilot):
        return True
    return pilot.public and pilot.status != "draft"


@rule("pilot.view_costs")
def view_costs(user, pilot):
    if not view(user, pilot):
        return False
    if _admin(user) or is_pilot_municipality(user, pilot) or is_pilot_startup(user, pilot):
        return True
    return pilot.costs_public or is_member_org_user(user)


@rule("pilot.create")
def create(user, _):
    return user is not None and bool(user.org_ids(kind="municipality"))


@rule("pilot.edit")
def edit(user, pilot):
    """Details, KPIs, final report, visibility: the municipality running it."""
    return _admin(user) or is_pilot_municipality(user, pilot)


@rule("pilot.report")
def report(user, pilot):
    """Progress reports and measurements: both sides of the pilot."""
    return _admin(user) or is_pilot_municipality(user, pilot) or is_pilot_startup(user, pilot)


@rule("pilot.decide")
def decide(user, pilot):
    """Status changes and the outcome: an admin of the municipality."""
    return _admin(user) or (user is not None and user.is_org_admin(pilot.municipality_id))


@rule("pilot.replicate")
def replicate(user, pilot):
    """Another municipality's member (the same municipality is refused with 422 by the service)."""
    return (
        user is not None and bool(user.org_ids(kind="municipality")) and view(user, pilot) and pilot.status != "draft"
    )


@rule("pilot.create_from_application")
def create_from_application(user, application):
    """The challenge owner starts a pilot from an application it selected (the state is checked by the service)."""
    return user is not None and (user.is_platform_admin or user.is_member(application.challenge.owner_org_id))


# Contract hub -----------------------------------------------------------------------------------


@rule("contract.list")
def list_contracts(user, _):
    return user is not None


@rule("contract.view")
def view_contract(user, contract):
    if user is None:
        return False
    if user.is_platform_admin or user.is_member(contract.municipality_id):
        return True
    if contract.vendor_org_id is not None and user.is_member(contract.vendor_org_id):
        return True
    return hub_unlocked(user)


@rule("contract.create")
def create_contract(user, _):
    return user is not None and (user.is_platform_admin or bool(user.org_ids(kind="municipality")))


@rule("contract.edit")
def edit_contract(user, contract):
    return user is not None and (user.is_platform_admin or user.is_member(contract.municipality_id))


@rule("contract.waive")
def waive(user, _):
    return _admin(user)


# Fact sheets ------------------------------------------------------------------------------------


@rule("fact_sheet.view")
def view_fact_sheet(user, solution):
    from ..policies import can

    return can(user, "solution.view", solution)


@rule("fact_sheet.edit")
def edit_fact_sheet(user, solution):
    return user is not None and (user.is_platform_admin or user.is_member(solution.org_id))
