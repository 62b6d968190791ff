"""REST: /api/v1/events, RSVPs, attendees, check-ins and the workshop problem board."""

from __future__ import annotations

from functools import wraps

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, PageQuerySchema, paged, paginate
from ..db import commit
from ..errors import NotFound
from ..extensions import db
from ..policies import authorize
from . import board, registration, services, tickets
from .models import Event, ProblemCard
from .schemas import (
    AttendeeSchema,
    CardCreateSchema,
    CardSchema,
    ChallengeRefSchema,
    CheckinResultSchema,
    CheckinSchema,
    EventCreateSchema,
    EventQuerySchema,
    EventSchema,
    EventUpdateSchema,
    LikeResultSchema,
    RegistrationSchema,
    RsvpSchema,
)

blp = Blueprint("events_api", __name__, url_prefix="/api/v1", description="Events: meetups and workshops")


def _user():
    return current_user if current_user.is_authenticated else None


def _authorize_first(action: str):
    """Check who is asking before reading the body: strangers get 401/403, not field errors."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            authorize(action)
            return fn(*args, **kwargs)

        return wrapper

    return decorator


def get_event(event_id: int, action: str = "event.view") -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound()
    authorize("event.view", event)
    if action != "event.view":
        authorize(action, event)
    return event


@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, paged(EventSchema))
    def get(self, args):
        """Events the caller may see: upcoming by default; filter by kind, format, organisation, text."""
        page = paginate(
            services.search_events(
                _user(),
                args["when"],
                args.get("kind"),
                args.get("format"),
                args.get("org_id"),
                args.get("q"),
                args.get("challenge_id"),
            ),
            args["page"],
            args["per_page"],
        )
        return {"items": page.items, "meta": page.meta}

    @_authorize_first("event.create")
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventSchema)
    def post(self, data):
        """Create a draft event hosted by one of your organisations."""
        event = services.create_event(current_user, data)
        commit()
        return event


@blp.route("/events/<int:event_id>")
class EventItem(MethodView):
    @blp.response(200, EventSchema)
    def get(self, event_id):
        return get_event(event_id)

    @blp.arguments(EventUpdateSchema)
    @blp.response(200, EventSchema)
    def patch(self, data, event_id):
        """Edit; `status` publishes or cancels (attendees are notified)."""
        event = get_event(event_id, "event.edit")
        services.update_event(event, current_user, data)
        commit()
        return event


@blp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@blp.response(201, RsvpSchema)
def rsvp(event_id):
    """Register: a confirmed seat, or a place on the waitlist when the event is full."""
    event = get_event(event_id, "event.rsvp")
    row = registration.register(event, current_user)
    commit()
    return row


@blp.route("/events/<int:event_id>/rsvp", methods=["DELETE"])
@blp.response(200, RsvpSchema)
def cancel_rsvp(event_id):
    """Cancel your registration; the first person on the waitlist gets the seat."""
    event = get_event(event_id)
    authorize("user.view_self")
    row = registration.cancel(event, current_user.id)
    commit()
    return row


@blp.route("/events/<int:event_id>/registration", methods=["PUT"])
@blp.arguments(RegistrationSchema)
@blp.response(200, EventSchema)
def set_registration(data, event_id):
    """Open or close registration (organisers)."""
    event = get_event(event_id, "event.manage")
    registration.set_registration(event, data["open"])
    commit()
    return event


@blp.route("/events/<int:event_id>/attendees")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, paged(AttendeeSchema))
def attendees(args, event_id):
    """Confirmed and waitlisted registrations (organisers)."""
    event = get_event(event_id, "event.manage")
    page = paginate(registration.attendees_query(event), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@blp.route("/events/<int:event_id>/checkins", methods=["POST"])
@blp.arguments(CheckinSchema)
@blp.response(201, CheckinResultSchema)
def checkin(data, event_id):
    """Check an attendee in with the token from their ticket's QR code (organisers)."""
    event = get_event(event_id, "event.manage")
    row = tickets.check_in_token(event, data["token"], current_user)
    commit()
    return row


def _card_dump(card, user):
    card.likes = board.like_count(card)
    card.liked = any(like_user == user.id for like_user in _likers(card)) if user else False
    return card


def _likers(card):
    from sqlalchemy import select
    from .models import CardLike

    return db.session.scalars(select(CardLike.user_id).where(CardLike.card_id == card.id)).all()


@blp.route("/events/<int:event_id>/cards")
class Cards(MethodView):
    @blp.response(200, CardSchema(many=True))
    def get(self, event_id):
        """The workshop's problem cards, most liked first (organisers and attendees)."""
        event = get_event(event_id, "event.view_board")
        result = []
        for card, likes, liked in board.cards_with_likes(event, current_user):
            card.likes, card.liked = likes, liked
            result.append(card)
        return result

    @blp.arguments(CardCreateSchema)
    @blp.response(201, CardSchema)
    def post(self, data, event_id):
        """Post an internal problem (municipal staff attending the workshop)."""
        event = get_event(event_id, "event.post_card")
        card = board.post_card(event, current_user, data)
        commit()
        return _card_dump(card, current_user)


def get_card(card_id: int, action: str) -> ProblemCard:
    card = db.session.get(ProblemCard, card_id)
    if card is None:
        raise NotFound()
    authorize(action, card)
    return card


@blp.route("/cards/<int:card_id>/like", methods=["POST"])
@blp.response(200, LikeResultSchema)
def like(card_id):
    """Toggle your like on a card (one per user)."""
    card = get_card(card_id, "problem_card.like")
    liked, likes = board.toggle_like(card, current_user)
    commit()
    return {"liked": liked, "likes": likes}


@blp.route("/cards/<int:card_id>/to-challenge", methods=["POST"])
@blp.response(201, ChallengeRefSchema)
def to_challenge(card_id):
    """Turn a card into a draft challenge of the card's municipality (organisers)."""
    card = get_card(card_id, "problem_card.to_challenge")
    challenge = board.to_challenge(card, current_user)
    commit()
    return challenge
