"""The open data sets through the API (the same documents as the /open-data downloads)."""

from marshmallow import Schema, fields

from ..api import Blueprint, Integer

from ..errors import NotFound
from .datasets import DATASETS, SCHEMA_VERSION, licence
from .export import document, schema_of

blp = Blueprint(
    "opendata_api",
    __name__,
    url_prefix="/api/v1",
    description="Open data: public challenges, public pilots and KPIs, replications, contest results "
    "(licence: CC BY 4.0 unless configured otherwise)",
)


class LicenceSchema(Schema):
    name = fields.String()
    url = fields.String()


class FieldSchema(Schema):
    name = fields.String()
    type = fields.String(metadata={"description": "integer, number, string, boolean, date, datetime or array"})
    description = fields.String()


class DatasetInfoSchema(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields")
    csv_url = fields.String()
    json_url = fields.String()


class DatasetIndexSchema(Schema):
    schema_version = Integer()
    licence = fields.Nested(LicenceSchema)
    datasets = fields.List(fields.Nested(DatasetInfoSchema))


class DatasetDocumentSchema(Schema):
    dataset = fields.String()
    schema_version = Integer()
    licence = fields.Nested(LicenceSchema)
    generated_at = fields.String()
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields", attribute="fields")
    records = fields.List(fields.Dict(), metadata={"description": "One object per record, keys as in `fields`"})


@blp.route("/open-data", methods=["GET"])
@blp.response(200, DatasetIndexSchema)
def list_datasets():
    """The open data sets, their schemas and the licence. Public: no login needed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "licence": licence(),
        "datasets": [
            {
                "name": d.name,
                "title": str(d.title),
                "description": str(d.description),
                "fields_": schema_of(d),
                "csv_url": f"/open-data/{d.name}.csv",
                "json_url": f"/open-data/{d.name}.json",
            }
            for d in DATASETS.values()
        ],
    }


@blp.route("/open-data/<name>", methods=["GET"])
@blp.response(200, DatasetDocumentSchema)
def get_dataset(name):
    """One data set: public records only, with the schema and the licence."""
    dataset = DATASETS.get(name)
    if dataset is None:
        raise NotFound()
    return document(dataset)
