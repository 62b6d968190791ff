"""Accounts: organisations, users, memberships, invitations, tokens. Services flush, never commit."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth import hash_password, new_token, token_digest, verify_password
from ..db import utcnow
from ..errors import Conflict, DomainError, InvalidInput, NotFound
from ..extensions import db
from .models import ApiToken, Invitation, Membership, Organization, User

INVITATION_DAYS = 14


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_org_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def create_organization(**data) -> Organization:
    if get_org_by_slug(data["slug"]):
        raise Conflict(_l("This identifier is already taken."), fields={"slug": [_l("Already taken.")]})
    org = Organization(**data)
    db.session.add(org)
    db.session.flush()
    return org


def update_settings(org: Organization, data: dict) -> Organization:
    """A municipality's settings: its real population (None clears it). Other kinds record none."""
    if org.kind != "municipality":
        raise InvalidInput({"population": [_l("Only a municipality records its population.")]})
    org.population = data["population"]
    db.session.flush()
    return org


def create_user(
    email: str, password: str, display_name: str, locale: str | None = None, is_platform_admin: bool = False
) -> User:
    email = normalise_email(email)
    if get_user_by_email(email):
        raise Conflict(_l("An account with this email already exists."), fields={"email": [_l("Already registered.")]})
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name,
        locale=locale,
        is_platform_admin=is_platform_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, org: Organization, role: str = "member") -> Membership:
    existing = db.session.scalar(select(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id))
    if existing:
        existing.role = role
        db.session.flush()
        return existing
    membership = Membership(user=user, organization=org, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def authenticate(email: str, password: str) -> User | None:
    """Returns the user, or None with the same timing whether the email exists or not."""
    user = get_user_by_email(email or "")
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or user.disabled:
        return None
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Ends every session (cookie) of the user; sockets are disconnected by their owners."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()
    from ..db import on_commit
    from ..realtime import disconnect_user

    user_id = user.id
    on_commit(lambda: disconnect_user(user_id))


def socket_sessions(user_ids: set[int], token_ids: set[int]) -> tuple[dict, set[int]]:
    """For app/realtime's sweep, in one query each: the users (id, disabled, session_version) and which
    of the tokens are not revoked."""
    users = {
        row.id: row
        for row in db.session.execute(select(User.id, User.disabled, User.session_version).where(User.id.in_(user_ids)))
    }
    live_tokens = set()
    if token_ids:
        live_tokens = set(
            db.session.scalars(select(ApiToken.id).where(ApiToken.id.in_(token_ids), ApiToken.revoked_at.is_(None)))
        )
    return users, live_tokens


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Sets the new password, ends every session and revokes every personal API token
    (whoever knew the old password may have made one). Returns the number of tokens revoked."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput({"current_password": [_l("The current password is not correct.")]})
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    return revoke_all_api_tokens(user)


def set_disabled(user: User, disabled: bool) -> None:
    user.disabled = disabled
    if disabled:
        end_all_sessions(user)


def update_profile(user: User, display_name: str | None = None, locale: str | None = ..., **_) -> User:
    if display_name:
        user.display_name = display_name
    if locale is not ...:
        user.locale = locale
    db.session.flush()
    return user


# Invitations -----------------------------------------------------------------
def create_invitation(org: Organization, email: str, role: str, invited_by: User) -> tuple[Invitation, str]:
    token = new_token("inv_")
    invitation = Invitation(
        org_id=org.id,
        email=normalise_email(email),
        role=role,
        token_hash=token_digest(token),
        invited_by_id=invited_by.id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    from ..jobs import enqueue

    enqueue("mail", "app.accounts.jobs:send_invitation", invitation.id, token)
    return invitation, token


def find_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token or "")))
    if invitation is None or invitation.accepted_at or invitation.expires_at <= utcnow():
        raise NotFound(_l("This invitation is not valid or has expired."))
    return invitation


def accept_invitation(token: str, user: User) -> Membership:
    invitation = find_invitation(token)
    if normalise_email(user.email) != invitation.email:
        raise DomainError(
            _l("This invitation was sent to another email address."),
            fields={"email": [_l("Log in with the invited address.")]},
        )
    invitation.accepted_at = utcnow()
    return add_membership(user, invitation.organization, invitation.role)


def signup(email: str, password: str, display_name: str, locale=None, invitation: str | None = None) -> User:
    invite = find_invitation(invitation) if invitation else None
    if invite and normalise_email(email) != invite.email:
        raise InvalidInput({"email": [_l("Use the address the invitation was sent to.")]})
    user = create_user(email, password, display_name, locale)
    if invite:
        accept_invitation(invitation, user)
    return user


# API tokens ---------------------------------------------------------------------
def create_api_token(user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    token = new_token()
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=token[:10],
        token_hash=token_digest(token),
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()


def revoke_all_api_tokens(user: User) -> int:
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        revoke_api_token(token)
    return len(tokens)


def search_organizations(kind: str | None = None, q: str | None = None):
    stmt = select(Organization).order_by(Organization.kind, Organization.name_ja)
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Organization.name_ja.ilike(like) | Organization.name_en.ilike(like))
    return stmt


def member_count(org_id: int) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(Membership.org_id == org_id)) or 0
