from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit
from ..policies import authorize
from . import services
from .schemas import MarkReadSchema, NotificationQuerySchema, NotificationSchema

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="The in-app inbox")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, paged(NotificationSchema))
def list_notifications(args):
    authorize("notification.view")
    page = paginate(services.user_notifications_query(current_user.id, args["unread"]), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200)
def mark_read(data):
    authorize("notification.view")
    count = services.mark_read(current_user.id, data.get("ids"))
    commit()
    return {"marked": count}
