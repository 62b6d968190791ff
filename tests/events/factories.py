"""Factories for events tests (meetups, workshops, RSVPs, cards)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory

from app.db import utcnow
from app.events.models import Event, ProblemCard, Rsvp
from app.extensions import db
from tests.factories import Base, CoordinatorFactory


class EventFactory(Base):
    class Meta:
        model = Event

    host = factory.SubFactory(CoordinatorFactory)
    host_org_id = factory.SelfAttribute("host.id")
    title = factory.Sequence(lambda n: f"官民共創ナイト vol.{n}")
    description = "自治体職員とスタートアップの交流会です。"
    agenda = "19:00 開会\n19:10 ライトニングトーク"
    kind = "meetup"
    format = "venue"
    venue = "長野県松本市中央1-1-1 MウイングCホール"
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    timezone = "Asia/Tokyo"
    capacity = None
    visibility = "public"
    status = "published"
    registration_open = True


def rsvp(event: Event, user, status: str = "confirmed", **kwargs) -> Rsvp:
    now = utcnow()
    row = Rsvp(
        event_id=event.id,
        user_id=user.id,
        status=status,
        requested_at=kwargs.pop("requested_at", now),
        confirmed_at=now if status == "confirmed" else None,
        ticket_nonce=secrets.token_hex(16),
        **kwargs,
    )
    db.session.add(row)
    db.session.commit()
    return row


def card(event: Event, author, org, title="窓口の問い合わせ対応に時間がかかる", **kwargs) -> ProblemCard:
    row = ProblemCard(
        event_id=event.id,
        author_id=author.id,
        org_id=org.id,
        title=title,
        body=kwargs.pop("body", "電話の問い合わせが1日80件。"),
        **kwargs,
    )
    db.session.add(row)
    db.session.commit()
    return row
