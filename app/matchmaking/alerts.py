"""Match alerts for startups: queued when a challenge is published, sent as one digest a day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from ..notifications.services import notify_org
from . import documents, index
from .models import DigestLog, PendingAlert

ALERT_DEPTH = 50
TOKYO = ZoneInfo("Asia/Tokyo")


def queue_alerts_for_challenge(challenge_id: int) -> int:
    """Note each startup whose published solution matches the newly published challenge.

    "Matches" is the engine's notion (Match.is_match: the score reaches the match floor, the
    same line below which a solution that meets the hard requirements outranks one that does
    not) and meets the hard requirements: a solution merely better than average is no reason
    to write to a startup."""
    from ..challenges.models import Challenge

    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.status != "published":
        return 0
    matches = index.engine(build=True).search(
        documents.challenge_document(challenge),
        kinds=("solution",),
        k=ALERT_DEPTH,
        visible_ids=lambda ids: documents.allowed_for(None, ("solution",), ids),
    )
    from ..solutions.models import Solution

    best: dict[int, tuple[int, float]] = {}
    ids = [documents.split_id(m.id)[1] for m in matches if m.is_match and not m.hard_violation]
    orgs = dict(db.session.execute(select(Solution.id, Solution.org_id).where(Solution.id.in_(ids or [-1]))).all())
    for m in matches:
        sid = documents.split_id(m.id)[1]
        if sid not in orgs or challenge.owner_org_id == orgs[sid]:
            continue
        org = orgs[sid]
        if org not in best or best[org][1] < m.score:
            best[org] = (sid, m.score)
    existing = set(db.session.scalars(select(PendingAlert.org_id).where(PendingAlert.challenge_id == challenge.id)))
    added = 0
    for org_id, (sid, score) in best.items():
        if org_id in existing:
            continue
        db.session.add(PendingAlert(org_id=org_id, challenge_id=challenge.id, solution_id=sid, score=float(score)))
        added += 1
    db.session.flush()
    return added


def send_daily_digests(now: datetime | None = None) -> int:
    """One digest notification per startup per Tokyo day, covering every pending alert. Idempotent:
    a second run the same day sends nothing (DigestLog), and sent alerts are never sent again."""
    from ..challenges.models import Challenge

    now = now or utcnow()
    day = now.astimezone(TOKYO).date()
    pending = db.session.scalars(
        select(PendingAlert)
        .join(Challenge, Challenge.id == PendingAlert.challenge_id)
        .where(PendingAlert.sent_at.is_(None), Challenge.status == "published")
        .order_by(PendingAlert.org_id, PendingAlert.score.desc())
    ).all()
    by_org: dict[int, list[PendingAlert]] = {}
    for alert in pending:
        by_org.setdefault(alert.org_id, []).append(alert)
    done_today = set(db.session.scalars(select(DigestLog.org_id).where(DigestLog.day == day)))
    sent = 0
    for org_id, alerts in by_org.items():
        if org_id in done_today:
            continue
        titles = [db.session.get(Challenge, a.challenge_id).title for a in alerts[:5]]
        notify_org(org_id, "matchmaking.digest", {"count": len(alerts), "titles": titles}, link="/matchmaking/matches")
        for alert in alerts:
            alert.sent_at = now
        db.session.add(DigestLog(org_id=org_id, day=day, count=len(alerts)))
        sent += 1
    db.session.flush()
    return sent
