"""Every route × every role against the expected status. A route missing here fails."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest

from sqlalchemy import text

from app.extensions import db, limiter
from tests.conftest import _truncate_all
from tests.permissions import matrix
from tests.permissions.world import ROLES, build_world

IGNORED_RULES = {"/static/<path:filename>"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def all_cases():
    cases = []
    for info in pkgutil.iter_modules(matrix.__path__):
        module = importlib.import_module(f"{matrix.__name__}.{info.name}")
        cases.extend(getattr(module, "CASES", []))
    return cases


CASES = all_cases()


def test_every_route_is_in_the_matrix(app):
    covered = {c.key for c in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule in IGNORED_RULES:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (method, rule.rule) not in covered:
                missing.append(f"{method} {rule.rule}")
    assert not missing, "Routes missing from tests/permissions/matrix/: " + ", ".join(missing)


def test_matrix_has_no_stale_cases(app):
    routes = {(m, r.rule) for r in app.url_map.iter_rules() for m in r.methods}
    stale = [str(c) for c in CASES if c.key not in routes]
    assert not stale, f"Cases for routes that no longer exist: {stale}"


def _client_for(app, login, world, role):
    if role == "anonymous":
        return app.test_client()
    return login(world.users[role])


def _fill(value, ids):
    """Put world ids into a JSON body: "{solution}" alone becomes the integer id."""
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and "{" in value:
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and value.endswith("}") and filled.isdigit() else filled
    return value


def _send(client, case, world):
    path = case.path.format(**world.ids)
    kwargs = {}
    if case.json is not None:
        kwargs["json"] = _fill(case.json, world.ids)
    if case.data is not None or case.files:
        data = {k: v.format(**world.ids) if isinstance(v, str) else v for k, v in (case.data or {}).items()}
        for name, (content, filename) in (case.files or {}).items():
            data[name] = (io.BytesIO(content), filename)
        kwargs["data"] = data
    return client.open(path, method=case.method, **kwargs)


def _row_counts() -> tuple:
    """Rows per table, in one statement: whether a request wrote anything."""
    tables = [t.name for t in db.metadata.sorted_tables]
    return tuple(
        db.session.execute(text("SELECT " + ", ".join(f"(SELECT count(*) FROM {name})" for name in tables))).one()
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_route_permissions(app, login, case):
    """Each role meets the world as built. A write that succeeded (or changed any table's rows)
    leaves a different world, so the next role gets a fresh one; a refusal that wrote nothing
    does not need one (rebuilding after every role was most of this test's time)."""
    failures = []
    world = build_world()
    counts = _row_counts() if case.method != "GET" else None
    for role in ROLES:
        limiter.reset()
        client = _client_for(app, login, world, role)
        status = _send(client, case, world).status_code
        if status != case.expected[role]:
            failures.append(f"{role}: expected {case.expected[role]}, got {status}")
        if counts is not None and role != ROLES[-1]:
            db.session.rollback()
            if status < 400 or _row_counts() != counts:
                _truncate_all()
                world = build_world()
                counts = _row_counts()
    assert not failures, f"{case}: " + "; ".join(failures)
