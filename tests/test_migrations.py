"""Migrations: an empty database upgrades to head, and the models match it exactly."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db


def _postgres_scratch_schema():
    """An empty schema in the test database (much faster than CREATE DATABASE)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return None
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    return admin, name, base


def _assert_upgrade_and_no_diff(url: str, engine_options: dict | None = None):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_options or {})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"Models and migrations differ: run `flask db migrate`. {diff}"
        db.session.remove()
        db.engine.dispose()


def test_sqlite_upgrade_to_head_matches_models(tmp_path):
    _assert_upgrade_and_no_diff(f"sqlite:///{tmp_path / 'migrate.sqlite'}")


def test_postgresql_upgrade_to_head_matches_models():
    scratch = _postgres_scratch_schema()
    if scratch is None:
        pytest.skip("PostgreSQL is exercised by `make test` (TEST_DATABASE_URL)")
    admin, name, url = scratch
    try:
        _assert_upgrade_and_no_diff(url, {"connect_args": {"options": f"-c search_path={name},public"}})
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
