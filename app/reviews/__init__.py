"""Committee scoring: rubric, committee, conflicts of interest, reviews and ranking."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from .api import blp
    from .routes import bp
    from .sections import register_sections
    api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_sections()
