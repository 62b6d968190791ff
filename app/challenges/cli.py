"""`flask search-text rebuild`: recompute search_text, search_grams (and solution facets) for rows
written without the ORM (bulk inserts, SQL imports), which the flush hooks never saw."""

from __future__ import annotations

from types import SimpleNamespace

import click
from flask.cli import AppGroup
from sqlalchemy import select, update

search_cli = AppGroup("search-text", help="Maintain the normalised search columns.")

# What `rebuild` refreshes, in registration order: table name -> (model, refresh function, the columns
# it reads, the columns it writes). Challenges register below; solutions in their own init_app (they
# sit above). Keyed by table, so an app created twice registers each table once.
_TABLES: dict[str, tuple] = {}


def register_search_columns(model, refresh, sources: tuple[str, ...], targets: tuple[str, ...]) -> None:
    _TABLES[model.__table__.name] = (model, refresh, sources, targets)


def register_challenge_columns() -> None:
    from .models import Challenge, refresh_search_columns

    register_search_columns(
        Challenge,
        refresh_search_columns,
        ("title", "summary", "background", "current_workflow", "desired_outcome", "tags", "kpis"),
        ("search_text", "search_grams"),
    )


@search_cli.command("rebuild")
@click.option("--batch", default=1000, show_default=True)
def rebuild(batch: int) -> None:
    # Plain UPDATEs by primary key: the search columns are derived data, so this is not an edit to
    # audit, and it must not queue a matchmaking reindex per row (what ORM flushes would do).
    from ..extensions import db

    for model, refresh, sources, targets in _TABLES.values():
        table = model.__table__
        last, count = 0, 0
        while True:
            rows = db.session.execute(
                select(table.c.id, *(table.c[c] for c in sources))
                .where(table.c.id > last)
                .order_by(table.c.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            values = []
            for row in rows:
                obj = SimpleNamespace(**row._mapping)
                refresh(obj)
                values.append({"id": row.id, **{c: getattr(obj, c) for c in targets}})
            db.session.execute(update(model), values)
            db.session.commit()
            last, count = rows[-1].id, count + len(rows)
        click.echo(f"{table.name}: {count} rows")
