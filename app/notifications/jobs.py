"""Notification emails (app/mail.py sends them; with no SMTP_HOST configured the mail is logged)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from ..extensions import db
from ..mail import send_email
from .models import Notification


def send_notification_email(notification_id: int) -> None:
    from ..accounts.models import User
    from .services import render

    row = db.session.get(Notification, notification_id)
    if row is None:
        return
    user = db.session.get(User, row.user_id)
    if user is None or user.disabled:
        return
    with force_locale(user.locale or "ja"):
        text = render(row)
        link = f"{current_app.config['PUBLIC_BASE_URL']}{row.link or '/notifications'}"
        send_email(user.email, f"[Co-creation] {text[:80]}", f"{text}\n\n{link}\n")
