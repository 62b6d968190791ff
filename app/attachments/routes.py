"""Upload, download and delete. Downloads go through the owner's view permission."""

from flask import Blueprint, flash, redirect, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import commit, get_or_404
from ..errors import InvalidInput
from ..extensions import db
from ..policies import authorize
from . import services
from .models import Attachment

bp = Blueprint("attachments", __name__)


def _back(default="/"):
    from ..accounts.routes import safe_next

    return redirect(safe_next(request.form.get("next") or default))


@bp.route("/attachments/<owner_type>/<int:owner_id>", methods=["POST"])
@login_required
def upload(owner_type, owner_id):
    kind, owner = services.load_owner(owner_type, owner_id)
    authorize(kind.edit_action, owner)
    try:
        services.store_upload(owner_type, owner_id, request.files.get("file"), current_user)
    except InvalidInput as exc:
        db.session.rollback()
        flash(" ".join(str(m) for m in exc.fields.get("file", [exc.description])), "error")
        return _back()
    commit()
    flash(_("The file was uploaded."), "success")
    return _back()


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id):
    attachment = get_or_404(Attachment, attachment_id)
    authorize("attachment.view", attachment)
    response = send_file(
        services.file_path(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id):
    attachment = get_or_404(Attachment, attachment_id)
    authorize("attachment.delete", attachment)
    services.delete_attachment(attachment)
    commit()
    flash(_("The file was deleted."), "success")
    return _back()
