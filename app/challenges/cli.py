"""`flask search-text rebuild`: recompute search_text (and solution facets) for rows written
without the ORM (bulk inserts, SQL imports), which the flush hooks never saw."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

search_cli = AppGroup("search-text", help="Maintain the normalised search columns.")


@search_cli.command("rebuild")
@click.option("--batch", default=1000, show_default=True)
def rebuild(batch: int) -> None:
    from ..db import commit
    from ..extensions import db
    from ..solutions.models import Solution, refresh_search_columns as refresh_solution
    from .models import Challenge, refresh_search_columns as refresh_challenge

    for model, refresh in ((Challenge, refresh_challenge), (Solution, refresh_solution)):
        last, count = 0, 0
        while True:
            rows = db.session.scalars(select(model).where(model.id > last).order_by(model.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                refresh(row)
            last, count = rows[-1].id, count + len(rows)
            commit()
            db.session.expunge_all()
        click.echo(f"{model.__tablename__}: {count} rows")
