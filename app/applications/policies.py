"""Application rules. A startup never sees another startup's application; owners see
applications once submitted; judges see the applications of their committee."""

from ..policies import rule
from . import reviewing


def _judge_of(user, application) -> bool:
    committee = reviewing.committee_for_challenge(application.challenge_id)
    return committee is not None and user.id in committee.judge_ids()


def is_applicant(user, application) -> bool:
    return user is not None and user.is_member(application.applicant_org_id)


@rule("application.view")
def view(user, application):
    if user is None:
        return False
    if user.is_platform_admin or is_applicant(user, application):
        return True
    if user.org_ids() & application.partner_org_ids():
        return True  # consortium partners named on the proposal
    if application.status == "draft":
        return False
    if user.org_ids() & application.challenge.owning_org_ids():
        return True
    return _judge_of(user, application)


@rule("application.edit")
def edit(user, application):
    """Edit, submit, recall to draft, withdraw, attach files (state rules live in the service)."""
    return user is not None and is_applicant(user, application)


@rule("application.decide")
def decide(user, application):
    """Status changes by the owning municipality: under review, shortlist, select, not select."""
    return (
        user is not None
        and application.status != "draft"
        and (user.is_platform_admin or user.is_org_admin(application.challenge.owner_org_id))
    )


@rule("application.view_scores")
def view_scores(user, application):
    """Scores and committee comments: owners, co-owners and judges; never applicants."""
    if user is None or is_applicant(user, application):
        return user is not None and user.is_platform_admin
    return (
        user.is_platform_admin
        or bool(user.org_ids() & application.challenge.owning_org_ids())
        or _judge_of(user, application)
    )


@rule("application.review")
def review(user, application):
    """Declare conflicts and score: a committee judge (recusal is checked in the service)."""
    return (
        user is not None
        and application.status not in ("draft", "withdrawn")
        and not is_applicant(user, application)
        and _judge_of(user, application)
    )
