"""Audit events as people read them: "Hanako Yamada published the challenge “…”", with labelled,
readable before/after values and JST times. Used by the page, the CSV export and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _, get_locale, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..constants import CATEGORIES, ENVIRONMENT_LABELS, KPI_UNIT_LABELS, PREFECTURE_LABELS
from ..extensions import db
from ..templating import localized_name, when
from .kinds import HIDDEN_FIELDS, KINDS, MONEY_FIELDS, ORG_FIELDS, USER_FIELDS, Kind, field_label

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "awarded": _l("Awarded"),
    "cancelled": _l("Cancelled"),
    "archived": _l("Archived"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "shortlisted": _l("Shortlisted"),
    "selected": _l("Selected"),
    "not_selected": _l("Not selected"),
    "withdrawn": _l("Withdrawn"),
    "open": _l("Open"),
    "planned": _l("Planned"),
    "running": _l("Running"),
    "completed": _l("Completed"),
    "adopted": _l("Adopted"),
    "not_adopted": _l("Not adopted"),
    "discontinued": _l("Discontinued"),
    "live": _l("Live"),
    "finalized": _l("Finalised"),
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "pending_consent": _l("Waiting for consent"),
    "consented": _l("Consented"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("Waitlisted"),
    "requirements_closed": _l("Requirements closed"),
    "specification_published": _l("Specification published"),
    "members": _l("Members only"),
    "public": _l("Public"),
}
VALUE_FIELDS = {
    "status": STATUS_LABELS,
    "visibility": STATUS_LABELS,
    "category": CATEGORIES,
    "environment": ENVIRONMENT_LABELS,
    "unit": KPI_UNIT_LABELS,
}

# The sentence for an event: by action, or by the status an update moved to.
SENTENCES = {
    "create": _l("%(actor)s created the %(kind)s %(object)s"),
    "update": _l("%(actor)s changed the %(kind)s %(object)s"),
    "delete": _l("%(actor)s deleted the %(kind)s %(object)s"),
    "published": _l("%(actor)s published the %(kind)s %(object)s"),
    "closed": _l("%(actor)s closed the %(kind)s %(object)s"),
    "cancelled": _l("%(actor)s cancelled the %(kind)s %(object)s"),
    "archived": _l("%(actor)s archived the %(kind)s %(object)s"),
    "submitted": _l("%(actor)s submitted the %(kind)s %(object)s"),
    "awarded": _l("%(actor)s awarded the %(kind)s %(object)s"),
    "finalized": _l("%(actor)s finalised the %(kind)s %(object)s"),
}
MAX_VALUE = 120


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    event: object
    when: str
    actor: str
    org: str
    kind: str
    title: str
    url: str | None
    sentence: Markup
    text: str  # the sentence without markup (CSV)
    changes: list[Change] = field(default_factory=list)


def kind_of(object_type: str) -> Kind:
    return KINDS.get(object_type) or Kind(object_type.replace("_", " "))


def _models_by_table() -> dict:
    return {
        m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers if getattr(m.class_, "__tablename__", None)
    }


def _load(model, ids) -> dict:
    if not model or not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _names(events) -> tuple[dict, dict]:
    from ..accounts.models import Organization, User

    user_ids, org_ids = set(), set()
    for e in events:
        if e.org_id:
            org_ids.add(e.org_id)
        for values in (e.before or {}, e.after or {}):
            user_ids.update(v for k, v in values.items() if k in USER_FIELDS and isinstance(v, int))
            org_ids.update(v for k, v in values.items() if k in ORG_FIELDS and isinstance(v, int))
    return _load(User, user_ids), _load(Organization, org_ids)


def readable(name: str, value, users: dict, orgs: dict) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in USER_FIELDS and isinstance(value, int):
        user = users.get(value)
        return user.display_name if user else f"#{value}"
    if name in ORG_FIELDS and isinstance(value, int):
        org = orgs.get(value)
        return localized_name(org) if org else f"#{value}"
    if name in MONEY_FIELDS and isinstance(value, (int, float)):
        return f"¥{int(value):,}"
    labels = VALUE_FIELDS.get(name)
    if labels is not None and isinstance(value, str):
        return str(labels.get(value, value))
    if name == "regions_served" and isinstance(value, list):
        return _(", ").join(str(PREFECTURE_LABELS.get(v, v)) for v in value)
    if isinstance(value, list):
        return _(", ").join(str(v) for v in value)
    if isinstance(value, dict):
        return _(", ").join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        parsed = _iso(value)
        if parsed is not None:
            return when(parsed)
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _iso(value: str):
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _verb(event) -> str:
    if event.action == "update" and "status" in (event.after or {}):
        status = (event.after or {}).get("status")
        if status in SENTENCES:
            return status
    return event.action if event.action in SENTENCES else "update"


def _quoted(title: str) -> str:
    return _("“%(title)s”", title=title) if title else ""


def _url(kind: Kind, event, obj) -> str | None:
    if not kind.endpoint:
        return None
    values = event.after or event.before or {}
    target = event.object_id if kind.via is None else (getattr(obj, kind.via, None) or values.get(kind.via))
    if target is None or (event.action == "delete" and kind.via is None):
        return None
    try:
        return url_for(kind.endpoint, **{kind.arg: target})
    except BuildError:
        return None


def describe(events) -> list[Entry]:
    events = list(events)
    tables = _models_by_table()
    wanted: dict[str, set] = {}
    for e in events:
        if e.object_id is not None:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    objects = {t: _load(tables.get(t), ids) for t, ids in wanted.items()}
    users, orgs = _names(events)
    locale = str(get_locale() or "ja")
    entries = []
    for e in events:
        kind = kind_of(e.object_type)
        obj = objects.get(e.object_type, {}).get(e.object_id)
        values = e.after or e.before or {}
        title = ""
        if kind.title:
            title = str(getattr(obj, kind.title, None) or values.get(kind.title) or "")
        label = _quoted(title) or f"#{e.object_id}"
        url = _url(kind, e, obj)
        actor = e.actor.display_name if e.actor else _("The system")
        template = str(SENTENCES[_verb(e)])
        link = Markup('<a href="{}">{}</a>').format(url, label) if url else escape(label)
        sentence = Markup(
            escape(template)
            % {"actor": Markup("<strong>{}</strong>").format(actor), "kind": str(kind.label), "object": link}
        )
        text = template % {"actor": actor, "kind": str(kind.label), "object": label}
        changes = []
        if e.action == "update":
            for name, after in (e.after or {}).items():
                if name in HIDDEN_FIELDS or name == "search_text":
                    continue
                before = (e.before or {}).get(name)
                changes.append(
                    Change(field_label(name), readable(name, before, users, orgs), readable(name, after, users, orgs))
                )
        org = orgs.get(e.org_id)
        entries.append(
            Entry(
                e,
                when(e.created_at),
                actor,
                org.name(locale) if org else "",
                str(kind.label),
                title,
                url,
                sentence,
                text,
                changes,
            )
        )
    return entries
