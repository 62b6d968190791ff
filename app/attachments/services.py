"""Uploads: size-limited, type-checked by content (not by name), stored under UPLOAD_DIR with
a random name. The original name is kept only for display and download."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import InvalidInput, NotFound
from ..extensions import db
from .models import Attachment

# extension -> MIME types the content must be detected as
ALLOWED = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "doc": {"application/msword", "application/x-ole-storage"},
    "xls": {"application/vnd.ms-excel", "application/x-ole-storage"},
    "ppt": {"application/vnd.ms-powerpoint", "application/x-ole-storage"},
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class OwnerType:
    load: Callable[[int], Any]
    view_action: str
    edit_action: str


OWNERS: dict[str, OwnerType] = {}


def register_owner(name: str, load: Callable[[int], Any], view_action: str, edit_action: str) -> None:
    OWNERS[name] = OwnerType(load, view_action, edit_action)


def load_owner(owner_type: str, owner_id: int):
    kind = OWNERS.get(owner_type)
    obj = kind.load(owner_id) if kind else None
    if obj is None:
        raise NotFound()
    return kind, obj


def clean_filename(name: str | None) -> str:
    """Keep a readable (also Japanese) name but no path, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    name = name.strip().lstrip(".").strip()
    if not name or name in (".", ".."):
        raise InvalidInput({"file": [_l("The file needs a name.")]})
    stem, dot, ext = name.rpartition(".")
    if len(name) > 200:
        name = (stem[:190] + dot + ext) if dot else name[:200]
    return name


def _detect(head: bytes) -> str | None:
    if head.startswith(_OLE):
        return "application/x-ole-storage"
    kind = filetype.guess(head)
    return kind.mime if kind else None


def store_upload(owner_type: str, owner_id: int, file, user) -> Attachment:
    if file is None or not getattr(file, "filename", None):
        raise InvalidInput({"file": [_l("Choose a file to upload.")]})
    filename = clean_filename(file.filename)
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext not in ALLOWED:
        raise InvalidInput({"file": [_l("Accepted types: PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF, WebP.")]})
    data = file.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        limit_mb = current_app.config["UPLOAD_MAX_BYTES"] / 1024 / 1024
        raise InvalidInput({"file": [_l("The file is larger than %(mb).1f MB.", mb=limit_mb)]})
    if not data:
        raise InvalidInput({"file": [_l("The file is empty.")]})
    mime = _detect(data[:8192] if ext not in ("docx", "xlsx", "pptx") else data)
    if mime not in ALLOWED[ext]:
        raise InvalidInput({"file": [_l("The file's content does not match its type (.%(ext)s).", ext=ext)]})
    stored_name = uuid.uuid4().hex
    directory = current_app.config["UPLOAD_DIR"]
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, stored_name)
    with open(path, "xb") as f:
        f.write(data)
    from ..db import on_commit  # noqa: F401  (file is removed again if the transaction rolls back)

    _cleanup_on_rollback(path)
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        filename=filename,
        stored_name=stored_name,
        content_type=sorted(ALLOWED[ext])[0] if mime == "application/x-ole-storage" else mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _cleanup_on_rollback(path: str) -> None:
    db.session.info.setdefault("rollback_files", []).append(path)


def file_path(attachment: Attachment) -> str:
    return os.path.join(current_app.config["UPLOAD_DIR"], attachment.stored_name)


def delete_attachment(attachment: Attachment) -> None:
    path = file_path(attachment)
    db.session.delete(attachment)
    db.session.flush()
    from ..db import on_commit

    on_commit(lambda: os.path.exists(path) and os.remove(path))


def attachments_of(owner_type: str, owner_id: int) -> list[Attachment]:
    return db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.id)
    ).all()


def _install_rollback_cleanup():
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _keep(session):
        session.info.pop("rollback_files", None)

    @event.listens_for(Session, "after_soft_rollback")
    def _remove(session, previous):
        for path in session.info.pop("rollback_files", []):
            try:
                os.remove(path)
            except OSError:
                pass


_install_rollback_cleanup()
