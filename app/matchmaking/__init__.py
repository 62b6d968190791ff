"""Matchmaking: challenges and solutions find each other (Japanese and English), with reasons.

The pure engine lives in engine/; this package maps models to Documents (documents.py), keeps
the shared index up to date (hooks.py → jobs.py → index.py), explains matches, handles
invitations, Dejima (出島) referrals and daily match digests (services.py, alerts.py).
The "similar past challenges" of a challenge page are precomputed when the index changes
(similar.py) and only checked for the viewer's visibility on each view.
"""

from datetime import time


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from ..jobs import periodic
    from ..web.registry import register_panel, register_section
    from . import documents, hooks, routes, search
    from .api import blp
    from .cli import matchmaking_cli

    documents.register_default_kinds()
    hooks.install()
    app.config.setdefault("MATCHMAKING_ENGINE", {})
    app.register_blueprint(routes.bp)
    api.register_blueprint(blp)
    app.cli.add_command(matchmaking_cli)
    periodic("matchmaking.daily_digest", "app.matchmaking.jobs:send_daily_digests", queue="matchmaking", at=time(8, 0))
    search.register()
    register_section("challenge", "matchmaking/_challenge_matches.html", routes.challenge_matches_section, order=60)
    register_section("challenge", "matchmaking/_challenge_referrals.html", routes.challenge_referrals_section, order=61)
    register_section("challenge", "matchmaking/_similar.html", routes.similar_section, order=80)
    register_section("solution", "matchmaking/_solution_matches.html", routes.solution_matches_section, order=60)
    register_section(
        "application", "matchmaking/_application_referral.html", routes.application_referral_section, order=60
    )
    register_panel("matchmaking/_panel.html", routes.dashboard_panel, order=40)
