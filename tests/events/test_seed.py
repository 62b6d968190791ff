"""The demo events seed: works with the demo users present or missing."""

from sqlalchemy import func, select

from app.db import commit
from app.events.models import CardLike, Event, ProblemCard, Rsvp
from app.events.seed import seed
from app.extensions import db
from tests.factories import CoordinatorFactory, MunicipalityFactory, UserFactory, member_of


def test_seed_without_organisations_does_nothing():
    context = {}
    seed(context)
    assert "contest_event_id" not in context


def test_seed_with_demo_users(app):
    host = CoordinatorFactory(slug="nagano-govtech")
    city = MunicipalityFactory(slug="matsumoto")
    for email in ("t.nakamura@matsumoto.example.jp", "nourin@matsumoto.example.jp", "admin@matsumoto.example.jp"):
        member_of(city, email=email)
    UserFactory(email="admin@gijiroku-lab.example.jp")
    context = {}
    seed(context)
    commit()
    contest = db.session.get(Event, context["contest_event_id"])
    assert contest.kind == "contest" and contest.host_org_id == host.id
    assert db.session.scalar(select(func.count(Event.id))) == 4
    assert db.session.scalar(select(func.count(ProblemCard.id))) == 3  # the cards whose authors exist
    assert db.session.scalar(select(func.count(CardLike.id))) > 0
    assert db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.checked_in_at.is_not(None))) >= 1
