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
    from ..challenges.cli import register_search_columns

    register_search_columns(
        models.Solution,
        models.refresh_search_columns,
        ("title", "summary", "features", "tags", "certifications", "regions_served"),
        ("search_text", "search_grams", "facets"),
    )
