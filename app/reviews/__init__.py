"""Committee scoring: rubric, committee, conflicts of interest, reviews and ranking."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from .api import blp
    from .routes import bp
    from .sections import register_sections

    api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_sections()
    from ..applications import reviewing
    from . import judging, ranking, services

    reviewing.register(
        committee_for_challenge=services.committee_for_challenge,
        assignment=judging.assignment,
        criteria_of=judging.criteria_of,
        visible_reviews=judging.visible_reviews,
        ranking=ranking.ranking,
    )  # what applications' rules and pages ask of the reviews
