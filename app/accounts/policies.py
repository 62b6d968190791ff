"""Who may see and manage organisations, members, invitations and tokens."""

from ..policies import rule


@rule("organization.view")
def view_org(user, org):
    return True  # organisation pages are public


@rule("organization.create")
def create_org(user, _):
    return user is not None and user.is_platform_admin


@rule("organization.manage")
def manage_org(user, org):
    return user is not None and (user.is_platform_admin or user.is_org_admin(org.id))


@rule("organization.invite")
def invite(user, org):
    return manage_org(user, org)


@rule("user.view_self")
def view_self(user, _):
    return user is not None


@rule("api_token.manage")
def manage_token(user, token):
    return user is not None and (token is None or token.user_id == user.id)


@rule("api_token.view")
def view_token(user, token):
    return manage_token(user, token)


@rule("audit.view")
def view_audit(user, _):
    return user is not None and (user.is_platform_admin or bool(user.org_ids(role="admin")))


@rule("platform.admin")
def platform_admin(user, _):
    return user is not None and user.is_platform_admin
