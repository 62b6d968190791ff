"""The API's error body in the OpenAPI document, and the error statuses each operation returns.

Every error is {"error": {"code", "message", "fields"}} (app/errors.py). flask-smorest registers a
response component per HTTP status with `PlatformApi.ERROR_SCHEMA`; after each blueprint is
registered, `document_error_responses` adds to every operation the statuses that the shared layers
can return, instead of a catch-all `default`:

- 400 malformed request (invalid or too deeply nested JSON, a business rule) and 401 (an invalid
  `Authorization` header, or no login where one is needed): every operation;
- 403 and 404 (app.policies: refused, or not visible): operations on an object (a path id) and
  every state-changing one;
- 409 (the object's state forbids it) and 422 (field errors): every state-changing operation;
  422 also on operations with query parameters (flask-smorest adds it with the arguments).
Statuses particular to one operation (429 on the logins, 413 on uploads) are declared on it with
`@blp.alt_response(status, response=STATUS_NAME)`.
"""

from __future__ import annotations

import http

from marshmallow import Schema, fields

UNSAFE = {"post", "put", "patch", "delete"}


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable: not_found, validation_error, …"})
    message = fields.String(required=True, metadata={"description": "For people, in the request's language."})
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        data_key="fields",
        metadata={
            "description": "Messages by field name (lists of strings, or "
            "nested objects for nested fields); {} when none."
        },
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def _statuses(path: str, method: str) -> set[int]:
    statuses = {400, 401}
    if "{" in path or method in UNSAFE:
        statuses |= {403, 404}
    if method in UNSAFE:
        statuses |= {409, 422}
    return statuses


def document_error_responses(spec) -> None:
    for path, operations in spec._paths.items():
        for method, operation in operations.items():
            if method not in {"get", "head", "post", "put", "patch", "delete", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for status in sorted(_statuses(path, method)):
                if str(status) not in responses and status not in responses:
                    responses[str(status)] = spec.components.get_ref("response", http.HTTPStatus(status).name)
