"""Pooled connections: a connection whose server session died while it sat idle in the pool is
replaced before a request uses it (app/db_ping.py), without a ping on every checkout."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, text

from app import db_ping

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"), reason="needs PostgreSQL (make test)")


def _engine(idle_seconds):
    engine = create_engine(URL, pool_size=1, max_overflow=0)
    db_ping.install(engine, idle_seconds)
    return engine


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(pid: int) -> None:
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    time.sleep(0.2)


def test_a_connection_killed_while_idle_is_replaced_before_use():
    engine = _engine(idle_seconds=0.05)
    try:
        first = _backend_pid(engine)
        _kill(first)
        time.sleep(0.1)  # idle longer than the threshold: pinged, found dead, replaced
        second = _backend_pid(engine)
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged():
    engine = _engine(idle_seconds=60)
    pings = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or original(dbapi_connection)
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []  # five requests, no extra round trip
    finally:
        engine.dispose()
