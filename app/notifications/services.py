"""Notify users: an inbox row now (same transaction), an email after the commit."""

from __future__ import annotations

from typing import Iterable

from flask_babel import gettext
from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from ..jobs import enqueue
from .models import Notification

# kind -> lazily translated message with %(name)s placeholders. Domains add their own kinds.
MESSAGES: dict[str, str] = {}


def message_kind(kind: str, text) -> None:
    MESSAGES[kind] = text


def render(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return gettext(str(template), **(notification.params or {}))
    except (KeyError, ValueError):
        return str(template)


def notify(
    user_ids: Iterable[int], kind: str, params: dict | None = None, link: str | None = None, email: bool = True
) -> list[Notification]:
    rows = []
    for user_id in sorted(set(user_ids)):
        row = Notification(user_id=user_id, kind=kind, params=params or {}, link=link)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    if email:
        for row in rows:
            enqueue("mail", "app.notifications.jobs:send_notification_email", row.id)
    return rows


def notify_org(
    org_id: int, kind: str, params: dict | None = None, link: str | None = None, admins_only: bool = False
) -> list[Notification]:
    from ..accounts.models import Membership

    stmt = select(Membership.user_id).where(Membership.org_id == org_id)
    if admins_only:
        stmt = stmt.where(Membership.role == "admin")
    return notify(db.session.scalars(stmt).all(), kind, params, link)


def unread_count(user_id: int) -> int:
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user_id: int, ids: Iterable[int] | None = None) -> int:
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    result = db.session.execute(stmt.values(read_at=utcnow()))
    return result.rowcount or 0


def user_notifications_query(user_id: int, unread_only: bool = False):
    stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt
