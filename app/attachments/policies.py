from ..policies import can, rule


@rule("attachment.view")
def view(user, attachment):
    from .services import OWNERS

    kind = OWNERS.get(attachment.owner_type)
    owner = kind.load(attachment.owner_id) if kind else None
    return owner is not None and can(user, kind.view_action, owner)


@rule("attachment.delete")
def delete(user, attachment):
    from .services import OWNERS

    kind = OWNERS.get(attachment.owner_type)
    owner = kind.load(attachment.owner_id) if kind else None
    return owner is not None and can(user, kind.edit_action, owner)
