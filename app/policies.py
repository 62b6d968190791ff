"""The one permission layer: `can(user, action, obj)`, deny by default.

Each domain's `policies.py` registers rules with `@rule("challenge.edit")`.
Pages, API and sockets all ask `can()` / `authorize()`. What a user may not
see is answered 404, what they see but may not change is 403.
"""

from __future__ import annotations

from typing import Any, Callable

from flask_login import current_user

from .errors import NotFound, PermissionDenied, Unauthorized

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if action in _RULES:
            raise RuntimeError(f"Policy rule {action!r} registered twice")
        _RULES[action] = fn
        return fn

    return register


def can(user, action: str, obj: Any = None) -> bool:
    fn = _RULES.get(action)
    if fn is None:
        return False
    if user is None or not getattr(user, "is_authenticated", False):
        user = None
    elif not getattr(user, "is_active", True):
        return False
    return bool(fn(user, obj))


def view_action(obj: Any) -> str | None:
    name = getattr(obj, "__policy__", None)
    return f"{name}.view" if name else None


def authorize(action: str, obj: Any = None, user: Any = None) -> None:
    """Raise 404 if the user may not even see `obj`, 403 if they see it but may not act."""
    user = current_user if user is None else user
    if can(user, action, obj):
        return
    seen = view_action(obj)
    if obj is not None and seen and seen != action and can(user, seen, obj):
        if not getattr(user, "is_authenticated", False):
            raise Unauthorized()
        raise PermissionDenied()
    if obj is None:
        if getattr(user, "is_authenticated", False):
            raise PermissionDenied()
        raise Unauthorized()
    raise NotFound()


def registered_actions() -> list[str]:
    return sorted(_RULES)
