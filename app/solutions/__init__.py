"""Solutions: profiles kept by startups, searchable once published."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from ..attachments.services import register_owner
    from ..extensions import db
    register_owner("solution", lambda i: db.session.get(models.Solution, i), "solution.view", "solution.edit")
    from .api import blp
    from .registry import register
    from .routes import bp
    app.register_blueprint(bp)
    api.register_blueprint(blp)
    register()
