"""Tickets and check-in: an HMAC-signed token per RSVP, its QR code, attendance and the CSV export.

The token is "T<rsvp id>.<event id>.<signature>"; the signature covers both ids and a
per-registration nonce with the app's SECRET_KEY, so it cannot be guessed, and a new
registration invalidates the old QR code. Nothing secret is stored beyond the nonce.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import re
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from .models import Event, Rsvp
from .registration import attendees_query, lock_event

TOKEN_RE = re.compile(r"^T(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{20,64})$")


def _signature(rsvp_id: int, event_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"event-ticket:{rsvp_id}:{event_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def ticket_token(rsvp: Rsvp) -> str:
    return f"T{rsvp.id}.{rsvp.event_id}.{_signature(rsvp.id, rsvp.event_id, rsvp.ticket_nonce)}"


def qr_svg(data: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode").encode()


def _reject(message: str):
    raise InvalidInput({"token": [message]}, message)


def find_ticket(event: Event, token: str) -> Rsvp:
    """The RSVP a scanned token belongs to, or a clear 4xx."""
    match = TOKEN_RE.match((token or "").strip())
    if not match:
        _reject(_("This is not a valid ticket."))
    rsvp_id, event_id, signature = int(match[1]), int(match[2]), match[3]
    rsvp = db.session.get(Rsvp, rsvp_id)
    if (
        rsvp is None
        or rsvp.event_id != event_id
        or not hmac.compare_digest(signature, _signature(rsvp.id, rsvp.event_id, rsvp.ticket_nonce))
    ):
        _reject(_("This is not a valid ticket."))
    if rsvp.event_id != event.id:
        _reject(_("This ticket is for another event: %(title)s.", title=rsvp.event.title))
    return rsvp


def check_in(event: Event, rsvp: Rsvp, by_user) -> Rsvp:
    """Mark attendance once; a second scan is refused."""
    if rsvp.event_id != event.id:
        _reject(_("This ticket is for another event: %(title)s.", title=rsvp.event.title))
    lock_event(event)
    db.session.refresh(rsvp)
    if rsvp.status != "confirmed":
        raise Conflict(
            _("%(name)s does not have a confirmed seat.", name=rsvp.user.display_name),
            {"token": [_("Not a confirmed registration.")]},
        )
    if rsvp.checked_in_at is not None:
        when = rsvp.checked_in_at.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")
        message = _("%(name)s already checked in at %(time)s.", name=rsvp.user.display_name, time=when)
        raise Conflict(message, {"token": [message]})
    rsvp.checked_in_at = utcnow()
    rsvp.checked_in_by_id = by_user.id
    db.session.flush()
    return rsvp


def check_in_token(event: Event, token: str, by_user) -> Rsvp:
    return check_in(event, find_ticket(event, token), by_user)


def attendance_csv(event: Event) -> bytes:
    """UTF-8 with a BOM so that Excel shows Japanese names correctly."""
    zone = ZoneInfo(event.timezone)

    def fmt(value):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Name"), _("Email"), _("Organisation"), _("Status"), _("Registered at"), _("Checked in at")])
    for row in db.session.scalars(attendees_query(event)).all():
        orgs = " / ".join(m.organization.name_ja for m in row.user.memberships)
        writer.writerow(
            [
                _csv_safe(row.user.display_name),
                row.user.email,
                _csv_safe(orgs),
                STATUS_LABELS()[row.status],
                fmt(row.requested_at),
                fmt(row.checked_in_at),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_safe(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def STATUS_LABELS() -> dict:  # noqa: N802 - translated at call time
    return {"confirmed": _("Confirmed"), "waitlisted": _("Waitlisted"), "cancelled": _("Cancelled")}


def my_confirmed_rsvp(event: Event, user) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id, Rsvp.status == "confirmed")
    )
