"""Which audit events a user may read, and the filters of the page, the CSV and the API."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from ..accounts.models import Organization, User
from ..api import Integer, StrictSchema
from ..extensions import db
from .kinds import KINDS
from .models import AuditEvent

JST = dt.timezone(dt.timedelta(hours=9))


class AuditFilterSchema(StrictSchema):
    actor_id = Integer(validate=validate.Range(min=1))
    org_id = Integer(validate=validate.Range(min=1))
    object_type = fields.String(validate=validate.OneOf(tuple(KINDS)))
    object_id = Integer(validate=validate.Range(min=1))
    since = fields.Date()  # JST calendar days, inclusive
    until = fields.Date()

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError({"until": [str(_l("The end date is before the start date."))]})


class AuditQuerySchema(AuditFilterSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=50, validate=validate.Range(min=1, max=200))


def visible(user):
    """Platform admins see everything; organisation admins see their organisations' events."""
    stmt = select(AuditEvent)
    if not user.is_platform_admin:
        stmt = stmt.where(AuditEvent.org_id.in_(user.org_ids(role="admin")))
    return stmt


def audit_query(user, filters: dict | None = None):
    filters = filters or {}
    stmt = visible(user).order_by(AuditEvent.id.desc())
    for name in ("actor_id", "org_id", "object_type", "object_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(AuditEvent, name) == filters[name])
    if filters.get("since"):
        stmt = stmt.where(AuditEvent.created_at >= _jst_midnight(filters["since"]))
    if filters.get("until"):
        stmt = stmt.where(AuditEvent.created_at < _jst_midnight(filters["until"] + dt.timedelta(days=1)))
    return stmt


def _jst_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.timezone.utc)


def filter_choices(user) -> dict:
    """The people and organisations that appear in the events this user may read."""
    seen = visible(user).subquery()
    actors = db.session.scalars(
        select(User).where(User.id.in_(select(seen.c.actor_id).distinct())).order_by(User.display_name)
    ).all()
    orgs = db.session.scalars(
        select(Organization).where(Organization.id.in_(select(seen.c.org_id).distinct())).order_by(Organization.name_ja)
    ).all()
    return {"actors": actors, "orgs": orgs}
