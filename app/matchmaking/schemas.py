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
    tier = Integer(
        metadata={
            "description": "ranking tier: 0 a match meeting every requirement, 1 a match "
            "failing one (environment or budget), 2 a weaker candidate "
            "meeting them, 3 a weaker candidate failing one"
        }
    )
    group = fields.String(metadata={"description": "how lists show the tier: match (0), violation (1), weaker (2-3)"})
    failed_requirements = fields.List(fields.String(), metadata={"description": "hard requirements not met"})
    score = fields.Float(metadata={"description": "platform admins only (diagnostics)"})
    lexical_score = fields.Float(metadata={"description": "platform admins only"})
    semantic_score = fields.Float(
        allow_none=True, metadata={"description": "platform admins only: cosine similarity (null: lexical-only)"}
    )
    matched_terms = fields.List(fields.String(), metadata={"description": "whole words both texts share"})
    meaning = fields.String(
        allow_none=True, metadata={"description": "one sentence on the meaning match (null: lexical-only)"}
    )
    passage = fields.String(metadata={"description": "the best matching passage"})
    fit = fields.Nested(FitSchema, metadata={"description": "constraint fit: true ✓, false ✗, null unknown"})
    hard_violation = fields.Boolean(
        metadata={
            "description": "environment or budget does not fit: ranked after every match that meets them, before the weaker candidates"
        }
    )
    is_match = fields.Boolean(
        metadata={
            "description": "relevant enough to propose: the score reaches the match floor (standard deviations above a typical document)"
        }
    )
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
