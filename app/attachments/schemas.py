from flask import url_for
from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema


class AttachmentSchema(Schema):
    id = Integer()
    owner_type = fields.String()
    owner_id = Integer()
    filename = fields.String()
    content_type = fields.String()
    size = Integer(big=True)
    sha256 = fields.String()
    created_at = fields.DateTime()
    url = fields.Method("get_url")

    def get_url(self, obj):
        return url_for("attachments.download", attachment_id=obj.id)


class AttachmentUploadSchema(StrictSchema):
    owner_type = fields.String(required=True, validate=validate.Length(max=40))
    owner_id = Integer(required=True)


class FileSchema(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})
