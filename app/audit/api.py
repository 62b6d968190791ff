from flask_login import current_user
from marshmallow import Schema, fields

from ..api import Blueprint, Integer, paged, paginate
from ..policies import authorize
from .present import describe
from .queries import AuditQuerySchema, audit_query

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="The audit log")


class AuditChangeSchema(Schema):
    label = fields.String()
    before = fields.String()
    after = fields.String()


class AuditEventSchema(Schema):
    id = Integer(attribute="event.id")
    created_at = fields.DateTime(attribute="event.created_at")
    actor_id = Integer(attribute="event.actor_id", allow_none=True)
    org_id = Integer(attribute="event.org_id", allow_none=True)
    action = fields.String(attribute="event.action")
    object_type = fields.String(attribute="event.object_type")
    object_id = Integer(attribute="event.object_id", allow_none=True)
    before = fields.Dict(attribute="event.before", allow_none=True)
    after = fields.Dict(attribute="event.after", allow_none=True)
    summary = fields.String(
        attribute="text", metadata={"description": "The event as a sentence, in the user's language"}
    )
    kind = fields.String(metadata={"description": "The kind of object, in the user's language"})
    title = fields.String()
    changes = fields.List(fields.Nested(AuditChangeSchema))


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, paged(AuditEventSchema))
def list_audit(args):
    """The audit events the user may read (platform admin: all; organisation admin: their organisations')."""
    authorize("audit.view")
    page = paginate(audit_query(current_user, args), args["page"], args["per_page"])
    return {"items": describe(page.items), "meta": page.meta}
