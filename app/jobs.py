"""Background jobs on named RQ queues; inline when there is no Redis.

Jobs take ids, never objects. `enqueue()` waits for the current transaction to
commit (so a job never sees uncommitted data, and a rolled-back request sends
nothing). Periodic jobs are declared as data with `periodic()` and run by
`flask scheduler` (or `flask worker --with-scheduler`).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import datetime, time as dtime, timedelta, timezone

from flask import current_app

from .db import on_commit

log = logging.getLogger(__name__)

QUEUES = ("default", "mail", "matchmaking", "events", "pilots")


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # "package.module:function"
    queue: str
    every: timedelta | None = None  # run at this interval ...
    at: dtime | None = None  # ... or once a day at this local (Asia/Tokyo) time


PERIODIC: dict[str, Periodic] = {}

# A worker without an app context builds the app with this factory, named like a job so that this
# module (below every domain) does not import the application factory (above them all).
APP_FACTORY = "app:create_app"


def periodic(
    name: str, func: str, queue: str = "default", every: timedelta | None = None, at: dtime | None = None
) -> None:
    PERIODIC[name] = Periodic(name, func, queue, every, at)


def _resolve(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def run_job(path: str, *args, **kwargs):
    """The function RQ executes: the job in an app context, one commit at the end."""
    from .extensions import db
    from flask import has_app_context

    if has_app_context():
        return _run(path, args, kwargs)
    app = _resolve(APP_FACTORY)()
    with app.app_context():
        try:
            return _run(path, args, kwargs)
        finally:
            db.session.remove()


def _run(path, args, kwargs):
    from .db import commit
    from .extensions import db

    try:
        result = _resolve(path)(*args, **kwargs)
        commit()
        return result
    except Exception:
        db.session.rollback()
        raise


def get_redis():
    """The process's shared client (one connection pool, not one per enqueue)."""
    from . import redis_client

    return redis_client.client(current_app.config["REDIS_URL"], short_timeouts=False)


def get_queue(name: str):
    from rq import Queue

    if name not in QUEUES:
        raise ValueError(f"Unknown queue {name!r}")
    return Queue(name, connection=get_redis())


def enqueue(queue: str, func: str, *args, **kwargs) -> None:
    """Enqueue `func` ("module:function") with id arguments once the transaction commits."""
    if queue not in QUEUES:
        raise ValueError(f"Unknown queue {queue!r}")
    app = current_app._get_current_object()

    def send():
        if app.config["JOBS_INLINE"]:
            try:
                run_job(func, *args, **kwargs)
            except Exception:  # an inline job must not break the request that caused it
                log.exception("Inline job %s failed", func)
            return
        get_queue(queue).enqueue(run_job, func, *args, retry=_retry(), **kwargs)

    on_commit(send)


def enqueue_now(queue: str, func: str, *args, **kwargs) -> None:
    """Enqueue at once, outside any transaction (e.g. from a read-only request); RQ only."""
    if queue not in QUEUES:
        raise ValueError(f"Unknown queue {queue!r}")
    get_queue(queue).enqueue(run_job, func, *args, retry=_retry(), **kwargs)


def _retry():
    from rq import Retry

    return Retry(max=3, interval=[10, 60, 300])


def due(job: Periodic, last_run: datetime | None, now: datetime, tz) -> bool:
    """Is a periodic job due? Pure, so the schedule is testable."""
    if job.every is not None:
        return last_run is None or now - last_run >= job.every
    if job.at is not None:
        local_now = now.astimezone(tz)
        today_at = local_now.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
        if local_now < today_at:
            return False
        return last_run is None or last_run.astimezone(tz) < today_at
    return False


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
