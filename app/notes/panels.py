"""Sections on other pages: the practice notes linked to a challenge, pilot, round or specification."""

from __future__ import annotations

from . import services


def linked(field: str):
    def context(obj, user):
        notes = services.linked_to(field, obj.id, user)
        return {"notes": notes, "link_field": field, "link_id": obj.id} if notes or user is not None else None

    return context


def notes_linked_to(field: str, object_id: int, user) -> list:
    return services.linked_to(field, object_id, user if getattr(user, "is_authenticated", False) else None)
