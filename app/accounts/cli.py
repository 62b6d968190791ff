"""Operator commands: `flask orgs create`, `flask users create`, `flask users grant`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..db import commit
from ..errors import Conflict
from . import services
from .schemas import OrganizationCreateSchema

orgs_cli = AppGroup("orgs", help="Manage organisations.")
users_cli = AppGroup("users", help="Manage users.")


@orgs_cli.command("create")
@click.option("--slug", required=True)
@click.option("--kind", required=True, type=click.Choice(["municipality", "startup", "coordinator"]))
@click.option("--name", "name_ja", required=True, help="Name in Japanese")
@click.option("--name-en", default=None)
@click.option("--prefecture", default=None)
@click.option("--population-band", default=None)
def create_org(**data):
    """Create an organisation."""
    data = {k: v for k, v in data.items() if v is not None}
    try:
        data = OrganizationCreateSchema().load(data)
        org = services.create_organization(**data)
        commit()
    except ValidationError as exc:
        raise click.ClickException(f"Invalid: {exc.messages}")
    except Conflict as exc:
        raise click.ClickException(str(exc.description))
    click.echo(f"Created organisation {org.slug} (id {org.id})")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--locale", type=click.Choice(["ja", "en"]), default="ja")
@click.option("--org", "org_slug", default=None, help="Organisation slug to join")
@click.option("--role", type=click.Choice(["admin", "member"]), default="member")
@click.option("--platform-admin", is_flag=True, default=False)
def create_user(email, display_name, password, locale, org_slug, role, platform_admin):
    """Create a user, optionally as a member of an organisation."""
    if len(password) < 10:
        raise click.ClickException("The password needs at least 10 characters.")
    try:
        user = services.create_user(email, password, display_name, locale, is_platform_admin=platform_admin)
    except Conflict as exc:
        raise click.ClickException(str(exc.description))
    if org_slug:
        _join(user, org_slug, role)
    commit()
    click.echo(f"Created user {user.email} (id {user.id})")


@users_cli.command("grant")
@click.argument("email")
@click.option("--org", "org_slug", default=None)
@click.option("--role", type=click.Choice(["admin", "member"]), default="member")
@click.option("--platform-admin", is_flag=True, default=False)
def grant(email, org_slug, role, platform_admin):
    """Give a user a role in an organisation, or make them platform admin."""
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email!r}")
    if not org_slug and not platform_admin:
        raise click.ClickException("Say --org SLUG (with --role) or --platform-admin.")
    if platform_admin:
        user.is_platform_admin = True
    if org_slug:
        _join(user, org_slug, role)
    commit()
    click.echo(
        f"Granted {email}: {'platform admin ' if platform_admin else ''}{role + ' of ' + org_slug if org_slug else ''}"
    )


def _join(user, org_slug: str, role: str) -> None:
    org = services.get_org_by_slug(org_slug)
    if org is None:
        raise click.ClickException(f"No organisation {org_slug!r}")
    services.add_membership(user, org, role)


@users_cli.command("disable")
@click.argument("email")
def disable(email):
    """Disable an account and end all its sessions."""
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email!r}")
    services.set_disabled(user, True)
    commit()
    click.echo(f"Disabled {email}")
