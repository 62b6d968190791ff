"""Migrations: an empty database upgrades to head, and the models match it exactly."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


def _postgres_scratch_database():
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return None
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, str(make_url(base).set(database=name).render_as_string(hide_password=False))


def _assert_upgrade_and_no_diff(url: str):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"Models and migrations differ: run `flask db migrate`. {diff}"
        db.session.remove()
        db.engine.dispose()


def test_sqlite_upgrade_to_head_matches_models(tmp_path):
    _assert_upgrade_and_no_diff(f"sqlite:///{tmp_path / 'migrate.sqlite'}")


def test_postgresql_upgrade_to_head_matches_models():
    scratch = _postgres_scratch_database()
    if scratch is None:
        pytest.skip("PostgreSQL is exercised by `make test` (TEST_DATABASE_URL)")
    admin, name, url = scratch
    try:
        _assert_upgrade_and_no_diff(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
