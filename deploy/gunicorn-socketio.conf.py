"""gunicorn settings for the web processes that also serve Socket.IO (live contest screens).

    gunicorn -c deploy/gunicorn-socketio.conf.py -b 127.0.0.1:8001 wsgi:app
    gunicorn -c deploy/gunicorn-socketio.conf.py -b 127.0.0.1:8002 wsgi:app   # a 2nd process (needs REDIS_URL)

One gevent worker per process: Socket.IO sessions live in the process that accepted them, and
gunicorn's balancer has no sticky sessions. Several processes share rooms through the Redis
message queue (REDIS_URL). gevent monkey-patches the standard library (psycopg 3 detects it and
waits cooperatively), so thousands of sockets and the group commit of ballots share one core.
"""
import os

# Websocket only behind this config: no long-polling sessions to keep, no HTTP handshake per poll.
# A deployment whose proxies block websocket upgrades (LGWAN often does) starts gunicorn with
# SOCKETIO_TRANSPORTS=polling,websocket in the environment (the app's own default).
os.environ.setdefault("SOCKETIO_TRANSPORTS", "websocket")

# The database pool of one process. Thousands of sockets are idle at any moment; what touches the
# database (a join, a ballot batch, a state fetch) takes a connection only while it runs, and no
# request keeps one while it waits (the ballot group commit and the shared contest state release
# theirs first). 20 + 10 connections per process keep two processes and the RQ workers well under
# PostgreSQL's default max_connections (100). A request that finds none free within 5 s gets 503
# with Retry-After (the contest pages retry with jitter), never a 500.
os.environ.setdefault("DB_POOL_SIZE", "20")
os.environ.setdefault("DB_MAX_OVERFLOW", "10")
os.environ.setdefault("DB_POOL_TIMEOUT", "5")

worker_class = "gevent"
workers = 1
worker_connections = 20000     # idle websockets are cheap; the OS file limit is the real bound
keepalive = 75
graceful_timeout = 10


def post_worker_init(worker):
    """GC tuning once the app is imported (app/gc_when_quiet.py): start-up objects frozen out of
    the collector's sight, young collections less often than CPython's default (every
    connection allocates many small objects), and full collections moved to quiet moments so
    that none stops the process in the middle of a ballot burst."""
    from app import gc_when_quiet

    gc_when_quiet.install()
