"""Procurement schemas: input (StrictSchema) and output. HTML forms load the same input schemas."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema
from ..constants import ENVIRONMENTS
from .constants import FEATURE_MAX_LENGTH, FEATURES_MAX, ROUND_STATUSES, SERVICE_TYPES

TOKYO = ZoneInfo("Asia/Tokyo")


def Deadline(**kw):  # noqa: N802 - a field factory
    """Date-times without an offset (HTML datetime-local) are Tokyo time."""
    return fields.AwareDateTime(default_timezone=TOKYO, **kw)


def Features():  # noqa: N802
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH)),
        load_default=list,
        validate=validate.Length(max=FEATURES_MAX),
    )


def _check_deadlines(data):
    opt, req = data.get("optin_deadline"), data.get("requirements_deadline")
    if opt and req and req < opt:
        raise ValidationError(
            str(_l("The requirement deadline cannot be before the opt-in deadline.")), "requirements_deadline"
        )


class RoundCreateSchema(StrictSchema):
    coordinator_org_id = Integer(load_default=None, allow_none=True)
    service_type = fields.String(required=True, validate=validate.OneOf(list(SERVICE_TYPES)))
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="", allow_none=True, validate=validate.Length(max=10000))
    feature_catalogue = fields.List(
        fields.String(validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH)),
        load_default=None,
        validate=validate.Length(max=FEATURES_MAX),
    )
    optin_deadline = Deadline(required=True)
    requirements_deadline = Deadline(required=True)
    expected_start = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def deadlines(self, data, **_kw):
        _check_deadlines(data)


class RoundUpdateSchema(StrictSchema):
    service_type = fields.String(validate=validate.OneOf(list(SERVICE_TYPES)))
    title = fields.String(validate=validate.Length(min=3, max=200))
    description = fields.String(allow_none=True, validate=validate.Length(max=10000))
    feature_catalogue = fields.List(
        fields.String(validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH)),
        validate=validate.Length(max=FEATURES_MAX),
    )
    optin_deadline = Deadline()
    requirements_deadline = Deadline()
    expected_start = fields.Date(allow_none=True)

    @validates_schema
    def deadlines(self, data, **_kw):
        _check_deadlines(data)


class RoundQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(ROUND_STATUSES))
    service_type = fields.String(validate=validate.OneOf(list(SERVICE_TYPES)))
    q = fields.String(validate=validate.Length(max=100))
    mine = fields.Boolean(load_default=False)
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class OptInSchema(StrictSchema):
    org_id = Integer(load_default=None, allow_none=True)


class SheetInputSchema(StrictSchema):
    org_id = Integer(load_default=None, allow_none=True)
    environments = fields.List(
        fields.String(validate=validate.OneOf(ENVIRONMENTS)),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one environment.")),
    )
    seats = Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    security_level = Integer(required=True, validate=validate.Range(min=1, max=3))
    budget_max_jpy = Integer(big=True, required=True, validate=validate.Range(min=0, max=100_000_000_000))
    must_have = Features()
    nice_to_have = Features()
    notes = fields.String(load_default="", allow_none=True, validate=validate.Length(max=5000))


class VendorInviteSchema(StrictSchema):
    org_ids = fields.List(Integer(), required=True, validate=validate.Length(min=1, max=20))


class DemoCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="", allow_none=True, validate=validate.Length(max=5000))
    kind = fields.String(load_default="workshop", validate=validate.OneOf(("workshop", "meetup")))
    format = fields.String(load_default="online", validate=validate.OneOf(("online", "venue", "hybrid")))
    venue = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    online_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    starts_at = Deadline(required=True)
    ends_at = Deadline(required=True)
    vendor_org_id = Integer(load_default=None, allow_none=True)

    @validates_schema
    def times(self, data, **_kw):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError(str(_l("The end must be after the start.")), "ends_at")


class StatusChangeSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(ROUND_STATUSES))
    vendor_org_id = Integer(load_default=None, allow_none=True)


# Output -----------------------------------------------------------------------------------------
class OrgRefSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)


class ParticipantSchema(Schema):
    org = fields.Nested(OrgRefSchema, attribute="organization")
    has_sheet = fields.Boolean()
    opted_in_at = fields.DateTime(attribute="created_at")


class SheetSchema(Schema):
    org = fields.Nested(OrgRefSchema, attribute="organization")
    has_sheet = fields.Boolean()
    environments = fields.List(fields.String())
    seats = Integer(allow_none=True)
    security_level = Integer(allow_none=True)
    budget_max_jpy = Integer(big=True, allow_none=True)
    must_have = fields.List(fields.String())
    nice_to_have = fields.List(fields.String())
    notes = fields.String()
    sheet_submitted_at = fields.DateTime(allow_none=True)


class DemoSchema(Schema):
    event_id = Integer()
    title = fields.String(attribute="event.title")
    starts_at = fields.DateTime(attribute="event.starts_at")
    url = fields.Function(lambda link: f"/events/{link.event_id}")
    vendor = fields.Nested(OrgRefSchema, allow_none=True)


class RoundSchema(Schema):
    id = Integer()
    coordinator = fields.Nested(OrgRefSchema)
    service_type = fields.String()
    title = fields.String()
    description = fields.String()
    feature_catalogue = fields.List(fields.String())
    optin_deadline = fields.DateTime()
    requirements_deadline = fields.DateTime()
    expected_start = fields.Date(allow_none=True)
    status = fields.String()
    challenge_id = Integer(allow_none=True)
    awarded_vendor = fields.Nested(OrgRefSchema, allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema))
    vendors = fields.Function(lambda rnd: [OrgRefSchema().dump(v.organization) for v in rnd.vendors])
    demos = fields.List(fields.Nested(DemoSchema), attribute="demo_links")
    created_at = fields.DateTime()


class VendorInviteResultSchema(Schema):
    invited = fields.List(fields.Nested(OrgRefSchema))
    already_invited = fields.List(fields.Nested(OrgRefSchema))


class ChallengeRefSchema(Schema):
    id = Integer()
    title = fields.String()
    status = fields.String()
    url = fields.Function(lambda c: f"/challenges/{c.id}")
