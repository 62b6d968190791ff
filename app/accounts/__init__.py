"""Organisations, users, memberships, invitations and API tokens."""


def init_app(app, api):
    from ..realtime import register_session_lookup
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .cli import orgs_cli, users_cli
    from .routes import bp
    from .services import socket_sessions

    register_session_lookup(socket_sessions)  # the socket sweep asks accounts who may stay connected

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(users_cli)
