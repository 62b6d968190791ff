from ..policies import rule


@rule("notification.view")
def view(user, notification):
    return user is not None and (notification is None or notification.user_id == user.id)
