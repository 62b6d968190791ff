"""Form schemas for contest pages."""

from marshmallow import fields, post_load, validate

from ...api import Integer, StrictSchema


class JoinFormSchema(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class DeclarationFormSchema(StrictSchema):
    """The judge's page: the browser always sends the reason textarea, empty when there is no conflict."""

    has_conflict = fields.Boolean(required=True)
    reason = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))


WEIGHT = dict(required=True, validate=validate.Range(min=0, max=100))


class ContestFormSchema(StrictSchema):
    """A new contest on a contest event (the rest is set on the setup page)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SettingsFormSchema(StrictSchema):
    """The organiser's setup page: title, description, pitch length, the published formula, export."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", allow_none=True, validate=validate.Length(max=10000))
    pitch_seconds = Integer(required=True, validate=validate.Range(min=30, max=3600))
    weight_judges = Integer(**WEIGHT)
    weight_votes = Integer(**WEIGHT)
    weight_likes = Integer(**WEIGHT)
    named_export = fields.Boolean(load_default=False)

    @post_load
    def _empty_description(self, data, **kwargs):
        data["description"] = data.get("description") or ""  # an emptied textarea arrives as None
        return data


class ImportFormSchema(StrictSchema):
    challenge_id = Integer(required=True)


class InviteFormSchema(StrictSchema):
    org_id = Integer(required=True)
    solution_id = Integer(load_default=None, allow_none=True)


class JudgeFormSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
