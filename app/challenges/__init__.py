"""Challenges (課題): search, detail, create/edit, lifecycle, joint co-owners (共同調達)."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
    from ..attachments.services import register_owner
    from ..extensions import db

    register_owner("challenge", lambda i: db.session.get(models.Challenge, i), "challenge.view", "challenge.edit")
    from .api import blp
    from .registry import register
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    register()
    from .cli import register_challenge_columns, search_cli

    register_challenge_columns()
    app.cli.add_command(search_cli)
