"""The in-app inbox and email delivery."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    app.context_processor(_unread_notifications)


def _unread_notifications():
    """`unread_notifications()` in every template: the header's inbox count (0 when anonymous)."""
    from flask_login import current_user

    def unread():
        if not current_user.is_authenticated:
            return 0
        from .services import unread_count

        return unread_count(current_user.id)

    return {"unread_notifications": unread}
