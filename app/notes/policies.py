"""Practice notes: members-only by default (every logged-in user reads them), public when the author
says so; staff of a municipality or coordinator write them; the author edits and deletes."""

from ..policies import rule

WRITER_KINDS = ("municipality", "coordinator")


def writer_orgs(user) -> list:
    if user is None:
        return []
    return sorted((m.organization for m in user.memberships if m.organization.kind in WRITER_KINDS), key=lambda o: o.id)


@rule("note.list")
def list_notes(user, _):
    return True


@rule("note.view")
def view(user, note):
    return note.visibility == "public" or user is not None


@rule("note.create")
def create(user, _):
    return user is not None and (user.is_platform_admin or bool(writer_orgs(user)))


@rule("note.edit")
def edit(user, note):
    return user is not None and (user.is_platform_admin or note.author_id == user.id)
