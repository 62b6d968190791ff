"""Contest rules. Organisers are the ADMINS of the event's host organisations (and co-hosts) and
the event's creator; other host staff are voters, so they never see who voted for what.
Voting eligibility is object-level and per round (eligibility.py, checked in the service)."""

from ...policies import rule


def _is_host_staff(user, contest) -> bool:
    return user is not None and bool(user.org_ids() & contest.host_org_ids())


def _is_organiser(user, event) -> bool:
    return user is not None and (
        user.is_platform_admin
        or bool(user.org_ids(role="admin") & event.host_org_ids())
        or (event.created_by_id is not None and event.created_by_id == user.id)
    )


def event_is_public(event) -> bool:
    return event.status == "published" and event.visibility == "public"


@rule("contest.create")
def create(user, event):
    """`event` is the contest's event: its organisers create contests on it."""
    return event is not None and _is_organiser(user, event)


@rule("contest.view")
def view(user, contest):
    if user is not None and (user.is_platform_admin or _is_host_staff(user, contest) or user.id in contest.judge_ids()):
        return True
    return event_is_public(contest.event)


@rule("contest.manage")
def manage(user, contest):
    """Organiser: entries, order, formula, judges, rounds, pitch timer, finalize, reveal, presenter screen."""
    return _is_organiser(user, contest.event)


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


@rule("contest.judging")
def judging(user, contest):
    """The judge's pages (own declarations and scores); read-only once the contest is finalised."""
    return user is not None and user.id in contest.judge_ids()
