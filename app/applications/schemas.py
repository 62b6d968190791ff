"""Application schemas: inputs are strict (unknown fields rejected); outputs never carry scores."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..api import StrictSchema
from .models import APPLICATION_STATUSES

TEXT = validate.Length(max=20000)
OWNER_STATUSES = ("under_review", "shortlisted", "selected", "not_selected")


class ApplicationInputSchema(StrictSchema):
    solution_id = fields.Integer(allow_none=True)
    proposal = fields.String(validate=TEXT)
    implementation_plan = fields.String(validate=TEXT)
    schedule = fields.String(validate=TEXT)
    cost_estimate_jpy = fields.Integer(allow_none=True, validate=validate.Range(
        min=0, max=10**12, error=_l("Enter an amount between 0 and 1,000,000,000,000 yen.")))
    expected_effect = fields.String(validate=TEXT)
    partners = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                           validate=validate.Length(max=20),
                           metadata={"description": "Consortium partners: organisation ids or slugs."})


class ApplicationCreateSchema(ApplicationInputSchema):
    solution_id = fields.Integer(required=True)


class StatusChangeSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(OWNER_STATUSES))
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class OrgRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)


class PartnerSchema(Schema):
    organization = fields.Nested(OrgRefSchema)
    role = fields.String()


class ApplicationSchema(Schema):
    id = fields.Integer()
    challenge_id = fields.Integer()
    solution_id = fields.Integer(allow_none=True)
    applicant = fields.Nested(OrgRefSchema)
    partners = fields.List(fields.Nested(PartnerSchema))
    proposal = fields.String()
    implementation_plan = fields.String()
    schedule = fields.String()
    cost_estimate_jpy = fields.Integer(allow_none=True)
    expected_effect = fields.String()
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    submitted_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class StatusChangeOutSchema(Schema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class ApplicationQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
