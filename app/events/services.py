"""Events: create, edit, publish, cancel, and the queries pages and API share.

Services flush, never commit. Registration (RSVP, waitlist) is in registration.py,
tickets and check-in in tickets.py, the workshop board in board.py, iCal in calendar.py.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from ..accounts.models import Organization
from ..challenges.models import Challenge
from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..notifications.services import notify
from .models import Event, EventCoHost, Rsvp
from .policies import is_organiser
from .queries import attendee_status, event_link

EDITABLE = (
    "title",
    "description",
    "agenda",
    "kind",
    "format",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "visibility",
    "registration_open",
)


def localize(value: datetime | None, tz: str) -> datetime | None:
    """A naive datetime is wall-clock time in the event's zone; an aware one is converted."""
    if value is None:
        return None
    zone = ZoneInfo(tz)
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


def _validate(values: dict) -> None:
    """Check the event as a whole (after merging an edit), before anything changes."""
    errors: dict = {}
    if values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = [_("The end must be after the start.")]
    if values["format"] in ("venue", "hybrid") and not (values.get("venue") or "").strip():
        errors["venue"] = [_("Give the venue address for an event at a venue.")]
    if values["format"] in ("online", "hybrid") and not values.get("online_url"):
        errors["online_url"] = [_("Give the online meeting URL for an online event.")]
    if errors:
        raise InvalidInput(errors)


def _check_orgs(user, host_org_id: int | None, co_host_ids: list[int] | None, errors: dict) -> None:
    if host_org_id is not None:
        if db.session.get(Organization, host_org_id) is None:
            errors["host_org_id"] = [_("Unknown organisation.")]
        elif not (user.is_platform_admin or user.is_member(host_org_id)):
            errors["host_org_id"] = [_("You can only host events for an organisation you belong to.")]
    if co_host_ids:
        found = set(db.session.scalars(select(Organization.id).where(Organization.id.in_(co_host_ids))))
        if found != set(co_host_ids):
            errors["co_host_org_ids"] = [_("Unknown organisation.")]


def _check_challenges(challenge_ids: list[int] | None, errors: dict) -> list[Challenge]:
    if not challenge_ids:
        return []
    from ..policies import can
    from flask_login import current_user

    rows = db.session.scalars(select(Challenge).where(Challenge.id.in_(challenge_ids))).all()
    if len(rows) != len(set(challenge_ids)) or not all(can(current_user, "challenge.view", c) for c in rows):
        errors["challenge_ids"] = [_("Unknown challenge.")]
    return list(rows)


def _blank_to_empty(data: dict) -> dict:
    data = dict(data)
    for key in ("description", "agenda"):
        if key in data and data[key] is None:
            data[key] = ""
    if "timezone" in data and not data["timezone"]:
        del data["timezone"]  # empty means "keep" (or the default, Asia/Tokyo)
    return data


def create_event(user, data: dict) -> Event:
    data = _blank_to_empty(data)
    tz = data.get("timezone") or "Asia/Tokyo"
    data["timezone"] = tz
    data["starts_at"], data["ends_at"] = localize(data["starts_at"], tz), localize(data["ends_at"], tz)
    errors: dict = {}
    _check_orgs(user, data["host_org_id"], data.get("co_host_org_ids"), errors)
    challenges = _check_challenges(data.get("challenge_ids"), errors)
    if errors:
        raise InvalidInput(errors)
    _validate(data)
    event = Event(
        host_org_id=data["host_org_id"],
        created_by_id=user.id,
        status="draft",
        **{k: data[k] for k in EDITABLE if k in data},
    )
    event.challenges = challenges
    for org_id in sorted(set(data.get("co_host_org_ids") or []) - {data["host_org_id"]}):
        event.co_hosts.append(EventCoHost(org_id=org_id))
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, user, data: dict) -> Event:
    """Apply an edit; validates the merged result first so nothing is half-written."""
    from .registration import lock_event, promote_waitlist

    data = _blank_to_empty(data)
    if event.status == "cancelled":
        raise Conflict(_("A cancelled event cannot be edited."))
    merged = {k: getattr(event, k) for k in EDITABLE}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    tz = merged["timezone"] or "Asia/Tokyo"
    for key in ("starts_at", "ends_at"):
        if key in data:  # a new wall-clock time is in the (possibly new) zone
            merged[key] = localize(data[key], tz)
    errors: dict = {}
    _check_orgs(user, None, data.get("co_host_org_ids"), errors)
    challenges = _check_challenges(data.get("challenge_ids"), errors) if "challenge_ids" in data else None
    if errors:
        raise InvalidInput(errors)
    _validate(merged)
    status = data.get("status")
    if status is not None and status != event.status:
        _check_transition(event, status)
    lock_event(event)
    for key in EDITABLE:
        if getattr(event, key) != merged[key]:
            setattr(event, key, merged[key])
    if challenges is not None:
        event.challenges = challenges
    if "co_host_org_ids" in data:
        wanted = set(data["co_host_org_ids"] or []) - {event.host_org_id}
        event.co_hosts[:] = [c for c in event.co_hosts if c.org_id in wanted]
        for org_id in sorted(wanted - {c.org_id for c in event.co_hosts}):
            event.co_hosts.append(EventCoHost(org_id=org_id))
    db.session.flush()
    if status == "published" and event.status == "draft":
        publish(event)
    elif status == "cancelled" and event.status != "cancelled":
        cancel_event(event)
    promote_waitlist(event)  # a larger capacity frees seats
    return event


def _check_transition(event: Event, status: str) -> None:
    allowed = {"draft": {"published", "cancelled"}, "published": {"cancelled"}, "cancelled": set()}
    if status not in allowed.get(event.status, set()):
        raise InvalidInput({"status": [_("This status change is not possible.")]})


def publish(event: Event) -> Event:
    if event.status != "draft":
        raise Conflict(_("Only a draft can be published."))
    event.status = "published"
    db.session.flush()
    return event


def cancel_event(event: Event) -> Event:
    if event.status == "cancelled":
        raise Conflict(_("The event is already cancelled."))
    event.status = "cancelled"
    event.registration_open = False
    user_ids = db.session.scalars(
        select(Rsvp.user_id).where(Rsvp.event_id == event.id, Rsvp.status.in_(("confirmed", "waitlisted")))
    ).all()
    db.session.flush()
    notify(user_ids, "events.event_cancelled", {"event": event.title}, event_link(event))
    return event


# Queries ---------------------------------------------------------------------------------------


def visible_events(user):
    """Events the user may see (mirrors the event.view rule in SQL)."""
    stmt = select(Event)
    if user is not None and user.is_platform_admin:
        return stmt
    shown = and_(Event.status != "draft", Event.visibility == "public") if user is None else Event.status != "draft"
    if user is not None and user.org_ids():
        org_ids = list(user.org_ids())
        co_hosted = select(EventCoHost.event_id).where(EventCoHost.org_id.in_(org_ids))
        shown = or_(shown, Event.host_org_id.in_(org_ids), Event.id.in_(co_hosted))
    return stmt.where(shown)


def search_events(
    user,
    when: str = "upcoming",
    kind: str | None = None,
    format: str | None = None,
    org_id: int | None = None,
    q: str | None = None,
    challenge_id: int | None = None,
):
    stmt = visible_events(user)
    now = utcnow()
    if when == "upcoming":
        stmt = stmt.where(Event.ends_at >= now).order_by(Event.starts_at.asc(), Event.id)
    elif when == "past":
        stmt = stmt.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.order_by(Event.starts_at.desc(), Event.id.desc())
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if format:
        stmt = stmt.where(Event.format == format)
    if org_id:
        co = select(EventCoHost.event_id).where(EventCoHost.org_id == org_id)
        stmt = stmt.where(or_(Event.host_org_id == org_id, Event.id.in_(co)))
    if challenge_id:
        from .models import event_challenges

        linked = select(event_challenges.c.event_id).where(event_challenges.c.challenge_id == challenge_id)
        stmt = stmt.where(Event.id.in_(linked))
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Event.title.ilike(like), Event.description.ilike(like), Event.venue.ilike(like)))
    return stmt


def counts(event: Event) -> dict:
    rows = db.session.execute(
        select(Rsvp.status, func.count(Rsvp.id)).where(Rsvp.event_id == event.id).group_by(Rsvp.status)
    ).all()
    by = dict(rows)
    checked = (
        db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id, Rsvp.checked_in_at.is_not(None)))
        or 0
    )
    confirmed = by.get("confirmed", 0)
    seats_left = None if event.capacity is None else max(0, event.capacity - confirmed)
    return {
        "confirmed": confirmed,
        "waitlisted": by.get("waitlisted", 0),
        "checked_in": checked,
        "seats_left": seats_left,
    }


def can_see_online_url(event: Event, user) -> bool:
    return is_organiser(user, event) or attendee_status(event, user) == "confirmed"


def host_options(user) -> list[Organization]:
    if user.is_platform_admin:
        return db.session.scalars(select(Organization).order_by(Organization.kind, Organization.name_ja)).all()
    return sorted((m.organization for m in user.memberships), key=lambda o: o.name_ja)


def all_org_options() -> list[Organization]:
    return db.session.scalars(select(Organization).order_by(Organization.kind, Organization.name_ja)).all()


def challenge_options(user, event: Event | None = None) -> list[Challenge]:
    """Challenges an organiser may link: published ones and their own organisation's."""
    org_ids = list(user.org_ids())
    stmt = select(Challenge).where(
        or_(Challenge.status.in_(("published", "closed", "awarded")), Challenge.owner_org_id.in_(org_ids))
    )
    rows = list(db.session.scalars(stmt.order_by(Challenge.id.desc()).limit(200)))
    if event is not None:
        rows += [c for c in event.challenges if c not in rows]
    return rows


def has_checked_in(event_id: int, user_id: int) -> bool:
    """Was the user checked in at the event (e.g. voter eligibility in a contest)?"""
    return (
        db.session.scalar(
            select(Rsvp.id).where(
                Rsvp.event_id == event_id,
                Rsvp.user_id == user_id,
                Rsvp.status == "confirmed",
                Rsvp.checked_in_at.is_not(None),
            )
        )
        is not None
    )
