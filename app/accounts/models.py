"""Organisations, users, memberships, invitations and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime
from ..extensions import db

ORG_KINDS = ("municipality", "startup", "coordinator")
POPULATION_BANDS = ("lt10k", "10k_50k", "50k_100k", "100k_300k", "300k_1m", "gt1m")
MEMBER_ROLES = ("admin", "member")


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __policy__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    prefecture: Mapped[str | None] = mapped_column(String(20), index=True)
    population_band: Mapped[str | None] = mapped_column(String(20))
    # A municipality's real population, recorded by its admin (organisation settings); the per-resident
    # cost uses it, and the band's midpoint only when it is not recorded.
    population: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organization", cascade="all, delete-orphan")

    def name(self, locale: str = "ja") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ja

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __policy__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on logout, password change and disable: every session and socket of the user ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return not self.disabled

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # Membership helpers used by every policy ---------------------------------
    def org_ids(self, role: str | None = None, kind: str | None = None) -> set[int]:
        return {
            m.org_id
            for m in self.memberships
            if (role is None or m.role == role) and (kind is None or m.organization.kind == kind)
        }

    def is_member(self, org_id: int | None) -> bool:
        return org_id is not None and org_id in self.org_ids()

    def is_org_admin(self, org_id: int | None) -> bool:
        return org_id is not None and org_id in self.org_ids(role="admin")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="joined")


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"
    __policy__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10), default="member")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()


class ApiToken(TimestampMixin, db.Model):
    __tablename__ = "api_tokens"
    __policy__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
