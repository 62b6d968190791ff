"""A data set as a JSON document or CSV rows: the same records, the licence in both."""

from __future__ import annotations

from flask_babel import force_locale

from ..db import utcnow
from .datasets import SCHEMA_VERSION, Dataset, licence


def schema_of(dataset: Dataset) -> list[dict]:
    with force_locale("en"):  # the schema is documented in English, whatever the page's language
        return [{"name": f.name, "type": f.type, "description": str(f.description)} for f in dataset.fields]


def document(dataset: Dataset) -> dict:
    return {
        "dataset": dataset.name,
        "schema_version": SCHEMA_VERSION,
        "licence": licence(),
        "generated_at": utcnow().isoformat(),
        "fields": schema_of(dataset),
        "records": dataset.records(),
    }


def csv_rows(dataset: Dataset) -> list[list]:
    """Header of field names (stable, English), one row per record, the licence as the last column."""
    names = [f.name for f in dataset.fields]
    text = f"{licence()['name']} {licence()['url']}"
    rows = [[*names, "licence"]]
    for record in dataset.records():
        rows.append([_cell(record.get(n)) for n in names] + [text])
    return rows


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value
