from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..api import paginate
from ..policies import authorize
from .api import audit_query

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.route("/audit")
@login_required
def index():
    authorize("audit.view")
    page = paginate(audit_query(current_user, request.args.get("object_type") or None),
                    max(1, request.args.get("page", 1, type=int)), 50)
    return render_template("audit/index.html", page=page)
