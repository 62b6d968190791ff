"""Pitch contests with judges, live staff voting on the big screen, and likes."""

_SOCKETS_REGISTERED = False


def init_app(app, api):
    global _SOCKETS_REGISTERED
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .routes import bp
    from ...extensions import socketio

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    if not _SOCKETS_REGISTERED:
        from .sockets import register
        register(socketio)
        _SOCKETS_REGISTERED = True
