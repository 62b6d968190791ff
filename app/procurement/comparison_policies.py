"""Who sees a round's tool comparison: the coordinator and the participating municipalities see it
whole; a vendor sees only its own rows and may reply to their cells; everyone else sees nothing (404)."""

from sqlalchemy import select

from ..extensions import db
from ..policies import rule
from .comparison_models import ComparisonRow
from .policies import is_coordinator_member


def sees_whole_comparison(user, rnd) -> bool:
    return user is not None and (is_coordinator_member(user, rnd) or bool(user.org_ids() & rnd.participant_org_ids()))


def row_vendor_ids(rnd) -> set[int]:
    return set(db.session.scalars(select(ComparisonRow.vendor_org_id).where(ComparisonRow.round_id == rnd.id)))


def vendor_org_ids_in(user, rnd) -> set[int]:
    return (user.org_ids() & row_vendor_ids(rnd)) if user is not None else set()


@rule("procurement_round.view_comparison")
def view_comparison(user, rnd):
    return sees_whole_comparison(user, rnd) or bool(vendor_org_ids_in(user, rnd))


@rule("procurement_round.record_comparison")
def record_comparison(user, rnd):
    return is_coordinator_member(user, rnd)


@rule("procurement_round.reply_comparison")
def reply_comparison(user, rnd):
    return bool(vendor_org_ids_in(user, rnd))
