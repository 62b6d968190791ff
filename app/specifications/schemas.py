"""Standard specification input (StrictSchema) and output schemas; HTML forms load the same ones."""

from __future__ import annotations

import re

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema
from ..challenges.schemas import OrgRefSchema
from ..constants import ENVIRONMENTS
from ..procurement.constants import FEATURE_MAX_LENGTH, FEATURES_MAX, SERVICE_TYPES

MAX_YEN = 10**12
SEATS_MAX = 10**6
BANDS_MAX = 10
_BAND_TEXT = re.compile(r"^\s*(\d+)\s*[-–〜~]\s*(\d*)\s*$")


class SeatBandSchema(StrictSchema):
    min_seats = Integer(required=True, validate=validate.Range(min=1, max=SEATS_MAX))
    max_seats = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=SEATS_MAX))

    @validates_schema
    def _ordered(self, data, **_kw):
        if data.get("max_seats") is not None and data["max_seats"] < data["min_seats"]:
            raise ValidationError(_l("A seat band must end at or above its start."), "max_seats")


class SeatBands(fields.Field):
    """A list of {min_seats, max_seats}; a form's text "1-100, 101-500, 501-" is accepted too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [p for p in re.split(r"[,、\n]", value) if p.strip()]
        if not isinstance(value, list):
            raise ValidationError(_l("Give seat bands such as 1-100, 101-500, 501-."))
        if len(value) > BANDS_MAX:
            raise ValidationError(_l("At most 10 seat bands."))
        bands = []
        for item in value:
            if isinstance(item, str):
                match = _BAND_TEXT.match(item)
                if not match:
                    raise ValidationError(_l("Give seat bands such as 1-100, 101-500, 501-."))
                item = {"min_seats": int(match.group(1)), "max_seats": int(match.group(2)) if match.group(2) else None}
            if not isinstance(item, dict):
                raise ValidationError(_l("Give seat bands such as 1-100, 101-500, 501-."))
            bands.append(SeatBandSchema().load(item))
        return bands


def _features():
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH)),
        load_default=list,
        validate=validate.Length(max=FEATURES_MAX),
    )


def _yen():
    return Integer(
        big=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_YEN, error=_l("Enter an amount of 0 yen or more.")),
    )


class VersionInputSchema(StrictSchema):
    """The text of one version (a new specification's v1, or the next version)."""

    must_have = _features()
    nice_to_have = _features()
    environments = fields.List(
        fields.String(validate=validate.OneOf(ENVIRONMENTS)),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one network environment.")),
        error_messages={"required": _l("Choose at least one network environment.")},
    )
    security_level = Integer(load_default=2, validate=validate.Range(min=1, max=3))
    seat_bands = SeatBands(load_default=list, metadata={"description": "[{min_seats, max_seats|null}]"})
    price_min_jpy = _yen()
    price_max_jpy = _yen()
    summary = fields.String(load_default="", allow_none=True, validate=validate.Length(max=5000))
    change_note = fields.String(
        load_default="",
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "What changed from the previous version."},
    )

    @validates_schema
    def _consistent(self, data, **_kw):
        low, high = data.get("price_min_jpy"), data.get("price_max_jpy")
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("The highest price must not be below the lowest."), "price_max_jpy")
        if not data.get("must_have") and not data.get("nice_to_have"):
            raise ValidationError(_l("List at least one requirement."), "must_have")


class SpecificationCreateSchema(VersionInputSchema):
    round_id = Integer(
        required=True,
        metadata={"description": "The round it comes from."},
        error_messages={"required": _l("Choose the procurement round.")},
    )
    title = fields.String(
        required=True, validate=validate.Length(min=3, max=200), error_messages={"required": _l("Enter a title.")}
    )


class AdoptSchema(StrictSchema):
    org_id = Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The adopting municipality (if you administer several)."},
    )


class StartChallengeSchema(StrictSchema):
    owner_org_id = Integer(load_default=None, allow_none=True)


class StartRoundSchema(StrictSchema):
    coordinator_org_id = Integer(load_default=None, allow_none=True)


class SpecQuerySchema(StrictSchema):
    service_type = fields.String(validate=validate.OneOf(list(SERVICE_TYPES)))
    q = fields.String(validate=validate.Length(max=200))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DiffQuerySchema(StrictSchema):
    from_version = Integer(data_key="from", load_default=None, validate=validate.Range(min=1))
    to_version = Integer(data_key="to", load_default=None, validate=validate.Range(min=1))


class SeatBandOutSchema(Schema):
    min_seats = Integer()
    max_seats = Integer(allow_none=True)


class VersionSchema(Schema):
    number = Integer()
    must_have = fields.List(fields.String())
    nice_to_have = fields.List(fields.String())
    environments = fields.List(fields.String())
    security_level = Integer()
    seat_bands = fields.List(fields.Nested(SeatBandOutSchema))
    price_min_jpy = Integer(big=True, allow_none=True)
    price_max_jpy = Integer(big=True, allow_none=True)
    summary = fields.String()
    change_note = fields.String()
    published_at = fields.DateTime()


class UseSchema(Schema):
    kind = fields.String(metadata={"enum": ["adoption", "challenge", "round"]})
    object_id = Integer()
    organization = fields.Nested(OrgRefSchema, allow_none=True)
    version_number = Integer()
    created_at = fields.DateTime()


class SpecificationSchema(Schema):
    id = Integer()
    title = fields.String()
    service_type = fields.String()
    coordinator = fields.Nested(OrgRefSchema)
    origin_round_id = Integer(allow_none=True)
    current = fields.Nested(VersionSchema, allow_none=True)
    versions = fields.List(fields.Nested(VersionSchema))
    adopted_by = fields.Method("get_adopted_by")
    created_at = fields.DateTime()
    url = fields.Method("get_url")

    def get_adopted_by(self, obj):
        return [OrgRefSchema().dump(u.organization) for u in obj.uses if u.kind == "adoption" and u.organization]

    def get_url(self, obj):
        return url_for("specifications.detail", spec_id=obj.id)


class DiffSchema(Schema):
    from_version = Integer(data_key="from")
    to_version = Integer(data_key="to")
    lists = fields.Dict()
    changed = fields.Dict()
    seat_bands = fields.Dict()
    empty = fields.Boolean()


class UsageSchema(Schema):
    """Everything that used the specification and that the caller may see."""

    adoptions = fields.List(fields.Nested(UseSchema))
    challenges = fields.List(fields.Dict())
    rounds = fields.List(fields.Dict())
    pilots = fields.List(fields.Dict())
    contracts = fields.List(fields.Dict())
