"""Uploaded files, stored outside the web root and served only after a permission check."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import TimestampMixin
from ..extensions import db


class Attachment(TimestampMixin, db.Model):
    __tablename__ = "attachments"
    __policy__ = "attachment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    # The object the file belongs to: ("challenge", 12), ("solution", 3), ("application", 7), ...
    owner_type: Mapped[str] = mapped_column(String(40), index=True)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
