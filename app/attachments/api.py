from flask import request
from flask_login import current_user

from ..api import Blueprint
from ..db import commit, get_or_404
from ..policies import authorize
from . import services
from .models import Attachment
from .schemas import AttachmentSchema, AttachmentUploadSchema, FileSchema

blp = Blueprint("attachments_api", __name__, url_prefix="/api/v1", description="File attachments")


@blp.route("/attachments", methods=["POST"])
@blp.arguments(AttachmentUploadSchema, location="form")
@blp.arguments(FileSchema, location="files")
@blp.response(201, AttachmentSchema)
def upload(data, _files):
    """Upload a file (multipart/form-data: owner_type, owner_id, file)."""
    kind, owner = services.load_owner(data["owner_type"], data["owner_id"])
    authorize(kind.edit_action, owner)
    attachment = services.store_upload(data["owner_type"], data["owner_id"], request.files.get("file"), current_user)
    commit()
    return attachment


@blp.route("/attachments/<int:attachment_id>", methods=["GET"])
@blp.response(200, AttachmentSchema)
def get(attachment_id):
    attachment = get_or_404(Attachment, attachment_id)
    authorize("attachment.view", attachment)
    return attachment


@blp.route("/attachments/<int:attachment_id>", methods=["DELETE"])
@blp.response(204)
def delete(attachment_id):
    attachment = get_or_404(Attachment, attachment_id)
    authorize("attachment.delete", attachment)
    services.delete_attachment(attachment)
    commit()
