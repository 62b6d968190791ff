"""Contest rules. Organisers are the staff of the event's host organisations (and co-hosts).
Voting eligibility is object-level and per round (eligibility.py, checked in the service)."""
from ...policies import rule


def _is_host_staff(user, contest) -> bool:
    return user is not None and bool(user.org_ids() & contest.host_org_ids())


def event_is_public(event) -> bool:
    return event.status == "published" and event.visibility == "public"


@rule("contest.create")
def create(user, event):
    """`event` is the contest's event: its host staff create contests on it."""
    return user is not None and event is not None and (user.is_platform_admin
                                                        or bool(user.org_ids() & event.host_org_ids()))


@rule("contest.view")
def view(user, contest):
    if user is not None and (user.is_platform_admin or _is_host_staff(user, contest)
                             or user.id in contest.judge_ids()):
        return True
    return event_is_public(contest.event)


@rule("contest.manage")
def manage(user, contest):
    """Organiser: entries, order, formula, judges, rounds, pitch timer, finalize, reveal, presenter screen."""
    return user is not None and (user.is_platform_admin or _is_host_staff(user, contest))


@rule("contest.export")
def export(user, contest):
    return manage(user, contest)


@rule("contest.judge")
def judge(user, contest):
    return user is not None and user.id in contest.judge_ids() and contest.status != "finalized"


@rule("contest.view_results")
def view_results(user, contest):
    if manage(user, contest):
        return True
    return contest.revealed_at is not None and view(user, contest)


@rule("contest_round.view")
def view_round(user, rnd):
    return view(user, rnd.contest)
