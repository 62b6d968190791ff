"""The in-app inbox and email delivery."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from .api import blp
    from .routes import bp
    app.register_blueprint(bp)
    api.register_blueprint(blp)
