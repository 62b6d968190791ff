"""Application schemas: inputs are strict (unknown fields rejected); outputs never carry scores."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from werkzeug.datastructures import MultiDict

from ..api import Integer, StrictSchema
from ..contributions.schemas import free_pilot_months_field, in_kind_field
from ..errors import InvalidInput
from ..forms import form_to_dict
from .models import APPLICATION_STATUSES

TEXT = validate.Length(max=20000)
OWNER_STATUSES = ("under_review", "shortlisted", "selected", "not_selected")


class PartnerInputSchema(StrictSchema):
    """One consortium partner: the organisation (by id or slug) and its role in the consortium."""

    org_id = Integer(validate=validate.Range(min=1), metadata={"description": "Organisation id."})
    slug = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "Organisation slug."})
    role = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "The partner's role, e.g. 'system integration'."},
    )

    @validates_schema
    def _one_reference(self, data, **kwargs):
        if data.get("org_id") is None and not (data.get("slug") or "").strip():
            raise ValidationError(_l("Choose an organisation."), "org_id")
        if data.get("org_id") is not None and data.get("slug"):
            raise ValidationError(_l("Give either the organisation id or its slug, not both."), "slug")


class PartnerRef(fields.Field):
    """A partner as {org_id or slug, role}; a bare string (slug or id) is still accepted, with no role."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()
            if not 1 <= len(value) <= 80:
                raise ValidationError(_l("Enter an organisation."))
            return {"ref": value, "role": ""}
        if isinstance(value, dict):
            return PartnerInputSchema().load(value)
        raise ValidationError(_l("Give a partner as an object with org_id or slug, and role."))


class ApplicationInputSchema(StrictSchema):
    solution_id = Integer(allow_none=True)
    proposal = fields.String(allow_none=True, validate=TEXT)  # blank in a draft
    implementation_plan = fields.String(allow_none=True, validate=TEXT)  # blank in a draft
    schedule = fields.String(allow_none=True, validate=TEXT)  # blank in a draft
    cost_estimate_jpy = Integer(
        big=True,
        allow_none=True,
        validate=validate.Range(min=0, max=10**12, error=_l("Enter an amount between 0 and 1,000,000,000,000 yen.")),
    )
    expected_effect = fields.String(allow_none=True, validate=TEXT)  # blank in a draft
    free_pilot_months = free_pilot_months_field("the startup")
    in_kind = in_kind_field()
    partners = fields.List(
        PartnerRef(),
        validate=validate.Length(max=20),
        metadata={
            "description": "Consortium partners: objects {org_id or slug, role} (a bare slug or id string "
            "is accepted too). The list replaces the current partners."
        },
    )


class ApplicationCreateSchema(ApplicationInputSchema):
    solution_id = Integer(required=True)


def load_application_form(schema: Schema, form, partial: bool = False) -> dict:
    """The HTML form: the usual fields plus partner rows (partner_org_id[i], partner_role[i]).

    Blank rows are dropped; errors come back as {"partners": {i: {field: [...]}}} for the kept rows.
    """
    base = MultiDict([(k, v) for k, v in form.items(multi=True) if not k.startswith("partner_")])
    data = form_to_dict(base, schema)
    data["partners"] = partner_rows(form)
    clean = [{k: v for k, v in row.items() if v != "" or k == "role"} for row in data["partners"]]
    data["partners"] = clean
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise InvalidInput(exc.normalized_messages()) from exc


def partner_rows(form) -> list[dict]:
    """The non-blank partner rows of a submitted form, as strings (for loading and for re-display)."""
    ids, roles = form.getlist("partner_org_id"), form.getlist("partner_role")
    roles += [""] * (len(ids) - len(roles))
    return [{"org_id": i.strip(), "role": r.strip()} for i, r in zip(ids, roles) if i.strip() or r.strip()]


class StatusChangeSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(OWNER_STATUSES))
    reason = fields.String(load_default="", validate=validate.Length(max=5000))
    confirm_early = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Required (true) to select before the committee has closed scoring or before the "
            "application deadline; the early decision is recorded and shown on the ranking."
        },
    )


class OrgRefSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)


class PartnerSchema(Schema):
    organization = fields.Nested(OrgRefSchema)
    role = fields.String()


class ApplicationSchema(Schema):
    id = Integer()
    challenge_id = Integer()
    solution_id = Integer(allow_none=True)
    applicant = fields.Nested(OrgRefSchema)
    partners = fields.List(fields.Nested(PartnerSchema))
    proposal = fields.String()
    implementation_plan = fields.String()
    schedule = fields.String()
    cost_estimate_jpy = Integer(big=True, allow_none=True)
    free_pilot_months = Integer(allow_none=True)
    in_kind = fields.String()
    expected_effect = fields.String()
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    submitted_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    early_decision = fields.List(
        fields.String(),
        allow_none=True,
        metadata={"description": "Selected early: committee_open and/or before_deadline (confirmed by the decider)."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class StatusChangeOutSchema(Schema):
    id = Integer()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = Integer(allow_none=True)
    created_at = fields.DateTime()


class ApplicationQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))
