"""Event schemas: StrictSchema inputs (pages and API share them) and output shapes."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema
from ..constants import CATEGORIES
from .models import EVENT_FORMATS, EVENT_KINDS

TIMEZONES = sorted(available_timezones())
Text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731


class _EventFields(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = Text(20000, allow_none=True)
    agenda = Text(20000, allow_none=True)
    kind = fields.String(validate=validate.OneOf(EVENT_KINDS))
    format = fields.String(validate=validate.OneOf(EVENT_FORMATS))
    venue = Text(300, allow_none=True)
    online_url = fields.Url(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=500))
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    timezone = fields.String(allow_none=True, validate=validate.OneOf(TIMEZONES, error=_l("Unknown time zone.")))
    capacity = Integer(allow_none=True, validate=validate.Range(min=1, max=100000))
    visibility = fields.String(validate=validate.OneOf(("public", "members")))
    registration_open = fields.Boolean()
    co_host_org_ids = fields.List(Integer(), validate=validate.Length(max=20))
    challenge_ids = fields.List(Integer(), validate=validate.Length(max=20))

    @validates_schema(skip_on_field_errors=False)
    def _end_after_start(self, data, **kwargs):
        """Reported with the other field errors; the service re-checks the merged event on edit."""
        if data.get("starts_at") and data.get("ends_at"):
            from .services import localize

            tz = data.get("timezone") or "Asia/Tokyo"
            if localize(data["ends_at"], tz) <= localize(data["starts_at"], tz):
                raise ValidationError(_l("The end must be after the start."), "ends_at")


class EventCreateSchema(_EventFields):
    host_org_id = Integer(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="meetup", validate=validate.OneOf(EVENT_KINDS))
    format = fields.String(load_default="venue", validate=validate.OneOf(EVENT_FORMATS))
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    timezone = fields.String(
        load_default="Asia/Tokyo", allow_none=True, validate=validate.OneOf(TIMEZONES, error=_l("Unknown time zone."))
    )
    description = Text(20000, load_default="", allow_none=True)
    agenda = Text(20000, load_default="", allow_none=True)
    visibility = fields.String(load_default="public", validate=validate.OneOf(("public", "members")))


class EventUpdateSchema(_EventFields):
    status = fields.String(validate=validate.OneOf(("published", "cancelled")))


class EventQuerySchema(StrictSchema):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(("upcoming", "past", "all")))
    kind = fields.String(validate=validate.OneOf(EVENT_KINDS))
    format = fields.String(validate=validate.OneOf(EVENT_FORMATS))
    org_id = Integer()
    challenge_id = Integer()
    q = fields.String(validate=validate.Length(max=100))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class OrgBriefSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()


def _user():
    return current_user if current_user.is_authenticated else None


class EventSchema(Schema):
    id = Integer()
    title = fields.String()
    description = fields.String()
    agenda = fields.String()
    kind = fields.String()
    format = fields.String()
    venue = fields.String(allow_none=True)
    online_url = fields.Method("get_online_url", allow_none=True)
    starts_at = fields.Method("get_starts_at")
    ends_at = fields.Method("get_ends_at")
    timezone = fields.String()
    capacity = Integer(allow_none=True)
    visibility = fields.String()
    status = fields.String()
    registration_open = fields.Boolean()
    host = fields.Nested(OrgBriefSchema)
    co_hosts = fields.Method("get_co_hosts")
    challenge_ids = fields.Method("get_challenge_ids")
    counts = fields.Method("get_counts")
    my_rsvp = fields.Method("get_my_rsvp", allow_none=True)
    url = fields.Method("get_url")

    def _zone(self, obj, value):
        from .services import localize

        return localize(value, obj.timezone).isoformat()

    def get_starts_at(self, obj):
        return self._zone(obj, obj.starts_at)

    def get_ends_at(self, obj):
        return self._zone(obj, obj.ends_at)

    def get_online_url(self, obj):
        from .services import can_see_online_url

        return obj.online_url if can_see_online_url(obj, _user()) else None

    def get_co_hosts(self, obj):
        return OrgBriefSchema(many=True).dump([c.organization for c in obj.co_hosts])

    def get_challenge_ids(self, obj):
        return [c.id for c in obj.challenges]

    def get_counts(self, obj):
        from .services import counts

        return counts(obj)

    def get_my_rsvp(self, obj):
        from .queries import attendee_status

        return attendee_status(obj, _user())

    def get_url(self, obj):
        return f"/events/{obj.id}"


class RsvpSchema(Schema):
    id = Integer()
    event_id = Integer()
    user_id = Integer()
    status = fields.String()
    requested_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    ticket_url = fields.Method("get_ticket_url", allow_none=True)

    def get_ticket_url(self, obj):
        return f"/events/{obj.event_id}/ticket" if obj.status == "confirmed" else None


class AttendeeSchema(RsvpSchema):
    display_name = fields.Function(lambda r: r.user.display_name)
    email = fields.Function(lambda r: r.user.email)


class RegistrationSchema(StrictSchema):
    open = fields.Boolean(required=True)


class CheckinSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CheckinResultSchema(Schema):
    rsvp_id = Integer(attribute="id")
    display_name = fields.Function(lambda r: r.user.display_name)
    checked_in_at = fields.DateTime()


class CardCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    body = Text(2000, load_default="", allow_none=True)
    category = fields.String(load_default="backoffice_dx", validate=validate.OneOf(list(CATEGORIES)))
    org_id = Integer()


class CardSchema(Schema):
    id = Integer()
    event_id = Integer()
    title = fields.String()
    body = fields.String()
    category = fields.String()
    org = fields.Function(lambda c: OrgBriefSchema().dump(c.organization))
    author = fields.Function(lambda c: c.author.display_name if c.author else None)
    likes = Integer()
    liked = fields.Boolean()
    challenge_id = Integer(allow_none=True)


class LikeResultSchema(Schema):
    liked = fields.Boolean()
    likes = Integer()


class ChallengeRefSchema(Schema):
    id = Integer()
    title = fields.String()
    status = fields.String()
    owner_org_id = Integer()
    edit_url = fields.Function(lambda c: f"/challenges/{c.id}/edit")
