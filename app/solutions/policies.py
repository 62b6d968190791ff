from ..policies import rule


@rule("solution.view")
def view(user, solution):
    if solution.status == "published":
        return True
    return user is not None and (user.is_platform_admin or user.is_member(solution.org_id))


@rule("solution.create")
def create(user, _):
    return user is not None and bool(user.org_ids(kind="startup"))


@rule("solution.edit")
def edit(user, solution):
    return user is not None and (user.is_platform_admin or user.is_member(solution.org_id))
