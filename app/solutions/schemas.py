"""Solution input (StrictSchema: unknown fields rejected) and output schemas."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema
from ..contributions.schemas import free_pilot_months_field
from ..constants import CATEGORIES, ENVIRONMENTS, LANGUAGES, NATIONWIDE, PREFECTURES
from .models import CERTIFICATIONS, SOLUTION_STATUSES

REGIONS = (NATIONWIDE, *PREFECTURES)
MAX_YEN = 10**12


class TrackRecordSchema(StrictSchema):
    municipality = fields.String(required=True, validate=validate.Length(min=1, max=200))
    outcome = fields.String(load_default="", validate=validate.Length(max=1000))


def _list(inner, max_len=20, **kw):
    return fields.List(inner, allow_none=True, validate=validate.Length(max=max_len), **kw)


class SolutionInputSchema(StrictSchema):
    org_id = Integer(
        allow_none=True, metadata={"description": "Startup that offers it (defaults to the user's startup)."}
    )
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=200), error_messages={"required": _l("Enter a title.")}
    )
    summary = fields.String(allow_none=True, validate=validate.Length(max=5000))
    features = _list(fields.String(validate=validate.Length(min=1, max=200)))
    category = fields.String(
        required=True,
        validate=validate.OneOf(list(CATEGORIES), error=_l("Choose a category.")),
        error_messages={"required": _l("Choose a category.")},
    )
    tags = _list(fields.String(validate=validate.Length(min=1, max=40)))
    environments = fields.List(
        fields.String(validate=validate.OneOf(ENVIRONMENTS)),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one network environment.")),
        error_messages={"required": _l("Choose at least one network environment.")},
    )
    security_level = Integer(allow_none=True, validate=validate.Range(min=1, max=3))
    price_jpy_per_year = Integer(
        big=True,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_YEN, error=_l("Enter an amount of 0 yen or more.")),
    )
    free_pilot_months = free_pilot_months_field("the startup")
    track_record = _list(fields.Nested(TrackRecordSchema), max_len=50)
    certifications = _list(fields.String(validate=validate.OneOf(CERTIFICATIONS)))
    languages = _list(fields.String(validate=validate.OneOf(LANGUAGES)))
    regions_served = _list(
        fields.String(validate=validate.OneOf(REGIONS, error=_l("Choose prefectures or “Nationwide”."))), max_len=48
    )
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))


class SolutionPatchSchema(SolutionInputSchema):
    """PATCH: any subset of the fields (loaded with partial=True)."""


class SolutionOrgSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)


class TrackRecordOutSchema(Schema):
    municipality = fields.String()
    outcome = fields.String()


class SolutionSchema(Schema):
    id = Integer()
    title = fields.String()
    summary = fields.String()
    features = fields.List(fields.String())
    category = fields.String()
    tags = fields.List(fields.String())
    environments = fields.List(fields.String())
    security_level = Integer()
    price_jpy_per_year = Integer(big=True, allow_none=True)
    free_pilot_months = Integer(allow_none=True)
    track_record = fields.List(fields.Nested(TrackRecordOutSchema))
    certifications = fields.List(fields.String())
    languages = fields.List(fields.String())
    regions_served = fields.List(fields.String())
    status = fields.String()
    language = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    organization = fields.Nested(SolutionOrgSchema)
    url = fields.Method("get_url")

    def get_url(self, obj):
        return url_for("solutions.detail", solution_id=obj.id)


SORTS = ("newest", "price_low", "price_high")


class SolutionQuerySchema(StrictSchema):
    q = fields.String(validate=validate.Length(max=200))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    environment = fields.String(validate=validate.OneOf(ENVIRONMENTS))
    max_price = Integer(big=True, validate=validate.Range(min=0, max=MAX_YEN))
    certification = fields.String(validate=validate.OneOf(CERTIFICATIONS))
    region = fields.String(validate=validate.OneOf(REGIONS))
    status = fields.String(load_default="published", validate=validate.OneOf(SOLUTION_STATUSES))
    org_id = Integer()
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SolutionActionSchema(StrictSchema):
    """Body of the publish / archive endpoints (optional, kept empty)."""
