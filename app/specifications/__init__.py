"""Standard specifications (標準仕様書, GovTech Tokyo's 道具の共通化): a coordinator publishes a joint
procurement round's agreed specification for its service type; it is versioned, adopted by
municipalities, and the next challenge or round starts from it with one click."""

from flask_babel import lazy_gettext as _l


def init_app(app, api):
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    from ..web.registry import register_library, register_search, register_section
    from . import panels

    register_library(_l("Standard specifications"), "specifications.index", order=62)
    register_section("challenge", "specifications/_challenge_section.html", panels.challenge_section, order=72)
    register_search("specification", _l("Standard specifications"), panels.search, order=62)
    app.jinja_env.globals.update(spec_round_section=panels.round_section)
