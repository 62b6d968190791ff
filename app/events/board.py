"""The workshop problem board: staff post internal problems as cards, attendees like them,
an organiser turns a card into a draft challenge of the card's municipality."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..challenges.models import Challenge
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..notifications.services import notify
from .models import CardLike, Event, ProblemCard


def post_card(event: Event, user, data: dict) -> ProblemCard:
    municipalities = sorted(user.org_ids(kind="municipality"))
    org_id = data.get("org_id") or (municipalities[0] if municipalities else None)
    if org_id not in municipalities:
        raise InvalidInput({"org_id": [_("Post for a municipality you belong to.")]})
    card = ProblemCard(
        event=event,
        author_id=user.id,
        org_id=org_id,
        title=data["title"],
        body=data.get("body") or "",
        category=data.get("category") or "backoffice_dx",
    )
    db.session.add(card)
    db.session.flush()
    return card


def cards_with_likes(event: Event, user) -> list[tuple[ProblemCard, int, bool]]:
    """(card, likes, liked by user), most liked first."""
    likes = select(CardLike.card_id, func.count(CardLike.id).label("n")).group_by(CardLike.card_id).subquery()
    rows = db.session.execute(
        select(ProblemCard, func.coalesce(likes.c.n, 0))
        .outerjoin(likes, likes.c.card_id == ProblemCard.id)
        .where(ProblemCard.event_id == event.id)
        .order_by(func.coalesce(likes.c.n, 0).desc(), ProblemCard.id)
    ).all()
    mine = set()
    if user is not None:
        mine = set(
            db.session.scalars(
                select(CardLike.card_id)
                .join(ProblemCard)
                .where(ProblemCard.event_id == event.id, CardLike.user_id == user.id)
            )
        )
    return [(card, n, card.id in mine) for card, n in rows]


def like_count(card: ProblemCard) -> int:
    return db.session.scalar(select(func.count(CardLike.id)).where(CardLike.card_id == card.id)) or 0


def toggle_like(card: ProblemCard, user) -> tuple[bool, int]:
    """Like, or unlike if already liked. One like per user per card (a unique constraint)."""
    existing = db.session.scalar(select(CardLike).where(CardLike.card_id == card.id, CardLike.user_id == user.id))
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
        return False, like_count(card)
    try:
        with db.session.begin_nested():
            db.session.add(CardLike(card_id=card.id, user_id=user.id))
    except IntegrityError:  # a double click raced us: it is liked either way
        pass
    return True, like_count(card)


def to_challenge(card: ProblemCard, user) -> Challenge:
    """Create a draft challenge owned by the card's municipality, linked to the workshop."""
    db.session.execute(select(ProblemCard.id).where(ProblemCard.id == card.id).with_for_update())
    db.session.refresh(card, ["challenge_id"])
    if card.challenge_id is not None:
        raise Conflict(_("This card has already been turned into a challenge."))
    challenge = Challenge(
        owner_org_id=card.org_id,
        created_by_id=user.id,
        title=card.title[:200],
        summary=card.body or card.title,
        category=card.category,
        status="draft",
        visibility="public",
        language="ja",
        kpis=[],
        tags=[],
        security_level=2,
    )
    db.session.add(challenge)
    db.session.flush()
    card.challenge_id = challenge.id
    event = card.event
    if challenge not in event.challenges:
        event.challenges.append(challenge)
    db.session.flush()
    if card.author_id:
        notify([card.author_id], "events.card_to_challenge", {"title": card.title}, f"/challenges/{challenge.id}/edit")
    return challenge
