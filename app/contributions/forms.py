"""HTML forms: the challenge form carries one text box per kind of offer (`offer_<kind>`); a box left
blank means that kind is not offered. The API takes the same as `offers: [{kind, description}]`."""

from __future__ import annotations

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from ..errors import InvalidInput
from ..forms import form_to_dict
from .constants import OFFER_KINDS

PREFIX = "offer_"


def offers_from_form(form) -> list[dict]:
    return [
        {"kind": kind, "description": form.get(PREFIX + kind, "").strip()}
        for kind in OFFER_KINDS
        if form.get(PREFIX + kind, "").strip()
    ]


def offer_form_values(offers) -> dict:
    """{offer_<kind>: description} to re-fill the form from a challenge's offers."""
    return {PREFIX + o["kind"]: o.get("description", "") for o in offers or () if isinstance(o, dict)}


def load_challenge_form(schema: Schema, form: MultiDict) -> dict:
    """load_form for the challenge form: offers from their boxes, co-development from its checkbox."""
    base = MultiDict([(k, v) for k, v in form.items(multi=True) if not k.startswith(PREFIX)])
    data = form_to_dict(base, schema)
    data["offers"] = offers_from_form(form)
    data["co_development"] = form.get("co_development", "") in ("1", "on", "true", "yes")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(_flatten_offer_errors(exc.normalized_messages(), data["offers"])) from exc


def _flatten_offer_errors(errors: dict, offers: list[dict]) -> dict:
    """{"offers": {0: {"description": [...]}}} becomes {"offer_<kind>": [...]} so the box shows it."""
    nested = errors.get("offers")
    if isinstance(nested, dict):
        errors = dict(errors)
        errors.pop("offers")
        for index, messages in nested.items():
            kind = offers[int(index)]["kind"] if str(index).isdigit() and int(index) < len(offers) else None
            if kind and isinstance(messages, dict):
                errors[PREFIX + kind] = [m for ms in messages.values() for m in ms]
    return errors
