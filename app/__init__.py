"""Application factory: a row of small register_* steps."""

from __future__ import annotations

import importlib
import logging
import os

from flask import Flask

from .config import CONFIGS, ProductionConfig
from .domains import DOMAINS


def create_app(config: str | type | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    register_config(app, config, overrides)
    register_logging(app)
    register_input_guards(app)
    register_extensions(app)
    api = register_api(app)
    register_domains(app, api)
    register_errors(app)
    register_security_layer(app)
    register_static_files(app)
    register_templates(app)
    register_cli(app)
    register_proxies(app)
    return app


def register_config(app: Flask, config, overrides: dict) -> None:
    name = config if isinstance(config, str) else None
    cls = config if isinstance(config, type) else CONFIGS[name or os.environ.get("APP_ENV", "development")]
    if cls is ProductionConfig:
        ProductionConfig.validate()
    app.config.from_object(cls)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    from .i18n import translation_directories

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())


def register_input_guards(app: Flask) -> None:
    from .input_guards import register_input_guards as register

    register(app)


def register_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_extensions(app: Flask) -> None:
    from .auth import init_login
    from .extensions import babel, csrf, db, limiter, migrate, socketio
    from .i18n import select_locale

    db.init_app(app)
    _sqlite_pragmas(app)
    _ping_idle_connections(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    limiter.init_app(app)
    init_login(app)
    from .realtime import origin_allowed
    from .realtime_queue import client_manager

    queue = client_manager(app.config.get("REDIS_URL"))
    socketio.init_app(
        app,
        **({"client_manager": queue} if queue is not None else {"message_queue": app.config.get("REDIS_URL")}),
        cors_allowed_origins=lambda origin, environ: origin_allowed(app, origin, environ),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        manage_session=False,
        max_http_buffer_size=64 * 1024,
        transports=app.config.get("SOCKETIO_TRANSPORTS") or ["polling", "websocket"],
    )
    from .realtime import register_root

    register_root(socketio)
    if not app.config.get("SOCKETIO_WEBSOCKET_COMPRESSION"):
        app.wsgi_app = _without_websocket_compression(app.wsgi_app)
    if app.config.get("SOCKETIO_DIRECT_FANOUT", True):
        from .realtime_fanout import install

        install(socketio.server)  # gevent + simple-websocket only; a no-op otherwise


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme come from their
    X-Forwarded-For / X-Forwarded-Proto headers (rate limits, audit log, secure cookies)."""
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)


def _without_websocket_compression(wsgi_app):
    """Refuse permessage-deflate: the websocket handshake is answered from the request's headers,
    so a request that offers no extension gets none. The same small tally goes to thousands of
    sockets; compressing it once per socket costs more CPU than the bytes it saves."""

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app


def _ping_idle_connections(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from . import db_ping
    from .extensions import db

    with app.app_context():
        db_ping.install(db.engine, app.config.get("DB_PING_AFTER_IDLE", 10))


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite (the embedded default): WAL so readers never block the writer, and enforced FKs."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event
    from .extensions import db

    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            if (
                ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]
                and app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://"
            ):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()


def register_api(app: Flask):
    from .api import PlatformApi

    return PlatformApi(app)


def register_domains(app: Flask, api) -> None:
    for name in DOMAINS:
        module = importlib.import_module(f".{name}", __name__)
        module.init_app(app, api)


def register_errors(app: Flask) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)


def register_security_layer(app: Flask) -> None:
    from .security import register_security

    register_security(app)


def register_static_files(app: Flask) -> None:
    from .static_files import register_static_files as register

    register(app)


def register_templates(app: Flask) -> None:
    from .templating import register_template_helpers

    register_template_helpers(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
