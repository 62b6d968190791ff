"""Engine-backed site search providers for challenges and solutions (visibility enforced).

Registered as "challenge:engine" / "solution:engine" with order 10, before the simple text
providers of app/challenges and app/solutions ("challenge" / "solution"); app.web's search page
uses the first provider of each kind that answers, so it falls back to the text search when the
engine cannot or finds nothing (a provider returns None).
"""
from __future__ import annotations

import logging

from ..web.registry import SearchHit
from . import services

log = logging.getLogger(__name__)
ORDER = 10


def _provider(kind: str):
    def search(q, user, limit):
        user = user if user is not None and getattr(user, "is_authenticated", False) else None
        try:
            matches = services.search_kind(kind, q, user, limit)
        except Exception:  # the text search takes over
            log.exception("Matchmaking search failed")
            return None
        hits = []
        for m in matches:
            obj = m["object"]
            meta = getattr(getattr(obj, "owner", None) or getattr(obj, "organization", None), "name_ja", "") or ""
            hits.append(SearchHit(kind=kind, title=m["title"], url=m["url"],
                                  summary=m.get("passage") or getattr(obj, "summary", "")[:160],
                                  meta=meta, score=m["score"]))
        return hits or None  # nothing found (or an index still catching up): the text search answers
    return search


def register() -> None:
    from flask_babel import lazy_gettext as _l
    from ..web.registry import register_search
    register_search("challenge:engine", _l("Challenges"), _provider("challenge"), order=ORDER)
    register_search("solution:engine", _l("Solutions"), _provider("solution"), order=ORDER + 1)
