"""marshmallow's (and the shared rubric arithmetic's) built-in validation messages, in the user's language.

marshmallow formats its default messages in English ("Missing data for required field.",
"Not a valid integer.", "Must be one of: a, b.", "Longer than maximum length 200."). They are
translated where they leave the application: `InvalidInput` (forms, services, the ValidationError
handler), the API's error body (webargs) and the `field_errors` / `form_errors` macros (pages that
render a ValidationError's messages themselves). Our own messages (already translated, or lazy) do
not match and pass through unchanged, so applying this twice is harmless.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import has_request_context
from flask_babel import gettext, lazy_gettext as _l
from flask_babel.speaklater import LazyString

# Exact messages -> msgid (the catalogue lives in app/translations).
EXACT = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid input."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid type.": _l("Invalid type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l(
        "Special numeric values (nan or infinity) are not permitted."
    ),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid utf-8 string."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid tuple.": _l("Not a valid tuple."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid datetime.": _l("Not a valid datetime."),
    "Not a valid time.": _l("Not a valid time."),
    "Not a valid period of time.": _l("Not a valid period of time."),
    "Not a valid aware datetime.": _l("Not a valid aware datetime."),
    "Not a valid naive datetime.": _l("Not a valid naive datetime."),
    "Not a valid IP address.": _l("Not a valid IP address."),
    "String does not match expected pattern.": _l("String does not match expected pattern."),
    "Shorter than minimum length 1.": _l("This field cannot be empty."),
    "Invalid JSON body.": _l("Invalid JSON body."),
    # Flask-WTF's CSRF errors (the description of a 400)
    **{
        m: _l("The form has expired or did not come from this site. Reload the page and try again.")
        for m in (
            "The CSRF token is missing.",
            "The CSRF session token is missing.",
            "The CSRF token has expired.",
            "The CSRF token is invalid.",
            "The CSRF tokens do not match.",
            "The referrer header is missing.",
            "The referrer does not match the host.",
        )
    },
    # app/reviews/scoring.py (pure functions, shared by committees and contests)
    "Unknown criterion.": _l("Unknown criterion."),
    "A score is required.": _l("A score is required."),
    "The score must be a whole number.": _l("The score must be a whole number."),
}

_NUM = r"(-?\d+(?:\.\d+)?)"


def _fmt(msgid: str, *names: str) -> Callable[[re.Match], str]:
    return lambda m: gettext(msgid, **dict(zip(names, m.groups())))


# Formatted messages: (pattern, builder). Msgids are listed in app/translations (dynamic, not extracted).
PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(rf"^Shorter than minimum length {_NUM}\.$"), _fmt("Too short: at least %(min)s.", "min")),
    (re.compile(rf"^Longer than maximum length {_NUM}\.$"), _fmt("Too long: at most %(max)s.", "max")),
    (
        re.compile(rf"^Length must be between {_NUM} and {_NUM}\.$"),
        _fmt("The length must be between %(min)s and %(max)s.", "min", "max"),
    ),
    (re.compile(rf"^Length must be {_NUM}\.$"), _fmt("The length must be %(equal)s.", "equal")),
    (
        re.compile(rf"^Must be greater than or equal to {_NUM} and less than or equal to {_NUM}\.$"),
        _fmt("Must be between %(min)s and %(max)s.", "min", "max"),
    ),
    (
        re.compile(rf"^Must be greater than {_NUM} and less than {_NUM}\.$"),
        _fmt("Must be greater than %(min)s and less than %(max)s.", "min", "max"),
    ),
    (
        re.compile(rf"^Must be greater than or equal to {_NUM} and less than {_NUM}\.$"),
        _fmt("Must be at least %(min)s and less than %(max)s.", "min", "max"),
    ),
    (
        re.compile(rf"^Must be greater than {_NUM} and less than or equal to {_NUM}\.$"),
        _fmt("Must be greater than %(min)s and at most %(max)s.", "min", "max"),
    ),
    (re.compile(rf"^Must be greater than or equal to {_NUM}\.$"), _fmt("Must be at least %(min)s.", "min")),
    (re.compile(rf"^Must be greater than {_NUM}\.$"), _fmt("Must be greater than %(min)s.", "min")),
    (re.compile(rf"^Must be less than or equal to {_NUM}\.$"), _fmt("Must be at most %(max)s.", "max")),
    (re.compile(rf"^Must be less than {_NUM}\.$"), _fmt("Must be less than %(max)s.", "max")),
    (re.compile(r"^Must be one of: (.*)\.$", re.S), _fmt("Must be one of: %(choices)s.", "choices")),
    (re.compile(r"^Must be equal to (.*)\.$", re.S), _fmt("Must be equal to %(other)s.", "other")),
    (
        re.compile(r"^One or more of the choices you made was not in: (.*)\.$", re.S),
        _fmt("Only these values are allowed: %(choices)s.", "choices"),
    ),
    (
        re.compile(r"^One or more of the choices you made was in: (.*)\.$", re.S),
        _fmt("These values are not allowed: %(values)s.", "values"),
    ),
    (
        re.compile(r'^"(.*)" cannot be formatted as a (\w+)\.$', re.S),
        _fmt('"%(input)s" cannot be formatted as a %(type)s.', "input", "type"),
    ),
    (
        re.compile(rf"^The score must be between {_NUM} and {_NUM}\.$"),
        _fmt("The score must be between %(low)s and %(high)s.", "low", "high"),
    ),
]


def localise_message(message: Any) -> Any:
    if isinstance(message, LazyString):  # our own lazy messages: already in the user's language
        return str(message)
    if not isinstance(message, str) or not has_request_context():
        return message
    known = EXACT.get(message)
    if known is not None:
        return str(known)
    for pattern, build in PATTERNS:
        match = pattern.match(message)
        if match:
            return build(match)
    return message


def localise_messages(messages: Any) -> Any:
    """The same structure (dict / list / str, nested), with marshmallow's English messages translated.
    A field's messages are always a list: marshmallow leaves a lazy `error_messages` entry bare
    (ValidationError only wraps a `str`), which made pages print it one character per line."""
    if isinstance(messages, dict):
        return {key: _field_messages(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [localise_messages(value) for value in messages]
    return localise_message(messages)


def _field_messages(value: Any) -> Any:
    if isinstance(value, dict):
        return localise_messages(value)
    if isinstance(value, (list, tuple)):
        return [localise_messages(v) for v in value]
    return [localise_message(value)]


def error_list(value: Any) -> list:
    """A field's messages as a flat list of strings, for templates (list, bare string, or nested dict)."""
    if isinstance(value, dict):
        return [m for v in value.values() for m in error_list(v)]
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in error_list(v)]
    return [localise_message(value)] if value is not None else []
