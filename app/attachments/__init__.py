"""File attachments for any object that registers itself with `services.register_owner`."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
