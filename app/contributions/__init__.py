"""What each side brings besides money (地域資源・現物提供): a municipality's offers on a challenge
(test field, data, staff time, access to residents, office space, a reference letter), "no budget:
co-development" as a first-class option, and a startup's free pilot period and in-kind work.

The fields live on Challenge, Application and Solution; this package holds their codes, the schema
pieces, the form helpers, the page sections and the pilot-fits-budget rule the matcher uses."""


def init_app(app, api):
    from flask import Blueprint

    from . import panels
    from .constants import OFFER_KINDS

    app.register_blueprint(Blueprint("contributions", __name__, template_folder="templates"))
    app.jinja_env.globals.update(OFFER_KINDS=OFFER_KINDS)
    from ..web.registry import register_section

    register_section("challenge", "contributions/challenge_offers.html", panels.challenge_offers, order=5)
