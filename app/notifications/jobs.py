"""Email delivery. With no SMTP_HOST configured (the default) the mail is logged."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale

from ..extensions import db
from .models import Notification

log = logging.getLogger("app.mail")


def send_email(to: str, subject: str, body: str) -> None:
    host = current_app.config.get("SMTP_HOST")
    if not host:
        log.info("MAIL to=%s subject=%s\n%s", to, subject, body)
        return
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = current_app.config["MAIL_SENDER"], to, subject
    msg.set_content(body)
    with smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=10) as smtp:
        smtp.send_message(msg)


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
