from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema


class NotificationSchema(Schema):
    id = Integer()
    kind = fields.String()
    message = fields.Method("get_message")
    params = fields.Dict()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)

    def get_message(self, obj):
        from .services import render

        return render(obj)


class NotificationQuerySchema(StrictSchema):
    unread = fields.Boolean(load_default=False)
    page = Integer(load_default=1, validate=validate.Range(min=1))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MarkReadSchema(StrictSchema):
    ids = fields.List(
        Integer(), load_default=None, allow_none=True, metadata={"description": "Omit to mark everything read."}
    )
