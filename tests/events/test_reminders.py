"""The day-before reminder job: who is reminded, and never twice."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.db import commit
from app.events.jobs import send_day_before_reminders
from app.events.models import Rsvp
from app.extensions import db
from app.jobs import PERIODIC
from app.notifications.models import Notification
from tests.factories import UserFactory

from .factories import EventFactory, rsvp

# 09:00 in Tokyo on 1 December 2026
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)


def _reminders():
    db.session.expire_all()
    return db.session.scalars(select(Notification.user_id).where(Notification.kind == "events.reminder")).all()


def test_declared_as_a_periodic_job():
    job = PERIODIC["events.reminders"]
    assert job.func == "app.events.jobs:send_day_before_reminders" and job.queue == "events"
    assert job.at.hour == 9


def test_reminds_confirmed_attendees_of_tomorrows_events_once(app):
    tomorrow = EventFactory(starts_at=datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc))  # 19:00 JST on the 2nd
    today = EventFactory(starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    later = EventFactory(starts_at=datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc))
    cancelled = EventFactory(starts_at=datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc), status="cancelled")
    going, waiting, other = UserFactory(), UserFactory(), UserFactory()
    rsvp(tomorrow, going)
    rsvp(tomorrow, waiting, "waitlisted")
    for e in (today, later, cancelled):
        rsvp(e, other)
    assert send_day_before_reminders(NOW) == 1
    commit()
    assert _reminders() == [going.id]
    assert db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.reminded_at.is_not(None))) == 1
    assert send_day_before_reminders(NOW + timedelta(hours=1)) == 0  # idempotent
    commit()
    assert _reminders() == [going.id]


def test_run_periodic_command_runs_without_redis(app):
    from app.db import utcnow

    start = utcnow() + timedelta(days=1)
    event = EventFactory(starts_at=start)
    user = UserFactory()
    rsvp(event, user)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["run-periodic", "events.reminders"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["run-periodic", "events.reminders"])
    assert result.exit_code == 0
    # tomorrow in Tokyo unless the test runs right at midnight; never more than once
    assert _reminders() in ([user.id], []) and len(_reminders()) <= 1
