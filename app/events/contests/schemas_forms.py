"""Form schemas for contest pages."""
from marshmallow import fields, validate

from ...api import StrictSchema


class JoinFormSchema(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
