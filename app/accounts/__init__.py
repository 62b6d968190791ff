"""Organisations, users, memberships, invitations and API tokens."""


def init_app(app, api):
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .cli import orgs_cli, users_cli
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(users_cli)
