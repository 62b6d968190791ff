"""REST API base: flask-smorest with our error shape, pagination and a self-hosted docs page."""

from __future__ import annotations

import math

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
import numbers

import flask_smorest
from flask import render_template
from flask_smorest import Api
from marshmallow import RAISE, Schema, fields, validate

from .api_errors import ErrorSchema, document_error_responses
from .errors import error_response
from .input_guards import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, Parser


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint; JSON bodies are loaded with app.input_guards (depth, surrogates, NUL)."""

    ARGUMENTS_PARSER = Parser()


class Integer(fields.Integer):
    """The platform's integer field: a JSON integer or a string of digits (query strings, forms),
    never a float or a boolean (2.589e-42 is not 0), and within what the column holds: INTEGER
    (ids, counts; the default) or BIGINT (`big=True`: amounts in yen, sizes). Every schema uses it
    instead of marshmallow's `fields.Integer`."""

    def __init__(self, *args, big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(
            0, validate.Range(min=INT64_MIN, max=INT64_MAX) if big else validate.Range(min=INT32_MIN, max=INT32_MAX)
        )

    def _validated(self, value):
        if isinstance(value, str):
            text = value.strip()
            if text[:1] in "+-":
                text = text[1:]
            if not text.isascii() or not text.isdigit() or len(text) > 100:
                raise self.make_error("invalid")
            return int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self.make_error("invalid")
        return int(value)


class PlatformApi(Api):
    """flask-smorest, but errors use the platform's one shape ({"error": {...}}), documented as such
    with the statuses each operation returns (app/api_errors.py)."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def register_blueprint(self, blp, *, parameters=None, **options):
        super().register_blueprint(blp, parameters=parameters, **options)
        document_error_responses(self.spec)

    def _register_error_handlers(self):
        pass  # app.errors handles every HTTPException

    def handle_http_exception(self, error):  # pragma: no cover - kept for flask-smorest internals
        return error_response(error)

    def init_app(self, app, *, spec_kwargs=None):
        spec_kwargs = spec_kwargs or {}
        spec_kwargs.setdefault("marshmallow_plugin", MarshmallowPlugin(schema_name_resolver=_schema_name_resolver()))
        spec_kwargs.setdefault(
            "info",
            {
                "description": "Municipalities and startups co-create solutions to "
                "public problems. Authenticate with a personal API "
                "token: `Authorization: Bearer <token>`."
            },
        )
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
        # A token, or none: public operations answer anonymous requests; the others answer 401.
        self.spec.options["security"] = [{"bearerAuth": []}, {}]
        docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")

        @docs.route("/docs")
        def api_docs():
            return render_template("api_docs.html")

        app.register_blueprint(docs)


def _schema_name_resolver():
    """Names components after their class; when two domains use the same class name
    (e.g. OrgRef), the later one is prefixed with its domain (ApplicationsOrgRef)."""
    owners: dict[str, type] = {}

    def resolve(schema) -> str:
        cls = resolve_schema_cls(schema)
        name = cls.__name__.removesuffix("Schema") or cls.__name__
        if owners.setdefault(name, cls) is not cls:
            domain = cls.__module__.split(".")[1] if cls.__module__.startswith("app.") else cls.__module__
            name = f"{domain.title().replace('_', '')}{name}"
        return name

    return resolve


class StrictSchema(Schema):
    """Unknown fields are rejected with a field-level message."""

    class Meta:
        unknown = RAISE
        ordered = True


class PageQuerySchema(StrictSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMetaSchema(Schema):
    page = Integer()
    per_page = Integer()
    total = Integer()
    pages = Integer()


_PAGED: dict = {}


def paged(item_schema: type[Schema]) -> type[Schema]:
    """A response envelope {"items": [...], "meta": {...}} for `item_schema`."""
    name = f"{item_schema.__name__.removesuffix('Schema')}PageSchema"
    if name not in _PAGED:
        _PAGED[name] = type(
            name, (Schema,), {"items": fields.List(fields.Nested(item_schema)), "meta": fields.Nested(PageMetaSchema)}
        )
    return _PAGED[name]


class Page:
    """The result of paginating a select(): items plus meta, for pages and API alike."""

    def __init__(self, items, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, math.ceil(total / per_page)) if per_page else 1

    @property
    def meta(self) -> dict:
        return {"page": self.page, "per_page": self.per_page, "total": self.total, "pages": self.pages}

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt, page: int = 1, per_page: int = 20) -> Page:
    from sqlalchemy import func, select
    from .extensions import db

    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items, page, per_page, total or 0)
