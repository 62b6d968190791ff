"""Configuration classes, one per environment. Values come from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _pool_options() -> dict:
    """DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT (seconds). deploy/gunicorn-socketio.conf.py
    sets them for the gevent processes; a request that finds no free connection within the
    timeout is answered 503 with Retry-After (app/errors.py), never a 500."""
    names = {"DB_POOL_SIZE": "pool_size", "DB_MAX_OVERFLOW": "max_overflow", "DB_POOL_TIMEOUT": "pool_timeout"}
    return {key: int(os.environ[env]) for env, key in names.items() if os.environ.get(env, "").isdigit()}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'cocreate.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {**_pool_options()}
    # Pooled connections idle longer than this are pinged before use (app/db_ping.py).
    DB_PING_AFTER_IDLE = float(os.environ.get("DB_PING_AFTER_IDLE") or 10)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Jobs run inline (in-process, after the commit) when there is no Redis.
    JOBS_INLINE = os.environ.get("JOBS_INLINE", "").lower() in ("1", "true") or not REDIS_URL
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(BASE_DIR / "instance" / "uploads")
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app.security, skipped for Bearer-token API calls
    WTF_CSRF_TIME_LIMIT = None
    HSTS = False

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")

    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: limits fall back to this process's memory instead of failing the request.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed logins per account, and per client address (app/accounts/login_limits.py).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "60 per minute")
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "10 per minute")
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (werkzeug's
    # ProxyFix). 0: none, the socket's peer is the client. 1 behind the README's nginx.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    SOCKETIO_ALLOWED_ORIGINS = _env_list("SOCKETIO_ALLOWED_ORIGINS", "http://127.0.0.1:5000,http://localhost:5000")
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or None
    # Engine.IO transports the server accepts. Polling stays on by default: LGWAN proxies often
    # block the websocket upgrade, and the client falls back to long-polling. A deployment whose
    # proxies pass websockets sets "websocket" (deploy/gunicorn-socketio.conf.py does): no
    # polling sessions, no per-request handshake work.
    SOCKETIO_TRANSPORTS = _env_list("SOCKETIO_TRANSPORTS", "polling,websocket")
    # permessage-deflate on the websocket: off by default. Live messages are small (a tally is a
    # few hundred bytes) and the same message goes to thousands of sockets, each of which would
    # compress it again with its own zlib context (CPU and ~300 KiB of memory per socket).
    SOCKETIO_WEBSOCKET_COMPRESSION = os.environ.get("SOCKETIO_WEBSOCKET_COMPRESSION", "").lower() in ("1", "true")
    # Under gevent: room broadcasts framed once and packets written straight to idle websockets
    # (app/realtime_fanout.py). SOCKETIO_DIRECT_FANOUT=0 restores python-engineio's own path.
    SOCKETIO_DIRECT_FANOUT = os.environ.get("SOCKETIO_DIRECT_FANOUT", "1").lower() not in ("0", "false")

    MAIL_SENDER = os.environ.get("MAIL_SENDER", "noreply@cocreate.example.jp")
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    MATCHMAKING_DIR = os.environ.get("MATCHMAKING_DIR") or str(BASE_DIR / "instance" / "matchmaking")
    # Pages never build the matching index: they enqueue the build. Without a job worker
    # (inline jobs) a corpus of at most this many documents is built by the first request.
    MATCHMAKING_INLINE_BUILD_MAX = int(os.environ.get("MATCHMAKING_INLINE_BUILD_MAX", "5000"))

    # Open data (/open-data): the licence every data set carries.
    OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC BY 4.0")
    OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

    API_TITLE = "Co-creation Platform API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    JOBS_INLINE = True
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "20 per minute"
    SIGNUP_RATE_LIMIT = "5 per minute"
    UPLOAD_MAX_BYTES = 200 * 1024
    SOCKETIO_ASYNC_MODE = "threading"


class ProductionConfig(Config):
    # Cookies only over HTTPS. SESSION_COOKIE_SECURE=0 is for a plain-HTTP test server on loopback.
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1").lower() not in ("0", "false")
    HSTS = SESSION_COOKIE_SECURE

    @classmethod
    def validate(cls) -> None:
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(k)]
        if missing:
            raise RuntimeError(f"Production needs these environment variables: {', '.join(missing)}")


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}
