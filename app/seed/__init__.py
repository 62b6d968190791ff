"""`flask seed-demo`: realistic Japanese demo data. Each domain may add a `seed.py` with
`seed(context)`; they run in DOMAINS order after the core data and share `context`."""
from __future__ import annotations

import importlib

from sqlalchemy import func, select

from ..db import commit
from ..extensions import db


def seed_all(if_empty: bool = False) -> bool:
    from .. import DOMAINS
    from ..accounts.models import Organization

    if if_empty and (db.session.scalar(select(func.count(Organization.id))) or 0) > 0:
        return False
    from .core import seed as seed_core
    context: dict = {}
    seed_core(context)
    for name in DOMAINS:
        try:
            module = importlib.import_module(f"app.{name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.{name}.seed":
                raise
            continue
        module.seed(context)
    commit()
    return True
