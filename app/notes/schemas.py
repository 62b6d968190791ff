"""Practice note input (StrictSchema) and output schemas; the HTML form loads the same ones."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..api import Integer, StrictSchema
from ..challenges.schemas import OrgRefSchema
from ..constants import LANGUAGES
from .models import VISIBILITIES


def _link(what: str):
    return Integer(allow_none=True, metadata={"description": f"The {what} it is about."})


class NoteInputSchema(StrictSchema):
    org_id = Integer(allow_none=True, metadata={"description": "Writing organisation (defaults to yours)."})
    title = fields.String(
        required=True, validate=validate.Length(min=3, max=200), error_messages={"required": _l("Enter a title.")}
    )
    body = fields.String(
        required=True, validate=validate.Length(min=1, max=20000), error_messages={"required": _l("Write the note.")}
    )
    tags = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)), allow_none=True, validate=validate.Length(max=10)
    )
    visibility = fields.String(
        allow_none=True,
        validate=validate.OneOf(VISIBILITIES),
        metadata={"description": "members (default: logged-in users only) or public."},
    )
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    pilot_id = _link("pilot")
    round_id = _link("joint procurement round")
    specification_id = _link("standard specification")
    challenge_id = _link("challenge")


class NotePatchSchema(NoteInputSchema):
    """PATCH: any subset of the fields (loaded with partial=True)."""


class NoteQuerySchema(StrictSchema):
    q = fields.String(validate=validate.Length(max=200))
    pilot_id = Integer()
    round_id = Integer()
    specification_id = Integer()
    challenge_id = Integer()
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NoteSchema(Schema):
    id = Integer()
    title = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())
    visibility = fields.String()
    language = fields.String()
    organization = fields.Nested(OrgRefSchema)
    pilot_id = Integer(allow_none=True)
    round_id = Integer(allow_none=True)
    specification_id = Integer(allow_none=True)
    challenge_id = Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    url = fields.Method("get_url")

    def get_url(self, obj):
        return url_for("notes.detail", note_id=obj.id)
