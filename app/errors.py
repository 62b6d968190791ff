"""Domain errors (werkzeug HTTP exceptions) and the one error shape.

API responses: {"error": {"code", "message", "fields"}}. Pages: a friendly
template. Never a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import (
    BadRequest,
    Conflict as _Conflict,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound as _NotFound,
    ServiceUnavailable,
    Unauthorized as _Unauthorized,
    UnprocessableEntity,
)

log = logging.getLogger(__name__)


class DomainError(BadRequest):
    """A request that breaks a business rule. `fields` maps field names to messages."""

    error_code = "bad_request"

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(description=message)
        self.fields = fields or {}


class InvalidInput(UnprocessableEntity):
    error_code = "validation_error"

    def __init__(self, fields: dict, message: str | None = None):
        from .validation_messages import localise_messages

        super().__init__(description=message or _("Some fields are invalid."))
        self.fields = localise_messages(fields)


class NotFound(_NotFound):
    error_code = "not_found"


class PermissionDenied(Forbidden):
    error_code = "forbidden"


class Unauthorized(_Unauthorized):
    error_code = "unauthorized"


class Conflict(_Conflict):
    error_code = "conflict"

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(description=message)
        self.fields = fields or {}


class Busy(ServiceUnavailable):
    """Overload (no database connection came free in time): try again after `retry_after` seconds.
    Pages and scripts honour Retry-After (with a random jitter on the contest screens)."""

    error_code = "busy"

    def __init__(self, retry_after: int = 2):
        super().__init__()
        self.retry_after = retry_after


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _flatten_webargs(messages) -> dict:
    """webargs nests messages by location ({"json": {...}}); users care about fields."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers", "view_args"}:
        flat: dict = {}
        for part in messages.values():
            if isinstance(part, dict):
                flat.update(part)
        return flat
    return messages if isinstance(messages, dict) else {"_schema": messages}


def _code_for(exc: HTTPException) -> str:
    if getattr(exc, "error_code", None):
        return exc.error_code
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


_DEFAULT_MESSAGES = {
    400: "The request could not be understood.",
    401: "Please log in.",
    403: "You do not have permission to do this.",
    404: "The page or item was not found.",
    405: "This method is not allowed here.",
    409: "This conflicts with the current state.",
    413: "The upload is too large.",
    415: "This file type is not accepted.",
    422: "Some fields are invalid.",
    429: "Too many attempts. Please wait a moment and try again.",
    503: "The server is busy. Please try again in a moment.",
    500: "Something went wrong on our side. Please try again later.",
}


def error_response(exc: HTTPException):
    code = exc.code or 500
    fields = getattr(exc, "fields", None)
    data = getattr(exc, "data", None)  # webargs / flask-smorest put messages here
    if not fields and isinstance(data, dict) and data.get("messages"):
        from .validation_messages import localise_messages

        fields = localise_messages(_flatten_webargs(data["messages"]))
    explicit = exc.description and exc.description != getattr(type(exc), "description", None)
    # 429's description is the limit ("5 per 1 minute"), not a sentence for people.
    message = exc.description if explicit and code not in (429, 500) else None
    if message is not None:
        from .validation_messages import localise_message

        message = localise_message(message)
    if message is None:
        message = _(_DEFAULT_MESSAGES.get(code, exc.name or "Error"))
    if wants_json():
        body = {
            "error": {
                "code": _code_for(exc) if code != 422 else "validation_error",
                "message": message,
                "fields": fields or {},
            }
        }
        response = current_app.json.response(body)
        response.status_code = code
        if code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if code == 401:
        from flask import redirect, url_for

        return redirect(
            url_for("accounts.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        )
    template = "errors/error.html"
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
    return render_template(template, code=code, message=message, fields=fields or {}), code, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        return error_response(exc)

    @app.errorhandler(ValidationError)
    def handle_validation(exc: ValidationError):
        return error_response(
            InvalidInput(exc.normalized_messages() if isinstance(exc.messages, dict) else {"_schema": exc.messages})
        )

    from sqlalchemy.exc import TimeoutError as PoolTimeout

    @app.errorhandler(PoolTimeout)
    def handle_overload(exc: PoolTimeout):
        log.warning("No database connection free for %s %s (overload): 503", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        return error_response(Busy())

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        return error_response(InternalServerError())
