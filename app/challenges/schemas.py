"""Challenge input (StrictSchema: unknown fields rejected) and output schemas."""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, post_load, validate

from ..api import Integer, StrictSchema
from ..contributions.constants import OFFER_KINDS
from ..contributions.schemas import OfferSchema, UniqueOffersMixin, co_development_field, offers_field
from ..constants import CATEGORIES, ENVIRONMENTS, LANGUAGES, PREFECTURES
from .models import VISIBILITIES

TOKYO = ZoneInfo("Asia/Tokyo")
MAX_YEN = 10**12


class TokyoDateTime(fields.DateTime):
    """A date-time; without a zone (as sent by <input type=datetime-local>) it is Japan time."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is None:
            result = result.replace(tzinfo=TOKYO)
        return result.astimezone(timezone.utc)


def _text(max_len: int, **kw):
    return fields.String(allow_none=True, validate=validate.Length(max=max_len), **kw)


def _yen():
    return Integer(
        big=True,
        allow_none=True,
        strict=False,
        validate=validate.Range(min=0, max=MAX_YEN, error=_l("Enter an amount of 0 yen or more.")),
    )


class ChallengeInputSchema(UniqueOffersMixin, StrictSchema):
    """Create (all required fields) and PATCH (partial=True)."""

    owner_org_id = Integer(
        allow_none=True, metadata={"description": "Organisation that publishes (defaults to the user's municipality)."}
    )
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=200), error_messages={"required": _l("Enter a title.")}
    )
    summary = _text(5000)
    background = _text(10000)
    current_workflow = _text(10000)
    desired_outcome = _text(10000)
    kpis = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), allow_none=True, validate=validate.Length(max=20)
    )
    category = fields.String(
        required=True,
        validate=validate.OneOf(list(CATEGORIES), error=_l("Choose a category.")),
        error_messages={"required": _l("Choose a category.")},
    )
    tags = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)), allow_none=True, validate=validate.Length(max=20)
    )
    environments = fields.List(
        fields.String(validate=validate.OneOf(ENVIRONMENTS)),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one network environment.")),
        error_messages={"required": _l("Choose at least one network environment.")},
    )
    security_level = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3))
    budget_min_jpy = _yen()
    budget_max_jpy = _yen()
    co_development = co_development_field()
    offers = offers_field()
    application_deadline = TokyoDateTime(allow_none=True)
    pilot_start = fields.Date(allow_none=True)
    pilot_end = fields.Date(allow_none=True)
    visibility = fields.String(allow_none=True, validate=validate.OneOf(VISIBILITIES))
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))


class ChallengePatchSchema(ChallengeInputSchema):
    """PATCH: any subset of the fields (loaded with partial=True)."""


class OrgRefSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)
    prefecture = fields.String(allow_none=True)


class CoOwnerSchema(Schema):
    org_id = Integer()
    organization = fields.Nested(OrgRefSchema)
    status = fields.String()
    created_at = fields.DateTime()


class ChallengeSchema(Schema):
    id = Integer()
    title = fields.String()
    summary = fields.String()
    background = fields.String()
    current_workflow = fields.String()
    desired_outcome = fields.String()
    kpis = fields.List(fields.String())
    category = fields.String()
    tags = fields.List(fields.String())
    environments = fields.List(fields.String())
    security_level = Integer()
    budget_min_jpy = Integer(big=True, allow_none=True)
    budget_max_jpy = Integer(big=True, allow_none=True)
    co_development = fields.Boolean()
    offers = fields.List(fields.Nested(OfferSchema))
    application_deadline = fields.DateTime(allow_none=True)
    pilot_start = fields.Date(allow_none=True)
    pilot_end = fields.Date(allow_none=True)
    status = fields.String()
    visibility = fields.String()
    language = fields.String()
    published_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    owner = fields.Nested(OrgRefSchema)
    co_owners = fields.List(fields.Nested(CoOwnerSchema))
    url = fields.Method("get_url")

    def get_url(self, obj):
        return url_for("challenges.detail", challenge_id=obj.id)


SORTS = ("newest", "deadline", "budget_high", "budget_low")
STATUS_FILTERS = ("published", "past", "any", "draft", "cancelled", "all")


class ChallengeQuerySchema(StrictSchema):
    q = fields.String(validate=validate.Length(max=200))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    prefecture = fields.String(validate=validate.OneOf(PREFECTURES))
    environment = fields.String(validate=validate.OneOf(ENVIRONMENTS))
    budget_min = Integer(big=True, validate=validate.Range(min=0, max=MAX_YEN))
    budget_max = Integer(big=True, validate=validate.Range(min=0, max=MAX_YEN))
    status = fields.String(
        validate=validate.OneOf(STATUS_FILTERS),
        metadata={
            "description": "default: published; with q, any (published, closed and awarded: the site search's set)"
        },
    )
    co_development = fields.Boolean(metadata={"description": "Only zero-budget co-development challenges."})
    offer = fields.String(
        validate=validate.OneOf(list(OFFER_KINDS)),
        metadata={
            "description": "Only challenges whose municipality offers this besides money "
            "(test_field, data, staff_time, residents, office_space, "
            "reference_letter)."
        },
    )
    deadline_before = fields.Date()
    open_only = fields.Boolean(load_default=False)
    org_id = Integer()
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @post_load
    def _default_status(self, data, **kwargs):
        if not data.get("status"):
            from .queries import default_status

            data["status"] = default_status(data)
        return data


class CoOwnerInviteSchema(StrictSchema):
    org_id = Integer(required=True, strict=False, error_messages={"required": _l("Choose a municipality to invite.")})


class ChallengeActionSchema(StrictSchema):
    """Body of the lifecycle endpoints (optional, kept empty)."""
