"""RQ jobs of the "matchmaking" queue (they take ids; app.jobs.run_job commits)."""

from __future__ import annotations

from . import alerts, index


def reindex_document(kind: str, object_id: int) -> str:
    """One document changed: upsert or remove it. A failure is recorded for admins and re-raised
    so RQ retries it (enqueue adds Retry); the next success resolves the failure."""
    try:
        return index.reindex_document(kind, object_id)
    except Exception as exc:
        index.record_failure(kind, object_id, exc)
        raise


def reindex_all(run_id: int) -> None:
    """Full rebuild started from the admin page; progress is stored on the ReindexRun row."""
    index.run_reindex(run_id)


def queue_alerts(challenge_id: int) -> int:
    """A challenge was published: note the startups whose solutions match it (digest tomorrow)."""
    return alerts.queue_alerts_for_challenge(challenge_id)


def send_daily_digests() -> int:
    """Periodic (08:00 Asia/Tokyo): one digest notification per startup per day."""
    return alerts.send_daily_digests()
