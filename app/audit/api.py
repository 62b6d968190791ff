from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..api import Blueprint, Integer, StrictSchema, paged, paginate
from ..policies import authorize
from .models import AuditEvent

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="The audit log")


class AuditEventSchema(Schema):
    id = Integer()
    created_at = fields.DateTime()
    actor_id = Integer(allow_none=True)
    org_id = Integer(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditQuerySchema(StrictSchema):
    object_type = fields.String(validate=validate.Length(max=50))
    object_id = Integer()
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=50, validate=validate.Range(min=1, max=200))


def audit_query(user, object_type=None, object_id=None):
    """Platform admins see everything; organisation admins see their organisations' events."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if not user.is_platform_admin:
        stmt = stmt.where(AuditEvent.org_id.in_(user.org_ids(role="admin")))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return stmt


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, paged(AuditEventSchema))
def list_audit(args):
    authorize("audit.view")
    page = paginate(audit_query(current_user, args.get("object_type"), args.get("object_id")),
                    args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}
