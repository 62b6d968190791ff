"""/open-data: what can be downloaded, with each data set's schema and licence."""

from flask import Blueprint, render_template
from flask import current_app

from ..csv_export import csv_response
from ..errors import NotFound
from .datasets import DATASETS, SCHEMA_VERSION, licence
from .export import csv_rows, document, schema_of

bp = Blueprint("opendata", __name__, template_folder="templates")


def _dataset(name: str):
    dataset = DATASETS.get(name)
    if dataset is None:
        raise NotFound()
    return dataset


@bp.route("/open-data")
def index():
    return render_template(
        "opendata/index.html",
        datasets=DATASETS.values(),
        licence=licence(),
        schema_version=SCHEMA_VERSION,
        schema_of=schema_of,
    )


@bp.route("/open-data/<name>.csv")
def download_csv(name):
    return csv_response(csv_rows(_dataset(name)), f"{name}.csv")


@bp.route("/open-data/<name>.json")
def download_json(name):
    response = current_app.json.response(document(_dataset(name)))
    response.headers["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response
