"""Contest API schemas. Inputs are StrictSchema (unknown fields rejected)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...api import Integer, StrictSchema
from .models import ELIGIBILITY_MODES, VOTE_METHODS

WEIGHT = dict(validate=validate.Range(min=0, max=100))


class ContestFieldsSchema(StrictSchema):
    description = fields.String(validate=validate.Length(max=10000))
    weight_judges = Integer(**WEIGHT)
    weight_votes = Integer(**WEIGHT)
    weight_likes = Integer(**WEIGHT)
    named_export = fields.Boolean()
    pitch_seconds = Integer(validate=validate.Range(min=30, max=3600))
    challenge_id = Integer(allow_none=True)
    rubric_id = Integer(allow_none=True)


class ContestCreateSchema(ContestFieldsSchema):
    event_id = Integer(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ContestUpdateSchema(ContestFieldsSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))


class FormulaSchema(Schema):
    judges = Integer()
    votes = Integer()
    likes = Integer()


class EntrySchema(Schema):
    id = Integer()
    org_id = Integer()
    org_name = fields.Function(lambda e: e.organization.name_ja)
    solution_id = Integer(allow_none=True)
    application_id = Integer(allow_none=True)
    title = fields.String()
    summary = fields.String()
    position = Integer()
    source = fields.String()


class ContestSchema(Schema):
    id = Integer()
    event_id = Integer()
    challenge_id = Integer(allow_none=True)
    rubric_id = Integer(allow_none=True)
    title = fields.String()
    description = fields.String()
    formula = fields.Nested(FormulaSchema)
    status = fields.String()
    pitch_seconds = Integer()
    named_export = fields.Boolean()
    finalized_at = fields.DateTime(allow_none=True)
    revealed_at = fields.DateTime(allow_none=True)
    entries = fields.List(fields.Nested(EntrySchema))


class ContestQuerySchema(StrictSchema):
    event_id = Integer()
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EntryCreateSchema(StrictSchema):
    org_id = Integer(required=True)
    solution_id = Integer(allow_none=True)
    title = fields.String(validate=validate.Length(min=1, max=200))
    summary = fields.String(validate=validate.Length(max=5000))


class ImportSchema(StrictSchema):
    challenge_id = Integer(allow_none=True)


class OrderSchema(StrictSchema):
    entry_ids = fields.List(Integer(), required=True, validate=validate.Length(min=1, max=200))


class PitchSchema(StrictSchema):
    entry_id = Integer(required=True, allow_none=True)


class JudgeCreateSchema(StrictSchema):
    user_id = Integer(required=True)


class JudgeSchema(Schema):
    id = Integer()
    user_id = Integer()
    display_name = fields.Function(lambda j: j.user.display_name)


class DeclarationSchema(StrictSchema):
    has_conflict = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class DeclarationOutSchema(Schema):
    entry_id = Integer()
    has_conflict = fields.Boolean()
    reason = fields.String()
    declared_at = fields.DateTime()


class ScoreSchema(StrictSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


class ScoreOutSchema(Schema):
    entry_id = Integer()
    judge_id = Integer()
    scores = fields.Dict()


class RoundCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    method = fields.String(validate=validate.OneOf(VOTE_METHODS))
    max_choices = Integer(validate=validate.Range(min=1, max=20))
    eligibility = fields.List(
        fields.String(validate=validate.OneOf(ELIGIBILITY_MODES)), validate=validate.Length(min=1, max=3)
    )
    allow_change = fields.Boolean()


class RoundUpdateSchema(RoundCreateSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))


class SnapshotSchema(Schema):
    counts = fields.Dict()
    ballot_ids = fields.List(Integer())
    sha256 = fields.String()
    created_at = fields.DateTime()


class RoundSchema(Schema):
    id = Integer()
    contest_id = Integer()
    title = fields.String()
    method = fields.String()
    max_choices = Integer()
    eligibility = fields.List(fields.String())
    allow_change = fields.Boolean()
    status = fields.String()
    version = Integer()
    opened_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    snapshot = fields.Nested(SnapshotSchema, allow_none=True)


class BallotCreateSchema(StrictSchema):
    choices = fields.List(Integer(strict=True), required=True, validate=validate.Length(min=1, max=20))


class ReceiptSchema(Schema):
    receipt = fields.String()
    round_id = Integer()
    choices = fields.List(Integer())
    created_at = fields.DateTime()
    replayed = fields.Boolean()


class VerifySchema(Schema):
    round_id = Integer()
    verified = fields.Boolean()
    snapshot = fields.String(allow_none=True)
    recount = fields.String()


class ResultSchema(Schema):
    rank = Integer()
    entry_id = Integer()
    title = fields.Function(lambda r: r.entry.title if hasattr(r, "entry") else r["entry"].title)
    judge_score = fields.Float(allow_none=True)
    judges = Integer()
    votes = Integer()
    vote_share = fields.Float()
    likes = Integer()
    like_share = fields.Float()
    total = fields.Float()


class ScoreSheetsSummarySchema(Schema):
    done = Integer(metadata={"description": "Score sheets the judges' part is based on (k)."})
    expected = Integer(metadata={"description": "Score sheets expected: judges × entries, recusals excepted (n)."})
    complete = fields.Boolean()
    confirmed_by = fields.String(
        allow_none=True, metadata={"description": "Who confirmed finalising with score sheets missing."}
    )
    confirmed_at = fields.DateTime(allow_none=True)


class ResultsSchema(Schema):
    contest_id = Integer()
    formula = fields.Dict()
    final = fields.Boolean()
    score_sheets = fields.Nested(ScoreSheetsSummarySchema)
    results = fields.List(fields.Nested(ResultSchema))


class FinalizeSchema(StrictSchema):
    confirm_incomplete_scores = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Required (true) when judges' score sheets are missing: the ranking is then stored "
            "with the judges' part based on the sheets that exist, and the confirmation recorded."
        },
    )


class MissingSheetSchema(Schema):
    judge_id = Integer()
    judge_name = fields.String()
    entry_id = Integer()
    entry_title = fields.String()
    state = fields.String(metadata={"enum": ["declare", "score"]})


class ScoreSheetsSchema(Schema):
    done = Integer()
    expected = Integer()
    missing = fields.List(fields.Nested(MissingSheetSchema))


class LikeOutSchema(Schema):
    entry_id = Integer()
    liked = fields.Boolean()
    likes = Integer()
