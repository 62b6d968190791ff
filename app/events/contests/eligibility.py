"""Who may vote in a round and who may like. The one seam with meetups is `is_checked_in`,
which asks the events package whether the user was checked in at the contest's event."""

from __future__ import annotations

from ...extensions import db


def is_checked_in(event_id: int, user_id: int) -> bool:
    from ..services import has_checked_in

    return has_checked_in(event_id, user_id)


def is_host_staff(contest, user) -> bool:
    return user is not None and bool(user.org_ids() & contest.host_org_ids())


def has_join_pass(contest, voter) -> bool:
    if voter.join_pass_id is not None:
        return True
    if voter.user is None:
        return False
    from .models import JoinPass

    return db.session.query(JoinPass.id).filter_by(contest_id=contest.id, user_id=voter.user.id).first() is not None


def eligible(contest, modes, voter) -> bool:
    """A voter is eligible under any of the round's modes."""
    if voter is None:
        return False
    user = voter.user
    if "staff" in modes and is_host_staff(contest, user):
        return True
    if "checked_in" in modes and user is not None and is_checked_in(contest.event_id, user.id):
        return True
    if "join_code" in modes and has_join_pass(contest, voter):
        return True
    return False


def attending(contest, voter) -> bool:
    """Likes: anyone attending (staff, checked in, or holding the join code)."""
    return eligible(contest, ("staff", "checked_in", "join_code"), voter)
