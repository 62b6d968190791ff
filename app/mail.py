"""Email delivery (core: any package may send). With no SMTP_HOST configured (the default) the mail is logged."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

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
