"""Concurrent RSVPs and cancellations on PostgreSQL: capacity is never exceeded, nobody is promoted twice.

Each thread has its own app context (so its own database session), as concurrent requests do.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import commit, utcnow
from app.errors import Conflict
from app.events import registration
from app.events.models import Event, Rsvp
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import UserFactory

from .factories import EventFactory, rsvp


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row locks are tested on PostgreSQL")


def _run_all(app, fns):
    barrier = threading.Barrier(len(fns))
    errors = []

    def worker(fn):
        with app.test_request_context():  # its own app context, so its own session
            try:
                barrier.wait(timeout=10)
                fn()
                commit()
            except Conflict:
                db.session.rollback()
            except Exception as exc:  # pragma: no cover - reported below
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


def _register(event_id, user_id):
    def fn():
        registration.register(db.session.get(Event, event_id), db.session.get(User, user_id))

    return fn


def _cancel(event_id, user_id):
    def fn():
        registration.cancel(db.session.get(Event, event_id), user_id)

    return fn


def _statuses(event):
    db.session.expire_all()
    return dict(db.session.execute(select(Rsvp.user_id, Rsvp.status).where(Rsvp.event_id == event.id)).all())


def test_concurrent_rsvps_never_exceed_capacity(app):
    event = EventFactory(capacity=3)
    users = [UserFactory() for _ in range(10)]
    _run_all(app, [_register(event.id, u.id) for u in users])
    statuses = _statuses(event)
    assert len(statuses) == 10
    assert list(statuses.values()).count("confirmed") == 3
    assert list(statuses.values()).count("waitlisted") == 7


def test_concurrent_double_rsvp_of_one_user_makes_one_row(app):
    event = EventFactory()
    user = UserFactory()
    _run_all(app, [_register(event.id, user.id) for _ in range(5)])
    assert db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id)) == 1


def test_concurrent_cancellations_promote_each_waiting_person_once(app):
    event = EventFactory(capacity=4)
    confirmed = [UserFactory() for _ in range(4)]
    waiting = [UserFactory() for _ in range(6)]
    for u in confirmed:
        rsvp(event, u)
    base = utcnow() - timedelta(hours=1)
    for i, u in enumerate(waiting):
        rsvp(event, u, "waitlisted", requested_at=base + timedelta(minutes=i))
    # four cancellations and two newcomers at the same moment
    newcomers = [UserFactory() for _ in range(2)]
    _run_all(app, [_cancel(event.id, u.id) for u in confirmed] + [_register(event.id, u.id) for u in newcomers])
    statuses = _statuses(event)
    assert list(statuses.values()).count("confirmed") == 4
    # first come, first served: the four who waited longest got the seats
    assert [statuses[u.id] for u in waiting] == ["confirmed"] * 4 + ["waitlisted"] * 2
    assert all(statuses[u.id] == "waitlisted" for u in newcomers)
    promoted = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "events.rsvp_promoted"))
    assert promoted == 4
