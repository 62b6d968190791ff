"""The audit log of every state change (recorded automatically at flush)."""


def init_app(app, api):
    from . import models, services  # noqa: F401  (services installs the flush listeners)
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
