"""Who may see, organise and attend events.

Organisers are the members of the hosting and co-hosting organisations. Drafts are seen
by organisers only; members-only events by logged-in users only (others get 404)."""

from ..policies import rule
from .queries import attendee_status


def is_organiser(user, event) -> bool:
    return user is not None and (user.is_platform_admin or bool(user.org_ids() & event.host_org_ids()))


@rule("event.view")
def view(user, event):
    if is_organiser(user, event):
        return True
    if event.status == "draft":
        return False
    return event.visibility == "public" or user is not None


@rule("event.create")
def create(user, _):
    return user is not None and (user.is_platform_admin or bool(user.org_ids()))


@rule("event.edit")
def edit(user, event):
    return is_organiser(user, event)


@rule("event.manage")
def manage(user, event):
    """Publish, cancel, open/close registration, see attendees, check people in, export."""
    return is_organiser(user, event)


@rule("event.rsvp")
def rsvp(user, event):
    return user is not None and view(user, event)  # the service answers 409 when not open


@rule("rsvp.view")
def view_rsvp(user, rsvp_row):
    return user is not None and (rsvp_row.user_id == user.id or is_organiser(user, rsvp_row.event))


def _attending(user, event) -> bool:
    return attendee_status(event, user) == "confirmed"


@rule("event.view_board")
def view_board(user, event):
    """The workshop problem board: organisers and confirmed attendees (internal problems)."""
    return (
        user is not None
        and event.kind == "workshop"
        and view(user, event)
        and (is_organiser(user, event) or _attending(user, event))
    )


@rule("event.post_card")
def post_card(user, event):
    """Municipal staff who attend (or organise) post problem cards."""
    return view_board(user, event) and event.status == "published" and bool(user.org_ids(kind="municipality"))


@rule("problem_card.view")
def view_card(user, card):
    return view_board(user, card.event)


@rule("problem_card.like")
def like_card(user, card):
    return view_board(user, card.event) and card.event.status == "published"


@rule("problem_card.to_challenge")
def card_to_challenge(user, card):
    return view_board(user, card.event) and is_organiser(user, card.event)
