"""Matchmaking schemas: explained matches, invitations, referrals, index status."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema


class FitSchema(Schema):
    environment = fields.Boolean(allow_none=True)
    budget = fields.Boolean(allow_none=True)
    region = fields.Boolean(allow_none=True)
    category = fields.Boolean(allow_none=True)


class MatchSchema(Schema):
    kind = fields.String()
    id = Integer(attribute="object_id")
    title = fields.String()
    url = fields.String()
    rank = Integer()
    score = fields.Float()
    lexical_score = fields.Float()
    semantic_score = fields.Float(allow_none=True, metadata={"description": "cosine similarity (null: lexical-only)"})
    matched_terms = fields.List(fields.String())
    passage = fields.String(metadata={"description": "the best matching passage"})
    fit = fields.Nested(FitSchema, metadata={"description": "constraint fit: true ✓, false ✗, null unknown"})
    hard_violation = fields.Boolean(metadata={"description": "environment or budget does not fit: ranked after every satisfier that is a match"})
    is_match = fields.Boolean(metadata={"description": "relevant enough to propose: the score reaches the match floor (standard deviations above a typical document)"})
    category = fields.String(allow_none=True)
    language = fields.String(allow_none=True)


class MatchListSchema(Schema):
    items = fields.List(fields.Nested(MatchSchema))
    mode = fields.String(metadata={"description": "hybrid or lexical"})


class MatchInvitationCreateSchema(StrictSchema):
    solution_id = Integer(required=True)


class MatchInvitationSchema(Schema):
    id = Integer()
    challenge_id = Integer()
    solution_id = Integer(allow_none=True)
    org_id = Integer()
    referral_id = Integer(allow_none=True)
    created_at = fields.DateTime()


class ReferralCreateSchema(StrictSchema):
    challenge_ids = fields.List(Integer(), validate=validate.Length(min=1, max=20))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ReferralConsentSchema(StrictSchema):
    accept = fields.Boolean(required=True)


class ReferralInviteSchema(StrictSchema):
    challenge_id = Integer(required=True)


class ReferralTargetSchema(Schema):
    challenge_id = Integer()
    title = fields.String(attribute="challenge.title")
    score = fields.Float()


class ProposalSchema(Schema):
    application_id = Integer(attribute="id")
    solution_id = Integer(allow_none=True)
    proposal = fields.String()
    implementation_plan = fields.String()
    schedule = fields.String()
    cost_estimate_jpy = Integer(big=True, allow_none=True)
    expected_effect = fields.String()


class ReferralSchema(Schema):
    id = Integer()
    application_id = Integer()
    from_challenge_id = Integer()
    startup_org_id = Integer()
    status = fields.String()
    note = fields.String()
    targets = fields.List(fields.Nested(ReferralTargetSchema))
    proposal = fields.Nested(ProposalSchema, attribute="application")
    created_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
