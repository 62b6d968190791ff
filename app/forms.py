"""HTML forms are loaded with the same marshmallow schemas as the API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from .errors import InvalidInput

IGNORED = {"csrf_token", "action", "confirm"}


def form_to_dict(form: MultiDict, schema: Schema) -> dict:
    """Lists come from repeated fields (or one comma/newline separated text); empty strings are None."""
    data: dict = {}
    for key in form.keys():
        if key in IGNORED:
            continue
        field = schema.fields.get(key)
        if isinstance(field, fields.List):
            values = [v for raw in form.getlist(key) for v in _split(raw)]
            data[key] = values
        else:
            value = form.get(key, "").strip()
            if isinstance(field, fields.Boolean):
                data[key] = value in ("1", "true", "on", "yes")
            else:
                data[key] = value if value != "" else None
    return data


def _split(raw: str) -> list[str]:
    if "\n" in raw:
        parts = raw.splitlines()
    elif "," in raw and "、" not in raw:
        parts = raw.split(",")
    else:
        parts = raw.split("、") if "、" in raw else [raw]
    return [p.strip() for p in parts if p.strip()]


def load_form(schema: Schema, form: MultiDict, partial: bool = False) -> dict:
    """Load and validate; raise InvalidInput (422) with field messages on failure."""
    try:
        return schema.load(form_to_dict(form, schema), partial=partial)
    except ValidationError as exc:
        raise InvalidInput(exc.normalized_messages()) from exc


def load_query(schema: Schema, args) -> tuple[dict, dict]:
    """Filters from a query string: invalid ones are dropped and reported (field -> messages), never a 500."""
    raw = {k: v for k, v in args.items() if v != "" and k in schema.fields}
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        errors = exc.normalized_messages()
        return schema.load({k: v for k, v in raw.items() if k not in errors}), errors
