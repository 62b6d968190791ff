"""Input the database cannot hold is refused at the door, in one place for every endpoint.

- Path integers (`<int:...>`) are ids, at most 2**31 - 1 (INTEGER keys): a bigger one cannot exist,
  so the URL is a 404.
- JSON bodies (the API's webargs parser and `request.get_json`): nested at most MAX_JSON_DEPTH deep
  (400), and no lone UTF-16 surrogate or NUL character in any string (422 naming the field):
  PostgreSQL cannot store either.
- Query strings, form fields and path strings: no NUL character (422; a path with one is a 404).
Integer fields in schemas are `app.api.Integer` (strict; 32-bit, or 64-bit with big=True for BIGINT columns).
"""

from __future__ import annotations

import json
import re

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.routing import IntegerConverter

from .errors import DomainError, InvalidInput, NotFound

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1  # INTEGER columns: every id, counts
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # BIGINT columns: amounts in yen, file sizes
MAX_JSON_DEPTH = 64
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """werkzeug's `int`, bounded to what an INTEGER primary key can hold (every table's id)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT32_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def unstorable_text_message(text: str):
    if "\x00" in text:
        return _l("Must not contain the NUL character.")
    return _l("Not valid text: it contains an unpaired surrogate character.")


def _check_tree(value) -> None:
    """Walks the parsed JSON without recursion; raises on too deep nesting or unstorable text."""
    stack = [(value, 1, None)]
    while stack:
        node, depth, field = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise DomainError(
                _l("The JSON body is nested too deeply."),
                fields={"_schema": [_l("The JSON body is nested too deeply.")]},
            )
        if isinstance(node, str):
            if _UNSTORABLE.search(node):
                raise InvalidInput({field or "_schema": [unstorable_text_message(node)]})
        elif isinstance(node, dict):
            for key, item in node.items():
                name = field or key
                if _UNSTORABLE.search(key):
                    raise InvalidInput({name: [unstorable_text_message(key)]})
                stack.append((item, depth + 1, name))
        elif isinstance(node, list):
            stack.extend((item, depth + 1, field) for item in node)


def load_json(data: str | bytes):
    """json.loads for request bodies, with the checks above. Invalid JSON raises ValueError."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise DomainError(
            _l("The JSON body is nested too deeply."), fields={"_schema": [_l("The JSON body is nested too deeply.")]}
        ) from None
    _check_tree(value)
    return value


class JSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return load_json(s) if not kwargs else super().loads(s, **kwargs)


class Parser(FlaskParser):
    """flask-smorest's webargs parser, loading JSON bodies with `load_json`."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            return load_json(data)
        except UnicodeDecodeError as exc:
            self._handle_invalid_json_error(exc, req)
        except json.JSONDecodeError as exc:
            self._handle_invalid_json_error(exc, req)


def _refuse_nul_in_strings() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and "\x00" in value:
            raise NotFound()
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.form)
    for source in sources:
        for key, values in source.lists():
            for text in (key, *values):
                if "\x00" in text:
                    raise InvalidInput({key.replace("\x00", "") or "_schema": [unstorable_text_message(text)]})


def register_input_guards(app: Flask) -> None:
    """Before the domains register their routes: the bounded `int` converter and the JSON loader."""
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.before_request(_refuse_nul_in_strings)
