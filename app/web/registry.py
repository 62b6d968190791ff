"""Extension points for pages shared by every domain, so no domain edits another's files.

- nav links:        register_nav(label, endpoint, order); register_library(label, endpoint, order) for the
                    "shared by members" sub-navigation (contracts, specifications, notes), so the
                    header stays one line
- dashboard panels: register_panel(template, context(user) -> dict | None, order)
- org page:         register_org_section(template, context(org, user) -> dict | None, order)
- site search:      register_search(kind, label, search(q, user, limit) -> list[SearchHit], order)
- object pages:     register_section("challenge" | "solution" | "pilot" | ..., template,
                                     context(obj, user) -> dict | None, order)
                    e.g. applications and committee on a challenge page, matches, similar pilots.
                    Pages render them with `{% for template, ctx in sections_for("challenge", challenge) %}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(order=True)
class _Entry:
    order: int
    name: str
    payload: Any = field(compare=False)


NAV: list[_Entry] = []
LIBRARY: list[_Entry] = []
PANELS: list[_Entry] = []
ORG_SECTIONS: list[_Entry] = []
SEARCH: list[_Entry] = []
SECTIONS: dict[str, list[_Entry]] = {}


@dataclass
class SearchHit:
    kind: str
    title: str
    url: str
    summary: str = ""
    meta: str = ""
    score: float = 0.0


def _add(bucket: list, name: str, payload, order: int) -> None:
    if any(e.name == name for e in bucket):
        return  # registering twice (a second app in the same process) is harmless
    bucket.append(_Entry(order, name, payload))
    bucket.sort()


def register_nav(label, endpoint: str, order: int = 50) -> None:
    _add(NAV, endpoint, label, order)


def register_library(label, endpoint: str, order: int = 50) -> None:
    _add(LIBRARY, endpoint, label, order)


def register_panel(template: str, context: Callable, order: int = 50) -> None:
    _add(PANELS, template, context, order)


def register_org_section(template: str, context: Callable, order: int = 50) -> None:
    _add(ORG_SECTIONS, template, context, order)


def register_search(kind: str, label, search: Callable, order: int = 50) -> None:
    _add(SEARCH, kind, (label, search), order)


def register_section(page: str, template: str, context: Callable, order: int = 50) -> None:
    _add(SECTIONS.setdefault(page, []), template, context, order)


def sections_for(page: str, obj, user) -> list[tuple[str, dict]]:
    """The (template, context) pairs to render on `page` for `obj`, in order; None contexts are skipped."""
    result = []
    for entry in SECTIONS.get(page, []):
        context = entry.payload(obj, user)
        if context is not None:
            result.append((entry.name, context))
    return result
