"""Filtering on what a municipality offers besides money: challenges whose `offers` JSON list
([{"kind", "description"}]) holds an offer of one kind. Portable: json_each on SQLite,
json_array_elements on PostgreSQL (the column is JSON), correlated to the outer row."""

from __future__ import annotations

from sqlalchemy import exists, func, select

from ..extensions import db


def offer_kind_clause(column, kind: str):
    """A WHERE clause: the JSON list in `column` has an element whose "kind" is `kind`."""
    if db.session.get_bind().dialect.name == "postgresql":
        element = func.json_array_elements(column).table_valued("value").alias("offer")
        kind_of = element.c.value.op("->>")("kind")
    else:
        element = func.json_each(column).table_valued("value").alias("offer")
        kind_of = func.json_extract(element.c.value, "$.kind")
    return exists(select(1).select_from(element).where(kind_of == kind))
