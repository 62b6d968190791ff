"""Rubric, committee, conflict and review schemas (inputs strict)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema


class CriterionInSchema(StrictSchema):
    key = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z][a-z0-9_]{0,49}$", error=_l("Use lowercase letters, digits and underscores (start with a letter).")
        ),
    )
    name_ja = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    weight = Integer(
        required=True, validate=validate.Range(min=1, max=1000, error=_l("The weight must be a whole number above 0."))
    )
    scale_min = Integer(load_default=1, validate=validate.Range(min=0, max=100))
    scale_max = Integer(load_default=5, validate=validate.Range(min=1, max=100))

    @validates_schema
    def _scale(self, data, **kwargs):
        if (
            data.get("scale_min") is not None
            and data.get("scale_max") is not None
            and data["scale_min"] >= data["scale_max"]
        ):
            raise ValidationError(_l("The scale minimum must be below the maximum."), "scale_max")


class RubricInSchema(StrictSchema):
    title = fields.String(load_default="", validate=validate.Length(max=200))
    criteria = fields.List(
        fields.Nested(CriterionInSchema),
        required=True,
        validate=validate.Length(min=1, max=20, error=_l("Give between 1 and 20 criteria.")),
    )

    @validates_schema
    def _unique(self, data, **kwargs):
        keys = [c["key"] for c in data.get("criteria") or []]
        if len(keys) != len(set(keys)):
            raise ValidationError(_l("Each criterion needs its own key."), "criteria")


class CriterionSchema(Schema):
    id = Integer()
    key = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)
    description = fields.String()
    weight = Integer()
    scale_min = Integer()
    scale_max = Integer()


class RubricSchema(Schema):
    id = Integer(allow_none=True)
    title = fields.String()
    criteria = fields.List(fields.Nested(CriterionSchema))
    locked = fields.Boolean(metadata={"description": "True once a score was submitted (no more changes)."})
    defaults = fields.List(fields.Nested(CriterionSchema), metadata={"description": "The standard set offered."})


class CommitteeInSchema(StrictSchema):
    judges = fields.List(fields.Email(), required=True, validate=validate.Length(max=50))
    chair = fields.Email(allow_none=True, load_default=None)


class UserRefSchema(Schema):
    id = Integer()
    display_name = fields.String()
    email = fields.String()


class AssignmentSchema(Schema):
    application_id = Integer()
    judge_id = Integer()


class RecusalSchema(Schema):
    application_id = Integer()
    judge_id = Integer()
    reason = fields.String()
    declared_at = fields.DateTime()


class CommitteeSchema(Schema):
    id = Integer(allow_none=True)
    challenge_id = Integer()
    status = fields.String()
    closed_at = fields.DateTime(allow_none=True)
    chair = fields.Nested(UserRefSchema, allow_none=True)
    judges = fields.List(fields.Nested(UserRefSchema))
    assignments = fields.List(fields.Nested(AssignmentSchema))
    recusals = fields.List(fields.Nested(RecusalSchema))


class AssignmentInSchema(StrictSchema):
    application_id = Integer(required=True)
    judge_ids = fields.List(Integer(), required=True, validate=validate.Length(max=50))


class ConflictInSchema(StrictSchema):
    has_conflict = fields.Boolean(required=True)
    reason = fields.String(
        load_default="", allow_none=True, validate=validate.Length(max=2000)
    )  # a form sends it empty


class ConflictSchema(Schema):
    application_id = Integer()
    judge_id = Integer()
    has_conflict = fields.Boolean()
    reason = fields.String()
    declared_at = fields.DateTime()


class ReviewInSchema(StrictSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=5000))
    submit = fields.Boolean(load_default=False)


class ReviewSchema(Schema):
    id = Integer()
    application_id = Integer()
    judge = fields.Nested(UserRefSchema)
    scores = fields.Dict(keys=fields.String(), values=Integer())
    weighted = fields.Float(allow_none=True)
    comment = fields.String()
    submitted_at = fields.DateTime(allow_none=True)


class RankingItemSchema(Schema):
    application_id = Integer()
    applicant = fields.String()
    status = fields.String()
    rank = Integer(allow_none=True)
    mean = fields.Float(allow_none=True)
    judges = Integer()
    minimum = fields.Float(allow_none=True)
    maximum = fields.Float(allow_none=True)
    spread = fields.Float(allow_none=True)
    stdev = fields.Float(allow_none=True)
    recusals = Integer()
    early_decision = fields.List(
        fields.String(),
        allow_none=True,
        metadata={
            "description": "Selected early, with the decider's confirmation: committee_open and/or before_deadline."
        },
    )


class RankingSchema(Schema):
    challenge_id = Integer()
    committee_status = fields.String()
    items = fields.List(fields.Nested(RankingItemSchema))
