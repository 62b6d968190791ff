"""Tool comparison input (StrictSchema) and output schemas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema
from .comparison_models import RESULTS
from .constants import FEATURE_MAX_LENGTH
from .schemas import OrgRefSchema

MAX_YEN = 10**12


class CellInputSchema(StrictSchema):
    requirement = fields.String(required=True, validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH))
    result = fields.String(
        required=True,
        validate=validate.OneOf(RESULTS, error=_l("Choose met, partial or not met.")),
        metadata={"enum": list(RESULTS)},
    )
    note = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))


class RowInputSchema(StrictSchema):
    solution_id = Integer(required=True, error_messages={"required": _l("Choose the vendor's solution.")})
    quoted_price_jpy = Integer(
        big=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_YEN, error=_l("Enter an amount of 0 yen or more.")),
    )
    demo_date = fields.Date(load_default=None, allow_none=True)
    note = fields.String(load_default="", allow_none=True, validate=validate.Length(max=5000))
    cells = fields.List(fields.Nested(CellInputSchema), load_default=list, validate=validate.Length(max=60))


class ReplyInputSchema(StrictSchema):
    requirement = fields.String(required=True, validate=validate.Length(min=1, max=FEATURE_MAX_LENGTH))
    reply = fields.String(
        required=True, validate=validate.Length(max=2000), error_messages={"required": _l("Write your reply.")}
    )


class CellSchema(Schema):
    requirement = fields.String()
    result = fields.String(metadata={"enum": list(RESULTS)})
    note = fields.String()
    vendor_reply = fields.String()
    replied_at = fields.DateTime(allow_none=True)


class SolutionRefSchema(Schema):
    id = Integer()
    title = fields.String()


class RowSchema(Schema):
    solution = fields.Nested(SolutionRefSchema)
    vendor = fields.Nested(OrgRefSchema)
    quoted_price_jpy = Integer(big=True, allow_none=True)
    demo_date = fields.Date(allow_none=True)
    note = fields.String()
    cells = fields.List(fields.Nested(CellSchema))
    updated_at = fields.DateTime()


class RequirementSchema(Schema):
    requirement = fields.String()
    must = fields.Boolean()


class ComparisonSchema(Schema):
    round_id = Integer()
    whole = fields.Boolean(metadata={"description": "False for a vendor, who sees only its own rows."})
    requirements = fields.List(fields.Nested(RequirementSchema))
    rows = fields.List(fields.Nested(RowSchema))
