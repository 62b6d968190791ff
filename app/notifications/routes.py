from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..api import paginate
from ..db import commit
from . import services

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.route("/notifications")
@login_required
def inbox():
    unread_only = request.args.get("unread") == "1"
    page = paginate(
        services.user_notifications_query(current_user.id, unread_only),
        max(1, request.args.get("page", 1, type=int)),
        30,
    )
    return render_template("notifications/inbox.html", page=page, render=services.render, unread_only=unread_only)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    ids = [int(i) for i in request.form.getlist("id") if i.isdigit()] or None
    services.mark_read(current_user.id, ids)
    commit()
    return redirect(url_for("notifications.inbox"))
