"""Form schemas for contest pages."""
from marshmallow import fields, validate

from ...api import StrictSchema


class JoinFormSchema(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class DeclarationFormSchema(StrictSchema):
    """The judge's page: the browser always sends the reason textarea, empty when there is no conflict."""
    has_conflict = fields.Boolean(required=True)
    reason = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))
