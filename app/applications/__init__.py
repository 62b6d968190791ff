"""Applications (proposals) from startups to challenges."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from ..attachments.services import register_owner
    from ..extensions import db

    register_owner(
        "application", lambda i: db.session.get(models.Application, i), "application.view", "application.edit"
    )
    from .api import blp
    from .routes import bp
    from .sections import register_sections

    api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_sections()
