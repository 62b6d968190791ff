"""Index maintenance: the current engine for a request, build requests, rebuild, one document,
failures and reindex runs. The per-process handle on the index is handle.py."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from . import documents, similar
from .handle import shared_engine
from .models import IndexingFailure, ReindexRun

log = logging.getLogger(__name__)


def engine(build: bool = False):
    """The current engine.

    Requests never build the index inline: without one they get the empty engine (no
    matches; ``building()`` is true) and a full build is requested (``request_build``).
    Jobs and commands pass ``build=True`` to build it themselves first.
    """
    handle = shared_engine()
    if handle.store.current() is None:
        if build:
            rebuild()
        else:
            request_build()
    return handle.engine()


def building() -> bool:
    """No index has been published yet (a build was requested and is on its way)."""
    return shared_engine().store.current() is None


_BUILD_GUARD = threading.Lock()
REQUEST_INTERVAL = 60.0  # seconds between two build requests of one process
STALE_RUN = timedelta(hours=1)  # a queued/running build older than this is presumed lost


def request_build() -> bool:
    """Ask once for a full build; True if one was started or enqueued by this call.

    With RQ: a ReindexRun row (own transaction, so a read-only request needs no commit) and
    a ``reindex_all`` job on the "matchmaking" queue, unless a recent build is queued or
    running. With inline jobs (embedded mode: no worker) a small corpus (at most
    MATCHMAKING_INLINE_BUILD_MAX documents, e.g. the demo) is built here; a larger one waits
    for ``flask matchmaking reindex`` (logged).
    """
    app = current_app._get_current_object()
    state = app.extensions.setdefault("matchmaking", {})
    key = ("build_requested", app.config["MATCHMAKING_DIR"])
    now = time.monotonic()
    if now - state.get(key, -REQUEST_INTERVAL) < REQUEST_INTERVAL:
        return False
    if not _BUILD_GUARD.acquire(blocking=False):
        return False  # another thread of this process is on it
    try:
        if shared_engine().store.current() is not None:
            return False
        if app.config["JOBS_INLINE"]:
            total = documents.count_indexable()
            limit = app.config.get("MATCHMAKING_INLINE_BUILD_MAX", 5_000)
            if total > limit:
                state[key] = now
                log.warning(
                    "No matchmaking index and %s documents (> MATCHMAKING_INLINE_BUILD_MAX=%s) "
                    "without a job worker: run `flask matchmaking reindex`.",
                    total,
                    limit,
                )
                return False
            try:
                rebuild()  # a page's request writes nothing: the sections search live until a job refreshes
            except Exception:  # the page shows the empty state; the next request tries again
                log.exception("Inline matchmaking index build failed")
                return False
            return True
        state[key] = now
        from ..jobs import enqueue_now

        with db.engine.begin() as conn:
            recent = conn.execute(
                select(ReindexRun.id)
                .where(ReindexRun.status.in_(("queued", "running")), ReindexRun.created_at > utcnow() - STALE_RUN)
                .limit(1)
            ).first()
            if recent:
                return False
            run_id = conn.execute(
                ReindexRun.__table__.insert().values(
                    status="queued",
                    done=0,
                    total=0,
                    created_at=utcnow(),
                    details={"reason": "no index yet (requested by a page)"},
                )
            ).inserted_primary_key[0]
        enqueue_now("matchmaking", "app.matchmaking.jobs:reindex_all", run_id)
        log.info("No matchmaking index yet: build enqueued (run %s)", run_id)
        return True
    finally:
        _BUILD_GUARD.release()


def rebuild(progress=None) -> str:
    """Build every document into a new generation and publish it. The similar lists are the
    caller's to refresh (``similar.refresh_all``), in the transaction it commits."""
    total = documents.count_indexable()
    done = [0]

    def tick(d, t):
        done[0] = d
        if progress:
            progress(d, t or total)

    return shared_engine().rebuild(list(documents.all_documents()), progress=tick)


def reindex_document(kind: str, object_id: int) -> str:
    """Upsert (if indexable) or remove one document and publish a new generation."""
    spec = documents.KINDS[kind]
    handle = shared_engine()
    if handle.store.current() is None:
        name = rebuild()
        similar.refresh_all()
        return name
    obj = db.session.get(spec.model, object_id)
    doc_key = documents.doc_id(kind, object_id)
    if obj is not None and spec.is_indexable(obj):
        doc = spec.to_document(obj)
        current, latest = handle.engine(), handle.store.current()
        if current.generation == latest and current.get(doc.id) == doc:
            # already indexed as it is (e.g. the jobs of a commit that a full build already
            # covered, as in `flask seed-demo`): no new generation, no similar-list refresh
            resolve_failures(kind, object_id)
            return latest
        name = handle.update(upserts=[doc])
    else:
        name = handle.update(removes=[doc_key])
    if kind in similar.target_kinds():
        similar.refresh_around(doc_key)
    resolve_failures(kind, object_id)
    return name


def record_failure(kind: str, object_id: int | None, exc: BaseException) -> None:
    """Never silent: a failed update is kept for admins (in its own transaction)."""
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    now = utcnow()
    with db.engine.begin() as conn:
        row = conn.execute(
            select(IndexingFailure.id).where(
                IndexingFailure.kind == kind,
                IndexingFailure.object_id == object_id,
                IndexingFailure.resolved_at.is_(None),
            )
        ).first()
        if row:
            conn.execute(
                update(IndexingFailure)
                .where(IndexingFailure.id == row[0])
                .values(error=message, attempts=IndexingFailure.attempts + 1, last_failed_at=now)
            )
        else:
            conn.execute(
                IndexingFailure.__table__.insert().values(
                    kind=kind, object_id=object_id, error=message, attempts=1, created_at=now, last_failed_at=now
                )
            )
    log.error("Matchmaking index update failed for %s %s: %s", kind, object_id, message)


def resolve_failures(kind: str | None = None, object_id: int | None = None) -> None:
    stmt = update(IndexingFailure).where(IndexingFailure.resolved_at.is_(None))
    if kind is not None:
        stmt = stmt.where(IndexingFailure.kind == kind, IndexingFailure.object_id == object_id)
    db.session.execute(stmt.values(resolved_at=utcnow()))


def open_failures(limit: int = 50) -> list[IndexingFailure]:
    return db.session.scalars(
        select(IndexingFailure)
        .where(IndexingFailure.resolved_at.is_(None))
        .order_by(IndexingFailure.last_failed_at.desc())
        .limit(limit)
    ).all()


def set_run_progress(run_id: int, **values) -> None:
    """Progress of a reindex run, written in its own transaction so pollers see it at once."""
    with db.engine.begin() as conn:
        conn.execute(update(ReindexRun).where(ReindexRun.id == run_id).values(**values))


def run_reindex(run_id: int) -> None:
    set_run_progress(run_id, status="running", total=documents.count_indexable())
    step = [0]

    def progress(done, total):
        if done - step[0] >= 50 or done >= total:
            step[0] = done
            set_run_progress(run_id, done=done, total=total)

    try:
        name = rebuild(progress=progress)
        set_run_progress(run_id, details={"phase": "similar lists"})
        similar.refresh_all()
    except Exception as exc:
        db.session.rollback()  # before writing in another transaction (SQLite has one writer)
        set_run_progress(run_id, status="failed", error=str(exc)[:2000], finished_at=utcnow())
        record_failure("reindex", None, exc)
        raise
    # in the job's own transaction, with the similar lists: "done" once they are committed
    db.session.execute(
        update(ReindexRun).where(ReindexRun.id == run_id).values(status="done", generation=name, finished_at=utcnow())
    )
    resolve_failures("reindex", None)


def status() -> dict:
    handle = shared_engine()
    st = handle.status()
    st["built"] = handle.store.current() is not None
    st["indexable"] = {
        name: db.session.scalar(select(db.func.count()).select_from(k.indexable().order_by(None).subquery()))
        for name, k in documents.KINDS.items()
    }
    last = db.session.scalars(select(ReindexRun).order_by(ReindexRun.id.desc()).limit(1)).first()
    st["last_build"] = (
        None
        if last is None
        else {
            "id": last.id,
            "status": last.status,
            "done": last.done,
            "total": last.total,
            "generation": last.generation,
            "created_at": last.created_at.isoformat(),
            "finished_at": last.finished_at.isoformat() if last.finished_at else None,
        }
    )
    st["failures"] = len(open_failures(1000))
    return st
