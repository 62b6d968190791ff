"""`flask seed-demo`: realistic Japanese demo data. Each domain may add a `seed.py` with
`seed(context)`; they run in DOMAINS order after the core data and share `context`.

The steps report their progress (`report(message)`); the matchmaking index is not updated document by
document while loading (hundreds of inline jobs after the commit) but built once afterwards by the
command, with a progress bar."""

from __future__ import annotations

import importlib
import time
from typing import Callable

from sqlalchemy import func, select

from ..db import commit
from ..extensions import db


def _steps() -> list[tuple[str, Callable[[dict], None]]]:
    from ..domains import DOMAINS
    from .core import seed as seed_core

    steps = [("core", seed_core)]
    for name in DOMAINS:
        try:
            module = importlib.import_module(f"app.{name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.{name}.seed":
                raise
            continue
        steps.append((name, module.seed))
    return steps


def seed_all(if_empty: bool = False, report: Callable[[str], None] | None = None) -> bool:
    from ..accounts.models import Organization
    from ..matchmaking.hooks import BULK_LOAD

    report = report or (lambda message: None)
    if if_empty and (db.session.scalar(select(func.count(Organization.id))) or 0) > 0:
        return False
    context: dict = {}
    steps = _steps()
    report(f"Loading the demo data in {len(steps)} steps…")
    db.session.info[BULK_LOAD] = True
    try:
        for number, (name, step) in enumerate(steps, start=1):
            started = time.monotonic()
            step(context)
            report(f"[{number}/{len(steps)}] {name}: {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        commit()
        report(f"Saved ({time.monotonic() - started:.1f}s)")
    finally:
        db.session.info.pop(BULK_LOAD, None)
    return True
