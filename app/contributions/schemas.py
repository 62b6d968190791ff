"""Schema pieces shared by the challenge, application and solution schemas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema
from .constants import FREE_PILOT_MONTHS_MAX, OFFER_DESCRIPTION_MAX, OFFER_KINDS


class OfferInputSchema(StrictSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(list(OFFER_KINDS), error=_l("Choose a kind of offer.")),
        metadata={"description": "One of: " + ", ".join(OFFER_KINDS)},
    )
    description = fields.String(
        required=True,
        validate=validate.Length(
            min=1, max=OFFER_DESCRIPTION_MAX, error=_l("Describe the offer in at most 500 characters.")
        ),
        error_messages={"required": _l("Describe the offer.")},
    )


class OfferSchema(Schema):
    kind = fields.String()
    label = fields.Method("get_label")
    description = fields.String()

    def get_label(self, obj):
        return str(OFFER_KINDS.get(obj.get("kind"), obj.get("kind")))


def offers_field():
    return fields.List(
        fields.Nested(OfferInputSchema),
        allow_none=True,
        validate=validate.Length(max=len(OFFER_KINDS)),
        metadata={"description": "What the municipality offers besides money: [{kind, description}], one per kind."},
    )


def co_development_field():
    return fields.Boolean(
        allow_none=True,
        metadata={
            "description": "No budget: co-development (the budget is 0 yen; the offers are what the city brings)."
        },
    )


def free_pilot_months_field(who: str):
    return Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=FREE_PILOT_MONTHS_MAX, error=_l("Enter a number of months from 0 to 36.")),
        metadata={"description": f"Months of free pilot {who} offers (0 or empty: none)."},
    )


def in_kind_field():
    return fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "In-kind work the startup brings (set-up, training, data conversion, ...)."},
    )


def unique_offer_kinds(offers) -> None:
    kinds = [o["kind"] for o in offers or ()]
    if len(kinds) != len(set(kinds)):
        raise ValidationError({"offers": [_l("Give each kind of offer once.")]})


class UniqueOffersMixin:
    @validates_schema
    def _unique_offers(self, data, **kwargs):
        unique_offer_kinds(data.get("offers"))
