"""Pitch contests with judges, live staff voting on the big screen, and likes."""


def init_app(app, api):
    from . import live_state, models, policies  # noqa: F401  (models, rules, revision hooks, shared state)
    from .api import blp
    from .routes import bp
    from .judging import event_section, judge_panel
    from .judging_routes import bp as judging_bp
    from .setup_routes import bp as setup_bp
    from ...extensions import socketio
    from ...web.registry import register_panel, register_section

    app.register_blueprint(bp)
    app.register_blueprint(judging_bp)
    app.register_blueprint(setup_bp)
    register_panel("contests/_judge_panel.html", judge_panel, order=16)
    register_section("event", "contests/_event_section.html", event_section, order=10)
    api.register_blueprint(blp)
    # Every create_app() gives socketio a new server (init_app), so its namespace is registered on
    # each one, like the root namespace: a second app in the process (migration tests, the CLI)
    # must not leave the first without its /contests handlers.
    from .sockets import register

    register(socketio)
